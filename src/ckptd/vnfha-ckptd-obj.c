// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checkpoint objects (vnfha-ckptd.h): the one shared-memory region of a
 * name, shared by every connection that opens it, and its commit queue.
 * Submits join the pending batch; the first thread to find no committer
 * running becomes it and turns each pending batch into one version
 * (vnfha-ckptd-build.c) while more arrive, so concurrent commits are
 * grouped, never refused. Everything here runs with d->lock held, except
 * where a function says it drops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

#define VERSION_BYTES (8u << 20) /* a version's submits touch at most this much of blocks */

struct ckptd_obj *ckptd_obj_find(struct ckptd *d, const char *name, bool create)
{
	struct ckptd_obj *o;

	for (size_t i = 0; i < d->n_objs; i++) {
		if (strcmp(d->objs[i]->name, name) == 0) {
			return d->objs[i];
		}
	}
	if (!create ||
	    ckptd_grow((void **)&d->objs, &d->cap_objs, d->n_objs, sizeof(*d->objs)) != 0) {
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (o == NULL) {
		return NULL;
	}
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->memfd = -1;
	d->objs[d->n_objs++] = o;
	return o;
}

bool ckptd_local_has(const struct ckptd_local *lc, const struct ckptd_obj *o)
{
	for (size_t i = 0; i < lc->n_regions; i++) {
		if (lc->regions[i] == o) {
			return true;
		}
	}
	return false;
}

static int reply(struct ckptd_local *lc, int status, const char *msg)
{
	struct vnfha__ckpt_result r = { .status = status };
	uint8_t buf[512];
	int n;

	snprintf(r.message, sizeof(r.message), "%s", msg);
	n = vnfha__ckpt_result_encode(&r, buf, sizeof(buf));
	return n < 0 ? n : ckptd_local_send(lc, VNFHA_CKPT_RESULT, buf, (uint32_t)n);
}

/* A memfd of size bytes sealed at its size, mapped, filled with the
 * stored version m (checked block by block) or zeroes. Lock not held. */
static int make_region(const char *name, uint64_t size, const struct vnfha__ckpt_meta *m, int dfd,
		       int *ret_fd, uint8_t **ret_map)
{
	uint8_t *map = MAP_FAILED;
	int mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int rc = mfd >= 0 ? 0 : -errno;

	/* Sealed: an application that truncated it would make this daemon's
	 * reads of the mapping fault (SIGBUS). */
	if (rc == 0 && ftruncate(mfd, (off_t)size) != 0) {
		rc = -errno;
	}
	if (rc == 0 && fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		rc = -errno;
	}
	if (rc == 0) {
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		rc = map != MAP_FAILED ? 0 : -errno;
	}
	if (rc == 0 && m != NULL) {
		/* Allocate the region's pages at once, not a fault per page. */
		madvise(map, size, MADV_POPULATE_WRITE);
		rc = vnfha__ckpt_pread_all(dfd, map, size, 0);
		if (rc == 0 && vnfha__ckpt_meta_check_data(m, map) != 0) {
			rc = -EAGAIN;
		}
	}
	if (rc != 0) {
		if (map != MAP_FAILED) {
			munmap(map, size);
		}
		if (mfd >= 0) {
			close(mfd);
		}
		return rc;
	}
	*ret_fd = mfd;
	*ret_map = map;
	return 0;
}

/* Blocks of a new region: a page (a change of a few bytes costs reading
 * and fingerprinting one 4 KiB block on each side, not 64 KiB), doubled
 * until the fingerprint list fits one frame (8 GiB at 4 KiB). A region
 * already stored keeps its block size. */
static uint32_t region_block_size(uint64_t size)
{
	uint32_t bs = 4096;
	uint32_t n;

	while (bs < VNFHA_CKPT_MAX_BLOCK_SIZE && vnfha__ckpt_nblocks(size, bs, &n) != 0) {
		bs *= 2;
	}
	return bs;
}

static void unmap_region(struct ckptd_obj *o)
{
	if (o->map != NULL) {
		munmap(o->map, o->size);
		close(o->memfd);
	}
	o->map = NULL;
	o->memfd = -1;
	o->size = 0;
	o->mapped_in = false;
}

/* INFO for the region (the stored version when it is the region's size)
 * with a descriptor of its memfd. Drops the lock while sending. */
static int send_info_fd(struct ckptd *d, struct ckptd_local *lc, struct ckptd_obj *o, int fd)
{
	const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_find(d->store, o->name);
	struct vnfha__ckpt_obj info = { .size = o->size, .block_size = o->block_size };
	uint8_t buf[256];
	int len;
	int rc;

	snprintf(info.name, sizeof(info.name), "%s", o->name);
	if (m != NULL && m->size == o->size) {
		info.epoch = m->epoch;
		info.gen = m->gen;
		info.digest = m->digest;
		info.block_size = m->block_size;
	}
	len = vnfha__ckpt_obj_encode(&info, buf, sizeof(buf));
	if (len < 0) {
		return len;
	}
	pthread_mutex_unlock(&d->lock);
	rc = ckptd_local_direct(lc, true);
	if (rc == 0) {
		rc = vnfha__ckpt_io_send_fd(lc->c, VNFHA_CKPT_INFO, buf, (uint32_t)len, fd);
	}
	ckptd_local_direct(lc, false);
	pthread_mutex_lock(&d->lock);
	return rc;
}

static int add_region(struct ckptd_local *lc, struct ckptd_obj *o)
{
	if (ckptd_local_has(lc, o)) {
		return 0;
	}
	if (ckptd_grow((void **)&lc->regions, &lc->cap_regions, lc->n_regions,
		       sizeof(*lc->regions)) != 0) {
		return -ENOMEM;
	}
	lc->regions[lc->n_regions++] = o;
	o->refs++;
	return 0;
}

static void release(struct ckptd_obj *o)
{
	if (o->refs > 0 && --o->refs == 0 && !o->committing) {
		unmap_region(o);
	}
}

int ckptd_obj_open(struct ckptd *d, struct ckptd_local *lc, const char *name, uint64_t size)
{
	struct ckptd_obj *o = ckptd_obj_find(d, name, true);
	struct vnfha__ckpt_meta *m = NULL;
	const struct vnfha__ckpt_meta *cur;
	uint8_t *map = NULL;
	int dfd = -1;
	int mfd = -1;
	int rc = 0;

	if (o == NULL) {
		return reply(lc, -ENOMEM, "no memory for another checkpoint");
	}
	while (o->opening) {
		ckptd_wait_ms(d, 100);
	}
	if (o->map != NULL) {
		/* Open already (here or elsewhere): the same memory, live. */
		if (size != 0 && size != o->size) {
			return reply(lc, -EINVAL, "the checkpoint is open with another size; "
				     "open it with that size or 0");
		}
		rc = add_region(lc, o);
		if (rc != 0) {
			return reply(lc, rc, "no memory for another region on this connection");
		}
		rc = send_info_fd(d, lc, o, o->memfd);
		return rc;
	}
	cur = vnfha__ckpt_store_find(d->store, name);
	if (cur != NULL && (size == 0 || size == cur->size)) {
		size = cur->size;
		rc = vnfha__ckpt_meta_dup(cur, &m);
		if (rc == 0) {
			rc = vnfha__ckpt_store_open_data(d->store, name, &dfd);
		}
	}
	if (rc == 0 && (size == 0 || size > (uint64_t)SIZE_MAX / 2)) {
		rc = -EINVAL;
	}
	if (rc == 0) {
		o->opening = true;
		pthread_mutex_unlock(&d->lock);
		rc = make_region(name, size, m, dfd, &mfd, &map);
		pthread_mutex_lock(&d->lock);
		o->opening = false;
		pthread_cond_broadcast(&d->cond);
	}
	if (dfd >= 0) {
		close(dfd);
	}
	vnfha__ckpt_meta_free(m);
	if (rc != 0) {
		return reply(lc, rc, rc == -EINVAL ? "size 0 and nothing stored" : strerror(-rc));
	}
	o->memfd = mfd;
	o->map = map;
	o->size = (size_t)size;
	o->block_size = cur != NULL && cur->size == size ? cur->block_size : region_block_size(size);
	o->mapped_in = m != NULL; /* the restore wrote every page */
	rc = add_region(lc, o);
	if (rc != 0) {
		release(o);
		return reply(lc, rc, "no memory for another region on this connection");
	}
	return send_info_fd(d, lc, o, o->memfd);
}

void ckptd_obj_release_all(struct ckptd *d, struct ckptd_local *lc)
{
	(void)d;
	for (size_t i = 0; i < lc->n_regions; i++) {
		release(lc->regions[i]);
	}
	lc->n_regions = 0;
}

int ckptd_obj_enqueue(struct ckptd *d, struct ckptd_obj *o, struct ckptd_batch *src)
{
	int rc = ckptd_batch_move(&o->pend, src);

	(void)d;
	for (size_t i = 0; rc == 0 && i < src->n_tickets; i++) {
		int merged;

		src->tickets[i].pieces_end = o->pend.n_pieces; /* src's pieces: all before */
		merged = ckptd_batch_add_ticket(&o->pend, &src->tickets[i]);

		if (merged < 0) {
			rc = merged;
		} else if (merged == 0) {
			src->tickets[i].lc->refs++; /* the pending batch's reference */
		}
	}
	src->n_tickets = 0;
	return rc;
}

static bool any_durable(const struct ckptd_batch *b)
{
	for (size_t i = 0; i < b->n_tickets; i++) {
		if (b->tickets[i].mode == VNFHA_CKPT_DURABLE) {
			return true;
		}
	}
	return false;
}

void ckptd_obj_commit_pending(struct ckptd *d, struct ckptd_obj *o)
{
	if (o->committing) {
		return; /* the committer takes it in its next round */
	}
	o->committing = true;
	while (o->pend.n_tickets > 0 || o->pend.n_pieces > 0 || o->pend.scan) {
		struct ckptd_batch b = o->pend;
		struct ckptd_made made = { 0 };
		bool durable;
		int rc;

		/* One version stages at most VERSION_BYTES of blocks (counted per
		 * submit): the submits past them make the next version. */
		memset(&o->pend, 0, sizeof(o->pend));
		ckptd_batch_split(&b, VERSION_BYTES / o->block_size, o->block_size, &o->pend);
		durable = any_durable(&b);
		if (d->stopping) {
			rc = -ESHUTDOWN;
		} else {
			pthread_mutex_unlock(&d->lock);
			rc = ckptd_build_version(d, o, &b, durable, &made);
			pthread_mutex_lock(&d->lock);
		}
		if (rc == 0 && made.made) {
			o->n_versions++;
			o->n_fsyncs += durable ? 1 : 0;
		}
		if (rc == 0 && (made.made || durable)) {
			if (ckptd_set_wants(d, o->name, durable) != 0 && durable) {
				rc = -ENOMEM;
			}
			d->repl->on_commit(d, o->name);
		}
		ckptd_tickets_done(d, o, b.tickets, b.n_tickets, rc, made.epoch, made.gen);
		ckptd_acked(d, o->name); /* no new version: a replica may hold it already */
		ckptd_batch_free(&b);
		pthread_cond_broadcast(&d->cond);
	}
	o->committing = false;
	if (o->refs == 0) {
		unmap_region(o);
	}
}

/* ---------------------------------------------------------- records */

static struct ckptd_rec *rec_at(const struct ckptd_obj *o, size_t i)
{
	return &o->recs[(o->rec_first + i) & (o->rec_cap - 1)];
}

static void drop_oldest(struct ckptd_obj *o)
{
	struct ckptd_rec *r = rec_at(o, 0);

	o->rec_bytes -= r->len;
	free(r->body);
	r->body = NULL;
	o->rec_first = (o->rec_first + 1) & (o->rec_cap - 1);
	o->rec_n--;
}

void ckptd_obj_add_record(struct ckptd *d, struct ckptd_obj *o, struct ckptd_rec *r)
{
	(void)d;
	if (o->rec_n > 0) {
		const struct ckptd_rec *last = rec_at(o, o->rec_n - 1);

		if (last->epoch != r->base_epoch || last->gen != r->base_gen) {
			while (o->rec_n > 0) {
				drop_oldest(o); /* not the next version: start again from r */
			}
		}
	}
	while (o->rec_n > 0 && (o->rec_bytes + r->len > VNFHA_CKPTD_RECORD_BYTES ||
				o->rec_n >= VNFHA_CKPTD_RECORD_COUNT)) {
		drop_oldest(o);
	}
	if (o->rec_n == o->rec_cap) {
		size_t cap = o->rec_cap > 0 ? o->rec_cap * 2 : 16;
		struct ckptd_rec *v = calloc(cap, sizeof(*v));

		if (v == NULL) {
			return; /* records only spare transfers: keep what there is */
		}
		for (size_t i = 0; i < o->rec_n; i++) {
			v[i] = *rec_at(o, i);
		}
		free(o->recs);
		o->recs = v;
		o->rec_cap = cap;
		o->rec_first = 0;
	}
	*rec_at(o, o->rec_n) = *r;
	o->rec_n++;
	o->rec_bytes += r->len;
	r->body = NULL;
}

const struct ckptd_rec *ckptd_record_after(struct ckptd *d, const char *name, uint64_t epoch,
					   uint64_t gen, size_t *ret_pos)
{
	const struct ckptd_obj *o = ckptd_obj_find(d, name, false);
	size_t lo = 0;
	size_t hi = o != NULL ? o->rec_n : 0;
	const struct ckptd_rec *r;

	/* The first record newer than (epoch, gen): the next one if its base is it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		r = rec_at(o, mid);
		if (vnfha__ckpt_version_cmp(r->epoch, r->gen, epoch, gen) <= 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (o == NULL || lo == o->rec_n) {
		return NULL;
	}
	r = rec_at(o, lo);
	if (r->base_epoch != epoch || r->base_gen != gen) {
		return NULL;
	}
	*ret_pos = lo;
	return r;
}

const struct ckptd_rec *ckptd_record_next(struct ckptd *d, const char *name, size_t *pos)
{
	const struct ckptd_obj *o = ckptd_obj_find(d, name, false);

	if (o == NULL || *pos + 1 >= o->rec_n) {
		return NULL;
	}
	(*pos)++;
	return rec_at(o, *pos);
}

void ckptd_records_drop(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen)
{
	for (size_t i = 0; i < d->n_objs; i++) {
		struct ckptd_obj *o = d->objs[i];

		if (name != NULL && strcmp(o->name, name) != 0) {
			continue;
		}
		while (o->rec_n > 0 &&
		       (name == NULL || vnfha__ckpt_version_cmp(rec_at(o, 0)->epoch, rec_at(o, 0)->gen,
								epoch, gen) <= 0)) {
			drop_oldest(o);
		}
	}
}

void ckptd_obj_free_all(struct ckptd *d)
{
	ckptd_records_drop(d, NULL, 0, 0);
	for (size_t i = 0; i < d->n_objs; i++) {
		struct ckptd_obj *o = d->objs[i];

		unmap_region(o);
		for (size_t k = 0; k < o->pend.n_tickets; k++) {
			ckptd_local_put(o->pend.tickets[k].lc);
		}
		ckptd_batch_free(&o->pend);
		free(o->waits[0].v);
		free(o->waits[1].v);
		free(o->recs);
		free(o);
	}
	free(d->objs);
	d->objs = NULL;
	d->n_objs = 0;
}

void ckptd_obj_status(struct ckptd *d, struct ckptd_text *out)
{
	for (size_t i = 0; i < d->n_objs; i++) {
		const struct ckptd_obj *o = d->objs[i];

		if (o->n_versions == 0 && o->n_tickets == 0 && o->map == NULL) {
			continue;
		}
		ckptd_text_add(out,
			       "commits %s versions %" PRIu64 " tickets %" PRIu64 " fsyncs %" PRIu64
			       " region %s tracking %s\n",
			       o->name, o->n_versions, o->n_tickets, o->n_fsyncs,
			       o->map != NULL ? "open" : "closed",
			       o->tracking != NULL && o->tracking[0] != '\0' ? o->tracking : "none");
	}
}
