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
#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-tcp.h"

#define BATCH_BYTES (1u << 20) /* blocks read and sent per corked batch */

struct peer_obj *ckptd_peer_obj(struct peer *p, const char *name)
{
	struct peer_obj *n;

	for (size_t i = 0; i < p->n_objs; i++) {
		if (strcmp(p->objs[i].name, name) == 0) {
			return &p->objs[i];
		}
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

/* The next object this peer lacks (lock held): a copy of its meta. */
static struct vnfha__ckpt_meta *next_for(struct ckptd *d, struct peer *p, bool *ret_durable)
{
	for (size_t i = 0; i < vnfha__ckpt_store_count(d->store); i++) {
		const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, i);
		struct peer_obj *po;
		struct vnfha__ckpt_meta *copy = NULL;
		bool durable;
		int cmp;

		if (m == NULL) {
			continue;
		}
		po = ckptd_peer_obj(p, m->name);
		if (po == NULL) {
			continue;
		}
		durable = ckptd_wants_durable(d, m->name);
		cmp = po->meta == NULL ? 1
				       : vnfha__ckpt_version_cmp(m->epoch, m->gen, po->meta->epoch,
								 po->meta->gen);
		/* Never overwrite a newer version a replica holds. */
		if (cmp < 0) {
			continue;
		}
		if (cmp == 0 && po->meta->digest == m->digest &&
		    (!durable || po->state == VNFHA_CKPT_STATE_DURABLE)) {
			continue;
		}
		if (vnfha__ckpt_meta_dup(m, &copy) != 0) {
			continue;
		}
		*ret_durable = durable;
		return copy;
	}
	return NULL;
}

/* Sends the blocks of m that want[] marks, verifying each against m's
 * fingerprint as it is read: -ESTALE when the store moved on under us.
 * A batch of whole BLOCK frames (header, block header, data) is laid out
 * back to back and leaves in one write: one send(2) per batch in
 * plaintext, full-size records straight from this buffer with TLS. */
static int send_blocks(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c,
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
		uint32_t k = 0;

		for (; i < m->nblocks && k < per; i++) {
			uint64_t off = (uint64_t)i * m->block_size;
			uint32_t n = m->size - off < m->block_size ? (uint32_t)(m->size - off)
								   : m->block_size;
			struct vnfha__ckpt_block b = { .index = i, .length = n };
			uint8_t *frame = buf + used;

			if (!want[i]) {
				continue;
			}
			rc = vnfha__ckpt_pread_all(fd, frame + frame_head, n, (off_t)off);
			if (rc != 0) {
				break;
			}
			if (vnfha__ckpt_fp_block(frame + frame_head, n) != m->fps[i]) {
				rc = -ESTALE;
				break;
			}
			vnfha__ckpt_io_frame_hdr(frame, VNFHA_CKPT_BLOCK, VNFHA_CKPT_BLOCK_HDR_LEN + n);
			vnfha__ckpt_block_encode(&b, frame + VNFHA_CKPT_HDR_LEN,
						 VNFHA_CKPT_BLOCK_HDR_LEN);
			used += frame_head + n;
			bytes += n;
			k++;
		}
		if (rc == 0 && used > 0) {
			rc = vnfha__ckpt_io_write(c, buf, used);
		}
		if (rc == 0) {
			p->sending_bytes += bytes;
			p->total_sent += bytes;
		}
	}
	free(buf);
	(void)d;
	return rc;
}

static int recv_ack(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_obj *ret_obj)
{
	struct vnfha__ckpt_hdr h;
	static __thread uint8_t buf[1024];
	size_t got = 0;
	int rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);

	if (rc != 0) {
		return rc;
	}
	if (h.type != VNFHA_CKPT_ACK || got != h.length ||
	    vnfha__ckpt_obj_decode(buf, got, ret_obj) != 0) {
		return -EPROTO;
	}
	return 0;
}

