/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write tracking by write-protect faults that the writing thread handles
 * itself: a userfaultfd in SIGBUS mode (UFFD_FEATURE_SIGBUS, Linux 4.14;
 * shmem write-protect, Linux 5.19) protects the mapping; a thread's first
 * write to a protected page raises SIGBUS in that thread, and the handler
 * here marks the page in a bitmap and lifts the protection of that page
 * alone (~6 us; no other thread runs, nothing is woken). A take returns
 * the marked pages and protects them again: its cost follows the pages
 * written, not the mapping's size (a two-level bitmap, one bit per page and
 * one per 64-page word), where a PAGEMAP_SCAN visits every page-table
 * entry of the mapping.
 *
 * What it asks of the process (vnfha_ckpt_open_flags(3) says it too):
 *   - the kernel may not write into the mapping (read(2) into a protected
 *     page fails with EFAULT: the fault is not a user-mode one);
 *   - SIGBUS: one handler, installed by the first tracker, passing every
 *     SIGBUS that is not a write to a tracked page to the action the
 *     process had then (its handler, or the default: a core dump); a
 *     later tracker installs it again if the action was reset to the
 *     default, and fails (-EBUSY: the caller falls back) if another
 *     handler replaced it, which then gets the tracked writes of the
 *     trackers alive; threads that write must not block SIGBUS.
 *
 * Writes racing a take are never lost: the handler lifts the protection
 * before it marks the page, so a write lands either before the take
 * protects its page again (in this take, or marked for the next) or faults
 * again; and a take first waits for the handlers that lifted a protection
 * but have not marked the page yet, so a write another thread made to that
 * page meanwhile is in its own next submit. A take makes the generation odd while it runs: the handler passes
 * a fault on only when the same thread faults again on the same page in
 * the same even generation (nothing can have protected it again).
 */
#ifndef VNFHA_CKPT_FAULT_H
#define VNFHA_CKPT_FAULT_H

#include <stddef.h>
#include <stdint.h>

struct vnfha__ckpt_fault;

/*
 * Protects [map, map + size) (page aligned, this process's mapping) and
 * tracks its writes from here on.
 * Errors: -ENOMEM; -errno of userfaultfd(2) or its ioctls, with a reason in
 * why (a kernel without them: the caller falls back); -EBUSY SIGBUS has
 * another handler, installed after libvnfha's.
 */
int vnfha__ckpt_fault_new(void *map, size_t size, size_t page, struct vnfha__ckpt_fault **ret_fault,
			  char *why, size_t why_len);
/* Stops tracking: the protection is lifted first. NULL is fine. */
void vnfha__ckpt_fault_free(struct vnfha__ckpt_fault *f);

/* Called per run of written pages, in order: offset and length in bytes
 * from map. Nonzero stops the take (the rest stays marked). */
typedef int (*vnfha__ckpt_fault_add_fn)(void *ctx, uint64_t offset, uint64_t length);

/*
 * Takes the pages written since the last take and protects them again,
 * then passes each run to add. Not thread-safe against itself,
 * vnfha__ckpt_fault_mark() or _open_all() (the caller serialises them;
 * the handler's marks may come at any time); writers may run.
 * Errors: add's; -errno of the protecting ioctl. The run that failed and
 * the rest stay marked (reported next time); the runs passed to add
 * before are the caller's to mark again if it drops them.
 */
int vnfha__ckpt_fault_take(struct vnfha__ckpt_fault *f, vnfha__ckpt_fault_add_fn add, void *ctx);

/* Lifts the protection of the whole mapping and marks every page written:
 * the kernel may write into it until the next take. 0 or -errno. */
int vnfha__ckpt_fault_open_all(struct vnfha__ckpt_fault *f);

/* Marks pages first .. first + n - 1 written (the next take reports them). */
void vnfha__ckpt_fault_mark(struct vnfha__ckpt_fault *f, uint64_t first, uint64_t n);

/* Tests only: called by the handler between lifting a page's protection
 * and marking it (NULL: nothing). */
extern void (*vnfha__ckpt_fault_test_pause)(void);

#endif
