// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fs.h"

/* One directory: created with exactly mode (chmod after mkdir: the umask
 * of pacemaker-execd, 0026 or stricter, must not decide who may reach a
 * socket below it), or checked to be a directory when it exists. */
static int make_one(const char *dir, mode_t mode)
{
	struct stat st;

	if (mkdir(dir, mode) == 0) {
		return chmod(dir, mode) == 0 ? 0 : -errno;
	}
	if (errno != EEXIST) {
		return -errno;
	}
	if (stat(dir, &st) != 0) {
		return -errno;
	}
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int vnfha__mkdir_p(const char *path, mode_t parent_mode, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len;
	int rc;

	if (path == NULL || path[0] != '/') {
		return -EINVAL;
	}
	len = strlen(path);
	if (len >= sizeof(buf)) {
		return -ENAMETOOLONG;
	}
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/') {
		buf[--len] = '\0';
	}
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/' || p[-1] == '/') {
			continue;
		}
		*p = '\0';
		rc = make_one(buf, parent_mode);
		*p = '/';
		if (rc < 0) {
			return rc;
		}
	}
	return len == 1 ? 0 : make_one(buf, mode);
}
