// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The opt-in Prometheus endpoint (--metrics-listen ADDR:PORT): one thread
 * that answers "GET /metrics" over HTTP/1.0 in the text exposition format
 * 0.0.4, one connection at a time, each bounded in size
 * (CKPTD_HTTP_MAX_REQUEST) and time (METRICS_IO_TIMEOUT_MS). The daemon's
 * role and epoch and each checkpoint's version, size and commits come from
 * here; the replicas' families from the replication (struct ckptd_repl
 * .metrics). Everything is read under d->lock at scrape time.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_io.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-http.h"
#include "vnfha-ckptd-metrics.h"
#include "vnfha-ckptd.h"

#define METRICS_IO_TIMEOUT_MS 2000
#define METRICS_LINGER_MAX (256 * 1024) /* bytes read and dropped after an answer */

/* Commit latency buckets, seconds (le="..."), then +Inf. */
static const double bucket_le[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				     0.1,    0.25,  0.5,    1,     2.5,  5,     10 };
#define N_BUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

struct commit_stat {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t count;
	uint64_t sum_us;
	uint64_t le[N_BUCKETS]; /* cumulative as exposed */
};

struct ckptd_metrics {
	int fd;
	int wake[2]; /* a byte on wake[1] stops the thread */
	pthread_t thread;
	struct commit_stat *stats; /* grown as needed */
	size_t n_stats;
	size_t cap_stats;
};

int64_t ckptd_now_us(void)
{
	return (int64_t)(vnfha__now_ns() / 1000);
}

