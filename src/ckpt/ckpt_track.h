/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write tracking of a checkpoint region: which pages the application wrote
 * since the last collect, so a commit sends what changed without being told.
 *
 * Three ways, chosen at run time:
 *   uffd-fault  asked for with VNFHA_CKPT_TRACK_F_FAULTS: write-protect
 *            faults that the writing thread handles itself (ckpt_fault.h,
 *            Linux >= 5.19): a collect costs what was written, whatever the
 *            region's size; the first write to each page after a collect
 *            costs a fault (~6 us), and the kernel may not write into the
 *            region. Falls back to the next two when the kernel lacks it.
 *   uffd-wp  userfaultfd write-protect in asynchronous mode
 *            (UFFD_FEATURE_WP_ASYNC, Linux >= 6.7) on the mapping, read and
 *            re-armed by one PAGEMAP_SCAN ioctl with PAGE_IS_WRITTEN and
 *            PM_SCAN_WP_MATCHING: the kernel marks a page written on its
 *            first write (no fault reaches user space, the writer is not
 *            stopped) and the scan finds exactly those pages and
 *            write-protects them again, page by page, atomically.
 *            A MAP_SHARED memfd (shmem) needs UFFD_FEATURE_WP_HUGETLBFS_SHMEM.
 *   scan     everywhere else: one XXH3 per page kept, the whole region
 *            hashed again at each collect (cost follows the region).
 * vnfha__ckpt_track_kind() says which is in use and _why() why uffd-wp is not.
 *
 * Writes racing a collect are never lost: a page written after the scan
 * re-armed it is marked (or hashes) differently again and comes next time.
 * Only the mapping given here is tracked (writes through another mapping of
 * the same memory are that mapping's tracker's business). Not thread-safe:
 * the caller serialises collect/redirty of one tracker.
 */
#ifndef VNFHA_CKPT_TRACK_H
#define VNFHA_CKPT_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnfha/ckpt.h"

enum vnfha__ckpt_track_kind {
	VNFHA_CKPT_TRACK_UFFD_WP = 1,
	VNFHA_CKPT_TRACK_SCAN = 2,
	VNFHA_CKPT_TRACK_UFFD_FAULT = 3,
};

/* vnfha__ckpt_track_new() flags */
#define VNFHA_CKPT_TRACK_F_FORCE_SCAN 0x1u /* do not try uffd-wp (tests, VNFHA_CKPT_TRACK=scan) */
#define VNFHA_CKPT_TRACK_F_FAULTS 0x2u /* try uffd-fault first (VNFHA_CKPT_OPEN_TRACK_FAULTS) */

struct vnfha__ckpt_track;

/*
 * Starts tracking writes to [map, map + size) (page aligned, a MAP_SHARED or
 * private mapping of this process). Everything counts as clean from here on.
 * [out] ret_track  free with vnfha__ckpt_track_free()
 * Errors: -EINVAL map or size not page aligned, size 0; -ENOMEM.
 * A kernel without uffd-wp is not an error: the scan is used instead.
 */
int vnfha__ckpt_track_new(void *map, size_t size, unsigned int flags,
			  struct vnfha__ckpt_track **ret_track);
/* Stops tracking (unregisters the range). NULL is fine. */
void vnfha__ckpt_track_free(struct vnfha__ckpt_track *t);

enum vnfha__ckpt_track_kind vnfha__ckpt_track_kind(const struct vnfha__ckpt_track *t);
/* "uffd-fault", "uffd-wp" or "scan". */
const char *vnfha__ckpt_track_kind_name(const struct vnfha__ckpt_track *t);
/* Why the way asked for is not in use ("" when it is): the probe's
 * finding (uffd-wp when none was asked for, uffd-fault when it was). */
const char *vnfha__ckpt_track_why(const struct vnfha__ckpt_track *t);

/*
 * The page ranges written since the last collect (sorted, merged, offsets
 * from map), re-armed: a later write to them is reported next time.
 * [out] ret_ranges  owned by the tracker, valid until the next call on it
 * [out] ret_n       their number (0: nothing written)
 * Errors: -ENOMEM; -errno of the PAGEMAP_SCAN ioctl (then everything is
 * reported dirty once more at the next collect, nothing is lost).
 */
int vnfha__ckpt_track_collect(struct vnfha__ckpt_track *t, const struct vnfha_ckpt_range **ret_ranges,
			      size_t *ret_n);

/*
 * Marks ranges dirty again (their commit failed): the next collect reports
 * them (rounded out to whole pages). Offsets past the end are cut off.
 */
int vnfha__ckpt_track_redirty(struct vnfha__ckpt_track *t, const struct vnfha_ckpt_range *ranges,
			      size_t n);

/*
 * Before the kernel writes into the region (read(2) into it: a restore):
 * uffd-fault lifts its protection, which such writes would fail on
 * (EFAULT), until the next collect, and counts every page written, as the
 * other ways find pages the kernel wrote. The caller serialises it with
 * collect and holds off collects until the kernel's writes are done.
 */
int vnfha__ckpt_track_before_kernel_writes(struct vnfha__ckpt_track *t);

/* Runs the kernel probe alone: 0 when uffd-wp tracking of a shared memfd
 * works here, else -errno and a reason in why. */
int vnfha__ckpt_track_probe(char *why, size_t why_len);

#endif
