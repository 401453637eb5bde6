/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnfha-ckptd internals. One lock (d->lock) guards every field below and
 * every store call except update_block (which touches only its update);
 * d->cond is broadcast on each commit, ack, role or peer change.
 *
 * Threads: main (signals, accept), one per accepted connection (local
 * client or a primary sending to us), one sender per configured peer while
 * the role is primary; with --cpg, a CPG receiver and a CPG sender.
 */
#ifndef VNFHA_CKPTD_H
#define VNFHA_CKPTD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_store.h"
#include "ckpt/ckpt_tls.h"
#include "vnfha/ckpt.h"

/* What a peer holds of one object, as far as this primary knows. */
struct peer_obj {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	struct vnfha__ckpt_meta *meta; /* fingerprints of the version it holds */
	uint8_t state;		       /* enum vnfha_ckpt_state of meta's version */
	uint64_t pending_since_ms;     /* first commit it has not acked; 0: in sync */
};

struct peer {
	char addr[VNFHA_CKPT_NAME_MAX + 1];
	pthread_t thread;
	bool stop;
	bool connected;
	int fd; /* while connected, for shutdown() */
	char last_error[300];
	uint64_t sending_bytes; /* bytes of the transfer in flight */
	uint64_t total_sent;	/* block bytes sent since start (all sessions) */
	struct peer_obj *objs;
	size_t n_objs;
};

struct ckptd_opts {
	const char *listen;
	const char *socket_path;
	const char *store_dir;
	const char *key_file;
	const char *node;
	const char *cpg_group; /* NULL: no CPG; else sync over this Corosync group */
	bool plaintext;
	int role;
	char *peers[VNFHA_CKPT_MAX_PEERS];
	size_t n_peers;
};

struct ckptd {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ckptd_opts opts;
	struct vnfha__ckpt_store *store;
	struct vnfha__ckpt_tls_key key;
	int role;
	uint64_t epoch;
	bool stopping;
	struct peer *peers[VNFHA_CKPT_MAX_PEERS];
	size_t n_peers;
	struct ckptd_cpg *cpg; /* vnfha-ckptd-cpg.c; NULL without --cpg */
	/* accepted connections, to shut them down on SIGTERM */
	int conns[256];
	size_t n_conns;
	/* per object: the mode its latest commit asked for */
	struct {
		char name[VNFHA_CKPT_NAME_MAX + 1];
		bool durable;
	} wants[4096];
	size_t n_wants;
};

uint64_t ckptd_now_ms(void);

/* Text built with printf-like appends; len stops growing at cap - 1
 * (the rest is cut, never overrun). */
struct ckptd_text {
	char *buf;
	size_t cap;
	size_t len;
};
void ckptd_text_add(struct ckptd_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * How a primary reaches a replica. A peer address "SCHEME:REST" picks the
 * transport registered under SCHEME; anything else is TCP ("HOST:PORT",
 * "tcp:HOST:PORT"). A transport's dial() returns a connected stream with
 * its own ops (ckpt_io.h) and fills p->last_error on failure; the session
 * protocol above it is the same for all. On the receiving side a
 * transport hands each inbound stream to ckptd_serve_peer(). Other parts
 * (Corosync CPG, shared directory) add a file vnfha-ckptd-<scheme>.c and
 * one line to ckptd_transports[] in vnfha-ckptd-transports.c.
 */
struct ckptd_transport {
	const char *scheme;
	int (*dial)(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *ret_conn);
};

extern const struct ckptd_transport ckptd_transport_tcp;
extern const struct ckptd_transport *const ckptd_transports[]; /* NULL-terminated */
const struct ckptd_transport *ckptd_transport_for(const char *addr);

/* vnfha-ckptd-session.c: the messages of a daemon-to-daemon session. */
int ckptd_send_hello(struct ckptd *d, struct vnfha__ckpt_conn *c);
int ckptd_recv_hello(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hello *ret);
/* An obj body built from m; with_fps adds the fingerprint list. */
int ckptd_send_obj(struct vnfha__ckpt_conn *c, uint16_t type, const struct vnfha__ckpt_meta *m,
		   bool with_fps, uint32_t flags, int32_t status);

/* vnfha-ckptd-sender.c: the primary's side, one thread per peer. */
void ckptd_peers_start(struct ckptd *d);	  /* lock held; role primary */
void ckptd_peers_stop(struct ckptd *d);		  /* lock held; joins (drops it meanwhile) */
int ckptd_peers_set(struct ckptd *d, char *const *addrs, size_t n); /* lock held */
/* Lock not held: true once p's sender is to stop (dropped, role changed). */
bool ckptd_peer_stopped(struct ckptd *d, struct peer *p);
struct peer_obj *ckptd_peer_obj(struct peer *p, const char *name);
int ckptd_version_cmp(uint64_t e1, uint64_t g1, uint64_t e2, uint64_t g2);
bool ckptd_wants_durable(struct ckptd *d, const char *name); /* lock held */
void ckptd_wait_ms(struct ckptd *d, unsigned int ms);	     /* lock held; on d->cond */

/* vnfha-ckptd-receiver.c: the replica's side of a session. */
void ckptd_serve_peer(struct ckptd *d, struct vnfha__ckpt_conn *c, const char *who);

/*
 * vnfha-ckptd-cpg.c: sync over a Corosync CPG group instead of TCP. The
 * primary multicasts each complete version whole (ckpt_cpg.h); a replica
 * publishes it and multicasts an ACK. Members are the group's other
 * processes; a member that joins gets every latest version again.
 */
int ckptd_cpg_start(struct ckptd *d); /* lock not held; before serving */
void ckptd_cpg_stop(struct ckptd *d); /* lock not held */
void ckptd_cpg_primary(struct ckptd *d); /* lock held: forget acks, resend all */
/* Lock held: states of the members for version (epoch, gen) of name,
 * appended at out (room for max); raises *best. Returns the count. */
uint16_t ckptd_cpg_states(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen,
			  struct vnfha__ckpt_result_peer *out, uint16_t max, int *best);
/* Lock held: "peer"/"replica" lines for `vnfha-ckpt status`. */
void ckptd_cpg_status(struct ckptd *d, struct ckptd_text *out);

/* vnfha-ckptd-local.c */
void ckptd_serve_local(struct ckptd *d, struct vnfha__ckpt_conn *c);
int ckptd_set_role(struct ckptd *d, int role); /* lock held */

#endif
