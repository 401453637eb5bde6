// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TCP replication (struct ckptd_repl, vnfha-ckptd.h): the primary runs
 * a sender per configured replica (vnfha-ckptd-sender.c); a replica
 * listens and serves each primary's session (vnfha-ckptd-receiver.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-metrics.h"
#include "vnfha-ckptd-tcp.h"

int ckptd_listen_tcp(const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	char host[256];
	const char *port;
	int one = 1;
	int fd;
	int rc = ckptd_split_addr(addr, host, sizeof(host), &port);

	if (rc != 0) {
		return rc;
	}
	rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &res);
	if (rc != 0) {
		return -EINVAL;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 16) != 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	rc = fd;
out:
	freeaddrinfo(res);
	return rc;
}

/* A TCP peer: TLS unless --plaintext; a plain frame on a TLS daemon (or
 * a TLS hello on a plaintext one) is refused with a clear log line. */
static void serve_tcp(struct ckptd *d, int fd, const char *who)
{
	struct vnfha__ckpt_conn c;
	uint8_t first[4] = { 0 };
	char why[256];
	bool looks_plain;
	int one = 1;
	ssize_t n;

	/* ACKs are small and answer each version: Nagle would hold one back
	 * until the primary's TCP acknowledged the one before (the dialling
	 * side sets the same, vnfha-ckptd-transports.c). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	vnfha__ckpt_io_timeout(fd, 10000);
	n = recv(fd, first, sizeof(first), MSG_PEEK | MSG_WAITALL);
	if (n != (ssize_t)sizeof(first)) {
		vnfha_log(VNFHA_LOG_WARNING, "peer %s closed before saying anything", who);
		close(fd);
		return;
	}
	looks_plain = memcmp(first, "VNCK", 4) == 0;
	if (!d->opts.plaintext && looks_plain) {
		vnfha_log(VNFHA_LOG_ERR,
			  "refused plaintext peer %s: this daemon requires TLS "
			  "(use --plaintext on both sides only on a trusted network)",
			  who);
		close(fd);
		return;
	}
	if (d->opts.plaintext && !looks_plain) {
		vnfha_log(VNFHA_LOG_ERR,
			  "refused peer %s: it does not speak plaintext (TLS peer?) and this "
			  "daemon runs --plaintext",
			  who);
		close(fd);
		return;
	}
	if (d->opts.plaintext) {
		vnfha__ckpt_conn_init_fd(&c, fd);
	} else if (vnfha__ckpt_tls_server(&c, fd, &d->key, why, sizeof(why)) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "refused peer %s: %s", who, why);
		close(fd);
		return;
	}
	vnfha__ckpt_io_timeout(fd, 0);
	ckptd_serve_peer(d, &c, who);
	vnfha__ckpt_conn_close(&c);
}

static int tcp_start(struct ckptd *d)
{
	struct ckptd_tcp *t = calloc(1, sizeof(*t));
	int fd;

	if (t == NULL) {
		return -ENOMEM;
	}
	fd = ckptd_listen_tcp(d->opts.listen);
	if (fd < 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot listen on '%s': %s", d->opts.listen,
			  strerror(-fd));
		free(t);
		return fd;
	}
	pthread_mutex_lock(&d->lock);
	d->repl_data = t;
	d->listen_fd = fd;
	d->serve_remote = serve_tcp;
	ckptd_peers_set(d, d->opts.peers, d->opts.n_peers); /* not primary yet: no thread */
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void tcp_stop(struct ckptd *d)
{
	pthread_mutex_lock(&d->lock);
	ckptd_peers_stop(d);
	ckptd_peers_free(d);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		d->listen_fd = -1;
	}
	free(d->repl_data);
	d->repl_data = NULL;
	pthread_mutex_unlock(&d->lock);
}

/* A new primary learns again what each replica holds (from its inventory);
 * a replica sends nothing. */
