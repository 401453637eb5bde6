/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The userfaultfd calls both write trackers make (ckpt_track.c, async
 * write-protect; ckpt_fault.c, SIGBUS mode): open one registered for
 * write-protect on a range, and protect or unprotect part of it. The
 * features are probed by the caller's UFFDIO_API; definitions older
 * headers lack are here.
 */
#ifndef VNFHA_CKPT_UFFD_H
#define VNFHA_CKPT_UFFD_H

#include <linux/userfaultfd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1 /* Linux 5.11 */
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1 << 12) /* Linux 5.19 */
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15) /* Linux 6.7 */
#endif

/*
 * A userfaultfd with features, registered for write-protect on
 * [start, start + size) (nothing protected yet). User-mode faults only:
 * allowed without CAP_SYS_PTRACE whatever vm.unprivileged_userfaultfd says.
 * Returns the descriptor, or -errno with a reason in why (kernel_lacks
 * names the features for the message).
 */
int vnfha__ckpt_uffd_open(uintptr_t start, size_t size, uint64_t features,
			  const char *kernel_lacks, char *why, size_t why_len);

/* UFFDIO_WRITEPROTECT of [start, start + len): 0 or -errno. */
int vnfha__ckpt_uffd_wp(int uffd, uintptr_t start, size_t len, bool protect);

/* UFFDIO_UNREGISTER of [start, start + len) (its protection lifted), in
 * the process that opened the descriptor (owner) only: in a child after
 * fork(2) it still acts on the parent's memory. */
void vnfha__ckpt_uffd_unregister(int uffd, uintptr_t start, size_t len, pid_t owner);

#endif
