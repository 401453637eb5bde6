/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnfha-ckptd internals. One lock (d->lock) guards every field below and
 * every store call except update_block (which touches only its update);
 * d->cond is broadcast on each commit, ack, role or peer change.
 *
 * The daemon is main (vnfha-ckptd.c: options, signals, accept), the local
 * requests (vnfha-ckptd-local.c), a few shared helpers (vnfha-ckptd-core.c)
 * and replication behind one interface, struct ckptd_repl, chosen at
 * start-up: TCP sessions to each replica (vnfha-ckptd-tcp.c and the files
 * named in vnfha-ckptd-tcp.h), or Corosync CPG with --cpg
 * (vnfha-ckptd-cpg.c). main and the local requests call only the
 * interface; the implementations call only the helpers below.
 *
 * Threads: main (signals, accept), one per accepted connection (a local
 * client, or a primary sending to us over TCP), and the replication's own:
 * TCP, one sender per configured peer while the role is primary; CPG, a
 * receiver and a sender.
 */
#ifndef VNFHA_CKPTD_H
#define VNFHA_CKPTD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_store.h"
#include "ckpt/ckpt_tls.h"
#include "ckpt/ckpt_version.h"
#include "common/clock.h"
#include "vnfha/ckpt.h"

struct ckptd;

struct ckptd_opts {
	const char *listen;
	const char *socket_path;
	const char *store_dir;
	const char *key_file;
	const char *node;
	const char *cpg_group; /* NULL: TCP; else sync over this Corosync group */
	const char *metrics_listen; /* NULL: no metrics endpoint (the default) */
	const char *socket_group; /* NULL: the local socket stays root:root */
	bool plaintext;
	int role;
	char *peers[VNFHA_CKPT_MAX_PEERS];
	size_t n_peers;
};

/* Text built with printf-like appends; len stops growing at cap - 1
 * (never overrun) and cut says so; ckptd_text_finish() then ends the text
 * with a line that says it was cut. */
struct ckptd_text {
	char *buf;
	size_t cap;
	size_t len;
	bool cut;
	bool grow; /* buf is malloc'd and grows to fit (cut only without memory) */
};

/*
 * Replication: how this node's versions reach the replicas and how their
 * acknowledgements come back. One implementation runs, chosen at start-up.
 */
struct ckptd_repl {
	const char *name;
	/* Lock not held, before the first role is set and before main serves:
	 * sets d->repl_data, joins the bus or opens a listener (d->listen_fd).
	 * A failure is logged and leaves no thread behind. */
	int (*start)(struct ckptd *d);
	/* Lock not held; d->stopping is set and every connection gone: stops
	 * and joins the implementation's threads and frees d->repl_data. */
	void (*stop)(struct ckptd *d);
	/* Lock held: d->role has changed (a promotion comes with a new
	 * d->epoch). May drop the lock while joining threads. */
	void (*on_role)(struct ckptd *d);
	/* Lock held: name has a new local version (ckptd_wants_durable() says
	 * the mode its commit asked for); d->cond is broadcast after. */
	void (*on_commit)(struct ckptd *d, const char *name);
	/* Lock held: each replica's state of version (epoch, gen) of name, the
	 * first max of them at out; *best is raised over all of them, listed
	 * or not. Returns the number written. */
	uint16_t (*states)(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen,
			   struct vnfha__ckpt_result_peer *out, uint16_t max, int *best);
	/* Lock held: the "peer" and "replica" lines of `vnfha-ckpt status`. */
	void (*status)(struct ckptd *d, struct ckptd_text *out);
	/* Lock held: replaces the replica list (n <= VNFHA_CKPT_MAX_PEERS);
	 * -EOPNOTSUPP where the implementation has no list to set (CPG: the
	 * group's membership is the list). May drop the lock while joining. */
	int (*set_peers)(struct ckptd *d, char *const *addrs, size_t n);
	/* Lock held: the per-replica Prometheus families (text format 0.0.4,
	 * vnfha-ckptd-metrics.c); NULL: the implementation has none. */
	void (*metrics)(struct ckptd *d, struct ckptd_text *out);
};

