// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Local clients (libvnfha, vnfha-ckpt) over the Unix socket: put/get,
 * shared-memory open/commit, list, latest, status, role and peer changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

#define DEFAULT_TIMEOUT_MS 5000

/* Regions this connection opened (the daemon's own mapping of each memfd). */
struct region {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint8_t *map;
	size_t size;
	bool mapped_in; /* every page is in map's page table already */
};

struct local {
	struct ckptd *d;
	struct vnfha__ckpt_conn *c;
	struct region *regions; /* grown as needed */
	size_t n_regions;
	size_t cap_regions;
	int64_t t0_us; /* when the request being served arrived */
};

static int reply(struct local *l, int status, uint64_t epoch, uint64_t gen, const char *msg,
		 const struct vnfha__ckpt_result_peer *peers, uint16_t n_peers)
{
	struct vnfha__ckpt_result r = { .status = status, .epoch = epoch, .gen = gen,
					.n_peers = n_peers };
	uint8_t buf[4096];
	int n;

	snprintf(r.message, sizeof(r.message), "%s", msg != NULL ? msg : "");
	if (n_peers > 0) {
		memcpy(r.peers, peers, n_peers * sizeof(*peers));
	}
	n = vnfha__ckpt_result_encode(&r, buf, sizeof(buf));
	return n < 0 ? n : vnfha__ckpt_io_send(l->c, VNFHA_CKPT_RESULT, buf, (uint32_t)n);
}

static int reply_err(struct local *l, int status, const char *msg)
{
	return reply(l, status, 0, 0, msg, NULL, 0);
}

static int send_info(struct local *l, const struct vnfha__ckpt_meta *m, int fd)
{
	struct vnfha__ckpt_obj o = { .epoch = m->epoch, .gen = m->gen, .size = m->size,
				     .block_size = m->block_size, .digest = m->digest };
	uint8_t buf[256];
	int n;

	snprintf(o.name, sizeof(o.name), "%s", m->name);
	n = vnfha__ckpt_obj_encode(&o, buf, sizeof(buf));
	if (n < 0) {
		return n;
	}
	if (fd >= 0) {
		return vnfha__ckpt_io_send_fd(l->c, VNFHA_CKPT_INFO, buf, (uint32_t)n, fd);
	}
	return vnfha__ckpt_io_send(l->c, VNFHA_CKPT_INFO, buf, (uint32_t)n);
}

int ckptd_set_role(struct ckptd *d, int role)
{
	int rc;

	if (role == VNFHA_CKPT_ROLE_PRIMARY && d->role != VNFHA_CKPT_ROLE_PRIMARY) {
		/* A new epoch at each promotion: versions made from here on
		 * order after everything any former primary made. */
		uint64_t epoch = vnfha__ckpt_store_max_epoch(d->store) + 1;

		rc = vnfha__ckpt_store_save_epoch(d->store, epoch);
		if (rc != 0) {
			return rc;
		}
		d->epoch = epoch;
		d->role = role;
		d->repl->on_role(d);
		vnfha_log(VNFHA_LOG_INFO, "role primary (epoch %" PRIu64 ")", epoch);
	} else if (role == VNFHA_CKPT_ROLE_REPLICA && d->role != VNFHA_CKPT_ROLE_REPLICA) {
		d->role = role;
		d->repl->on_role(d);
		vnfha_log(VNFHA_LOG_INFO, "role replica");
	}
	pthread_cond_broadcast(&d->cond);
	return 0;
}

