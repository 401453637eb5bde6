// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The primary's sender: one thread per replica while the role is primary;
 * it dials the replica (vnfha-ckptd-transports.c), reads its inventory and sends
 * each version the replica lacks, only the blocks that differ
 * (vnfha-ckptd-session.c has the session).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-tcp.h"

#define BATCH_BYTES (1u << 20)	   /* blocks read and sent per corked batch */
#define SNAPSHOT_BYTES (16u << 20) /* a delta up to this is read under the lock */
#define WINDOW_VERSIONS 64	   /* versions in flight to a replica */
#define WINDOW_BYTES (16u << 20)   /* PATCH bytes in flight to a replica */

/* Looked up, not added: p->objs moves when it grows (under a sender that
 * dropped the lock to write, say). */
static struct peer_obj *peer_obj_find(struct peer *p, const char *name)
{
	for (size_t i = 0; i < p->n_objs; i++) {
		if (strcmp(p->objs[i].name, name) == 0) {
			return &p->objs[i];
		}
	}
	return NULL;
}

struct peer_obj *ckptd_peer_obj(struct peer *p, const char *name)
{
	struct peer_obj *n = peer_obj_find(p, name);

	if (n != NULL) {
		return n;
	}
	n = realloc(p->objs, (p->n_objs + 1) * sizeof(*n));
	if (n == NULL) {
		return NULL;
	}
	p->objs = n;
	memset(&n[p->n_objs], 0, sizeof(n[0]));
	snprintf(n[p->n_objs].name, sizeof(n[0].name), "%s", name);
	return &n[p->n_objs++];
}

static bool peer_should_run(struct ckptd *d, struct peer *p);

bool ckptd_peer_stopped(struct ckptd *d, struct peer *p)
{
	bool run;

	pthread_mutex_lock(&d->lock);
	run = peer_should_run(d, p);
	pthread_mutex_unlock(&d->lock);
	return !run;
}

/* Reads the replica's inventory into p->objs. */
static int read_inventory(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	uint8_t *buf = malloc(VNFHA_CKPT_MAX_PAYLOAD);
	int rc = buf != NULL ? 0 : -ENOMEM;

	while (rc == 0) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_obj o;
		struct vnfha__ckpt_meta m = { 0 };
		struct vnfha__ckpt_meta *copy = NULL;
		struct peer_obj *po;
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(c, &h, buf, VNFHA_CKPT_MAX_PAYLOAD, &got);
		if (rc != 0) {
			break;
		}
		if (h.type == VNFHA_CKPT_INV_END) {
			break;
		}
		if (h.type != VNFHA_CKPT_INV || vnfha__ckpt_obj_decode(buf, got, &o) != 0 ||
		    (o.n_fps == 0 && o.size > 0)) {
			rc = -EPROTO;
			break;
		}
		snprintf(m.name, sizeof(m.name), "%s", o.name);
		m.epoch = o.epoch;
		m.gen = o.gen;
		m.size = o.size;
		m.block_size = o.block_size;
		m.digest = o.digest;
		m.nblocks = o.n_fps;
		m.fps = calloc(o.n_fps + 1, sizeof(uint64_t));
		if (m.fps == NULL) {
			rc = -ENOMEM;
			break;
		}
		vnfha__ckpt_fp_from_wire(o.fps, o.n_fps, m.fps);
		rc = vnfha__ckpt_meta_dup(&m, &copy);
		free(m.fps);
		if (rc != 0) {
			break;
		}
		pthread_mutex_lock(&d->lock);
		po = ckptd_peer_obj(p, o.name);
		if (po != NULL) {
			vnfha__ckpt_meta_free(po->meta);
			po->meta = copy;
			po->state = o.flags & VNFHA_CKPT_F_DURABLE ? VNFHA_CKPT_STATE_DURABLE
								    : VNFHA_CKPT_STATE_MEMORY;
			copy = NULL;
			ckptd_acked(d, o.name);
		}
		pthread_mutex_unlock(&d->lock);
		vnfha__ckpt_meta_free(copy);
	}
	free(buf);
	return rc;
}