/* One version to one replica. */
static int send_version(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c,
			struct vnfha__ckpt_meta *m, bool durable)
{
	struct vnfha__ckpt_obj ack;
	struct peer_obj *po;
	const struct vnfha__ckpt_meta *base = NULL;
	uint8_t *want = calloc(m->nblocks + 1, 1);
	uint32_t flags = durable ? VNFHA_CKPT_F_DURABLE : 0;
	uint32_t nwant;
	uint32_t block_size = m->block_size;
	int64_t t0;
	bool aborted = false;
	bool corked;
	int fd = -1;
	int rc;

	if (want == NULL) {
		return -ENOMEM;
	}
	t0 = vnfha__now_ms();
	pthread_mutex_lock(&d->lock);
	po = ckptd_peer_obj(p, m->name);
	base = po != NULL ? po->meta : NULL;
	if (base != NULL && base->size == m->size && base->block_size == m->block_size) {
		nwant = vnfha__ckpt_fp_diff(base->fps, base->nblocks, m->fps, m->nblocks, want);
	} else {
		nwant = vnfha__ckpt_fp_diff(NULL, 0, m->fps, m->nblocks, want);
		flags |= VNFHA_CKPT_F_FULL;
	}
	rc = vnfha__ckpt_store_open_data(d->store, m->name, &fd);
	p->sending_bytes = 0;
	pthread_mutex_unlock(&d->lock);
	if (rc != 0) {
		goto out;
	}
	/* A small version (BEGIN, its blocks, END) leaves in one write:
	 * corked here, flushed at the end. A large one is not corked: its
	 * batches are large writes already, and corking would copy them all
	 * into the TLS library's buffer first. */
	corked = c->ops->cork != NULL && (uint64_t)nwant * block_size <= BATCH_BYTES;
	if (corked) {
		c->ops->cork(c, 1);
	}
	rc = ckptd_send_obj(c, VNFHA_CKPT_BEGIN, m, true, flags, 0);
	if (rc == 0) {
		rc = send_blocks(d, p, c, m, want, nwant, fd);
	}
	if (rc == -ESTALE) {
		/* Changed under us: a newer version is committed; send that
		 * (no ACK comes for an aborted version). */
		aborted = true;
		rc = ckptd_send_obj(c, VNFHA_CKPT_ABORT, m, false, 0, 0);
	} else if (rc == 0) {
		rc = ckptd_send_obj(c, VNFHA_CKPT_END, m, false, flags, 0);
	}
	if (corked) {
		int flushed = c->ops->cork(c, 0);

		rc = rc != 0 ? rc : flushed;
	}
	if (rc != 0 || aborted) {
		goto out;
	}
	if (rc == 0) {
		rc = recv_ack(c, &ack);
	}
	if (rc != 0) {
		goto out;
	}
	if (ack.status < 0 || strcmp(ack.name, m->name) != 0 || ack.epoch != m->epoch ||
	    ack.gen != m->gen) {
		snprintf(p->last_error, sizeof(p->last_error), "replica refused %s %llu.%llu: %s",
			 m->name, (unsigned long long)m->epoch, (unsigned long long)m->gen,
			 strerror(ack.status < 0 ? -ack.status : EPROTO));
		rc = ack.status < 0 ? ack.status : -EPROTO;
		goto out;
	}
	pthread_mutex_lock(&d->lock);
	po = ckptd_peer_obj(p, m->name);
	if (po != NULL) {
		const struct vnfha__ckpt_meta *cur = vnfha__ckpt_store_find(d->store, m->name);

		vnfha__ckpt_meta_free(po->meta);
		po->meta = m;
		m = NULL;
		po->state = ack.flags & VNFHA_CKPT_F_DURABLE ? VNFHA_CKPT_STATE_DURABLE
							     : VNFHA_CKPT_STATE_MEMORY;
		if (cur != NULL && vnfha__ckpt_version_cmp(cur->epoch, cur->gen, po->meta->epoch,
							   po->meta->gen) == 0) {
			po->pending_since_ms = 0;
		} else {
			po->pending_since_ms = vnfha__now_ms();
		}
	}
	/* One line per large transfer; small ones would flood the log. */
	if ((uint64_t)nwant * block_size >= (1u << 20)) {
		vnfha_log(VNFHA_LOG_INFO, "replica %s has '%s' %llu.%llu: %llu bytes %s in %llu ms",
			  p->addr, ack.name, (unsigned long long)ack.epoch,
			  (unsigned long long)ack.gen, (unsigned long long)p->sending_bytes,
			  flags & VNFHA_CKPT_F_FULL ? "(full)" : "(delta)",
			  (unsigned long long)(vnfha__now_ms() - t0));
	}
	p->sending_bytes = 0;
	ckptd_acked(d, ack.name);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
out:
	if (fd >= 0) {
		close(fd);
	}
	free(want);
	vnfha__ckpt_meta_free(m);
	return rc;
}

