// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Making one version of a checkpoint from a batch of submits (the
 * committer's work, vnfha-ckptd-obj.c), with d->lock dropped except around
 * the store calls that need it:
 *   - ranges over a stored version: a patch transaction (ckpt_ptx) that
 *     stages only the touched blocks; its cost follows the bytes named;
 *   - a whole-region scan (COMMIT): the region fingerprinted by up to four
 *     threads, the blocks that differ staged the same way;
 *   - a new or resized object, or a change too large to stage (over
 *     STAGE_BYTES of blocks, or a body over one frame): an update (ckpt_update),
 *     block by block, as whole-region commits always were.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"
#include "vnfha-ckptd.h"

#define STAGE_BYTES (16u << 20) /* of blocks a range version stages; more: an update */
#define SCAN_THREADS_MAX 4
#define SCAN_MIN_BYTES (8u << 20) /* below this one thread fingerprints */

struct blockref {
	uint32_t block;
	uint32_t piece;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct blockref *x = a;
	const struct blockref *y = b;

	if (x->block != y->block) {
		return x->block < y->block ? -1 : 1;
	}
	return x->piece < y->piece ? -1 : x->piece > y->piece;
}

/* (block, piece) for every block each piece touches, by block then submit
 * order; *ret_blocks: how many distinct blocks. */
static int index_pieces(const struct ckptd_batch *b, uint32_t bs, struct blockref **ret,
			size_t *ret_n, uint32_t *ret_blocks)
{
	struct blockref *v = NULL;
	size_t n = 0;
	size_t cap = 0;
	uint32_t blocks = 0;

	for (size_t i = 0; i < b->n_pieces; i++) {
		const struct ckptd_piece *p = &b->pieces[i];

		if (p->len == 0) {
			continue;
		}
		for (uint64_t k = p->off / bs; k <= (p->off + p->len - 1) / bs; k++) {
			if (ckptd_grow((void **)&v, &cap, n, sizeof(*v)) != 0) {
				free(v);
				return -ENOMEM;
			}
			v[n++] = (struct blockref){ .block = (uint32_t)k, .piece = (uint32_t)i };
		}
	}
	if (n > 0) {
		qsort(v, n, sizeof(*v), cmp_ref);
	}
	for (size_t i = 0; i < n; i++) {
		blocks += i == 0 || v[i].block != v[i - 1].block;
	}
	*ret = v;
	*ret_n = n;
	*ret_blocks = blocks;
	return 0;
}

/* Writes the parts of piece p inside block index onto blk. */
static void piece_onto(const struct ckptd_batch *b, const struct ckptd_piece *p, uint32_t index,
		       uint32_t bs, uint8_t *blk)
{
	uint64_t bstart = (uint64_t)index * bs;
	uint64_t lo = p->off > bstart ? p->off : bstart;
	uint64_t hi = p->off + p->len < bstart + bs ? p->off + p->len : bstart + bs;

	if (lo < hi) {
		memcpy(blk + (lo - bstart), b->bytes + p->at + (lo - p->off), (size_t)(hi - lo));
	}
}

static uint32_t block_len(uint64_t size, uint32_t bs, uint32_t i)
{
	uint64_t off = (uint64_t)i * bs;

	return size - off < bs ? (uint32_t)(size - off) : bs;
}

/* ------------------------------------------------ region fingerprints */

struct scan {
	const uint8_t *map;
	uint64_t size;
	uint32_t bs;
	uint64_t *fps;
	uint32_t first;
	uint32_t last;
	pthread_t thread;
};

static void *scan_range(void *arg)
{
	struct scan *s = arg;

	for (uint32_t i = s->first; i < s->last; i++) {
		s->fps[i] = vnfha__ckpt_fp_block(s->map + (uint64_t)i * s->bs,
						 block_len(s->size, s->bs, i));
	}
	return NULL;
}

/* Every block of the region fingerprinted, in contiguous ranges, one
 * thread each (up to four, one below 8 MiB). */