/* BLOCK frames (header, block header, data) of the blocks of m that want
 * marks, from index *i on, laid out back to back in buf until per of them;
 * each verified against m's fingerprint as it is read (-ESTALE: the store
 * moved on). *ret_used bytes of frames, *ret_bytes of data. */
static int fill_frames(const struct vnfha__ckpt_meta *m, const uint8_t *want, uint32_t *i,
		       uint32_t per, int fd, uint8_t *buf, size_t *ret_used, uint64_t *ret_bytes)
{
	const size_t frame_head = VNFHA_CKPT_HDR_LEN + VNFHA_CKPT_BLOCK_HDR_LEN;
	size_t used = 0;
	uint64_t bytes = 0;
	uint32_t k = 0;
	int rc = 0;

	for (; *i < m->nblocks && k < per; (*i)++) {
		uint64_t off = (uint64_t)*i * m->block_size;
		uint32_t n = m->size - off < m->block_size ? (uint32_t)(m->size - off) : m->block_size;
		struct vnfha__ckpt_block b = { .index = *i, .length = n };
		uint8_t *frame = buf + used;

		if (!want[*i]) {
			continue;
		}
		rc = vnfha__ckpt_pread_all(fd, frame + frame_head, n, (off_t)off);
		if (rc != 0) {
			break;
		}
		if (vnfha__ckpt_fp_block(frame + frame_head, n) != m->fps[*i]) {
			rc = -ESTALE;
			break;
		}
		vnfha__ckpt_io_frame_hdr(frame, VNFHA_CKPT_BLOCK, VNFHA_CKPT_BLOCK_HDR_LEN + n);
		vnfha__ckpt_block_encode(&b, frame + VNFHA_CKPT_HDR_LEN, VNFHA_CKPT_BLOCK_HDR_LEN);
		used += frame_head + n;
		bytes += n;
		k++;
	}
	*ret_used = used;
	*ret_bytes = bytes;
	return rc;
}

/* Sends the blocks of m that want[] marks, a batch at a time, verifying
 * each against m's fingerprint as it is read: -ESTALE when the store moved
 * on under us. A batch leaves in one write: one send(2) in plaintext,
 * full-size records straight from this buffer with TLS. */
static int send_blocks(struct peer *p, struct vnfha__ckpt_conn *c,
		       const struct vnfha__ckpt_meta *m, const uint8_t *want, uint32_t nwant, int fd)
{
	const size_t frame_head = VNFHA_CKPT_HDR_LEN + VNFHA_CKPT_BLOCK_HDR_LEN;
	uint32_t per = BATCH_BYTES / m->block_size > 0 ? BATCH_BYTES / m->block_size : 1;
	uint8_t *buf;
	uint32_t i = 0;
	int rc;

	/* A small version needs no whole batch (4 KiB commits: one block). */
	per = nwant < per ? nwant : per;
	buf = malloc((size_t)(per > 0 ? per : 1) * (m->block_size + frame_head));
	rc = buf != NULL ? 0 : -ENOMEM;
	while (rc == 0 && i < m->nblocks && per > 0) {
		size_t used = 0;
		uint64_t bytes = 0;

		rc = fill_frames(m, want, &i, per, fd, buf, &used, &bytes);
		if (rc == 0 && used > 0) {
			rc = vnfha__ckpt_io_write(c, buf, used);
		}
		if (rc == 0) {
			p->sending_bytes += bytes;
			p->total_sent += bytes;
		}
	}
	free(buf);
	return rc;
}

/*
 * m joins the replica's versions in flight (m taken, freed on failure).
 * Before END leaves: the replica ACKs as soon as END arrives, and an ACK
 * read before its version is in flight covers nothing - the version's
 * waiters would time out and the next delta of the object wait for an
 * ACK that never comes (seen with plaintext, where the replica can finish
 * before the sender takes the lock back).
 */
