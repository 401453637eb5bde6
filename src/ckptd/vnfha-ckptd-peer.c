// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Daemon to daemon: the primary's sender (one thread per replica) and the
 * replica's receiver. A session is
 *   primary -> HELLO; replica -> HELLO, INV (every version it holds, with
 *   fingerprints)..., INV_END; then per version: BEGIN (fingerprints of
 *   the new version), BLOCK (only blocks the replica lacks)..., END;
 *   replica -> ACK after publishing (ABORT drops a version whose bytes
 *   changed under the sender).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

int ckptd_split_addr(const char *addr, char *host, size_t host_len, const char **ret_port);

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

int ckptd_version_cmp(uint64_t e1, uint64_t g1, uint64_t e2, uint64_t g2)
{
	if (e1 != e2) {
		return e1 < e2 ? -1 : 1;
	}
	if (g1 != g2) {
		return g1 < g2 ? -1 : 1;
	}
	return 0;
}

static int send_hello(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	struct vnfha__ckpt_hello h = { .proto_min = VNFHA_CKPT_PROTO_MIN,
				       .proto_max = VNFHA_CKPT_PROTO_MAX,
				       .role = (uint8_t)d->role };
	uint8_t buf[128];
	int n;

	snprintf(h.node, sizeof(h.node), "%s", d->opts.node);
	n = vnfha__ckpt_hello_encode(&h, buf, sizeof(buf));
	return n < 0 ? n : vnfha__ckpt_io_send(c, VNFHA_CKPT_HELLO, buf, (uint32_t)n);
}

static int recv_hello(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hello *ret)
{
	struct vnfha__ckpt_hdr h;
	uint8_t buf[256];
	size_t got = 0;
	int rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);

	if (rc != 0) {
		return rc;
	}
	if (h.type != VNFHA_CKPT_HELLO || got != h.length ||
	    vnfha__ckpt_hello_decode(buf, got, ret) != 0) {
		return -EPROTO;
	}
	return 0;
}

/* Sends an obj body built from meta; with_fps adds the fingerprint list. */
static int send_obj(struct vnfha__ckpt_conn *c, uint16_t type,
		    const struct vnfha__ckpt_meta *m, bool with_fps, uint32_t flags, int32_t status)
{
	struct vnfha__ckpt_obj o = { 0 };
	size_t len = vnfha__ckpt_obj_len(with_fps ? m->nblocks : 0);
	uint8_t *buf = malloc(len);
	uint8_t *fps = with_fps ? malloc((size_t)m->nblocks * 8 + 1) : NULL;
	int n;

	if (buf == NULL || (with_fps && fps == NULL)) {
		free(buf);
		free(fps);
		return -ENOMEM;
	}
	snprintf(o.name, sizeof(o.name), "%s", m->name);
	o.epoch = m->epoch;
	o.gen = m->gen;
	o.size = m->size;
	o.block_size = m->block_size;
	o.digest = m->digest;
	o.flags = flags;
	o.status = status;
	if (with_fps) {
		vnfha__ckpt_fp_to_wire(m->fps, m->nblocks, fps);
		o.fps = fps;
		o.n_fps = m->nblocks;
	}
	n = vnfha__ckpt_obj_encode(&o, buf, len);
	if (n >= 0) {
		n = vnfha__ckpt_io_send(c, type, buf, (uint32_t)n);
	}
	free(buf);
	free(fps);
	return n;
}

/* ---------------------------------------------------------------- sender */

#define DIAL_TIMEOUT_MS 3000
#define DIAL_SLICE_MS 50

static bool peer_should_run(struct ckptd *d, struct peer *p);

static bool peer_stopped(struct ckptd *d, struct peer *p)
{
	bool run;

	pthread_mutex_lock(&d->lock);
	run = peer_should_run(d, p);
	pthread_mutex_unlock(&d->lock);
	return !run;
}

/* connect() that gives up when the peer is dropped or the role changes: a
 * blocking connect to a node that is gone would hold up whoever stops this
 * sender (a promotion, a new replica list) for the whole timeout. */
static int dial_connect(struct ckptd *d, struct peer *p, int fd, const struct sockaddr *sa,
			socklen_t len)
{
	int flags = fcntl(fd, F_GETFL);
	int err = 0;
	socklen_t err_len = sizeof(err);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		return -errno;
	}
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS) {
			return -errno;
		}
		for (int waited = 0;; waited += DIAL_SLICE_MS) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int n = poll(&pfd, 1, DIAL_SLICE_MS);

			if (n < 0 && errno != EINTR) {
				return -errno;
			}
			if (n > 0) {
				break;
			}
			if (peer_stopped(d, p)) {
				return -ECANCELED;
			}
			if (waited + DIAL_SLICE_MS >= DIAL_TIMEOUT_MS) {
				return -ETIMEDOUT;
			}
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0) {
			return -errno;
		}
		if (err != 0) {
			return -err;
		}
	}
	return fcntl(fd, F_SETFL, flags) < 0 ? -errno : 0;
}

