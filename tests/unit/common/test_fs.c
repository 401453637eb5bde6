// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha__mkdir_p: every missing level, exact modes under any umask,
 * existing directories untouched, a file in the way refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "unit.h"

static unsigned int mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned int)(st.st_mode & 07777) : 01000000;
}

int main(void)
{
	char tmpl[] = "/tmp/vnfha-test-fs.XXXXXX";
	char *base = mkdtemp(tmpl);
	char a[256], b[256], c[256], f[256];
	FILE *file;

	if (base == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(a, sizeof(a), "%s/var", base);
	snprintf(b, sizeof(b), "%s/var/lib", base);
	snprintf(c, sizeof(c), "%s/var/lib/ckpt", base);
	/* The umask of a daemon that hides everything from others. */
	umask(077);
	CHECK_INT(vnfha__mkdir_p(c, 0755, 0700), 0);
	CHECK_INT(mode_of(a), 0755);
	CHECK_INT(mode_of(b), 0755);
	CHECK_INT(mode_of(c), 0700);
	/* Existing levels stay as they are; a trailing slash is the same path. */
	chmod(b, 0750);
	snprintf(f, sizeof(f), "%s/var/lib/ckpt//", base);
	CHECK_INT(vnfha__mkdir_p(f, 0755, 0755), 0);
	CHECK_INT(mode_of(b), 0750);
	CHECK_INT(mode_of(c), 0700);
	/* A file where a directory should be. */
	snprintf(f, sizeof(f), "%s/file", base);
	file = fopen(f, "w");
	CHECK(file != NULL);
	if (file != NULL) {
		fclose(file);
	}
	CHECK_INT(vnfha__mkdir_p(f, 0755, 0755), -ENOTDIR);
	snprintf(f, sizeof(f), "%s/file/below", base);
	CHECK_INT(vnfha__mkdir_p(f, 0755, 0755), -ENOTDIR);
	CHECK_INT(vnfha__mkdir_p("relative/dir", 0755, 0755), -EINVAL);
	CHECK_INT(vnfha__mkdir_p("", 0755, 0755), -EINVAL);
	CHECK_INT(vnfha__mkdir_p("/", 0755, 0755), 0);
	/* Clean up (deepest first). */
	snprintf(f, sizeof(f), "%s/file", base);
	unlink(f);
	rmdir(c);
	rmdir(b);
	rmdir(a);
	rmdir(base);
	return UNIT_DONE();
}