static int delta_in_flight(struct ckptd *d, struct peer *p, struct vnfha__ckpt_meta *m)
{
	struct inflight f = { .epoch = m->epoch, .gen = m->gen, .meta = m };
	struct peer_obj *po;
	int rc;

	pthread_mutex_lock(&d->lock);
	po = ckptd_peer_obj(p, m->name); /* may have moved while unlocked */
	if (po == NULL) {
		vnfha__ckpt_meta_free(m);
		rc = -ENOMEM;
	} else {
		rc = ckptd_inflight_push(p, po, &f);
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

/*
 * A block delta of name's current version against what the replica
 * holds (all of it for a new or diverged one): BEGIN, the blocks, END,
 * its ACK read by the session's reader. Up to SNAPSHOT_BYTES the blocks
 * are read with the lock held (range versions are written in place under
 * it), so the copy is consistent however fast commits come; a larger one
 * is read as it is sent and gives up (ABORT) when a block changes under
 * it, the next round sending the newer version. Lock held; dropped while
 * sending. 1 sent, 0 aborted, <0 the session failed.
 */
static int send_delta(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c,
		      const struct vnfha__ckpt_meta *cur, struct peer_obj *po, bool durable)
{
	const size_t frame_head = VNFHA_CKPT_HDR_LEN + VNFHA_CKPT_BLOCK_HDR_LEN;
	struct vnfha__ckpt_meta *m = NULL;
	struct vnfha__ckpt_meta end = { 0 }; /* m's header, for END and the log once m is in flight */
	const struct vnfha__ckpt_meta *base = po->meta;
	uint8_t *want = calloc(cur->nblocks + 1, 1);
	uint8_t *snap = NULL;
	size_t snap_used = 0;
	uint64_t snap_bytes = 0;
	uint32_t flags = durable ? VNFHA_CKPT_F_DURABLE : 0;
	uint32_t nwant;
	int64_t t0 = vnfha__now_ms();
	bool corked;
	int fd = -1;
	int rc = want != NULL ? vnfha__ckpt_meta_dup(cur, &m) : -ENOMEM;

	if (rc != 0) {
		free(want);
		return rc;
	}
	if (base != NULL && base->size == m->size && base->block_size == m->block_size) {
		nwant = vnfha__ckpt_fp_diff(base->fps, base->nblocks, m->fps, m->nblocks, want);
	} else {
		nwant = vnfha__ckpt_fp_diff(NULL, 0, m->fps, m->nblocks, want);
		flags |= VNFHA_CKPT_F_FULL;
	}
	rc = vnfha__ckpt_store_open_data(d->store, m->name, &fd);
	if (rc == 0 && (uint64_t)nwant * m->block_size <= SNAPSHOT_BYTES) {
		uint32_t i = 0;

		snap = malloc((size_t)(nwant > 0 ? nwant : 1) * (m->block_size + frame_head));
		rc = snap != NULL ? fill_frames(m, want, &i, nwant, fd, snap, &snap_used, &snap_bytes)
				  : -ENOMEM;
	}
	p->sending_bytes = 0;
	pthread_mutex_unlock(&d->lock);
	/* A small version (BEGIN, its blocks, END) leaves in one write:
	 * corked here, flushed at the end. A large one is not corked: its
	 * batches are large writes already, and corking would copy them all
	 * into the TLS library's buffer first. */
	corked = c->ops->cork != NULL && (uint64_t)nwant * m->block_size <= BATCH_BYTES;
	if (rc == 0 && corked) {
		c->ops->cork(c, 1);
	}
	if (rc == 0) {
		rc = ckptd_send_obj(c, VNFHA_CKPT_BEGIN, m, true, flags, 0);
	}
	if (rc == 0 && snap != NULL) {
		rc = snap_used > 0 ? vnfha__ckpt_io_write(c, snap, snap_used) : 0;
		p->sending_bytes += snap_bytes;
		p->total_sent += snap_bytes;
	} else if (rc == 0) {
		rc = send_blocks(p, c, m, want, nwant, fd);
	}
	if (rc == -ESTALE) {
		/* Changed under us: a newer version is committed; send that
		 * (no ACK comes for an aborted version). */
		rc = ckptd_send_obj(c, VNFHA_CKPT_ABORT, m, false, 0, 0);
		rc = rc == 0 ? -ESTALE : rc;
	} else if (rc == 0) {
		end = *m;
		end.fps = NULL;
		rc = delta_in_flight(d, p, m);
		m = NULL;
		rc = rc == 0 ? ckptd_send_obj(c, VNFHA_CKPT_END, &end, false, flags, 0) : rc;
	}
	if (corked) {
		int flushed = c->ops->cork(c, 0);

		rc = rc != 0 ? rc : flushed;
	}
	if (rc == 0 && (uint64_t)nwant * end.block_size >= (1u << 20)) {
		vnfha_log(VNFHA_LOG_INFO, "replica %s: '%s' %llu.%llu sent, %llu bytes %s in %llu ms",
			  p->addr, end.name, (unsigned long long)end.epoch, (unsigned long long)end.gen,
			  (unsigned long long)p->sending_bytes,
			  flags & VNFHA_CKPT_F_FULL ? "(full)" : "(delta)",
			  (unsigned long long)(vnfha__now_ms() - t0));
	}
	if (fd >= 0) {
		close(fd);
	}
	free(snap);
	free(want);
	vnfha__ckpt_meta_free(m); /* NULL once in flight */
	pthread_mutex_lock(&d->lock);
	p->sending_bytes = 0;
	return rc == -ESTALE ? 0 : rc != 0 ? rc : 1;
}

/*
 * PATCH frames of name's records after what the replica was last sent,
 * as many as the window allows, laid out in one buffer and written at
 * once; none waits for the ACK of the one before. Lock held; dropped while
 * sending. 1 sent, 0 nothing to send (none recorded, or the window full).
 */
static int send_patches(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c,
			struct peer_obj *po)
{
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint8_t *buf = NULL;
	size_t used = 0;
	size_t cap = 0;
	size_t pos = 0;
	size_t n = 0;
	const struct ckptd_rec *r = ckptd_record_after(d, po->name, po->sent_epoch, po->sent_gen,
							&pos);
	int rc = 0;

	snprintf(name, sizeof(name), "%s", po->name);
	while (r != NULL && r->body != NULL && p->fl_versions < WINDOW_VERSIONS &&
	       (p->fl_bytes + r->len <= WINDOW_BYTES || n == 0)) {
		struct vnfha__ckpt_patch pt;
		struct inflight f = { .epoch = r->epoch, .gen = r->gen, .bytes = r->len };
		size_t need = used + VNFHA_CKPT_HDR_LEN + r->len;

		if (vnfha__ckpt_patch_decode(r->body, r->len, &pt) != 0) {
			break; /* never: the committer encoded it */
		}
		if (need > cap) {
			size_t ncap = cap > 0 ? cap * 2 : 65536;
			uint8_t *nb;

			while (ncap < need) {
				ncap *= 2;
			}
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		f.blocks = malloc(((size_t)pt.n_blocks + 1) * sizeof(*f.blocks));
		if (f.blocks == NULL) {
			rc = -ENOMEM;
			break;
		}
		for (uint32_t i = 0; i < pt.n_blocks; i++) {
			f.blocks[i] = vnfha__ckpt_pblock_at(pt.blocks, i);
		}
		f.n_blocks = pt.n_blocks;
		vnfha__ckpt_io_frame_hdr(buf + used, VNFHA_CKPT_PATCH, (uint32_t)r->len);
		memcpy(buf + used + VNFHA_CKPT_HDR_LEN, r->body, r->len);
		used = need;
		p->total_sent += pt.data_len;
		rc = ckptd_inflight_push(p, po, &f);
		if (rc != 0) {
			break;
		}
		n++;
		r = ckptd_record_next(d, name, &pos);
		if (r != NULL && (r->base_epoch != po->sent_epoch || r->base_gen != po->sent_gen)) {
			r = NULL;
		}
	}
	if (used > 0) {
		pthread_mutex_unlock(&d->lock);
		rc = vnfha__ckpt_io_write(c, buf, used);
		pthread_mutex_lock(&d->lock);
	}
	free(buf);
	return rc != 0 ? rc : n > 0;
}

/* Lock held: the replica lacks m - a version newer than the one sent
 * (never one older than a version it holds), or a durable wish on the one
 * sent that it holds only in memory. */
static bool peer_obj_lags(struct ckptd *d, const struct peer_obj *po,
			  const struct vnfha__ckpt_meta *m)
{
	int cmp = !po->sent_valid ? -1
				  : vnfha__ckpt_version_cmp(po->sent_epoch, po->sent_gen, m->epoch,
							    m->gen);

	return cmp < 0 || (cmp == 0 && ckptd_wants_durable(d, m->name) &&
			   vnfha__ckpt_version_cmp(po->dur_epoch, po->dur_gen, m->epoch, m->gen) < 0);
}

/*
 * One step for the replica (lock held): for the first object it lacks,
 * PATCH frames when it holds a version the records continue from, else
 * (nothing in flight for it) a block delta; a durable wish on a version
 * it holds only in memory sends it again with DURABLE. 1 done, 0 nothing
 * to do now, <0 the session failed.
 */
static int next_step(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	for (size_t i = 0; i < vnfha__ckpt_store_count(d->store); i++) {
		const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, i);
		struct peer_obj *po = m != NULL ? ckptd_peer_obj(p, m->name) : NULL;
		int rc;

		if (po == NULL || !peer_obj_lags(d, po, m)) {
			continue;
		}
		if (p->proto >= 2 && po->sent_valid && po->meta != NULL &&
		    vnfha__ckpt_version_cmp(po->sent_epoch, po->sent_gen, m->epoch, m->gen) < 0) {
			rc = send_patches(d, p, c, po);
			if (rc != 0) {
				return rc;
			}
		}
		if (po->fl_head < po->fl_n) {
			continue; /* a delta or a durable resend waits for the ACKs */
		}
		return send_delta(d, p, c, m, po, ckptd_wants_durable(d, m->name)) < 0 ? -EIO : 1;
	}
	return 0;
}

/* Lock held: the sender thread sleeps until kicked or ms pass. */
static void peer_wait_ms(struct ckptd *d, struct peer *p, unsigned int ms)
{
	struct timespec ts;

	vnfha__deadline_ms(&ts, ms);
	pthread_cond_timedwait(&p->wake, &d->lock, &ts);
}

/* Lock held: what next_step() would find to do for p (it may still find
 * its window full): a version newer than the one sent, or a durable wish
 * on one held only in memory; a session ending or the thread stopping. */
static bool peer_has_work(struct ckptd *d, struct peer *p)
{
	if (!p->connected || p->reader_done || !peer_should_run(d, p)) {
		return true;
	}
	for (size_t i = 0; i < vnfha__ckpt_store_count(d->store); i++) {
		const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, i);
		const struct peer_obj *po = m != NULL ? peer_obj_find(p, m->name) : NULL;

		if (m != NULL && (po == NULL || peer_obj_lags(d, po, m))) {
			return true; /* po NULL: an object it has never been sent */
		}
	}
	return false;
}

void ckptd_peer_kick(struct ckptd *d, struct peer *p)
{
	if (peer_has_work(d, p)) {
		pthread_cond_signal(&p->wake);
	}
}

/*
 * A committer's new records to a replica whose stream is idle go out on
 * the committer's own thread (lock held; dropped while writing): the
 * sender thread, woken for them, would add a wake-up to every commit's
 * path. A busy stream, a full window or anything but patches (a delta, a
 * durable resend) stay the sender's. A failed write ends the session as
 * the sender's own would.
 */
void ckptd_peer_push(struct ckptd *d, struct peer *p, const char *name)
{
	struct peer_obj *po = ckptd_peer_obj(p, name);
	int rc;

	if (po == NULL || !p->connected || p->conn == NULL || p->sending || p->reader_done ||
	    p->proto < 2 || !po->sent_valid || po->meta == NULL || !peer_should_run(d, p)) {
		return;
	}
	p->sending = true;
	rc = send_patches(d, p, p->conn, po);
	p->sending = false;
	if (rc < 0) {
		if (p->last_error[0] == '\0') {
			snprintf(p->last_error, sizeof(p->last_error), "transfer: %s", strerror(-rc));
		}
		shutdown(p->fd, SHUT_RDWR); /* the reader ends, then the session */
	}
}

static bool peer_should_run(struct ckptd *d, struct peer *p)
{
	return !p->stop && !d->stopping && d->role == VNFHA_CKPT_ROLE_PRIMARY;
}

static void session(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	struct vnfha__ckpt_hello h;
	pthread_t reader = 0;
	char sec[64];
	int rc;

	pthread_mutex_lock(&d->lock);
	rc = ckptd_send_hello(d, c);
	pthread_mutex_unlock(&d->lock);
	if (rc == 0) {
		rc = ckptd_recv_hello(c, &h);
	}
	if (rc == 0 && h.role != VNFHA_CKPT_ROLE_REPLICA) {
		snprintf(p->last_error, sizeof(p->last_error), "peer %s is a primary too", h.node);
		rc = -EEXIST;
	}
	if (rc == 0) {
		rc = read_inventory(d, p, c);
	}
	if (rc == 0) {
		pthread_mutex_lock(&d->lock);
		ckptd_inflight_clear(p);
		for (size_t i = 0; i < p->n_objs; i++) {
			struct peer_obj *po = &p->objs[i];

			po->sent_valid = po->meta != NULL;
			po->sent_epoch = po->meta != NULL ? po->meta->epoch : 0;
			po->sent_gen = po->meta != NULL ? po->meta->gen : 0;
		}
		p->proto = h.proto_max < VNFHA_CKPT_PROTO_MAX ? h.proto_max : VNFHA_CKPT_PROTO_MAX;
		pthread_mutex_unlock(&d->lock);
		rc = ckptd_acks_start(d, p, c, &reader);
	}
	if (rc != 0) {
		if (p->last_error[0] == '\0') {
			snprintf(p->last_error, sizeof(p->last_error), "handshake: %s", strerror(-rc));
		}
		return;
	}
	pthread_mutex_lock(&d->lock);
	p->connected = true;
	p->conn = c;
	p->sessions++;
	p->last_error[0] = '\0';
	vnfha_log(VNFHA_LOG_INFO, "replica %s (%s) connected (%s, protocol %d)", p->addr, h.node,
		  vnfha__ckpt_conn_security(c, sec, sizeof(sec)), p->proto);
	while (peer_should_run(d, p) && !p->reader_done) {
		if (p->sending) {
			peer_wait_ms(d, p, 1000); /* a committer is writing (ckptd_peer_push) */
			continue;
		}
		p->sending = true;
		rc = next_step(d, p, c);
		p->sending = false;
		if (rc < 0) {
			if (p->last_error[0] == '\0') {
				snprintf(p->last_error, sizeof(p->last_error), "transfer: %s",
					 strerror(-rc));
			}
			break;
		}
		if (rc == 0) {
			peer_wait_ms(d, p, 1000);
		}
	}
	p->connected = false;
	p->conn = NULL;
	/* A committer still writing owns the stream until it returns. */
	while (p->sending) {
		ckptd_wait_ms(d, 10);
	}
	pthread_mutex_unlock(&d->lock);
	/* The reader ends with the connection. */
	shutdown(c->fd, SHUT_RDWR);
	pthread_join(reader, NULL);
	pthread_mutex_lock(&d->lock);
	ckptd_inflight_clear(p);
	pthread_mutex_unlock(&d->lock);
}

struct sender_arg {
	struct ckptd *d;
	struct peer *p;
};

static void *sender_main(void *arg)
{
	struct sender_arg *a = arg;
	struct ckptd *d = a->d;
	struct peer *p = a->p;
	char last_logged[300] = "";
	unsigned int backoff = 150;

	free(a);
	pthread_mutex_lock(&d->lock);
	while (peer_should_run(d, p)) {
		struct vnfha__ckpt_conn c;
		int rc;

		p->last_error[0] = '\0';
		pthread_mutex_unlock(&d->lock);
		rc = ckptd_transport_for(p->addr)->dial(d, p, &c);
		pthread_mutex_lock(&d->lock);
		if (rc == 0) {
			p->fd = c.fd;
			pthread_mutex_unlock(&d->lock);
			session(d, p, &c);
			pthread_mutex_lock(&d->lock);
			p->fd = -1;
			pthread_mutex_unlock(&d->lock);
			vnfha__ckpt_conn_close(&c);
			pthread_mutex_lock(&d->lock);
		}
		if (p->last_error[0] != '\0' && strcmp(p->last_error, last_logged) != 0 &&
		    peer_should_run(d, p)) {
			vnfha_log(VNFHA_LOG_WARNING, "replica %s: %s", p->addr, p->last_error);
			snprintf(last_logged, sizeof(last_logged), "%s", p->last_error);
		}
		/* Back off while failing (300 ms doubling to 5 s), so a
		 * refused peer is not flooded; a good session resets it. */
		backoff = p->last_error[0] == '\0' ? 300 : (backoff * 2 > 5000 ? 5000 : backoff * 2);
		if (peer_should_run(d, p)) {
			peer_wait_ms(d, p, backoff);
		}
	}
	/* The last touch of p: whoever frees it waits for this. */
	p->senders--;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

void ckptd_peers_start(struct ckptd *d)
{
	struct ckptd_tcp *t = ckptd_tcp(d);

	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer *p = t->peers[i];
		struct sender_arg *a;

		if (p->thread != 0) {
			continue;
		}
		a = calloc(1, sizeof(*a));
		if (a == NULL) {
			continue;
		}
		a->d = d;
		a->p = p;
		p->stop = false;
		p->senders++;
		if (pthread_create(&p->thread, NULL, sender_main, a) != 0) {
			p->thread = 0;
			p->senders--;
			free(a);
		}
	}
}

/* Tells p's sender to end (lock held); its thread, to be joined, or 0. */
static pthread_t peer_signal_stop(struct peer *p)
{
	pthread_t thread = p->thread;

	p->stop = true;
	pthread_cond_signal(&p->wake);
	if (p->fd >= 0) {
		shutdown(p->fd, SHUT_RDWR);
	}
	p->thread = 0;
	return thread;
}

/* Joins the n senders told to end (lock held; dropped meanwhile). */
static void join_senders(struct ckptd *d, const pthread_t *threads, size_t n)
{
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	for (size_t i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
	}
	pthread_mutex_lock(&d->lock);
}

void ckptd_peers_stop(struct ckptd *d)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	pthread_t threads[VNFHA_CKPT_MAX_PEERS];
	size_t n = 0;

	for (size_t i = 0; i < t->n_peers; i++) {
		pthread_t thread = peer_signal_stop(t->peers[i]);

		if (thread != 0) {
			threads[n++] = thread;
		}
	}
	join_senders(d, threads, n);
}