static int scan_fps(struct ckptd_obj *o, uint64_t **ret_fps)
{
	struct scan s[SCAN_THREADS_MAX];
	uint32_t nblocks = (uint32_t)((o->size + o->block_size - 1) / o->block_size);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t n = o->size < SCAN_MIN_BYTES || cpus < 2 ? 1
		     : cpus > SCAN_THREADS_MAX	   ? SCAN_THREADS_MAX
						   : (uint32_t)cpus;
	uint64_t *fps = malloc(((size_t)nblocks + 1) * sizeof(*fps));

	if (fps == NULL) {
		return -ENOMEM;
	}
	/* Fault the whole region in at once rather than page by page; once
	 * is enough (walking a populated 1 GiB again costs ~80 ms). */
	if (!o->mapped_in) {
		madvise(o->map, o->size, MADV_POPULATE_READ);
		o->mapped_in = true;
	}
	for (uint32_t t = 0; t < n; t++) {
		s[t] = (struct scan){ .map = o->map, .size = o->size, .bs = o->block_size, .fps = fps,
				      .first = (uint32_t)((uint64_t)nblocks * t / n),
				      .last = (uint32_t)((uint64_t)nblocks * (t + 1) / n) };
		if (t > 0 && pthread_create(&s[t].thread, NULL, scan_range, &s[t]) != 0) {
			s[t].thread = 0;
			scan_range(&s[t]); /* no thread: do it here */
		}
	}
	scan_range(&s[0]);
	for (uint32_t t = 1; t < n; t++) {
		if (s[t].thread != 0) {
			pthread_join(s[t].thread, NULL);
		}
	}
	*ret_fps = fps;
	return 0;
}

/* Lock held, with the version just published: kept for the senders. */
static void record(struct ckptd *d, struct ckptd_obj *o, struct ckptd_rec *r)
{
	if (d->repl->records) {
		ckptd_obj_add_record(d, o, r);
	}
	free(r->body); /* NULL when the ring took it */
	r->body = NULL;
}

/* ------------------------------------------------------------ updates */

/* Lock held: the next version of name made here. */
static int next_version(struct ckptd *d, const char *name, uint64_t *ret_epoch,
			uint64_t *ret_gen)
{
	const struct vnfha__ckpt_meta *cur = vnfha__ckpt_store_find(d->store, name);

	if (d->role != VNFHA_CKPT_ROLE_PRIMARY) {
		return -EROFS;
	}
	if (cur != NULL && cur->epoch > d->epoch) {
		return -ESTALE; /* a newer primary wrote it: never go back */
	}
	*ret_epoch = d->epoch;
	*ret_gen = cur != NULL && cur->epoch == d->epoch ? cur->gen + 1 : 1;
	return 0;
}

/*
 * An update of the whole object (new, resized or a large change), block by
 * block: each block is the region's (scan), or the stored one (zeroes for
 * a new object) with the batch's pieces written onto it in submit order.
 * Lock not held.
 */