static bool peer_should_run(struct ckptd *d, struct peer *p)
{
	return !p->stop && !d->stopping && d->role == VNFHA_CKPT_ROLE_PRIMARY;
}

static void session(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	struct vnfha__ckpt_hello h;
	char sec[64];
	int rc = ckptd_send_hello(d, c);

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
	if (rc != 0) {
		if (p->last_error[0] == '\0') {
			snprintf(p->last_error, sizeof(p->last_error), "handshake: %s", strerror(-rc));
		}
		return;
	}
	pthread_mutex_lock(&d->lock);
	p->connected = true;
	p->sessions++;
	p->last_error[0] = '\0';
	vnfha_log(VNFHA_LOG_INFO, "replica %s (%s) connected (%s)", p->addr, h.node,
		  vnfha__ckpt_conn_security(c, sec, sizeof(sec)));
	while (peer_should_run(d, p)) {
		bool durable = false;
		struct vnfha__ckpt_meta *m = next_for(d, p, &durable);

		if (m == NULL) {
			ckptd_wait_ms(d, 1000);
			continue;
		}
		pthread_mutex_unlock(&d->lock);
		rc = send_version(d, p, c, m, durable);
		pthread_mutex_lock(&d->lock);
		if (rc != 0 && rc != -ESTALE) {
			if (p->last_error[0] == '\0') {
				snprintf(p->last_error, sizeof(p->last_error), "transfer: %s",
					 strerror(-rc));
			}
			break;
		}
	}
	p->connected = false;
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
			ckptd_wait_ms(d, backoff);
		}
	}
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
		if (pthread_create(&p->thread, NULL, sender_main, a) != 0) {
			p->thread = 0;
			free(a);
		}
	}
}

void ckptd_peers_stop(struct ckptd *d)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	pthread_t threads[VNFHA_CKPT_MAX_PEERS];
	size_t n = 0;

	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer *p = t->peers[i];

		p->stop = true;
		if (p->fd >= 0) {
			shutdown(p->fd, SHUT_RDWR);
		}
		if (p->thread != 0) {
			threads[n++] = p->thread;
			p->thread = 0;
		}
	}
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	for (size_t i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
	}
	pthread_mutex_lock(&d->lock);
}

static void peer_free(struct peer *p)
{
	for (size_t i = 0; i < p->n_objs; i++) {
		vnfha__ckpt_meta_free(p->objs[i].meta);
	}
	free(p->objs);
	free(p);
}

void ckptd_peers_free(struct ckptd *d)
{
	struct ckptd_tcp *t = ckptd_tcp(d);

	for (size_t i = 0; i < t->n_peers; i++) {
		peer_free(t->peers[i]);
	}
	t->n_peers = 0;
}

int ckptd_peers_set(struct ckptd *d, char *const *addrs, size_t n)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	bool primary = d->role == VNFHA_CKPT_ROLE_PRIMARY && !d->stopping;

	if (n > VNFHA_CKPT_MAX_PEERS) {
		return -E2BIG;
	}
	ckptd_peers_stop(d);
	ckptd_peers_free(d);
	for (size_t i = 0; i < n; i++) {
		struct peer *p = calloc(1, sizeof(*p));

		if (p == NULL) {
			return -ENOMEM;
		}
		snprintf(p->addr, sizeof(p->addr), "%s", addrs[i]);
		p->fd = -1;
		t->peers[t->n_peers++] = p;
	}
	if (primary) {
		ckptd_peers_start(d);
	}
	return 0;
}
