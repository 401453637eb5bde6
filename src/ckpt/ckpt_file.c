// SPDX-License-Identifier: LGPL-2.1-or-later
/* The store's file I/O: whole reads and writes, atomic replacement. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_store_internal.h"

int vnfha__ckpt_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vnfha__ckpt_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int vnfha__ckpt_pread_all(int fd, void *buf, size_t len, off_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			return -ENODATA;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int vnfha__ckpt_fsync(int fd)
{
	return fsync(fd) == 0 ? 0 : -errno;
}

void vnfha__ckpt_data_name(char *buf, size_t len, uint64_t id)
{
	snprintf(buf, len, "data.%" PRIu64, id);
}

int vnfha__ckpt_read_file(int dirfd, const char *name, size_t max, uint8_t **ret_buf,
			  size_t *ret_len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	int rc;

	if (fd < 0) {
		return -errno;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out_close;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto out_close;
	}
	rc = vnfha__ckpt_pread_all(fd, buf, (size_t)st.st_size, 0);
	if (rc != 0) {
		free(buf);
		goto out_close;
	}
	*ret_buf = buf;
	*ret_len = (size_t)st.st_size;
out_close:
	close(fd);
	return rc;
}

/* Writes name atomically: name.tmp, (fsync), rename, (fsync dir). */
int vnfha__ckpt_write_atomic(int dirfd, const char *name, const void *buf, size_t len,
			     bool durable)
{
	char tmp[VNFHA_CKPT_NAME_MAX + 16];
	int fd;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		return -errno;
	}
	rc = vnfha__ckpt_write_all(fd, buf, len);
	if (rc == 0 && durable) {
		rc = vnfha__ckpt_fsync(fd);
	}
	close(fd);
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) != 0) {
		rc = -errno;
	}
	if (rc == 0 && durable) {
		rc = vnfha__ckpt_fsync(dirfd);
	}
	if (rc != 0) {
		unlinkat(dirfd, tmp, 0);
	}
	return rc;
}

int vnfha__ckpt_write_meta(int objfd, const struct vnfha__ckpt_meta *m, bool durable)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = vnfha__ckpt_meta_encode(m, &buf, &len);

	if (rc == 0) {
		rc = vnfha__ckpt_write_atomic(objfd, "meta", buf, len, durable);
		free(buf);
	}
	return rc;
}