/* Frees p once no sender uses it (lock held; dropped while one does). The
 * sender's joiner may be another caller: a demotion joins the senders it
 * stopped with the lock dropped, and a new replica list set meanwhile
 * drops a peer whose thread it no longer holds. */
static void peer_free(struct ckptd *d, struct peer *p)
{
	while (p->senders > 0) {
		pthread_cond_wait(&d->cond, &d->lock);
	}
	ckptd_inflight_clear(p);
	for (size_t i = 0; i < p->n_objs; i++) {
		vnfha__ckpt_meta_free(p->objs[i].meta);
		free(p->objs[i].fl);
	}
	free(p->objs);
	pthread_cond_destroy(&p->wake);
	free(p);
}

void ckptd_peers_free(struct ckptd *d)
{
	struct ckptd_tcp *t = ckptd_tcp(d);

	for (size_t i = 0; i < t->n_peers; i++) {
		peer_free(d, t->peers[i]);
	}
	t->n_peers = 0;
}

static struct peer *peer_new(const char *addr)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (p != NULL) {
		snprintf(p->addr, sizeof(p->addr), "%s", addr);
		p->fd = -1;
		ckptd_cond_init(&p->wake);
	}
	return p;
}

static void log_list(char *const *addrs, size_t n, size_t n_new, size_t n_gone)
{
	char list[VNFHA_CKPT_MAX_PEERS * (VNFHA_CKPT_NAME_MAX + 1) + 1] = "";
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? " " : "",
					 addrs[i]);
	}
	vnfha_log(VNFHA_LOG_INFO, "replicas: %s (%zu kept, %zu new, %zu dropped)",
		  n > 0 ? list : "none", n - n_new, n_new, n_gone);
}

