// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int vnfha__write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
			     bool sync)
{
	char tmp[PATH_MAX];
	int fd;
	int rc = 0;

	if (path == NULL) {
		return -EINVAL;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		return -errno;
	}
	for (size_t off = 0; off < len && rc == 0;) {
		ssize_t n = write(fd, (const uint8_t *)buf + off, len - off);

		if (n < 0 && errno != EINTR) {
			rc = -errno;
		} else if (n > 0) {
			off += (size_t)n;
		}
	}
	if (rc == 0 && sync && fsync(fd) != 0) {
		rc = -errno;
	}
	if (close(fd) != 0 && rc == 0) {
		rc = -errno;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -errno;
	}
	if (rc != 0) {
		unlink(tmp);
	}
	return rc;
}
