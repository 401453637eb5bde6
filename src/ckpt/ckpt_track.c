// SPDX-License-Identifier: LGPL-2.1-or-later
/* Write tracking of a checkpoint region; the three ways are in ckpt_track.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#define XXH_INLINE_ALL /* header-only: libvnfha gains no run-time dependency */
#include <xxhash.h>

#include "ckpt/ckpt_fault.h"
#include "ckpt/ckpt_track.h"
#include "ckpt/ckpt_uffd.h"

/*
 * Linux 6.7 uapi (include/uapi/linux/fs.h; the userfaultfd ones are in
 * ckpt_uffd.h) that Debian 12's 6.1 headers lack. Defined here when
 * missing; whether the running kernel has them is probed at run time.
 */
#ifndef PAGEMAP_SCAN
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg) /* Linux 6.7 */
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGE_IS_WPALLOWED (1 << 0)
#define PAGE_IS_WRITTEN (1 << 1)
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};
struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};
#endif

#define SCAN_VEC 512 /* page_region entries per PAGEMAP_SCAN call */

struct vnfha__ckpt_track {
	uint8_t *map;
	size_t size;
	size_t page;
	enum vnfha__ckpt_track_kind kind;
	char why[160];
	int uffd;
	int pagemap;
	struct vnfha__ckpt_fault *fault; /* uffd-fault */
	pid_t pid; /* the process the userfaultfd acts on (uffd-wp) */
	bool rearm_all; /* a failed scan: report everything once more */
	uint64_t *hashes; /* scan: one per page */
	uint8_t *redirty; /* scan: 1 = report this page next time whatever its hash */
	struct vnfha_ckpt_range *out;
	size_t n_out;
	size_t cap_out;
	struct page_region vec[SCAN_VEC];
};

/* userfaultfd with async write-protect registered on [map, map + size),
 * all of it protected: async WP never delivers a fault. */
static int uffd_setup(void *map, size_t size, int *ret_uffd, char *why, size_t why_len)
{
	int fd = vnfha__ckpt_uffd_open((uintptr_t)map, size,
				       UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
				       "userfaultfd WP_ASYNC and WP_HUGETLBFS_SHMEM (Linux >= 6.7 has both)",
				       why, why_len);
	int rc;

	if (fd < 0) {
		return fd;
	}
	rc = vnfha__ckpt_uffd_wp(fd, (uintptr_t)map, size, true);
	if (rc != 0) {
		snprintf(why, why_len, "UFFDIO_WRITEPROTECT of the region: %s", strerror(-rc));
		close(fd);
		return rc;
	}
	*ret_uffd = fd;
	return 0;
}

/* One PAGEMAP_SCAN call: written pages in [start, end), re-protected when wp. */
static long pm_scan(int pagemap, uintptr_t start, uintptr_t end, struct page_region *vec,
		    size_t n, bool wp, uintptr_t *ret_walk_end)
{
	struct pm_scan_arg a = {
		.size = sizeof(a),
		.flags = wp ? PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC : 0,
		.start = start,
		.end = end,
		.vec = (uintptr_t)vec,
		.vec_len = n,
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	long r = ioctl(pagemap, PAGEMAP_SCAN, &a);

	if (r < 0) {
		return -errno;
	}
	*ret_walk_end = (uintptr_t)a.walk_end;
	return r;
}

int vnfha__ckpt_track_probe(char *why, size_t why_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct page_region vec[4];
	uintptr_t walk_end = 0;
	uint8_t *map = MAP_FAILED;
	int mfd = memfd_create("vnfha-track-probe", MFD_CLOEXEC);
	int uffd = -1;
	int pm = -1;
	long n;
	int rc;

	why[0] = '\0';
	if (mfd < 0 || ftruncate(mfd, (off_t)(4 * page)) != 0) {
		rc = -errno;
		snprintf(why, why_len, "memfd: %s", strerror(errno));
		goto out;
	}
	map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (map == MAP_FAILED) {
		rc = -errno;
		snprintf(why, why_len, "mmap: %s", strerror(errno));
		goto out;
	}
	memset(map, 0, 4 * page);
	rc = uffd_setup(map, 4 * page, &uffd, why, why_len);
	if (rc != 0) {
		goto out;
	}
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm < 0) {
		rc = -errno;
		snprintf(why, why_len, "/proc/self/pagemap: %s", strerror(errno));
		goto out;
	}
	map[2 * page + 7] = 1;
	n = pm_scan(pm, (uintptr_t)map, (uintptr_t)map + 4 * page, vec, 4, true, &walk_end);
	if (n < 0) {
		rc = (int)n;
		snprintf(why, why_len, "kernel lacks PAGEMAP_SCAN (Linux >= 6.7): %s",
			 strerror((int)-n));
		goto out;
	}
	/* Exactly page 2, and nothing once re-protected. */
	if (n != 1 || vec[0].start != (uintptr_t)map + 2 * page ||
	    vec[0].end != (uintptr_t)map + 3 * page ||
	    pm_scan(pm, (uintptr_t)map, (uintptr_t)map + 4 * page, vec, 4, true, &walk_end) != 0) {
		rc = -ENOTSUP;
		snprintf(why, why_len, "PAGEMAP_SCAN did not report the one page written");
		goto out;
	}
	rc = 0;
out:
	if (pm >= 0) {
		close(pm);
	}
	if (uffd >= 0) {
		close(uffd);
	}
	if (map != MAP_FAILED) {
		munmap(map, 4 * page);
	}
	if (mfd >= 0) {
		close(mfd);
	}
	return rc;
}