/*
 * The replica list becomes addrs. A replica named before and again keeps
 * its sender and its session: a new replica, one that left or a new order
 * must not cut the others' streams (every sync commit in flight would wait
 * for them to reconnect and catch up; statesync sets the list whenever
 * attrd's changes). A replica no longer named is stopped and freed, a new
 * one starts on a primary. Out of memory: the list is left as it was.
 */
int ckptd_peers_set(struct ckptd *d, char *const *addrs, size_t n)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	struct peer *next[VNFHA_CKPT_MAX_PEERS];
	bool kept[VNFHA_CKPT_MAX_PEERS] = { false };
	int from[VNFHA_CKPT_MAX_PEERS]; /* the kept peer's index, or -1: a new one */
	pthread_t threads[VNFHA_CKPT_MAX_PEERS];
	struct peer *gone[VNFHA_CKPT_MAX_PEERS];
	size_t n_threads = 0, n_gone = 0, n_new = 0;

	if (n > VNFHA_CKPT_MAX_PEERS) {
		return -E2BIG;
	}
	/* Each address takes the first peer of that address not yet taken. */
	for (size_t i = 0; i < n; i++) {
		from[i] = -1;
		for (size_t k = 0; k < t->n_peers && from[i] < 0; k++) {
			if (!kept[k] && strcmp(t->peers[k]->addr, addrs[i]) == 0) {
				kept[k] = true;
				from[i] = (int)k;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (from[i] >= 0) {
			next[i] = t->peers[from[i]];
			continue;
		}
		next[i] = peer_new(addrs[i]);
		if (next[i] == NULL) {
			for (size_t j = 0; j < i; j++) {
				if (from[j] < 0) {
					peer_free(d, next[j]);
				}
			}
			return -ENOMEM;
		}
		n_new++;
	}
	for (size_t k = 0; k < t->n_peers; k++) {
		if (!kept[k]) {
			pthread_t thread = peer_signal_stop(t->peers[k]);

			if (thread != 0) {
				threads[n_threads++] = thread;
			}
			gone[n_gone++] = t->peers[k];
		}
	}
	for (size_t k = n; k < t->n_peers; k++) {
		t->peers[k] = NULL;
	}
	memcpy(t->peers, next, n * sizeof(next[0]));
	t->n_peers = n;
	/* A kept replica waiting to reconnect tries again now, as a new one does. */
	for (size_t i = 0; i < n; i++) {
		if (from[i] >= 0 && !next[i]->connected) {
			pthread_cond_signal(&next[i]->wake);
		}
	}
	if (n > 0 || n_gone > 0) {
		log_list(addrs, n, n_new, n_gone);
	}
	join_senders(d, threads, n_threads);
	for (size_t i = 0; i < n_gone; i++) {
		peer_free(d, gone[i]);
	}
	/* Checked after the join: the role may have changed meanwhile. */
	if (d->role == VNFHA_CKPT_ROLE_PRIMARY && !d->stopping) {
		ckptd_peers_start(d);
	}
	return 0;
}