static int dial_tcp(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char host[256];
	char why[256];
	const char *port;
	int one = 1;
	int fd;
	const char *addr = strncmp(p->addr, "tcp:", 4) == 0 ? p->addr + 4 : p->addr;
	int rc = ckptd_split_addr(addr, host, sizeof(host), &port);

	if (rc != 0 || getaddrinfo(host, port, &hints, &res) != 0) {
		snprintf(p->last_error, sizeof(p->last_error), "cannot resolve '%s'", p->addr);
		return -EINVAL;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(res);
		return -errno;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	vnfha__ckpt_io_timeout(fd, DIAL_TIMEOUT_MS);
	rc = dial_connect(d, p, fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc != 0) {
		snprintf(p->last_error, sizeof(p->last_error), "connect: %s", strerror(-rc));
		close(fd);
		return rc;
	}
	if (d->opts.plaintext) {
		vnfha__ckpt_conn_init_fd(c, fd);
	} else {
		rc = vnfha__ckpt_tls_client(c, fd, &d->key, why, sizeof(why));
		if (rc != 0) {
			snprintf(p->last_error, sizeof(p->last_error), "%s", why);
			close(fd);
			return rc;
		}
	}
	/* Replica acks of large durable versions take a while (fsync). */
	vnfha__ckpt_io_timeout(fd, 120000);
	return 0;
}

/* The default transport: TCP, TLS unless --plaintext. */
const struct ckptd_transport ckptd_transport_tcp = {
	.scheme = "tcp",
	.dial = dial_tcp,
};

const struct ckptd_transport *ckptd_transport_for(const char *addr)
{
	for (size_t i = 0; ckptd_transports[i] != NULL; i++) {
		size_t n = strlen(ckptd_transports[i]->scheme);

		if (strncmp(addr, ckptd_transports[i]->scheme, n) == 0 && addr[n] == ':') {
			return ckptd_transports[i];
		}
	}
	return &ckptd_transport_tcp;
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
		}
		pthread_mutex_unlock(&d->lock);
		vnfha__ckpt_meta_free(copy);
	}
	free(buf);
	return rc;
}

bool ckptd_wants_durable(struct ckptd *d, const char *name)
{
	for (size_t i = 0; i < d->n_wants; i++) {
		if (strcmp(d->wants[i].name, name) == 0) {
			return d->wants[i].durable;
		}
	}
	return false;
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
				       : ckptd_version_cmp(m->epoch, m->gen, po->meta->epoch, po->meta->gen);
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
	uint64_t t0;
	bool aborted = false;
	bool corked;
	int fd = -1;
	int rc;

	if (want == NULL) {
		return -ENOMEM;
	}
	t0 = ckptd_now_ms();
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
	rc = send_obj(c, VNFHA_CKPT_BEGIN, m, true, flags, 0);
	if (rc == 0) {
		rc = send_blocks(d, p, c, m, want, nwant, fd);
	}
	if (rc == -ESTALE) {
		/* Changed under us: a newer version is committed; send that
		 * (no ACK comes for an aborted version). */
		aborted = true;
		rc = send_obj(c, VNFHA_CKPT_ABORT, m, false, 0, 0);
	} else if (rc == 0) {
		rc = send_obj(c, VNFHA_CKPT_END, m, false, flags, 0);
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
		if (cur != NULL && cur->epoch == po->meta->epoch && cur->gen == po->meta->gen) {
			po->pending_since_ms = 0;
		} else {
			po->pending_since_ms = ckptd_now_ms();
		}
	}
	/* One line per large transfer; small ones would flood the log. */
	if ((uint64_t)nwant * block_size >= (1u << 20)) {
		vnfha_log(VNFHA_LOG_INFO, "replica %s has '%s' %llu.%llu: %llu bytes %s in %llu ms",
			  p->addr, ack.name, (unsigned long long)ack.epoch,
			  (unsigned long long)ack.gen, (unsigned long long)p->sending_bytes,
			  flags & VNFHA_CKPT_F_FULL ? "(full)" : "(delta)",
			  (unsigned long long)(ckptd_now_ms() - t0));
	}
	p->sending_bytes = 0;
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

void ckptd_wait_ms(struct ckptd *d, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&d->cond, &d->lock, &ts);
}