static int out_add(struct vnfha__ckpt_track *t, uint64_t off, uint64_t len)
{
	if (t->n_out > 0 && t->out[t->n_out - 1].offset + t->out[t->n_out - 1].length == off) {
		t->out[t->n_out - 1].length += len;
		return 0;
	}
	if (t->n_out == t->cap_out) {
		size_t cap = t->cap_out > 0 ? t->cap_out * 2 : 64;
		struct vnfha_ckpt_range *n = realloc(t->out, cap * sizeof(*n));

		if (n == NULL) {
			return -ENOMEM;
		}
		t->out = n;
		t->cap_out = cap;
	}
	t->out[t->n_out].offset = off;
	t->out[t->n_out].length = len;
	t->n_out++;
	return 0;
}

static int out_add_fn(void *ctx, uint64_t off, uint64_t len)
{
	return out_add(ctx, off, len);
}

static void hash_pages(struct vnfha__ckpt_track *t)
{
	size_t np = t->size / t->page;

	for (size_t i = 0; i < np; i++) {
		t->hashes[i] = XXH3_64bits(t->map + i * t->page, t->page);
	}
}

int vnfha__ckpt_track_new(void *map, size_t size, unsigned int flags,
			  struct vnfha__ckpt_track **ret_track)
{
	struct vnfha__ckpt_track *t;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int rc = -ENOTSUP;

	if (map == NULL || size == 0 || (uintptr_t)map % page != 0 || size % page != 0) {
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return -ENOMEM;
	}
	t->map = map;
	t->size = size;
	t->page = page;
	t->uffd = -1;
	t->pagemap = -1;
	t->pid = getpid();
	if (flags & VNFHA_CKPT_TRACK_F_FORCE_SCAN) {
		snprintf(t->why, sizeof(t->why), "uffd-wp not tried (scan asked for)");
	} else if ((flags & VNFHA_CKPT_TRACK_F_FAULTS) &&
		   vnfha__ckpt_fault_new(map, size, page, &t->fault, t->why, sizeof(t->why)) == 0) {
		t->kind = VNFHA_CKPT_TRACK_UFFD_FAULT;
		t->why[0] = '\0';
		*ret_track = t;
		return 0;
	} else {
		/* Not asked for faults, or they failed: t->why keeps that reason. */
		char why[sizeof(t->why)];

		rc = vnfha__ckpt_track_probe(why, sizeof(why));
		if (!(flags & VNFHA_CKPT_TRACK_F_FAULTS)) {
			memcpy(t->why, why, sizeof(why));
		}
	}
	if (rc == 0) {
		rc = uffd_setup(map, size, &t->uffd, t->why, sizeof(t->why));
	}
	if (rc == 0) {
		t->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		if (t->pagemap < 0) {
			snprintf(t->why, sizeof(t->why), "/proc/self/pagemap: %s", strerror(errno));
			close(t->uffd);
			t->uffd = -1;
			rc = -ENOTSUP;
		}
	}
	if (rc == 0) {
		t->kind = VNFHA_CKPT_TRACK_UFFD_WP;
		if (!(flags & VNFHA_CKPT_TRACK_F_FAULTS)) {
			t->why[0] = '\0';
		}
		*ret_track = t;
		return 0;
	}
	t->kind = VNFHA_CKPT_TRACK_SCAN;
	t->hashes = malloc((size / page) * sizeof(*t->hashes));
	t->redirty = calloc(size / page, 1);
	if (t->hashes == NULL || t->redirty == NULL) {
		free(t->hashes);
		free(t->redirty);
		free(t);
		return -ENOMEM;
	}
	hash_pages(t);
	*ret_track = t;
	return 0;
}

void vnfha__ckpt_track_free(struct vnfha__ckpt_track *t)
{
	if (t == NULL) {
		return;
	}
	if (t->uffd >= 0) {
		vnfha__ckpt_uffd_unregister(t->uffd, (uintptr_t)t->map, t->size, t->pid);
		close(t->uffd);
	}
	if (t->pagemap >= 0) {
		close(t->pagemap);
	}
	vnfha__ckpt_fault_free(t->fault);
	free(t->hashes);
	free(t->redirty);
	free(t->out);
	free(t);
}

