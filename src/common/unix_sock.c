// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unix-domain socket addresses (unix_sock.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/unix_sock.h"

int vnfha__unix_addr(const char *path, struct sockaddr_un *ret_addr, socklen_t *ret_len)
{
	size_t n = path != NULL ? strlen(path) : 0;

	if (n == 0) {
		return -EINVAL;
	}
	if (n >= sizeof(ret_addr->sun_path)) {
		return -ENAMETOOLONG;
	}
	memset(ret_addr, 0, sizeof(*ret_addr));
	ret_addr->sun_family = AF_UNIX;
	memcpy(ret_addr->sun_path, path, n + 1);
	*ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

/* A socket of type for path, its address and length: the fd or -errno. */
static int unix_socket(const char *path, int type, struct sockaddr_un *ret_addr,
		       socklen_t *ret_len)
{
	int rc = vnfha__unix_addr(path, ret_addr, ret_len);
	int fd;

	if (rc != 0) {
		return rc;
	}
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	return fd >= 0 ? fd : -errno;
}

int vnfha__unix_connect(const char *path, int type)
{
	struct sockaddr_un sa;
	socklen_t len = 0;
	int fd = unix_socket(path, type, &sa, &len);
	int rc;

	if (fd < 0) {
		return fd;
	}
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int vnfha__unix_listen(const char *path, int type, mode_t mode, int backlog)
{
	return vnfha__unix_listen_owned(path, type, mode, (uid_t)-1, (gid_t)-1, backlog);
}

int vnfha__unix_listen_owned(const char *path, int type, mode_t mode, uid_t uid, gid_t gid,
			     int backlog)
{
	struct sockaddr_un sa;
	socklen_t len = 0;
	int fd = unix_socket(path, type, &sa, &len);
	int rc;

	if (fd < 0) {
		return fd;
	}
	unlink(path); /* a stale socket of a process that is gone */
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 || chmod(path, mode) < 0 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) ||
	    listen(fd, backlog) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}
