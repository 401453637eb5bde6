// SPDX-License-Identifier: LGPL-2.1-or-later
/* The userfaultfd calls of the write trackers; see ckpt_uffd.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ckpt/ckpt_uffd.h"

int vnfha__ckpt_uffd_open(uintptr_t start, size_t size, uint64_t features,
			  const char *kernel_lacks, char *why, size_t why_len)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	struct uffdio_register reg = { .range = { .start = start, .len = size },
				       .mode = UFFDIO_REGISTER_MODE_WP };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	int rc;

	if (fd < 0) {
		rc = -errno;
		snprintf(why, why_len, "userfaultfd: %s", strerror(errno));
		return rc;
	}
	if (ioctl(fd, UFFDIO_API, &api) != 0) {
		rc = -errno;
		snprintf(why, why_len, "kernel lacks %s: %s", kernel_lacks, strerror(errno));
	} else if (ioctl(fd, UFFDIO_REGISTER, &reg) != 0) {
		rc = -errno;
		snprintf(why, why_len, "UFFDIO_REGISTER (write-protect) of the region: %s",
			 strerror(errno));
	} else {
		return fd;
	}
	close(fd);
	return rc;
}

int vnfha__ckpt_uffd_wp(int uffd, uintptr_t start, size_t len, bool protect)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = start, .len = len },
		.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) == 0 ? 0 : -errno;
}

void vnfha__ckpt_uffd_unregister(int uffd, uintptr_t start, size_t len, pid_t owner)
{
	struct uffdio_range r = { .start = start, .len = len };

	if (owner == getpid()) {
		ioctl(uffd, UFFDIO_UNREGISTER, &r);
	}
}
