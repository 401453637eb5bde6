// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The log of range versions (DIR/NAME/log): records appended by patch
 * transactions (ckpt_ptx.c), each a PATCH body in ckpt_patch.h's record
 * frame; redone at load, folded into meta by compaction, emptied when a
 * full copy or a delta publishes a version past them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_store_internal.h"
#include "ckpt/ckpt_version.h"

int vnfha__ckpt_log_append(int logfd, uint64_t *log_len, const uint8_t *body, size_t len)
{
	struct iovec iov[3];
	uint8_t head[8];
	uint8_t tail[8];
	size_t total = len + 16;
	size_t done = 0;
	int rc;

	iov[1] = (struct iovec){ .iov_base = (void *)body, .iov_len = len };
	rc = vnfha__ckpt_record_frame(&iov[1], 1, head, tail);
	if (rc != 0) {
		return rc;
	}
	iov[0] = (struct iovec){ .iov_base = head, .iov_len = 8 };
	iov[2] = (struct iovec){ .iov_base = tail, .iov_len = 8 };
	while (done < total) {
		struct iovec v[3];
		int nv = 0;
		size_t skip = done;
		ssize_t w;

		for (int i = 0; i < 3; i++) {
			if (skip >= iov[i].iov_len) {
				skip -= iov[i].iov_len;
				continue;
			}
			v[nv].iov_base = (uint8_t *)iov[i].iov_base + skip;
			v[nv].iov_len = iov[i].iov_len - skip;
			skip = 0;
			nv++;
		}
		w = writev(logfd, v, nv);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			/* A torn record reads as the log's end; cut it anyway. */
			(void)!ftruncate(logfd, (off_t)*log_len);
			return rc;
		}
		done += (size_t)w;
	}
	*log_len += total;
	return 0;
}

/* The part of p's range k (offset *ret_off, *ret_len bytes) inside block
 * index: [*lo, *hi), absolute; false when the range misses the block. */
static bool piece(const struct vnfha__ckpt_patch *p, uint32_t k, uint32_t index,
		  uint64_t *ret_off, uint32_t *ret_len, uint64_t *lo, uint64_t *hi)
{
	uint64_t bstart = (uint64_t)index * p->block_size;
	uint64_t bend = bstart + p->block_size;

	vnfha__ckpt_range_at(p->ranges, k, ret_off, ret_len);
	*lo = *ret_off > bstart ? *ret_off : bstart;
	*hi = *ret_off + *ret_len < bend ? *ret_off + *ret_len : bend;
	return *lo < *hi;
}

size_t vnfha__ckpt_patch_onto(const struct vnfha__ckpt_patch *p, uint32_t index, uint8_t *block,
			      uint8_t *save, uint32_t *ret_lo, uint32_t *ret_hi)
{
	uint64_t bstart = (uint64_t)index * p->block_size;
	const uint8_t *data = p->data; /* range k's bytes */
	size_t written = 0;

	for (uint32_t k = 0; k < p->n_ranges; k++) {
		uint64_t off;
		uint32_t len;
		uint64_t lo;
		uint64_t hi;

		if (piece(p, k, index, &off, &len, &lo, &hi)) {
			if (save != NULL) {
				memcpy(save + written, block + (lo - bstart), (size_t)(hi - lo));
			}
			memcpy(block + (lo - bstart), data + (lo - off), (size_t)(hi - lo));
			if (written == 0 || lo - bstart < *ret_lo) {
				*ret_lo = (uint32_t)(lo - bstart);
			}
			if (written == 0 || hi - bstart > *ret_hi) {
				*ret_hi = (uint32_t)(hi - bstart);
			}
			written += (size_t)(hi - lo);
		}
		data += len;
	}
	return written;
}

void vnfha__ckpt_patch_undo(const struct vnfha__ckpt_patch *p, uint32_t index, uint8_t *block,
			    const uint8_t *save)
{
	uint64_t bstart = (uint64_t)index * p->block_size;

	for (uint32_t k = 0; k < p->n_ranges; k++) {
		uint64_t off;
		uint32_t len;
		uint64_t lo;
		uint64_t hi;

		if (piece(p, k, index, &off, &len, &lo, &hi)) {
			memcpy(block + (lo - bstart), save, (size_t)(hi - lo));
			save += hi - lo;
		}
	}
}