void ckptd_metrics_label(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *in != '\0' && o + 3 <= outlen; in++) {
		if (*in == '\\' || *in == '"' || *in == '\n') {
			out[o++] = '\\';
			out[o++] = *in == '\n' ? 'n' : *in;
		} else {
			out[o++] = *in;
		}
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

void ckptd_metrics_commit(struct ckptd *d, const char *name, uint64_t us)
{
	struct ckptd_metrics *m = d->metrics;
	struct commit_stat *s = NULL;

	if (m == NULL) {
		return;
	}
	for (size_t i = 0; i < m->n_stats && s == NULL; i++) {
		if (strcmp(m->stats[i].name, name) == 0) {
			s = &m->stats[i];
		}
	}
	if (s == NULL) {
		if (ckptd_grow((void **)&m->stats, &m->cap_stats, m->n_stats, sizeof(*s)) != 0) {
			vnfha_log(VNFHA_LOG_WARNING, "metrics: no memory to count commits of '%s'",
				  name);
			return;
		}
		s = &m->stats[m->n_stats++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	s->count++;
	s->sum_us += us;
	for (size_t b = 0; b < N_BUCKETS; b++) {
		if ((double)us / 1e6 <= bucket_le[b]) {
			s->le[b]++;
		}
	}
}

#define FAMILY(t, name, type, help) \
	ckptd_text_add(t, "# HELP " name " " help "\n# TYPE " name " " type "\n")
#define FAMILY_DYN(t, prefix, name, type, help) \
	ckptd_text_add(t, "# HELP " prefix "%s %s\n# TYPE " prefix "%s %s\n", name, help, name, type)

/* Lock held. The daemon's and each checkpoint's families. */
static void render_ckpts(struct ckptd *d, struct ckptd_text *t)
{
	size_t n = vnfha__ckpt_store_count(d->store);
	char lbl[2 * VNFHA_CKPT_NAME_MAX + 1];

	FAMILY(t, "vnfha_ckptd_role", "gauge", "1 for this daemon's role.");
	ckptd_text_add(t, "vnfha_ckptd_role{role=\"primary\"} %d\n",
		       d->role == VNFHA_CKPT_ROLE_PRIMARY);
	ckptd_text_add(t, "vnfha_ckptd_role{role=\"replica\"} %d\n",
		       d->role != VNFHA_CKPT_ROLE_PRIMARY);
	FAMILY(t, "vnfha_ckptd_epoch", "gauge", "The daemon's epoch (raised by each promotion).");
	ckptd_text_add(t, "vnfha_ckptd_epoch %" PRIu64 "\n", d->epoch);
	static const struct {
		const char *name;
		const char *help;
	} fams[] = {
		{ "vnfha_ckpt_latest_epoch", "Epoch of the newest complete version." },
		{ "vnfha_ckpt_latest_gen", "Generation of the newest complete version in its epoch." },
		{ "vnfha_ckpt_size_bytes", "Size of the newest complete version." },
	};
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		ckptd_text_add(t, "# HELP %s %s\n# TYPE %s gauge\n", fams[f].name, fams[f].help,
			       fams[f].name);
		for (size_t i = 0; i < n; i++) {
			const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, i);

			if (m == NULL) {
				continue;
			}
			ckptd_metrics_label(m->name, lbl, sizeof(lbl));
			ckptd_text_add(t, "%s{checkpoint=\"%s\"} %" PRIu64 "\n", fams[f].name, lbl,
				       f == 0 ? m->epoch : f == 1 ? m->gen : m->size);
		}
	}
	FAMILY(t, "vnfha_ckpt_commits_total", "counter",
	       "Local commits (put or region commit) since the daemon started.");
	for (size_t i = 0; i < d->metrics->n_stats; i++) {
		const struct commit_stat *s = &d->metrics->stats[i];

		ckptd_metrics_label(s->name, lbl, sizeof(lbl));
		ckptd_text_add(t, "vnfha_ckpt_commits_total{checkpoint=\"%s\"} %" PRIu64 "\n", lbl,
			       s->count);
	}
	FAMILY(t, "vnfha_ckpt_commit_duration_seconds", "histogram",
	       "Commit latency, request to reply (replica waits included).");
	for (size_t i = 0; i < d->metrics->n_stats; i++) {
		const struct commit_stat *s = &d->metrics->stats[i];

		ckptd_metrics_label(s->name, lbl, sizeof(lbl));
		for (size_t b = 0; b < N_BUCKETS; b++) {
			ckptd_text_add(t,
				       "vnfha_ckpt_commit_duration_seconds_bucket{checkpoint=\"%s\","
				       "le=\"%g\"} %" PRIu64 "\n",
				       lbl, bucket_le[b], s->le[b]);
		}
		ckptd_text_add(t,
			       "vnfha_ckpt_commit_duration_seconds_bucket{checkpoint=\"%s\","
			       "le=\"+Inf\"} %" PRIu64 "\n"
			       "vnfha_ckpt_commit_duration_seconds_sum{checkpoint=\"%s\"} %.6f\n"
			       "vnfha_ckpt_commit_duration_seconds_count{checkpoint=\"%s\"} %" PRIu64
			       "\n",
			       lbl, s->count, lbl, (double)s->sum_us / 1e6, lbl, s->count);
	}
}

void ckptd_metrics_replicas(struct ckptd_text *t, const struct ckptd_replica_link *links,
			    size_t n_links, bool with_tls, bool primary,
			    const struct ckptd_replica_ckpt *rows, size_t n_rows)
{
	static const char *const counters[][3] = {
		{ "connected", "gauge",
		  "1 while a session to the replica is up (cpg: it is in the group)." },
		{ "sent_bytes_total", "counter",
		  "Block bytes sent to the replica since start (cpg: multicast while a member)." },
		{ "reconnects_total", "counter",
		  "Sessions to the replica established after the first (cpg: joins after the first)." },
		{ "tls_failures_total", "counter", "TLS handshakes with the replica that failed." },
	};
	static const char *const fams[][2] = {
		{ "acked_epoch", "Epoch of the version the replica acknowledged." },
		{ "acked_gen", "Generation of the version the replica acknowledged." },
		{ "state", "1 for the replica's state of the newest version (none, memory, durable)." },
		{ "lag_bytes", "Bytes the replica still lacks of the newest version." },
		{ "lag_seconds", "Since when the replica has lacked the newest version." },
	};
	static const char *const states[] = { "none", "memory", "durable" };
	char a[2 * CKPTD_REPLICA_LABEL_MAX + 1];
	char c[2 * VNFHA_CKPT_NAME_MAX + 1];

	for (size_t f = 0; f < (with_tls ? 4u : 3u); f++) {
		FAMILY_DYN(t, "vnfha_ckpt_replica_", counters[f][0], counters[f][1], counters[f][2]);
		for (size_t i = 0; i < n_links; i++) {
			const struct ckptd_replica_link *l = &links[i];
			uint64_t v = f == 0   ? (uint64_t)l->connected
				     : f == 1 ? l->sent_bytes
				     : f == 2 ? l->reconnects
					      : l->tls_failures;

			ckptd_metrics_label(l->replica, a, sizeof(a));
			ckptd_text_add(t, "vnfha_ckpt_replica_%s{replica=\"%s\"} %" PRIu64 "\n",
				       counters[f][0], a, v);
		}
	}
	if (!primary) {
		return;
	}
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		FAMILY_DYN(t, "vnfha_ckpt_replica_", fams[f][0], "gauge", fams[f][1]);
		for (size_t i = 0; i < n_rows; i++) {
			const struct ckptd_replica_ckpt *r = &rows[i];

			ckptd_metrics_label(r->replica, a, sizeof(a));
			ckptd_metrics_label(r->checkpoint, c, sizeof(c));
			if (f == 2) {
				for (size_t s = 0; s < 3; s++) {
					ckptd_text_add(t,
						       "vnfha_ckpt_replica_state{replica=\"%s\","
						       "checkpoint=\"%s\",state=\"%s\"} %d\n",
						       a, c, states[s], strcmp(states[s], r->state) == 0);
				}
			} else if (f == 4) {
				ckptd_text_add(t,
					       "vnfha_ckpt_replica_lag_seconds{replica=\"%s\","
					       "checkpoint=\"%s\"} %.3f\n",
					       a, c, (double)r->lag_ms / 1000.0);
			} else {
				ckptd_text_add(t,
					       "vnfha_ckpt_replica_%s{replica=\"%s\",checkpoint=\"%s\"} "
					       "%" PRIu64 "\n",
					       fams[f][0], a, c,
					       f == 0 ? r->acked_epoch : f == 1 ? r->acked_gen : r->lag_bytes);
			}
		}
	}
}