enum vnfha__ckpt_track_kind vnfha__ckpt_track_kind(const struct vnfha__ckpt_track *t)
{
	return t->kind;
}

const char *vnfha__ckpt_track_kind_name(const struct vnfha__ckpt_track *t)
{
	switch (t->kind) {
	case VNFHA_CKPT_TRACK_UFFD_FAULT:
		return "uffd-fault";
	case VNFHA_CKPT_TRACK_UFFD_WP:
		return "uffd-wp";
	default:
		return "scan";
	}
}

const char *vnfha__ckpt_track_why(const struct vnfha__ckpt_track *t)
{
	return t->why;
}

static int collect_uffd(struct vnfha__ckpt_track *t)
{
	uintptr_t start = (uintptr_t)t->map;
	uintptr_t end = start + t->size;

	if (t->rearm_all) {
		/* The last scan failed part way: everything is suspect once. */
		int rc = vnfha__ckpt_uffd_wp(t->uffd, (uintptr_t)t->map, t->size, true);

		if (rc != 0) {
			return rc;
		}
		t->rearm_all = false;
		return out_add(t, 0, t->size);
	}
	while (start < end) {
		uintptr_t walk_end = end;
		long n = pm_scan(t->pagemap, start, end, t->vec, SCAN_VEC, true, &walk_end);

		if (n < 0) {
			t->rearm_all = true;
			return (int)n;
		}
		for (long i = 0; i < n; i++) {
			int rc = out_add(t, t->vec[i].start - (uintptr_t)t->map,
					 t->vec[i].end - t->vec[i].start);

			if (rc != 0) {
				/* Those pages are re-protected but not reported. */
				t->rearm_all = true;
				return rc;
			}
		}
		/* A full vector stops the walk early; walk_end says where. */
		if (walk_end <= start) {
			break;
		}
		start = walk_end;
	}
	return 0;
}

static int collect_scan(struct vnfha__ckpt_track *t)
{
	size_t np = t->size / t->page;

	for (size_t i = 0; i < np; i++) {
		uint64_t h = XXH3_64bits(t->map + i * t->page, t->page);

		if (h != t->hashes[i] || t->redirty[i]) {
			int rc = out_add(t, (uint64_t)i * t->page, t->page);

			if (rc != 0) {
				return rc; /* hashes of the rest unchanged: found next time */
			}
			t->hashes[i] = h;
			t->redirty[i] = 0;
		}
	}
	return 0;
}

int vnfha__ckpt_track_collect(struct vnfha__ckpt_track *t, const struct vnfha_ckpt_range **ret_ranges,
			      size_t *ret_n)
{
	int rc;

	t->n_out = 0;
	switch (t->kind) {
	case VNFHA_CKPT_TRACK_UFFD_FAULT:
		rc = vnfha__ckpt_fault_take(t->fault, out_add_fn, t);
		break;
	case VNFHA_CKPT_TRACK_UFFD_WP:
		rc = collect_uffd(t);
		break;
	default:
		rc = collect_scan(t);
		break;
	}
	if (rc != 0) {
		/* The pages found before the failure count as written again. */
		vnfha__ckpt_track_redirty(t, t->out, t->n_out);
		t->n_out = 0;
		return rc;
	}
	*ret_ranges = t->out;
	*ret_n = t->n_out;
	return 0;
}

int vnfha__ckpt_track_before_kernel_writes(struct vnfha__ckpt_track *t)
{
	return t->kind == VNFHA_CKPT_TRACK_UFFD_FAULT ? vnfha__ckpt_fault_open_all(t->fault) : 0;
}

int vnfha__ckpt_track_redirty(struct vnfha__ckpt_track *t, const struct vnfha_ckpt_range *ranges,
			      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t first;
		uint64_t last;

		if (ranges[i].length == 0 || ranges[i].offset >= t->size) {
			continue;
		}
		first = ranges[i].offset / t->page;
		last = ranges[i].length > t->size - ranges[i].offset
			       ? t->size / t->page
			       : (ranges[i].offset + ranges[i].length + t->page - 1) / t->page;
		if (t->kind == VNFHA_CKPT_TRACK_UFFD_FAULT) {
			vnfha__ckpt_fault_mark(t->fault, first, last - first);
			continue;
		}
		if (t->kind == VNFHA_CKPT_TRACK_UFFD_WP) {
			/* In async mode "written" is "not write-protected". */
			int rc = vnfha__ckpt_uffd_wp(t->uffd, (uintptr_t)(t->map + first * t->page),
						     (size_t)(last - first) * t->page, false);

			if (rc != 0) {
				t->rearm_all = true;
			}
			continue;
		}
		for (uint64_t p = first; p < last; p++) {
			t->redirty[p] = 1;
		}
	}
	return 0;
}
