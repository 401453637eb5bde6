// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Local clients (libvnfha, vnfha-ckpt) over the Unix socket: put/get,
 * shared-memory open, range submits (COMMITV) and whole-region commits
 * (COMMIT) into the commit queue (vnfha-ckptd-obj.c), list, latest,
 * status, role and peer changes. Everything the daemon sends a client goes
 * through its output buffer (vnfha-ckptd-waiters.c); this thread flushes
 * it while it waits for the next request.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DRAIN_MAX 256			/* submits read off one connection before committing */
#define GET_SNAPSHOT_BYTES (16u << 20) /* a get up to this is read under the lock */
#define LOCAL_RBUF (64u << 10)		/* a connection's read buffer: one recv per batch of frames */

struct local {
	struct ckptd *d;
	struct vnfha__ckpt_conn *c;
	struct ckptd_local *lc;
	uint8_t *buf; /* a request's payload (COMMITV: up to one frame, grown) */
	size_t cap;
	uint64_t refused_ticket; /* its later MORE frames are skipped (0: none) */
	int64_t t0_us;		 /* when the request being served arrived */
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
	return n < 0 ? n : ckptd_local_send(l->lc, VNFHA_CKPT_RESULT, buf, (uint32_t)n);
}

static int reply_err(struct local *l, int status, const char *msg)
{
	return reply(l, status, 0, 0, msg, NULL, 0);
}

static int send_info(struct local *l, const struct vnfha__ckpt_meta *m)
{
	struct vnfha__ckpt_obj o = { .epoch = m->epoch, .gen = m->gen, .size = m->size,
				     .block_size = m->block_size, .digest = m->digest };
	uint8_t buf[256];
	int n;

	snprintf(o.name, sizeof(o.name), "%s", m->name);
	n = vnfha__ckpt_obj_encode(&o, buf, sizeof(buf));
	return n < 0 ? n : ckptd_local_send(l->lc, VNFHA_CKPT_INFO, buf, (uint32_t)n);
}

static int set_role(struct ckptd *d, int role)
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
		ckptd_records_drop(d, NULL, 0, 0); /* versions of an earlier term */
		d->repl->on_role(d);
		vnfha_log(VNFHA_LOG_INFO, "role primary (epoch %" PRIu64 ")", epoch);
	} else if (role == VNFHA_CKPT_ROLE_REPLICA && d->role != VNFHA_CKPT_ROLE_REPLICA) {
		d->role = role;
		ckptd_records_drop(d, NULL, 0, 0);
		d->repl->on_role(d);
		vnfha_log(VNFHA_LOG_INFO, "role replica");
	}
	return 0;
}

/* One role change at a time: a demotion joins its senders with the lock
 * dropped, and a promotion meanwhile would restart the very senders it is
 * joining (the demotion would then wait for ever, two senders per replica). */