static int update_blocks(struct ckptd *d, struct ckptd_obj *o, const struct ckptd_batch *b,
			 bool durable, struct ckptd_made *ret)
{
	uint64_t *ret_epoch = &ret->epoch;
	uint64_t *ret_gen = &ret->gen;
	uint64_t base_epoch = 0;
	uint64_t base_gen = 0;
	struct vnfha__ckpt_update *u = NULL;
	const struct vnfha__ckpt_meta *cur;
	struct blockref *refs = NULL;
	uint64_t *fps = NULL;
	uint8_t *blk = NULL;
	size_t n_refs = 0;
	uint32_t touched = 0;
	const uint32_t bs = o->block_size;
	uint32_t nblocks = (uint32_t)((o->size + bs - 1) / bs);
	bool whole;
	int dfd = -1;
	int rc;

	rc = b->scan ? scan_fps(o, &fps) : index_pieces(b, bs, &refs, &n_refs, &touched);
	blk = malloc(bs);
	if (rc == 0 && blk == NULL) {
		rc = -ENOMEM;
	}
	pthread_mutex_lock(&d->lock);
	while (rc == 0) {
		rc = next_version(d, o->name, ret_epoch, ret_gen);
		cur = vnfha__ckpt_store_find(d->store, o->name);
		whole = cur == NULL || cur->size != o->size || cur->block_size != bs;
		base_epoch = cur != NULL ? cur->epoch : 0;
		base_gen = cur != NULL ? cur->gen : 0;
		if (rc == 0 && whole) {
			rc = vnfha__ckpt_update_begin(d->store, o->name, *ret_epoch, *ret_gen, o->size,
						      bs, NULL, true, &u);
		} else if (rc == 0 && b->scan) {
			/* Every block given (unchanged ones cost no write). */
			rc = vnfha__ckpt_update_begin(d->store, o->name, *ret_epoch, *ret_gen, o->size,
						      bs, NULL, false, &u);
		} else if (rc == 0) {
			rc = vnfha__ckpt_update_begin_over(d->store, o->name, *ret_epoch, *ret_gen, &u);
		}
		if (rc == 0 && !whole && !b->scan) {
			rc = vnfha__ckpt_store_open_data(d->store, o->name, &dfd);
		}
		if (rc != -EBUSY || d->stopping) {
			break;
		}
		rc = 0;
		ckptd_wait_ms(d, 50); /* a put of this name is running */
	}
	pthread_mutex_unlock(&d->lock);
	if (rc == 0 && b->scan) {
		for (uint32_t i = 0; rc == 0 && i < nblocks; i++) {
			rc = vnfha__ckpt_update_block_fp(u, i, o->map + (uint64_t)i * bs,
							 block_len(o->size, bs, i), fps[i]);
		}
	} else if (rc == 0) {
		for (size_t k = 0; rc == 0 && k < n_refs;) {
			uint32_t i = refs[k].block;
			uint32_t len = block_len(o->size, bs, i);

			if (whole) {
				memset(blk, 0, len);
			} else {
				rc = vnfha__ckpt_pread_all(dfd, blk, len, (off_t)((uint64_t)i * bs));
			}
			for (; k < n_refs && refs[k].block == i; k++) {
				piece_onto(b, &b->pieces[refs[k].piece], i, bs, blk);
			}
			if (rc == 0) {
				rc = vnfha__ckpt_update_block(u, i, blk, len);
			}
		}
		/* A new object: the blocks no piece touched are zeroes. */
		memset(blk, 0, bs);
		for (uint32_t i = 0, k = 0; rc == 0 && whole && i < nblocks; i++) {
			while (k < n_refs && refs[k].block < i) {
				k++;
			}
			if (k < n_refs && refs[k].block == i) {
				continue;
			}
			rc = vnfha__ckpt_update_block(u, i, blk, block_len(o->size, bs, i));
		}
	}
	pthread_mutex_lock(&d->lock);
	if (rc == 0) {
		rc = vnfha__ckpt_update_commit(u, durable);
	} else {
		vnfha__ckpt_update_abort(u);
	}
	ret->made = rc == 0;
	if (ret->made) {
		struct ckptd_rec rec = { .epoch = *ret_epoch, .gen = *ret_gen,
					 .base_epoch = base_epoch, .base_gen = base_gen };

		record(d, o, &rec); /* no body: replicas get a block delta */
	}
	pthread_mutex_unlock(&d->lock);
	if (dfd >= 0) {
		close(dfd);
	}
	free(blk);
	free(fps);
	free(refs);
	return rc;
}

/* ------------------------------------------------------ range versions */

/*
 * A range version: the pieces (or the blocks a scan finds changed) staged
 * in a patch transaction, sealed into one log record, written in place.
 * -E2BIG: too large to stage (the caller makes an update instead).
 * Lock not held.
 */