/* After a local commit: wake the senders and wait as the mode says. */
static int after_commit(struct local *l, const char *name, uint32_t mode, uint32_t timeout_ms)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_result_peer peers[VNFHA_CKPT_MAX_PEERS];
	const struct vnfha__ckpt_meta *m;
	uint64_t epoch;
	uint64_t gen;
	int64_t deadline = vnfha__now_ms() + (timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS);
	int need = mode == VNFHA_CKPT_DURABLE ? VNFHA_CKPT_STATE_DURABLE : VNFHA_CKPT_STATE_MEMORY;
	int best = 0;
	uint16_t n;
	int status;

	pthread_mutex_lock(&d->lock);
	m = vnfha__ckpt_store_find(d->store, name);
	epoch = m->epoch;
	gen = m->gen;
	status = ckptd_set_wants(d, name, mode == VNFHA_CKPT_DURABLE);
	d->repl->on_commit(d, name);
	pthread_cond_broadcast(&d->cond);
	if (status != 0 && mode == VNFHA_CKPT_DURABLE) {
		pthread_mutex_unlock(&d->lock);
		return reply(l, status, epoch, gen, "stored locally; no memory left to ask the "
			     "replicas for durability", NULL, 0);
	}
	status = 0;
	for (;;) {
		struct timespec ts;
		int64_t now = vnfha__now_ms();

		n = d->repl->states(d, name, epoch, gen, peers, VNFHA_CKPT_MAX_PEERS, &best);
		if (mode == VNFHA_CKPT_ASYNC || best >= need) {
			break;
		}
		if (now >= deadline || d->stopping) {
			status = -ETIMEDOUT;
			break;
		}
		vnfha__deadline_ms(&ts, (unsigned int)(deadline - now));
		pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	}
	ckptd_metrics_commit(d, name, (uint64_t)(ckptd_now_us() - l->t0_us));
	pthread_mutex_unlock(&d->lock);
	return reply(l, status, epoch, gen,
		     status == 0 ? "" : "stored locally; no replica confirmed in time", peers, n);
}

/* Starts a local version of name: (epoch, next gen). Lock held. */
static int begin_local(struct ckptd *d, const char *name, uint64_t size,
		       struct vnfha__ckpt_update **ret_u)
{
	const struct vnfha__ckpt_meta *cur = vnfha__ckpt_store_find(d->store, name);
	bool full = cur == NULL || cur->size != size || cur->block_size != VNFHA_CKPT_BLOCK_SIZE;
	uint64_t gen = cur != NULL && cur->epoch == d->epoch ? cur->gen + 1 : 1;

	if (d->role != VNFHA_CKPT_ROLE_PRIMARY) {
		return -EROFS;
	}
	if (cur != NULL && cur->epoch > d->epoch) {
		return -ESTALE; /* a newer primary wrote it: never go back */
	}
	return vnfha__ckpt_update_begin(d->store, name, d->epoch, gen, size, VNFHA_CKPT_BLOCK_SIZE,
					NULL, full, ret_u);
}

static const char *begin_error(int rc)
{
	switch (rc) {
	case -EROFS:
		return "this daemon is a replica; commit on the primary";
	case -EBUSY:
		return "another commit of this checkpoint is running";
	case -ESTALE:
		return "the store holds a version from a newer epoch";
	default:
		return strerror(-rc);
	}
}

static int do_put(struct local *l, const struct vnfha__ckpt_req *r)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_update *u = NULL;
	uint8_t *blk = malloc(VNFHA_CKPT_BLOCK_SIZE);
	int status;
	int rc;

	if (blk == NULL) {
		return -ENOMEM;
	}
	pthread_mutex_lock(&d->lock);
	status = begin_local(d, r->name, r->size, &u);
	pthread_mutex_unlock(&d->lock);
	rc = reply_err(l, status, status == 0 ? "" : begin_error(status));
	if (rc != 0 || status != 0) {
		goto out;
	}
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_block b;
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(l->c, &h, blk, VNFHA_CKPT_BLOCK_HDR_LEN, &got);
		if (rc != 0) {
			goto out;
		}
		if (h.type == VNFHA_CKPT_END && h.length == 0) {
			break;
		}
		if (h.type != VNFHA_CKPT_BLOCK || got != VNFHA_CKPT_BLOCK_HDR_LEN ||
		    vnfha__ckpt_block_decode(blk, got, h.length, &b) != 0 ||
		    b.length > VNFHA_CKPT_BLOCK_SIZE) {
			rc = -EPROTO;
			goto out;
		}
		rc = vnfha__ckpt_io_read(l->c, blk, b.length);
		if (rc != 0) {
			goto out;
		}
		if (status == 0) {
			status = b.index < UINT32_MAX
					 ? vnfha__ckpt_update_block(u, (uint32_t)b.index, blk, b.length)
					 : -EINVAL;
		}
	}
	pthread_mutex_lock(&d->lock);
	if (status == 0) {
		status = vnfha__ckpt_update_commit(u, r->mode == VNFHA_CKPT_DURABLE);
		u = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	if (status != 0) {
		rc = reply_err(l, status, strerror(-status));
		goto out;
	}
	rc = after_commit(l, r->name, r->mode, r->timeout_ms);
out:
	pthread_mutex_lock(&d->lock);
	vnfha__ckpt_update_abort(u);
	pthread_mutex_unlock(&d->lock);
	free(blk);
	return rc;
}