int ckptd_set_role(struct ckptd *d, int role)
{
	int rc;

	while (d->role_changing) {
		pthread_cond_wait(&d->cond, &d->lock);
	}
	d->role_changing = true;
	rc = set_role(d, role);
	d->role_changing = false;
	pthread_cond_broadcast(&d->cond);
	return rc;
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

/* Starts a local version of name: (epoch, next gen). Lock held; waits
 * while a commit of name is being made (never -EBUSY). */
static int begin_local(struct ckptd *d, const char *name, uint64_t size,
		       struct vnfha__ckpt_update **ret_u)
{
	for (;;) {
		const struct vnfha__ckpt_meta *cur = vnfha__ckpt_store_find(d->store, name);
		bool full = cur == NULL || cur->size != size || cur->block_size != VNFHA_CKPT_BLOCK_SIZE;
		uint64_t gen = cur != NULL && cur->epoch == d->epoch ? cur->gen + 1 : 1;
		int rc;

		if (d->role != VNFHA_CKPT_ROLE_PRIMARY) {
			return -EROFS;
		}
		if (cur != NULL && cur->epoch > d->epoch) {
			return -ESTALE; /* a newer primary wrote it: never go back */
		}
		rc = vnfha__ckpt_update_begin(d->store, name, d->epoch, gen, size,
					      VNFHA_CKPT_BLOCK_SIZE, NULL, full, ret_u);
		if (rc != -EBUSY || d->stopping) {
			return rc;
		}
		ckptd_wait_ms(d, 50);
	}
}

const char *ckptd_commit_error(int rc)
{
	switch (rc) {
	case -EROFS:
		return "this daemon is a replica; commit on the primary";
	case -ESTALE:
		return "the store holds a version from a newer epoch";
	case -EBADF:
		return "checkpoint not opened on this connection";
	case -ERANGE:
		return "a range past the region's end; nothing stored";
	case -ESHUTDOWN:
		return "the daemon is stopping";
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
	rc = reply_err(l, status, status == 0 ? "" : ckptd_commit_error(status));
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
	uint8_t *snap = NULL;
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
		/* Range versions are written in place under the lock: a small
		 * object read whole under it is one version however fast
		 * commits come; a larger one is read as it is sent (-EAGAIN
		 * when it changes meanwhile). */
		if (rc == 0 && m->size <= GET_SNAPSHOT_BYTES) {
			snap = malloc(m->size > 0 ? (size_t)m->size : 1);
			rc = snap == NULL ? -ENOMEM : vnfha__ckpt_pread_all(fd, snap, m->size, 0);
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (cur == NULL || rc != 0) {
		rc = reply_err(l, cur == NULL ? -ENOENT : rc, "no such checkpoint");
		goto out;
	}
	rc = send_info(l, m);
	if (rc == 0) {
		rc = ckptd_local_direct(l->lc, true); /* the blocks stream from here */
	}
	for (uint32_t i = 0; rc == 0 && i < m->nblocks; i++) {
		uint64_t off = (uint64_t)i * m->block_size;
		uint32_t n = m->size - off < m->block_size ? (uint32_t)(m->size - off) : m->block_size;
		struct vnfha__ckpt_block b = { .index = i, .length = n };

		if (snap != NULL) {
			memcpy(blk + VNFHA_CKPT_BLOCK_HDR_LEN, snap + off, n);
		} else {
			rc = vnfha__ckpt_pread_all(fd, blk + VNFHA_CKPT_BLOCK_HDR_LEN, n, (off_t)off);
		}
		if (rc == 0 &&
		    vnfha__ckpt_fp_block(blk + VNFHA_CKPT_BLOCK_HDR_LEN, n) != m->fps[i]) {
			ckptd_local_direct(l->lc, false);
			rc = reply_err(l, -EAGAIN, "changed during the read");
			goto out;
		}
		if (rc != 0) {
			ckptd_local_direct(l->lc, false);
			rc = reply_err(l, rc, strerror(-rc));
			goto out;
		}
		vnfha__ckpt_block_encode(&b, blk, VNFHA_CKPT_BLOCK_HDR_LEN);
		rc = vnfha__ckpt_io_send(l->c, VNFHA_CKPT_BLOCK, blk, VNFHA_CKPT_BLOCK_HDR_LEN + n);
	}
	if (rc == 0) {
		rc = vnfha__ckpt_io_send(l->c, VNFHA_CKPT_END, NULL, 0);
	}
	ckptd_local_direct(l->lc, false);
out:
	if (fd >= 0) {
		close(fd);
	}
	vnfha__ckpt_meta_free(m);
	free(snap);
	free(blk);
	return rc;
}

static int do_open(struct local *l, const struct vnfha__ckpt_req *r)
{
	struct ckptd *d = l->d;
	int rc;

	pthread_mutex_lock(&d->lock);
	rc = ckptd_obj_open(d, l->lc, r->name, r->size);
	pthread_mutex_unlock(&d->lock);
	return rc;
}

/* Lock held: the region of name this connection opened, or NULL. */
static struct ckptd_obj *opened(struct local *l, const char *name)
{
	struct ckptd_obj *o = ckptd_obj_find(l->d, name, false);

	return o != NULL && ckptd_local_has(l->lc, o) ? o : NULL;
}

static int answer_now(struct local *l, uint64_t ticket, int status)
{
	struct vnfha__ckpt_result r = { .status = status };
	uint8_t buf[512];
	int n;

	snprintf(r.message, sizeof(r.message), "%s", ckptd_commit_error(status));
	n = vnfha__ckpt_done_encode(ticket, ticket, &r, buf, sizeof(buf));
	return n < 0 ? n : ckptd_local_send(l->lc, VNFHA_CKPT_DONE, buf, (uint32_t)n);
}

/* The whole-region commit: a scan ticket in the queue, answered with RESULT. */
static int do_commit(struct local *l, const struct vnfha__ckpt_req *r)
{
	struct ckptd *d = l->d;
	struct ckptd_batch b = { .scan = true };
	struct ckptd_ticket t = { .lc = l->lc, .mode = (uint8_t)r->mode,
				  .reply = CKPTD_REPLY_RESULT, .timeout_ms = r->timeout_ms,
				  .t0_us = l->t0_us };
	struct ckptd_obj *o;
	int rc;

	if (r->mode > VNFHA_CKPT_DURABLE) {
		return reply_err(l, -EINVAL, "unknown mode");
	}
	t.deadline_ms = vnfha__now_ms() + (r->timeout_ms > 0 ? r->timeout_ms : DEFAULT_TIMEOUT_MS);
	rc = ckptd_batch_add_ticket(&b, &t) < 0 ? -ENOMEM : 0;
	pthread_mutex_lock(&d->lock);
	o = opened(l, r->name);
	if (rc == 0 && o == NULL) {
		rc = -EBADF;
	}
	if (rc == 0) {
		rc = ckptd_obj_enqueue(d, o, &b);
	}
	if (rc == 0) {
		ckptd_obj_commit_pending(d, o);
	}
	pthread_mutex_unlock(&d->lock);
	ckptd_batch_free(&b);
	return rc == 0 ? 0 : reply_err(l, rc, ckptd_commit_error(rc));
}

/* How a tracked submit's pages were found: the status word and the log's words. */
static const char *tracking_name(uint32_t flags)
{
	return flags & VNFHA_CKPT_CV_FAULT ? "uffd-fault" : flags & VNFHA_CKPT_CV_UFFD ? "uffd-wp" : "scan";
}

static const char *tracking_what(uint32_t flags)
{
	return flags & VNFHA_CKPT_CV_FAULT   ? "userfaultfd write-protect faults (uffd-fault)"
	       : flags & VNFHA_CKPT_CV_UFFD ? "userfaultfd write-protect (uffd-wp)"
					     : "page hashes (scan: no uffd-wp here)";
}

/*
 * A range submit: its bytes copied off the connection into this
 * connection's partial batch; once whole (no MORE), queued with its
 * ticket. Ranges past the region's end refuse the ticket, nothing stored.
 * *ret_queued: a submit joined the object's queue (the caller commits).
 */
static int do_commitv(struct local *l, const uint8_t *buf, size_t len,
		      struct ckptd_obj **ret_queued)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_commitv cv;
	struct ckptd_obj *o;
	const uint8_t *data;
	int rc = 0;

	if (vnfha__ckpt_commitv_decode(buf, len, &cv) != 0) {
		return -EPROTO; /* out of step with the client: end the connection */
	}
	if (cv.ticket == l->refused_ticket && cv.ticket != 0) {
		if (!(cv.flags & VNFHA_CKPT_CV_MORE)) {
			l->refused_ticket = 0;
		}
		return 0; /* the rest of a refused submit */
	}
	if (l->lc->partial == NULL) {
		l->lc->partial = calloc(1, sizeof(*l->lc->partial));
		if (l->lc->partial == NULL) {
			return -ENOMEM;
		}
	}
	pthread_mutex_lock(&d->lock);
	o = opened(l, cv.name);
	if (o != NULL && (cv.flags & VNFHA_CKPT_CV_TRACKED)) {
		const char *how = tracking_name(cv.flags);

		if (o->tracking == NULL || strcmp(o->tracking, how) != 0) {
			vnfha_log(VNFHA_LOG_INFO, "checkpoint '%s': tracked submits find written "
				  "pages by %s", o->name, tracking_what(cv.flags));
			o->tracking = how;
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (o == NULL) {
		rc = -EBADF;
	}
	data = cv.data;
	for (uint32_t i = 0; rc == 0 && i < cv.n_ranges; i++) {
		uint64_t off;
		uint32_t n;

		vnfha__ckpt_range_at(cv.ranges, i, &off, &n);
		if (off > o->size || n > o->size - off) {
			rc = -ERANGE;
			break;
		}
		rc = ckptd_batch_add_piece(l->lc->partial, off, data, n);
		data += n;
	}
	if (rc == 0 && (cv.flags & VNFHA_CKPT_CV_MORE)) {
		return 0; /* the same ticket continues in the next frame */
	}
	if (rc == 0) {
		struct ckptd_ticket t = { .lc = l->lc, .first = cv.ticket, .last = cv.ticket,
					  .mode = (uint8_t)cv.mode, .reply = CKPTD_REPLY_DONE,
					  .timeout_ms = cv.timeout_ms, .t0_us = l->t0_us };

		t.deadline_ms = vnfha__now_ms() +
				(cv.timeout_ms > 0 ? cv.timeout_ms : DEFAULT_TIMEOUT_MS);
		l->lc->partial->scan = (cv.flags & VNFHA_CKPT_CV_SCAN) != 0;
		rc = ckptd_batch_add_ticket(l->lc->partial, &t) < 0 ? -ENOMEM : 0;
	}
	pthread_mutex_lock(&d->lock);
	if (rc == 0) {
		rc = ckptd_obj_enqueue(d, o, l->lc->partial);
		*ret_queued = o;
	}
	pthread_mutex_unlock(&d->lock);
	ckptd_batch_clear(l->lc->partial);
	if (rc != 0) {
		l->refused_ticket = (cv.flags & VNFHA_CKPT_CV_MORE) ? cv.ticket : 0;
		return answer_now(l, cv.ticket, rc);
	}
	return 0;
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
			rc = send_info(l, &m);
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
		return found ? send_info(l, &best) : reply_err(l, -ENOENT, "no checkpoint");
	}
	return ckptd_local_send(l->lc, VNFHA_CKPT_INV_END, NULL, 0);
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
	if (d->opts.shared) {
		OUT("transport shared\n");
	} else if (d->opts.cpg_group != NULL) {
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
	ckptd_obj_status(d, &txt);
	d->repl->status(d, &txt);
	pthread_mutex_unlock(&d->lock);
	ckptd_text_finish(&txt);
#undef OUT
	rc = ckptd_local_send(l->lc, VNFHA_CKPT_TEXT, txt.buf, (uint32_t)txt.len);
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
		return reply_err(l, rc, d->opts.shared
						? "no replica list to set: with --shared the store "
						  "is on shared storage and has no replica"
						: "no replica list to set: with --cpg the CPG group's "
						  "members are the replicas");
	}
	return reply_err(l, rc, rc == 0 ? "" : strerror(-rc));
}

/* Until a frame starts arriving, flushing what is queued for the client
 * meanwhile; wait_ms -1 blocks. 1: readable, 0: not yet, <0 the end.
 * Bytes already in the connection's read buffer are readable now. */
static int wait_request(struct local *l, int wait_ms)
{
	bool buffered = vnfha__ckpt_io_buffered(l->c) > 0;

	if (buffered) {
		wait_ms = 0;
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = l->c->fd, .events = POLLIN },
				       { .fd = l->lc->wake_fd, .events = POLLIN } };
		int n;

		if (l->lc->out_len > 0) {
			p[0].events |= POLLOUT;
		}
		n = poll(p, 2, wait_ms);
		if (n < 0 && errno != EINTR) {
			return -errno;
		}
		if (p[1].revents != 0 || (p[0].revents & POLLOUT)) {
			ckptd_local_flush(l->lc);
		}
		if (l->lc->dead) {
			return -EPIPE;
		}
		if (buffered || (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			return 1;
		}
		if (n == 0) {
			return 0;
		}
	}
}

/* One request; *ret_queued: a submit joined an object's queue. */
static int serve_one(struct local *l, struct ckptd_obj **ret_queued)
{
	struct ckptd *d = l->d;
	struct vnfha__ckpt_hdr h;
	struct vnfha__ckpt_req r = { 0 };
	size_t got = 0;
	int rc = vnfha__ckpt_io_recv(l->c, &h, l->buf, 4096, &got);

	if (rc != 0) {
		return rc;
	}
	l->t0_us = ckptd_now_us();
	if (h.type == VNFHA_CKPT_COMMITV) {
		if (h.length > l->cap) {
			uint8_t *n = realloc(l->buf, h.length);

			if (n == NULL) {
				return -ENOMEM;
			}
			l->buf = n;
			l->cap = h.length;
		}
		rc = vnfha__ckpt_io_read(l->c, l->buf + got, h.length - got);
		return rc != 0 ? rc : do_commitv(l, l->buf, h.length, ret_queued);
	}
	if (got != h.length) {
		return -EPROTO;
	}
	if (h.type != VNFHA_CKPT_PEERS && h.type != VNFHA_CKPT_HELLO &&
	    vnfha__ckpt_req_decode(l->buf, got, &r) != 0) {
		reply_err(l, -EBADMSG, "malformed request");
		return -EPROTO;
	}
	switch (h.type) {
	case VNFHA_CKPT_PUT:
		return do_put(l, &r);
	case VNFHA_CKPT_GET:
		return do_get(l, &r);
	case VNFHA_CKPT_OPEN:
		return do_open(l, &r);
	case VNFHA_CKPT_COMMIT:
		return do_commit(l, &r);
	case VNFHA_CKPT_LIST:
		return do_list(l, &r, false);
	case VNFHA_CKPT_LATEST:
		return do_list(l, &r, true);
	case VNFHA_CKPT_STATUS:
		return do_status(l);
	case VNFHA_CKPT_ROLE:
		pthread_mutex_lock(&d->lock);
		rc = ckptd_set_role(d, (int)r.role);
		pthread_mutex_unlock(&d->lock);
		return reply_err(l, rc, rc == 0 ? "" : strerror(-rc));
	case VNFHA_CKPT_PEERS:
		return do_peers(l, l->buf, got);
	case VNFHA_CKPT_HELLO: {
		struct vnfha__ckpt_hello them;

		/* Who is this daemon: role and node, from its HELLO. */
		if (vnfha__ckpt_hello_decode(l->buf, got, &them) != 0) {
			return reply_err(l, -EBADMSG, "malformed hello");
		}
		rc = ckptd_local_direct(l->lc, true);
		pthread_mutex_lock(&d->lock);
		rc = rc != 0 ? rc : ckptd_send_hello(d, l->c);
		pthread_mutex_unlock(&d->lock);
		ckptd_local_direct(l->lc, false);
		return rc;
	}
	default:
		return reply_err(l, -EOPNOTSUPP, "unknown request");
	}
}

void ckptd_serve_local(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	struct local l = { .d = d, .c = c, .buf = malloc(4096), .cap = 4096 };
	int rc = 0;

	l.lc = ckptd_local_new(d, c);
	/* Requests read through a buffer: one read brings every submit
	 * waiting on the socket (nothing comes with SCM_RIGHTS this way). */
	if (l.buf == NULL || l.lc == NULL || vnfha__ckpt_conn_buffer(c, LOCAL_RBUF) != 0) {
		free(l.buf);
		free(l.lc);
		return;
	}
	while (rc >= 0) {
		struct ckptd_obj *queued = NULL;

		rc = wait_request(&l, -1);
		if (rc < 0) {
			break;
		}
		rc = serve_one(&l, &queued);
		/* Submits already on the socket join the same batch: read them
		 * (up to DRAIN_MAX) before this thread commits. */
		for (int k = 1; rc == 0 && queued != NULL && k < DRAIN_MAX; k++) {
			struct ckptd_obj *more = NULL;

			if (wait_request(&l, 0) != 1) {
				break;
			}
			rc = serve_one(&l, &more);
			if (more != NULL && more != queued) {
				pthread_mutex_lock(&d->lock);
				ckptd_obj_commit_pending(d, queued);
				pthread_mutex_unlock(&d->lock);
				queued = more;
			}
		}
		if (queued != NULL) {
			pthread_mutex_lock(&d->lock);
			ckptd_obj_commit_pending(d, queued);
			pthread_mutex_unlock(&d->lock);
		}
	}
	pthread_mutex_lock(&l.lc->out_lock);
	l.lc->dead = true; /* from here frames for it are dropped */
	pthread_mutex_unlock(&l.lc->out_lock);
	pthread_mutex_lock(&d->lock);
	ckptd_obj_release_all(d, l.lc);
	ckptd_local_put(l.lc);
	pthread_mutex_unlock(&d->lock);
	free(l.buf);
}