static void tcp_on_role(struct ckptd *d)
{
	struct ckptd_tcp *t = ckptd_tcp(d);

	if (d->role != VNFHA_CKPT_ROLE_PRIMARY) {
		ckptd_peers_stop(d);
		return;
	}
	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer *p = t->peers[i];

		ckptd_inflight_clear(p);
		for (size_t k = 0; k < p->n_objs; k++) {
			vnfha__ckpt_meta_free(p->objs[k].meta);
			free(p->objs[k].fl);
		}
		p->n_objs = 0;
	}
	ckptd_peers_start(d);
}

/* Starts each replica's lag clock for name and sends the new records to
 * every idle stream from this thread; a sender is woken only for what is
 * left (a busy stream, a full window, a delta). */
static void tcp_on_commit(struct ckptd *d, const char *name)
{
	struct ckptd_tcp *t = ckptd_tcp(d);

	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer_obj *po = ckptd_peer_obj(t->peers[i], name);

		if (po != NULL && po->pending_since_ms == 0) {
			po->pending_since_ms = vnfha__now_ms();
		}
	}
	for (size_t i = 0; i < t->n_peers; i++) {
		/* The push drops the lock: the list may change meanwhile (a
		 * peer it drops is freed only after this thread lets go of it). */
		struct peer *p = t->peers[i];

		ckptd_peer_push(d, p, name);
		ckptd_peer_kick(d, p);
	}
}

static uint16_t tcp_states(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen,
			   struct vnfha__ckpt_result_peer *out, uint16_t max, int *best)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	uint16_t n = 0;

	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer *p = t->peers[i];
		struct peer_obj *po = ckptd_peer_obj(p, name);
		int st = VNFHA_CKPT_STATE_NONE;

		/* A replica that acked this version or a later one has it (an
		 * ACK covers the versions before it), durably up to dur_*. */
		if (po != NULL && po->meta != NULL &&
		    vnfha__ckpt_version_cmp(po->meta->epoch, po->meta->gen, epoch, gen) >= 0) {
			st = vnfha__ckpt_version_cmp(po->dur_epoch, po->dur_gen, epoch, gen) >= 0
				     ? VNFHA_CKPT_STATE_DURABLE
				     : VNFHA_CKPT_STATE_MEMORY;
		}
		if (n < max) {
			snprintf(out[n].peer, sizeof(out[n].peer), "%s", p->addr);
			out[n].state = (uint8_t)st;
			n++;
		}
		if (st > *best) {
			*best = st;
		}
	}
	return n;
}

/* How far p lags behind m (m's newest version; po: what p holds of it). */
static void peer_lag(const struct vnfha__ckpt_meta *m, const struct peer_obj *po, uint64_t now,
		     uint64_t *ret_bytes, uint64_t *ret_ms)
{
	*ret_bytes = 0;
	*ret_ms = 0;
	if (po->meta == NULL || po->meta->epoch != m->epoch || po->meta->gen != m->gen) {
		uint8_t *want = calloc(m->nblocks + 1, 1);
		uint32_t cnt = 0;

		if (want != NULL) {
			cnt = po->meta != NULL && po->meta->nblocks == m->nblocks
				      ? vnfha__ckpt_fp_diff(po->meta->fps, po->meta->nblocks, m->fps,
							    m->nblocks, want)
				      : m->nblocks;
		}
		free(want);
		*ret_bytes = (uint64_t)cnt * m->block_size;
		if (*ret_bytes > m->size) {
			*ret_bytes = m->size;
		}
		*ret_ms = po->pending_since_ms != 0 ? now - po->pending_since_ms : 0;
	}
}

/* What the replica holds of the version it acked: durable up to dur_*. */
static const char *peer_state(const struct peer_obj *po)
{
	return po->meta == NULL ? "none"
	       : vnfha__ckpt_version_cmp(po->dur_epoch, po->dur_gen, po->meta->epoch,
					 po->meta->gen) >= 0
		       ? "durable"
		       : "memory";
}

/* Per peer its connection; on the primary, per checkpoint what the peer
 * acknowledged and how far it lags; on a replica, its primary and the
 * last version received. */