/* Streams the current version, each block checked against its
 * fingerprint; -EAGAIN (to the client) when it changed meanwhile. */
static int do_get(struct local *l, const struct vnfha__ckpt_req *r)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_meta *m = NULL;
	const struct vnfha__ckpt_meta *cur;
	uint8_t *blk = malloc(VNFHA_CKPT_BLOCK_HDR_LEN + VNFHA_CKPT_MAX_BLOCK_SIZE);
	int fd = -1;
	int rc = 0;

	if (blk == NULL) {
		return -ENOMEM;
	}
	pthread_mutex_lock(&d->lock);
	cur = vnfha__ckpt_store_find(d->store, r->name);
	if (cur != NULL) {
		rc = vnfha__ckpt_meta_dup(cur, &m);
		if (rc == 0) {
			rc = vnfha__ckpt_store_open_data(d->store, r->name, &fd);
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (cur == NULL || rc != 0) {
		rc = reply_err(l, cur == NULL ? -ENOENT : rc, "no such checkpoint");
		goto out;
	}
	rc = send_info(l, m, -1);
	for (uint32_t i = 0; rc == 0 && i < m->nblocks; i++) {
		uint64_t off = (uint64_t)i * m->block_size;
		uint32_t n = m->size - off < m->block_size ? (uint32_t)(m->size - off) : m->block_size;
		struct vnfha__ckpt_block b = { .index = i, .length = n };

		rc = vnfha__ckpt_pread_all(fd, blk + VNFHA_CKPT_BLOCK_HDR_LEN, n, (off_t)off);
		if (rc == 0 &&
		    vnfha__ckpt_fp_block(blk + VNFHA_CKPT_BLOCK_HDR_LEN, n) != m->fps[i]) {
			rc = reply_err(l, -EAGAIN, "changed during the read");
			goto out;
		}
		if (rc != 0) {
			rc = reply_err(l, rc, strerror(-rc));
			goto out;
		}
		vnfha__ckpt_block_encode(&b, blk, VNFHA_CKPT_BLOCK_HDR_LEN);
		rc = vnfha__ckpt_io_send(l->c, VNFHA_CKPT_BLOCK, blk, VNFHA_CKPT_BLOCK_HDR_LEN + n);
	}
	if (rc == 0) {
		rc = vnfha__ckpt_io_send(l->c, VNFHA_CKPT_END, NULL, 0);
	}
out:
	if (fd >= 0) {
		close(fd);
	}
	vnfha__ckpt_meta_free(m);
	free(blk);
	return rc;
}

static struct region *find_region(struct local *l, const char *name)
{
	for (size_t i = 0; i < l->n_regions; i++) {
		if (strcmp(l->regions[i].name, name) == 0) {
			return &l->regions[i];
		}
	}
	return NULL;
}

/* A memfd of the object's size, filled with the stored version (checked
 * block by block), mapped here too and passed to the client. */
static int do_open(struct local *l, const struct vnfha__ckpt_req *r)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_meta *m = NULL;
	struct vnfha__ckpt_meta empty = { 0 };
	const struct vnfha__ckpt_meta *cur;
	struct region *reg = find_region(l, r->name);
	uint64_t size = r->size;
	uint8_t *map = MAP_FAILED;
	int mfd = -1;
	int dfd = -1;
	int rc = 0;

	if (reg == NULL && ckptd_grow((void **)&l->regions, &l->cap_regions, l->n_regions,
				      sizeof(*l->regions)) != 0) {
		return reply_err(l, -ENOMEM, "no memory for another region on this connection");
	}
	pthread_mutex_lock(&d->lock);
	cur = vnfha__ckpt_store_find(d->store, r->name);
	if (cur != NULL && (size == 0 || size == cur->size)) {
		size = cur->size;
		rc = vnfha__ckpt_meta_dup(cur, &m);
		if (rc == 0) {
			rc = vnfha__ckpt_store_open_data(d->store, r->name, &dfd);
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (rc == 0 && (size == 0 || size > (uint64_t)SIZE_MAX / 2)) {
		rc = -EINVAL;
	}
	if (rc == 0) {
		/* Sealed at its size: an application that truncated it would
		 * make this daemon's reads of the mapping fault (SIGBUS). */
		mfd = memfd_create(r->name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
		rc = mfd >= 0 ? 0 : -errno;
	}
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
		rc = reply_err(l, rc, rc == -EINVAL ? "size 0 and nothing stored" : strerror(-rc));
		goto out;
	}
	snprintf(empty.name, sizeof(empty.name), "%s", r->name);
	empty.size = size;
	empty.block_size = VNFHA_CKPT_BLOCK_SIZE;
	rc = send_info(l, m != NULL ? m : &empty, mfd);
	if (rc == 0) {
		if (reg == NULL) {
			reg = &l->regions[l->n_regions++];
		} else {
			munmap(reg->map, reg->size);
		}
		snprintf(reg->name, sizeof(reg->name), "%s", r->name);
		reg->map = map;
		reg->size = size;
		reg->mapped_in = m != NULL; /* the restore wrote every page */
		map = MAP_FAILED;
	}
out:
	if (map != MAP_FAILED) {
		munmap(map, size);
	}
	if (mfd >= 0) {
		close(mfd);
	}
	if (dfd >= 0) {
		close(dfd);
	}
	vnfha__ckpt_meta_free(m);
	return rc;
}

/* Commit scan: the region's blocks are fingerprinted in contiguous
 * ranges, one thread each; then this thread gives them to the update in
 * order. The writes stay in one thread: a file takes one writer at a time
 * (parallel writers only spin on its lock). */
struct scan {
	const uint8_t *map;
	uint64_t size;
	uint64_t *fps;
	uint32_t first;
	uint32_t last;
	pthread_t thread;
};

#define SCAN_THREADS_MAX 4
#define SCAN_MIN_BYTES (8u << 20) /* below this one thread does it */

static uint32_t block_len(uint64_t size, uint32_t i)
{
	uint64_t off = (uint64_t)i * VNFHA_CKPT_BLOCK_SIZE;

	return size - off < VNFHA_CKPT_BLOCK_SIZE ? (uint32_t)(size - off) : VNFHA_CKPT_BLOCK_SIZE;
}

static void *scan_range(void *arg)
{
	struct scan *s = arg;

	for (uint32_t i = s->first; i < s->last; i++) {
		s->fps[i] = vnfha__ckpt_fp_block(s->map + (uint64_t)i * VNFHA_CKPT_BLOCK_SIZE,
						 block_len(s->size, i));
	}
	return NULL;
}

static int scan_region(struct vnfha__ckpt_update *u, struct region *reg)
{
	struct scan s[SCAN_THREADS_MAX];
	uint32_t nblocks = (uint32_t)((reg->size + VNFHA_CKPT_BLOCK_SIZE - 1) / VNFHA_CKPT_BLOCK_SIZE);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t n = reg->size < SCAN_MIN_BYTES || cpus < 2 ? 1
		     : cpus > SCAN_THREADS_MAX		    ? SCAN_THREADS_MAX
							    : (uint32_t)cpus;
	uint64_t *fps = malloc(((size_t)nblocks + 1) * sizeof(*fps));
	int rc = 0;

	if (fps == NULL) {
		return -ENOMEM;
	}
	/* Fault the whole region in at once rather than page by page; once
	 * is enough (walking a populated 1 GiB again costs ~80 ms). */
	if (!reg->mapped_in) {
		madvise(reg->map, reg->size, MADV_POPULATE_READ);
		reg->mapped_in = true;
	}
	for (uint32_t t = 0; t < n; t++) {
		s[t] = (struct scan){ .map = reg->map, .size = reg->size, .fps = fps,
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
	for (uint32_t i = 0; rc == 0 && i < nblocks; i++) {
		rc = vnfha__ckpt_update_block_fp(u, i, reg->map + (uint64_t)i * VNFHA_CKPT_BLOCK_SIZE,
						 block_len(reg->size, i), fps[i]);
	}
	free(fps);
	return rc;
}

static int do_commit(struct local *l, const struct vnfha__ckpt_req *r)
{
	struct ckptd *d = l->d;
	struct region *reg = find_region(l, r->name);
	struct vnfha__ckpt_update *u = NULL;
	int64_t t0;
	int status;

	if (reg == NULL) {
		return reply_err(l, -EBADF, "checkpoint not opened on this connection");
	}
	t0 = vnfha__now_ms();
	pthread_mutex_lock(&d->lock);
	status = begin_local(d, r->name, reg->size, &u);
	pthread_mutex_unlock(&d->lock);
	if (status == 0) {
		status = scan_region(u, reg);
	}
	pthread_mutex_lock(&d->lock);
	if (status == 0) {
		status = vnfha__ckpt_update_commit(u, r->mode == VNFHA_CKPT_DURABLE);
	} else {
		vnfha__ckpt_update_abort(u);
	}
	pthread_mutex_unlock(&d->lock);
	if (status != 0) {
		return reply_err(l, status, begin_error(status));
	}
	if (reg->size >= (1u << 20)) {
		vnfha_log(VNFHA_LOG_INFO, "committed '%s' locally: %zu bytes scanned in %llu ms",
			  r->name, reg->size, (unsigned long long)(vnfha__now_ms() - t0));
	}
	return after_commit(l, r->name, r->mode, r->timeout_ms);
}

static int do_list(struct local *l, const struct vnfha__ckpt_req *r, bool latest_only)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_meta best = { 0 };
	bool found = false;
	int rc = 0;

	for (size_t i = 0;; i++) {
		struct vnfha__ckpt_meta m;
		const struct vnfha__ckpt_meta *p;
		bool more;

		pthread_mutex_lock(&d->lock);
		more = i < vnfha__ckpt_store_count(d->store);
		p = more ? vnfha__ckpt_store_at(d->store, i) : NULL;
		if (p != NULL) {
			m = *p;
			m.fps = NULL;
		}
		pthread_mutex_unlock(&d->lock);
		if (!more) {
			break;
		}
		if (p == NULL || (r->name[0] != '\0' && strcmp(r->name, m.name) != 0)) {
			continue;
		}
		if (!latest_only) {
			rc = send_info(l, &m, -1);
			if (rc != 0) {
				return rc;
			}
		} else if (!found ||
			   vnfha__ckpt_version_cmp(m.epoch, m.gen, best.epoch, best.gen) > 0) {
			best = m;
			found = true;
		}
	}
	if (latest_only) {
		return found ? send_info(l, &best, -1) : reply_err(l, -ENOENT, "no checkpoint");
	}
	return vnfha__ckpt_io_send(l->c, VNFHA_CKPT_INV_END, NULL, 0);
}

/* Human and machine readable: one "key value..." line per fact. */
static int do_status(struct local *l)
{
	struct ckptd *d = l->d;
	struct ckptd_text txt = { .buf = malloc(65535), .cap = 65535 };
	int rc;

	if (txt.buf == NULL) {
		return -ENOMEM;
	}
#define OUT(...) ckptd_text_add(&txt, __VA_ARGS__)
	pthread_mutex_lock(&d->lock);
	OUT("role %s\n", d->role == VNFHA_CKPT_ROLE_PRIMARY ? "primary" : "replica");
	OUT("epoch %" PRIu64 "\n", d->epoch);
	OUT("node %s\n", d->opts.node);
	if (d->opts.cpg_group != NULL) {
		OUT("transport cpg:%s\n", d->opts.cpg_group);
	} else {
		OUT("transport %s\n", d->opts.plaintext ? "plaintext" : "tls1.3-psk");
	}
	for (size_t i = 0; i < vnfha__ckpt_store_count(d->store); i++) {
		const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, i);

		if (m != NULL) {
			OUT("checkpoint %s version %" PRIu64 " %" PRIu64 " size %" PRIu64 "\n", m->name,
			    m->epoch, m->gen, m->size);
		}
	}
	d->repl->status(d, &txt);
	pthread_mutex_unlock(&d->lock);
	ckptd_text_finish(&txt);
#undef OUT
	rc = vnfha__ckpt_io_send(l->c, VNFHA_CKPT_TEXT, txt.buf, (uint32_t)txt.len);
	free(txt.buf);
	return rc;
}

static int do_peers(struct local *l, const uint8_t *payload, size_t len)
{
	struct ckptd *d = l->d;
	char text[VNFHA_CKPT_MAX_PEERS * (VNFHA_CKPT_NAME_MAX + 1) + 1];
	char *addrs[VNFHA_CKPT_MAX_PEERS];
	char *save = NULL;
	size_t n = 0;
	int rc;

	if (vnfha__ckpt_text_decode(payload, len, text, sizeof(text)) != 0) {
		return reply_err(l, -EINVAL, "peer list too long");
	}
	for (char *t = strtok_r(text, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
		char why[VNFHA_CKPT_NAME_MAX + 64];

		if (n == VNFHA_CKPT_MAX_PEERS) {
			return reply_err(l, -E2BIG, "more than 8 replicas; list at most 8");
		}
		if (strlen(t) > VNFHA_CKPT_NAME_MAX || strchr(t, ':') == NULL) {
			snprintf(why, sizeof(why), "'%.*s' is not HOST:PORT", VNFHA_CKPT_NAME_MAX, t);
			return reply_err(l, -EINVAL, why);
		}
		addrs[n++] = t;
	}
	pthread_mutex_lock(&d->lock);
	rc = d->repl->set_peers(d, addrs, n);
	pthread_mutex_unlock(&d->lock);
	if (rc == -EOPNOTSUPP) {
		return reply_err(l, rc, "no replica list to set: with --cpg the CPG group's "
				 "members are the replicas");
	}
	vnfha_log(VNFHA_LOG_INFO, "peers set to '%s' (%zu)", n > 0 ? addrs[0] : "", n);
	return reply_err(l, rc, rc == 0 ? "" : strerror(-rc));
}

void ckptd_serve_local(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	struct local l = { .d = d, .c = c };
	uint8_t buf[4096];
	int rc = 0;

	while (rc == 0) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_req r = { 0 };
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);
		if (rc != 0 || got != h.length) {
			break;
		}
		l.t0_us = ckptd_now_us();
		if (h.type != VNFHA_CKPT_PEERS && h.type != VNFHA_CKPT_HELLO &&
		    vnfha__ckpt_req_decode(buf, got, &r) != 0) {
			rc = reply_err(&l, -EBADMSG, "malformed request");
			break;
		}
		switch (h.type) {
		case VNFHA_CKPT_PUT:
			rc = do_put(&l, &r);
			break;
		case VNFHA_CKPT_GET:
			rc = do_get(&l, &r);
			break;
		case VNFHA_CKPT_OPEN:
			rc = do_open(&l, &r);
			break;
		case VNFHA_CKPT_COMMIT:
			rc = do_commit(&l, &r);
			break;
		case VNFHA_CKPT_LIST:
			rc = do_list(&l, &r, false);
			break;
		case VNFHA_CKPT_LATEST:
			rc = do_list(&l, &r, true);
			break;
		case VNFHA_CKPT_STATUS:
			rc = do_status(&l);
			break;
		case VNFHA_CKPT_ROLE:
			pthread_mutex_lock(&d->lock);
			rc = ckptd_set_role(d, (int)r.role);
			pthread_mutex_unlock(&d->lock);
			rc = reply_err(&l, rc, rc == 0 ? "" : strerror(-rc));
			break;
		case VNFHA_CKPT_PEERS:
			rc = do_peers(&l, buf, got);
			break;
		case VNFHA_CKPT_HELLO: {
			struct vnfha__ckpt_hello them;

			/* Who is this daemon: role and node, from its HELLO. */
			if (vnfha__ckpt_hello_decode(buf, got, &them) != 0) {
				rc = reply_err(&l, -EBADMSG, "malformed hello");
				break;
			}
			pthread_mutex_lock(&d->lock);
			rc = ckptd_send_hello(d, c);
			pthread_mutex_unlock(&d->lock);
			break;
		}
		default:
			rc = reply_err(&l, -EOPNOTSUPP, "unknown request");
			break;
		}
	}
	for (size_t i = 0; i < l.n_regions; i++) {
		munmap(l.regions[i].map, l.regions[i].size);
	}
	free(l.regions);
}