static void session(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	struct vnfha__ckpt_hello h;
	char sec[64];
	int rc = send_hello(d, c);

	if (rc == 0) {
		rc = recv_hello(c, &h);
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
	for (size_t i = 0; i < d->n_peers; i++) {
		struct peer *p = d->peers[i];
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
	pthread_t threads[VNFHA_CKPT_MAX_PEERS];
	size_t n = 0;

	for (size_t i = 0; i < d->n_peers; i++) {
		struct peer *p = d->peers[i];

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

int ckptd_peers_set(struct ckptd *d, char *const *addrs, size_t n)
{
	bool primary = d->role == VNFHA_CKPT_ROLE_PRIMARY && !d->stopping;

	if (n > VNFHA_CKPT_MAX_PEERS) {
		return -E2BIG;
	}
	ckptd_peers_stop(d);
	for (size_t i = 0; i < d->n_peers; i++) {
		peer_free(d->peers[i]);
	}
	d->n_peers = 0;
	for (size_t i = 0; i < n; i++) {
		struct peer *p = calloc(1, sizeof(*p));

		if (p == NULL) {
			return -ENOMEM;
		}
		snprintf(p->addr, sizeof(p->addr), "%s", addrs[i]);
		p->fd = -1;
		d->peers[d->n_peers++] = p;
	}
	if (primary) {
		ckptd_peers_start(d);
	}
	return 0;
}

/* -------------------------------------------------------------- receiver */

static int send_inventory(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	size_t i = 0;
	int rc = 0;

	for (;;) {
		struct vnfha__ckpt_meta *copy = NULL;
		const struct vnfha__ckpt_meta *m;

		pthread_mutex_lock(&d->lock);
		while (i < vnfha__ckpt_store_count(d->store) &&
		       vnfha__ckpt_store_at(d->store, i) == NULL) {
			i++;
		}
		m = vnfha__ckpt_store_at(d->store, i);
		if (m != NULL) {
			rc = vnfha__ckpt_meta_dup(m, &copy);
		}
		pthread_mutex_unlock(&d->lock);
		if (m == NULL || rc != 0) {
			break;
		}
		/* What is in the store went through fsync at load or commit
		 * only when durable; report memory, the safe side. */
		rc = send_obj(c, VNFHA_CKPT_INV, copy, true, 0, 0);
		vnfha__ckpt_meta_free(copy);
		if (rc != 0) {
			return rc;
		}
		i++;
	}
	return rc != 0 ? rc : vnfha__ckpt_io_send(c, VNFHA_CKPT_INV_END, NULL, 0);
}

/* Receives BEGIN .. END and publishes; returns the ACK status. */
static int receive_version(struct ckptd *d, struct vnfha__ckpt_conn *c, const uint8_t *payload,
			   size_t len, uint8_t *blk, bool *ret_durable, struct vnfha__ckpt_obj *ret_o)
{
	struct vnfha__ckpt_update *u = NULL;
	struct vnfha__ckpt_obj o;
	uint64_t *fps = NULL;
	int status = 0;
	int rc;

	if (vnfha__ckpt_obj_decode(payload, len, &o) != 0 || (o.n_fps == 0 && o.size > 0)) {
		return -EPROTO;
	}
	*ret_o = o;
	*ret_durable = (o.flags & VNFHA_CKPT_F_DURABLE) != 0;
	fps = calloc(o.n_fps + 1, sizeof(*fps));
	if (fps == NULL) {
		return -ENOMEM;
	}
	vnfha__ckpt_fp_from_wire(o.fps, o.n_fps, fps);
	pthread_mutex_lock(&d->lock);
	if (d->role != VNFHA_CKPT_ROLE_REPLICA) {
		status = -EROFS;
	} else {
		status = vnfha__ckpt_update_begin(d->store, o.name, o.epoch, o.gen, o.size,
						  o.block_size, fps, (o.flags & VNFHA_CKPT_F_FULL) != 0,
						  &u);
	}
	pthread_mutex_unlock(&d->lock);
	free(fps);
	/* Blocks are read even after a failure, to stay in step with the
	 * stream, and the failure is reported in the ACK. */
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_block b;
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(c, &h, blk, VNFHA_CKPT_BLOCK_HDR_LEN, &got);
		if (rc != 0) {
			break;
		}
		if (h.type == VNFHA_CKPT_END || h.type == VNFHA_CKPT_ABORT) {
			uint8_t tail[512];

			if (h.length > sizeof(tail)) {
				rc = -EPROTO;
				break;
			}
			rc = vnfha__ckpt_io_read(c, tail, h.length - got);
			if (rc == 0 && h.type == VNFHA_CKPT_ABORT) {
				rc = -ECANCELED;
			}
			break;
		}
		if (h.type != VNFHA_CKPT_BLOCK || got != VNFHA_CKPT_BLOCK_HDR_LEN ||
		    vnfha__ckpt_block_decode(blk, got, h.length, &b) != 0 ||
		    b.length > o.block_size) {
			rc = -EPROTO;
			break;
		}
		rc = vnfha__ckpt_io_read(c, blk, b.length);
		if (rc != 0) {
			break;
		}
		if (status == 0) {
			status = b.index < UINT32_MAX
					 ? vnfha__ckpt_update_block(u, (uint32_t)b.index, blk, b.length)
					 : -EINVAL;
		}
	}
	pthread_mutex_lock(&d->lock);
	if (rc == 0 && status == 0) {
		status = vnfha__ckpt_update_commit(u, *ret_durable);
		u = NULL;
		pthread_cond_broadcast(&d->cond);
	}
	vnfha__ckpt_update_abort(u);
	pthread_mutex_unlock(&d->lock);
	if (rc == -ECANCELED) {
		return 1; /* no ACK for an aborted version */
	}
	return rc != 0 ? rc : status;
}

void ckptd_serve_peer(struct ckptd *d, struct vnfha__ckpt_conn *c, const char *who)
{
	struct vnfha__ckpt_hello h;
	char sec[64];
	uint8_t *buf = malloc(VNFHA_CKPT_MAX_PAYLOAD);
	uint8_t *blk = malloc(VNFHA_CKPT_MAX_BLOCK_SIZE);
	int rc = buf != NULL && blk != NULL ? 0 : -ENOMEM;

	if (rc == 0) {
		rc = recv_hello(c, &h);
	}
	if (rc == 0) {
		pthread_mutex_lock(&d->lock);
		rc = send_hello(d, c);
		if (rc == 0 && d->role != VNFHA_CKPT_ROLE_REPLICA) {
			rc = -EROFS;
		}
		pthread_mutex_unlock(&d->lock);
	}
	if (rc == -EROFS) {
		vnfha_log(VNFHA_LOG_WARNING, "primary %s (%s) connected, but this node is primary too",
			  who, h.node);
		goto out;
	}
	if (rc == 0) {
		vnfha_log(VNFHA_LOG_INFO, "primary %s (%s) connected (%s)", who, h.node,
			  vnfha__ckpt_conn_security(c, sec, sizeof(sec)));
		rc = send_inventory(d, c);
	}
	while (rc == 0) {
		struct vnfha__ckpt_hdr hdr;
		struct vnfha__ckpt_obj o;
		bool durable = false;
		size_t got = 0;
		int status;

		rc = vnfha__ckpt_io_recv(c, &hdr, buf, VNFHA_CKPT_MAX_PAYLOAD, &got);
		if (rc != 0) {
			break;
		}
		if (hdr.type != VNFHA_CKPT_BEGIN || got != hdr.length) {
			rc = -EPROTO;
			break;
		}
		status = receive_version(d, c, buf, got, blk, &durable, &o);
		if (status == 1) {
			continue;
		}
		if (status == -EPROTO || status == -ECONNRESET || status == -EIO ||
		    status == -ETIMEDOUT || status == -EPIPE) {
			rc = status;
			break;
		}
		if (status != 0) {
			vnfha_log(VNFHA_LOG_WARNING, "version %llu.%llu of '%s' from %s refused: %s",
				  (unsigned long long)o.epoch, (unsigned long long)o.gen, o.name, who,
				  strerror(-status));
		}
		{
			struct vnfha__ckpt_meta m = { 0 };

			snprintf(m.name, sizeof(m.name), "%s", o.name);
			m.epoch = o.epoch;
			m.gen = o.gen;
			m.size = o.size;
			m.block_size = o.block_size;
			m.digest = o.digest;
			rc = send_obj(c, VNFHA_CKPT_ACK, &m, false,
				      status == 0 && durable ? VNFHA_CKPT_F_DURABLE : 0, status);
		}
	}
	if (rc != -ECONNRESET && rc != 0) {
		vnfha_log(VNFHA_LOG_WARNING, "session with %s ended: %s", who, strerror(-rc));
	}
out:
	free(buf);
	free(blk);
}