static void tcp_status(struct ckptd *d, struct ckptd_text *out)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	uint64_t now = vnfha__now_ms();

	ckptd_status_received(d, out);
	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer *p = t->peers[i];

		ckptd_text_add(out,
			       "peer %s %s sent_bytes %" PRIu64 " protocol %d acks %" PRIu64
			       " acked_versions %" PRIu64 "%s%s\n",
			       p->addr, p->connected ? "connected" : "disconnected", p->total_sent,
			       p->proto, p->n_acks, p->n_acked_versions,
			       p->last_error[0] != '\0' ? " error: " : "", p->last_error);
		if (d->role != VNFHA_CKPT_ROLE_PRIMARY) {
			continue;
		}
		for (size_t k = 0; k < vnfha__ckpt_store_count(d->store); k++) {
			const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, k);
			struct peer_obj *po;
			uint64_t lag_bytes;
			uint64_t lag_ms;

			if (m == NULL) {
				continue;
			}
			po = ckptd_peer_obj(p, m->name);
			if (po == NULL) {
				continue;
			}
			peer_lag(m, po, now, &lag_bytes, &lag_ms);
			ckptd_text_add(out,
				       "replica %s checkpoint %s acked %" PRIu64 " %" PRIu64
				       " state %s lag_bytes %" PRIu64 " lag_ms %" PRIu64 "\n",
				       p->addr, m->name, po->meta != NULL ? po->meta->epoch : 0,
				       po->meta != NULL ? po->meta->gen : 0, peer_state(po), lag_bytes,
				       lag_ms);
		}
	}
}

/* Per replica: its session counters; on the primary, per checkpoint what
 * it acknowledged and how far it lags (the same figures as tcp_status). */
static void tcp_metrics(struct ckptd *d, struct ckptd_text *out)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	size_t n_ckpts = vnfha__ckpt_store_count(d->store);
	struct ckptd_replica_link *links = calloc(t->n_peers + 1, sizeof(*links));
	struct ckptd_replica_ckpt *rows = calloc(t->n_peers * n_ckpts + 1, sizeof(*rows));
	uint64_t now = vnfha__now_ms();
	size_t n_rows = 0;

	if (links == NULL || rows == NULL) {
		out->cut = true; /* answered 500: out of memory */
		goto out;
	}
	for (size_t i = 0; i < t->n_peers; i++) {
		const struct peer *p = t->peers[i];

		snprintf(links[i].replica, sizeof(links[i].replica), "%s", p->addr);
		links[i].connected = p->connected;
		links[i].sent_bytes = p->total_sent;
		links[i].reconnects = p->sessions > 0 ? p->sessions - 1 : 0;
		links[i].tls_failures = p->tls_failures;
		for (size_t k = 0; d->role == VNFHA_CKPT_ROLE_PRIMARY && k < n_ckpts; k++) {
			const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, k);
			struct peer_obj *po = m != NULL ? ckptd_peer_obj(t->peers[i], m->name) : NULL;
			struct ckptd_replica_ckpt *r = &rows[n_rows];

			if (po == NULL) {
				continue;
			}
			snprintf(r->replica, sizeof(r->replica), "%s", p->addr);
			r->checkpoint = m->name;
			r->acked_epoch = po->meta != NULL ? po->meta->epoch : 0;
			r->acked_gen = po->meta != NULL ? po->meta->gen : 0;
			r->state = peer_state(po);
			peer_lag(m, po, now, &r->lag_bytes, &r->lag_ms);
			n_rows++;
		}
	}
	ckptd_metrics_replicas(out, links, t->n_peers, true, d->role == VNFHA_CKPT_ROLE_PRIMARY,
			       rows, n_rows);
out:
	free(links);
	free(rows);
}

const struct ckptd_repl ckptd_repl_tcp = {
	.name = "tcp",
	.records = true,
	.start = tcp_start,
	.stop = tcp_stop,
	.on_role = tcp_on_role,
	.on_commit = tcp_on_commit,
	.states = tcp_states,
	.status = tcp_status,
	.set_peers = ckptd_peers_set,
	.metrics = tcp_metrics,
};
