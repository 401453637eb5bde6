// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha__ckpt_key_check_mode: the key files crmsh, pcs and the docs write
 * are accepted; one that others, a foreign group or a foreign owner could
 * read or change is refused with the command that fixes it. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_key.h"
#include "unit.h"

#define K "/etc/pacemaker/authkey"

static char why[512];

static int check(uid_t uid, gid_t gid, mode_t mode)
{
	why[0] = '\0';
	return vnfha__ckpt_key_check_mode(K, uid, gid, S_IFREG | mode, why, sizeof(why));
}

/* A uid and a gid that are neither root, nor ours, nor Pacemaker's. */
static uid_t foreign_uid(void)
{
	uid_t uid = 4242;

	while (uid == geteuid() || getpwuid(uid) != NULL) {
		uid++;
	}
	return uid;
}

static gid_t foreign_gid(void)
{
	gid_t gid = 4242;

	while (gid == getegid() || getgrgid(gid) != NULL) {
		gid++;
	}
	return gid;
}

int main(void)
{
	const struct passwd *hacluster = getpwnam(VNFHA_CKPT_KEY_USER);
	const struct group *haclient = getgrnam(VNFHA_CKPT_KEY_GROUP);

	/* by hand, as the docs say */
	CHECK_INT(check(0, 0, 0600), 0);
	CHECK_INT(check(0, 0, 0400), 0);
	CHECK_INT(check(0, 0, 0640), 0);
	CHECK_INT(check(geteuid(), getegid(), 0640), 0);
	if (hacluster != NULL && haclient != NULL) {
		/* crm cluster init */
		CHECK_INT(check(hacluster->pw_uid, haclient->gr_gid, 0640), 0);
		/* pcs cluster setup */
		CHECK_INT(check(hacluster->pw_uid, haclient->gr_gid, 0400), 0);
		CHECK_INT(check(0, haclient->gr_gid, 0640), 0);
	} else {
		fprintf(stderr, "no %s/%s on this host: crmsh/pcs cases not run\n",
			VNFHA_CKPT_KEY_USER, VNFHA_CKPT_KEY_GROUP);
	}
	/* world-readable, world-writable, any bit for others */
	CHECK_INT(check(0, 0, 0644), -EPERM);
	CHECK(strstr(why, "mode 0644: every local user can read it") != NULL);
	CHECK(strstr(why, "fix: chmod o-rwx '" K "'") != NULL);
	CHECK_INT(check(0, 0, 0602), -EPERM);
	CHECK(strstr(why, "every local user can change it") != NULL);
	CHECK_INT(check(0, 0, 0601), -EPERM);
	/* group-writable */
	CHECK_INT(check(0, 0, 0660), -EPERM);
	CHECK(strstr(why, "group 'root' can change it; fix: chmod g-w '" K "'") != NULL);
	/* a group that is not Pacemaker's may not read it */
	CHECK_INT(check(0, foreign_gid(), 0640), -EPERM);
	CHECK(strstr(why, "fix: chgrp " VNFHA_CKPT_KEY_GROUP " '" K "' or chmod g-r") != NULL);
	CHECK_INT(check(0, foreign_gid(), 0600), 0); /* the group has no access */
	/* an ordinary user could replace it */
	CHECK_INT(check(foreign_uid(), 0, 0600), -EPERM);
	CHECK(strstr(why, "fix: chown root '" K "'") != NULL);
	fprintf(stderr, "last refusal: %s\n", why);
	return UNIT_DONE();
}
