// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_key.h"

static bool is_user(uid_t uid, const char *name)
{
	const struct passwd *pw = getpwnam(name);

	return pw != NULL && pw->pw_uid == uid;
}

static bool is_group(gid_t gid, const char *name)
{
	const struct group *gr = getgrnam(name);

	return gr != NULL && gr->gr_gid == gid;
}

static const char *user_name(uid_t uid, char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(uid);

	if (pw != NULL) {
		return pw->pw_name;
	}
	snprintf(buf, len, "%u", (unsigned int)uid);
	return buf;
}

static const char *group_name(gid_t gid, char *buf, size_t len)
{
	const struct group *gr = getgrgid(gid);

	if (gr != NULL) {
		return gr->gr_name;
	}
	snprintf(buf, len, "%u", (unsigned int)gid);
	return buf;
}

int vnfha__ckpt_key_check_mode(const char *path, uid_t uid, gid_t gid, mode_t mode, char *why,
			       size_t why_len)
{
	unsigned int perm = (unsigned int)(mode & 07777);
	char num[16];

	if ((mode & S_IRWXO) != 0) {
		snprintf(why, why_len,
			 "key file '%s' has mode %04o: every local user can %s it; fix: "
			 "chmod o-rwx '%s' (0600 root, or 0640 group " VNFHA_CKPT_KEY_GROUP
			 " as crm cluster init makes it), the same on every node",
			 path, perm, (mode & S_IWOTH) != 0 ? "change" : "read", path);
		return -EPERM;
	}
	if ((mode & S_IWGRP) != 0) {
		snprintf(why, why_len,
			 "key file '%s' has mode %04o: group '%s' can change it; fix: chmod g-w '%s'",
			 path, perm, group_name(gid, num, sizeof(num)), path);
		return -EPERM;
	}
	if (uid != 0 && uid != geteuid() && !is_user(uid, VNFHA_CKPT_KEY_USER)) {
		snprintf(why, why_len,
			 "key file '%s' is owned by user '%s', who could replace it; fix: "
			 "chown root '%s' (or " VNFHA_CKPT_KEY_USER ", as pcs and crmsh make it)",
			 path, user_name(uid, num, sizeof(num)), path);
		return -EPERM;
	}
	if ((mode & S_IRGRP) != 0 && gid != 0 && gid != getegid() &&
	    !is_group(gid, VNFHA_CKPT_KEY_GROUP)) {
		snprintf(why, why_len,
			 "key file '%s' is readable by group '%s' (mode %04o); only root, "
			 VNFHA_CKPT_KEY_GROUP " or this daemon's group may read it; fix: "
			 "chgrp " VNFHA_CKPT_KEY_GROUP " '%s' or chmod g-r '%s'",
			 path, group_name(gid, num, sizeof(num)), perm, path, path);
		return -EPERM;
	}
	return 0;
}