/* The whole page (malloc'd into *t), lock taken here. */
static void render(struct ckptd *d, struct ckptd_text *t)
{
	pthread_mutex_lock(&d->lock);
	render_ckpts(d, t);
	if (d->repl->metrics != NULL) {
		d->repl->metrics(d, t);
	}
	pthread_mutex_unlock(&d->lock);
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0) {
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void serve_one(struct ckptd *d, int fd)
{
	char req[CKPTD_HTTP_MAX_REQUEST];
	size_t got = 0;
	enum ckptd_http_verdict v = CKPTD_HTTP_INCOMPLETE;
	char head[256];
	struct ckptd_text body = { .grow = true };
	int hl;

	vnfha__ckpt_io_timeout(fd, METRICS_IO_TIMEOUT_MS);
	while (v == CKPTD_HTTP_INCOMPLETE && got < sizeof(req)) {
		ssize_t n = recv(fd, req + got, sizeof(req) - got, 0);

		if (n <= 0) {
			return; /* closed or timed out before a whole request */
		}
		got += (size_t)n;
		v = ckptd_http_parse(req, got);
	}
	if (v == CKPTD_HTTP_INCOMPLETE) {
		v = CKPTD_HTTP_TOO_LARGE;
	}
	if (v == CKPTD_HTTP_OK) {
		render(d, &body);
		if (body.cut) {
			v = 500;
		}
	}
	if (v != CKPTD_HTTP_OK) {
		hl = snprintf(head, sizeof(head),
			      "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\n%s"
			      "Connection: close\r\n\r\n%s\n",
			      (int)v, v == 500 ? "Internal Server Error" : ckptd_http_reason(v),
			      v == CKPTD_HTTP_METHOD ? "Allow: GET\r\n" : "",
			      v == 500 ? "out of memory" : ckptd_http_reason(v));
		send_all(fd, head, (size_t)hl);
		free(body.buf);
		return;
	}
	hl = snprintf(head, sizeof(head),
		      "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		      body.len);
	send_all(fd, head, (size_t)hl);
	send_all(fd, body.buf, body.len);
	free(body.buf);
}

/*
 * Closing with unread request bytes (a refused, too large request) makes the
 * kernel send a RST, which can destroy the answer before the client reads it
 * (RFC 7230 6.6): say we are done, then read what is left, bounded by
 * METRICS_LINGER_MAX and the socket's I/O timeout, before closing.
 */
static void linger_close(int fd)
{
	char sink[4096];
	size_t left = METRICS_LINGER_MAX;

	shutdown(fd, SHUT_WR);
	while (left > 0) {
		ssize_t n = recv(fd, sink, sizeof(sink), 0);

		if (n <= 0) {
			break;
		}
		left = (size_t)n >= left ? 0 : left - (size_t)n;
	}
	close(fd);
}

static void *metrics_main(void *arg)
{
	struct ckptd *d = arg;
	struct ckptd_metrics *m = d->metrics;
	struct pollfd pfd[2] = { { .fd = m->fd, .events = POLLIN },
				 { .fd = m->wake[0], .events = POLLIN } };

	for (;;) {
		int fd;

		if (poll(pfd, 2, -1) < 0) {
			continue;
		}
		if (pfd[1].revents != 0) {
			break;
		}
		fd = accept4(m->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			serve_one(d, fd);
			linger_close(fd);
		}
	}
	return NULL;
}

int ckptd_metrics_start(struct ckptd *d)
{
	struct ckptd_metrics *m;
	int fd;

	if (d->opts.metrics_listen == NULL) {
		return 0;
	}
	fd = ckptd_listen_tcp(d->opts.metrics_listen);
	if (fd < 0) {
		vnfha_log(VNFHA_LOG_ERR,
			  "cannot serve metrics on '%s' (--metrics-listen): %s; give a free "
			  "ADDR:PORT",
			  d->opts.metrics_listen, strerror(-fd));
		return fd;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL || pipe2(m->wake, O_CLOEXEC) != 0) {
		free(m);
		close(fd);
		vnfha_log(VNFHA_LOG_ERR, "cannot start the metrics endpoint: %s", strerror(errno));
		return -ENOMEM;
	}
	m->fd = fd;
	pthread_mutex_lock(&d->lock);
	d->metrics = m;
	pthread_mutex_unlock(&d->lock);
	if (pthread_create(&m->thread, NULL, metrics_main, d) != 0) {
		pthread_mutex_lock(&d->lock);
		d->metrics = NULL;
		pthread_mutex_unlock(&d->lock);
		close(m->wake[0]);
		close(m->wake[1]);
		close(fd);
		free(m);
		vnfha_log(VNFHA_LOG_ERR, "cannot start the metrics thread");
		return -EAGAIN;
	}
	vnfha_log(VNFHA_LOG_INFO, "serving Prometheus metrics on http://%s/metrics",
		  d->opts.metrics_listen);
	return 0;
}

void ckptd_metrics_stop(struct ckptd *d)
{
	struct ckptd_metrics *m = d->metrics;

	if (m == NULL) {
		return;
	}
	if (write(m->wake[1], "x", 1) != 1) {
		shutdown(m->fd, SHUT_RDWR);
	}
	pthread_join(m->thread, NULL);
	pthread_mutex_lock(&d->lock);
	d->metrics = NULL;
	pthread_mutex_unlock(&d->lock);
	close(m->fd);
	close(m->wake[0]);
	close(m->wake[1]);
	free(m->stats);
	free(m);
}