static int patch_version(struct ckptd *d, struct ckptd_obj *o, const struct ckptd_batch *b,
			 bool durable, struct ckptd_made *ret)
{
	uint64_t *ret_epoch = &ret->epoch;
	uint64_t *ret_gen = &ret->gen;
	struct vnfha__ckpt_ptx *tx = NULL;
	const struct vnfha__ckpt_meta *cur = NULL;
	uint64_t *fps = NULL;
	uint8_t *body = NULL;
	size_t len = 0;
	uint64_t e = 0;
	uint64_t g = 0;
	int rc;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		rc = next_version(d, o->name, ret_epoch, ret_gen);
		if (rc == 0) {
			rc = vnfha__ckpt_ptx_begin(d->store, o->name, &tx);
		}
		if (rc != -EBUSY || d->stopping) {
			break;
		}
		ckptd_wait_ms(d, 50); /* a put of this name is running */
	}
	if (rc == 0) {
		cur = vnfha__ckpt_store_find(d->store, o->name); /* fixed while tx is open */
		vnfha__ckpt_ptx_version(tx, &e, &g);
	}
	pthread_mutex_unlock(&d->lock);
	if (rc == 0 && b->scan) {
		uint32_t differ = 0;

		rc = scan_fps(o, &fps);
		for (uint32_t i = 0; rc == 0 && i < cur->nblocks; i++) {
			differ += fps[i] != cur->fps[i];
		}
		if (rc == 0 && differ > STAGE_BYTES / o->block_size) {
			rc = -E2BIG;
		}
		if (rc == 0) {
			rc = vnfha__ckpt_ptx_scan(tx, o->map, fps);
		}
	} else {
		for (size_t i = 0; rc == 0 && i < b->n_pieces; i++) {
			rc = vnfha__ckpt_ptx_put(tx, b->pieces[i].off, b->bytes + b->pieces[i].at,
						 b->pieces[i].len);
		}
	}
	if (rc == 0) {
		rc = vnfha__ckpt_ptx_seal(tx, *ret_epoch, *ret_gen, durable ? VNFHA_CKPT_F_DURABLE : 0,
					  &body, &len);
	}
	if (rc == -EMSGSIZE) {
		rc = -E2BIG;
	}
	if (rc == 0 && durable) {
		rc = vnfha__ckpt_ptx_sync(tx);
	}
	pthread_mutex_lock(&d->lock);
	if (rc == 0) {
		rc = vnfha__ckpt_ptx_commit(tx);
		ret->made = rc == 0;
	} else {
		vnfha__ckpt_ptx_abort(tx);
	}
	if (ret->made) {
		/* Published and recorded at once: a sender never sees the
		 * version without its record. */
		struct ckptd_rec rec = { .epoch = *ret_epoch, .gen = *ret_gen, .base_epoch = e,
					 .base_gen = g, .body = body, .len = len };

		record(d, o, &rec);
		body = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	if (rc == -ENODATA) {
		/* Nothing differs: the tickets take the version that holds it. */
		*ret_epoch = e;
		*ret_gen = g;
		rc = 0;
	}
	free(body);
	free(fps);
	return rc;
}

int ckptd_build_version(struct ckptd *d, struct ckptd_obj *o, struct ckptd_batch *b,
			bool durable, struct ckptd_made *ret)
{
	const struct vnfha__ckpt_meta *cur;
	struct blockref *refs = NULL;
	size_t n_refs = 0;
	uint32_t touched = 0;
	bool whole;
	int rc = 0;

	memset(ret, 0, sizeof(*ret));
	if (o->map == NULL) {
		return -EBADF; /* the region was closed under the batch */
	}
	pthread_mutex_lock(&d->lock);
	cur = vnfha__ckpt_store_find(d->store, o->name);
	whole = cur == NULL || cur->size != o->size || cur->block_size != o->block_size;
	if (!b->scan && b->n_pieces == 0) {
		/* A flush: the tickets take the current version (none: 0.0,
		 * answered at once - nothing was submitted before them). */
		ret->epoch = cur != NULL ? cur->epoch : 0;
		ret->gen = cur != NULL ? cur->gen : 0;
		rc = d->role == VNFHA_CKPT_ROLE_PRIMARY ? 0 : -EROFS;
		pthread_mutex_unlock(&d->lock);
		return rc;
	}
	pthread_mutex_unlock(&d->lock);
	if (!whole && !b->scan) {
		rc = index_pieces(b, o->block_size, &refs, &n_refs, &touched);
		free(refs);
		if (rc != 0) {
			return rc;
		}
	}
	if (!whole && touched <= STAGE_BYTES / o->block_size) {
		rc = patch_version(d, o, b, durable, ret);
		if (rc != -E2BIG) {
			goto out;
		}
	}
	rc = update_blocks(d, o, b, durable, ret);
out:
	return rc;
}
