// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha__mkdir_p: every missing level, exact modes under any umask,
 * existing directories untouched, a file in the way refused.
 * vnfha__write_file_atomic: the whole new content or the old one, nothing
 * left behind on an error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "unit.h"

static unsigned int mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned int)(st.st_mode & 07777) : 01000000;
}

/* The whole of path, NUL-terminated, in out (at most len - 1 bytes). */
static ssize_t slurp(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		return -1;
	}
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return (ssize_t)n;
}

static void test_write_file_atomic(const char *base)
{
	char dir[300], path[400], tmp[420], got[64];

	snprintf(path, sizeof(path), "%s/pid", base);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK_INT(vnfha__write_file_atomic(path, "12345\n", 6, 0640, false), 0);
	CHECK_INT((int)slurp(path, got, sizeof(got)), 6);
	CHECK(strcmp(got, "12345\n") == 0);
	CHECK_INT(mode_of(path), 0640 & ~077u); /* the umask of main applies */
	/* Replaced whole, shorter, synced; no temporary left. */
	CHECK_INT(vnfha__write_file_atomic(path, "7\n", 2, 0600, true), 0);
	CHECK_INT((int)slurp(path, got, sizeof(got)), 2);
	CHECK(strcmp(got, "7\n") == 0);
	CHECK(access(tmp, F_OK) != 0);
	/* Empty content is a file of 0 bytes. */
	CHECK_INT(vnfha__write_file_atomic(path, "", 0, 0600, false), 0);
	CHECK_INT((int)slurp(path, got, sizeof(got)), 0);
	/* A directory in the way: the rename fails, nothing left behind. */
	snprintf(dir, sizeof(dir), "%s/adir", base);
	CHECK_INT(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/file-in", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(vnfha__write_file_atomic(path, "x", 1, 0600, false) < 0);
	CHECK(access(tmp, F_OK) != 0);
	rmdir(path);
	rmdir(dir);
	/* No such directory; NULL. */
	snprintf(path, sizeof(path), "%s/none/pid", base);
	CHECK_INT(vnfha__write_file_atomic(path, "x", 1, 0600, false), -ENOENT);
	CHECK_INT(vnfha__write_file_atomic(NULL, "x", 1, 0600, false), -EINVAL);
	snprintf(path, sizeof(path), "%s/pid", base);
	unlink(path);
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
	test_write_file_atomic(base);
	/* Clean up (deepest first). */
	snprintf(f, sizeof(f), "%s/file", base);
	unlink(f);
	rmdir(c);
	rmdir(b);
	rmdir(a);
	rmdir(base);
	return UNIT_DONE();
}