extern const struct ckptd_repl ckptd_repl_tcp; /* vnfha-ckptd-tcp.c */
extern const struct ckptd_repl ckptd_repl_cpg; /* vnfha-ckptd-cpg.c */

struct ckptd {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ckptd_opts opts;
	struct vnfha__ckpt_store *store;
	struct vnfha__ckpt_tls_key key;
	int role;
	uint64_t epoch;
	bool stopping;
	const struct ckptd_repl *repl;
	void *repl_data; /* the implementation's own state */
	/* A listener the implementation opened for main to accept on (-1:
	 * none) and what serves each connection accepted there (in its own
	 * thread; it closes fd). */
	int listen_fd;
	void (*serve_remote)(struct ckptd *d, int fd, const char *who);
	/* accepted connections, to shut them down on SIGTERM (grown as needed) */
	int *conns;
	size_t n_conns;
	size_t cap_conns;
	/* per object: the mode its latest commit asked for (grown as needed) */
	struct ckptd_want *wants;
	size_t n_wants;
	size_t cap_wants;
	struct ckptd_metrics *metrics; /* NULL: no --metrics-listen */
	/* A replica: the primary that last sent to it, and the last version
	 * it received (vnfha-ckpt status). */
	char rx_primary[2 * VNFHA_CKPT_NAME_MAX + 8]; /* "NODE (ADDR)" */
	bool rx_connected;
	char rx_name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t rx_epoch;
	uint64_t rx_gen;
	int64_t rx_at_ms; /* 0: nothing received since start */
};

struct ckptd_want {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	bool durable;
};

/* vnfha-ckptd-core.c: helpers for every part of the daemon. */
/* Makes room for element n of *arr (*cap elements of size now): -ENOMEM. */
int ckptd_grow(void **arr, size_t *cap, size_t n, size_t size);
void ckptd_text_add(struct ckptd_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ckptd_text_finish(struct ckptd_text *t);
/* Lock held: on a replica, the "primary" and "received" lines of
 * `vnfha-ckpt status` (d->rx_*, set by whichever replication received). */
void ckptd_status_received(struct ckptd *d, struct ckptd_text *out);
int ckptd_set_wants(struct ckptd *d, const char *name, bool durable); /* lock held; -ENOMEM */
bool ckptd_wants_durable(struct ckptd *d, const char *name);	       /* lock held */
void ckptd_wait_ms(struct ckptd *d, unsigned int ms);		       /* lock held; on d->cond */
/* This daemon's HELLO (role, node): to a peer, or to a local client that
 * asks who it is. Lock held. */
int ckptd_send_hello(struct ckptd *d, struct vnfha__ckpt_conn *c);
/* "HOST:PORT" or "[V6]:PORT" into getaddrinfo() arguments. */
int ckptd_split_addr(const char *addr, char *host, size_t host_len, const char **ret_port);

/* vnfha-ckptd-tcp.c: a listening TCP socket on "ADDR:PORT" or -errno. */
int ckptd_listen_tcp(const char *addr);

/* vnfha-ckptd-metrics.c: the opt-in Prometheus endpoint. */
int ckptd_metrics_start(struct ckptd *d); /* lock not held; logs its failure */
void ckptd_metrics_stop(struct ckptd *d); /* lock not held */
/* Lock held: a local commit of name took us microseconds (request to reply). */
void ckptd_metrics_commit(struct ckptd *d, const char *name, uint64_t us);
/* A label value in the text format's escapes ("\\", "\"", "\n"); out
 * holds at least 2 * strlen(in) + 1 bytes. */
void ckptd_metrics_label(const char *in, char *out, size_t outlen);
/* Monotonic microseconds. */
int64_t ckptd_now_us(void);

/* vnfha-ckptd-local.c */
void ckptd_serve_local(struct ckptd *d, struct vnfha__ckpt_conn *c);
int ckptd_set_role(struct ckptd *d, int role); /* lock held */

#endif