int vnfha__ckpt_log_compact(struct vnfha__ckpt_entry *e)
{
	int rc = fdatasync(e->datafd) == 0 ? 0 : -errno;

	e->meta->digest = vnfha__ckpt_fp_digest(e->meta->fps, e->meta->nblocks);
	if (rc == 0) {
		rc = vnfha__ckpt_write_meta(e->objfd, e->meta, true);
	}
	if (rc == 0 && ftruncate(e->logfd, 0) != 0) {
		rc = -errno;
	}
	if (rc == 0) {
		e->log_len = 0;
	}
	return rc;
}

int vnfha__ckpt_log_reset(struct vnfha__ckpt_entry *e, int objfd)
{
	int fd;

	if (e->logfd >= 0) {
		if (ftruncate(e->logfd, 0) != 0) {
			return -errno; /* harmless: its records are at or below meta's version */
		}
		e->log_len = 0;
		return 0;
	}
	fd = openat(objfd, "log", O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT ? 0 : -errno;
	}
	close(fd);
	e->log_len = 0;
	return 0;
}

int vnfha__ckpt_log_replay(int objfd, struct vnfha__ckpt_meta *m, uint32_t *ret_n)
{
	uint8_t *buf = NULL;
	uint8_t *blk = NULL;
	size_t len = 0;
	size_t off = 0;
	uint32_t n = 0;
	char dname[32];
	int dfd = -1;
	int rc = vnfha__ckpt_read_file(objfd, "log", SIZE_MAX - 1, &buf, &len);

	*ret_n = 0;
	if (rc == -ENOENT) {
		return 0;
	}
	if (rc != 0) {
		return rc;
	}
	vnfha__ckpt_data_name(dname, sizeof(dname), m->data_id);
	dfd = openat(objfd, dname, O_RDWR | O_CLOEXEC);
	blk = malloc(m->block_size);
	rc = dfd < 0 ? -errno : blk == NULL ? -ENOMEM : 0;
	/* Each complete record in order; the first torn, damaged or foreign
	 * one ends the log. */
	while (rc == 0 && off < len) {
		const uint8_t *body;
		size_t body_len;
		size_t rec_len;
		struct vnfha__ckpt_patch p;

		if (vnfha__ckpt_record_decode(buf + off, len - off, &body, &body_len, &rec_len) != 0 ||
		    vnfha__ckpt_patch_decode(body, body_len, &p) != 0 ||
		    strcmp(p.name, m->name) != 0 || p.size != m->size ||
		    p.block_size != m->block_size) {
			break;
		}
		off += rec_len;
		if (vnfha__ckpt_version_cmp(p.epoch, p.gen, m->epoch, m->gen) <= 0) {
			continue; /* folded into meta already */
		}
		if (p.base_epoch != m->epoch || p.base_gen != m->gen) {
			break;
		}
		/* Redone block by block (the bytes are absolute); every block is
		 * verified once the log is done. */
		for (uint32_t i = 0; i < p.n_blocks && rc == 0; i++) {
			struct vnfha__ckpt_pblock pbk = vnfha__ckpt_pblock_at(p.blocks, i);
			uint64_t boff = (uint64_t)pbk.index * m->block_size;
			uint32_t bl = m->size - boff < m->block_size ? (uint32_t)(m->size - boff)
								     : m->block_size;
			uint32_t lo = 0;
			uint32_t hi = 0;

			rc = vnfha__ckpt_pread_all(dfd, blk, bl, (off_t)boff);
			if (rc == 0 && vnfha__ckpt_patch_onto(&p, pbk.index, blk, NULL, &lo, &hi) > 0) {
				rc = vnfha__ckpt_pwrite_all(dfd, blk + lo, hi - lo, (off_t)(boff + lo));
			}
			m->fps[pbk.index] = pbk.fp;
		}
		m->epoch = p.epoch;
		m->gen = p.gen;
		n++;
	}
	if (rc == 0 && n > 0) {
		m->digest = vnfha__ckpt_fp_digest(m->fps, m->nblocks);
		rc = fdatasync(dfd) == 0 ? 0 : -errno;
	}
	if (dfd >= 0) {
		close(dfd);
	}
	free(blk);
	free(buf);
	*ret_n = n;
	return rc;
}
