/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCP replication (struct ckptd_repl ckptd_repl_tcp): a session per
 * replica, primary to replica, over a stream.
 *   vnfha-ckptd-tcp.c         the interface: start, stop, role, commit,
 *                             states, status, peers; the listener
 *   vnfha-ckptd-transports.c  the streams by address scheme (TCP built in)
 *   vnfha-ckptd-session.c     the messages both ends of a session send
 *   vnfha-ckptd-sender.c      the primary's side, one thread per replica
 *   vnfha-ckptd-acks.c        its ACK reader, one thread per session
 *   vnfha-ckptd-receiver.c    the replica's side
 */
#ifndef VNFHA_CKPTD_TCP_H
#define VNFHA_CKPTD_TCP_H

#include "vnfha-ckptd.h"

/* A version sent and not acknowledged yet: a block delta (meta, the
 * version whole) or a PATCH (the new fingerprints of its blocks). */
struct inflight {
	uint64_t epoch;
	uint64_t gen;
	struct vnfha__ckpt_meta *meta;
	struct vnfha__ckpt_pblock *blocks;
	uint32_t n_blocks;
	size_t bytes;
};

/* What a peer holds of one object, as far as this primary knows. */
struct peer_obj {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	struct vnfha__ckpt_meta *meta; /* fingerprints of the version it acked */
	uint8_t state;		       /* enum vnfha_ckpt_state of its last ACK */
	uint64_t dur_epoch;	       /* the newest version it holds on stable storage */
	uint64_t dur_gen;
	bool sent_valid;	       /* this session: sent_* is the newest version sent */
	uint64_t sent_epoch;
	uint64_t sent_gen;
	struct inflight *fl; /* FIFO of versions in flight, oldest at fl_head */
	size_t fl_head;
	size_t fl_n;
	size_t fl_cap;
	uint64_t pending_since_ms; /* first commit it has not acked; 0: in sync */
};

struct peer {
	char addr[VNFHA_CKPT_NAME_MAX + 1];
	pthread_t thread;
	bool stop;
	unsigned int senders; /* sender threads that still use it (until they return) */
	bool connected;
	int fd; /* while connected, for shutdown() */
	char last_error[300];
	uint64_t sending_bytes; /* bytes of the transfer in flight */
	uint64_t total_sent;	/* block and patch bytes sent since start (all sessions) */
	uint64_t sessions;	/* sessions established since start */
	uint64_t tls_failures;	/* TLS handshakes that failed since start */
	int proto;		/* this session's protocol version (HELLO) */
	bool reader_done;	/* the session's ACK reader ended */
	struct vnfha__ckpt_conn *conn; /* while connected: the session's stream */
	bool sending;		/* a thread writes on conn (lock dropped) */
	/* The sender thread sleeps here, not on d->cond: every commit and
	 * ACK broadcasts d->cond, and waking it for each, with nothing to
	 * send, cost a third of the primary's CPU at one committer. */
	pthread_cond_t wake;
	size_t fl_versions;	/* versions in flight, all objects */
	size_t fl_bytes;
	uint64_t n_acks;	/* ACK frames, and the versions they covered */
	uint64_t n_acked_versions;
	struct peer_obj *objs;
	size_t n_objs;
};

/* d->repl_data of the TCP replication. */
struct ckptd_tcp {
	struct peer *peers[VNFHA_CKPT_MAX_PEERS];
	size_t n_peers;
};

static inline struct ckptd_tcp *ckptd_tcp(struct ckptd *d)
{
	return d->repl_data;
}

/*
 * How a primary reaches a replica. A peer address "SCHEME:REST" picks the
 * transport registered under SCHEME; anything else is TCP ("HOST:PORT",
 * "tcp:HOST:PORT"). A transport's dial() returns a connected stream with
 * its own ops (ckpt_io.h) and fills p->last_error on failure; the session
 * protocol above it is the same for all. On the receiving side a
 * transport hands each inbound stream to ckptd_serve_peer(). Another
 * stream (a shared directory) adds its dial() and one line to
 * ckptd_transports[] in vnfha-ckptd-transports.c.
 */
struct ckptd_transport {
	const char *scheme;
	int (*dial)(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *ret_conn);
};

extern const struct ckptd_transport ckptd_transport_tcp;
extern const struct ckptd_transport *const ckptd_transports[]; /* NULL-terminated */
const struct ckptd_transport *ckptd_transport_for(const char *addr);

/* vnfha-ckptd-session.c: the messages of a daemon-to-daemon session
 * (and ckptd_send_hello(), vnfha-ckptd.h). */
int ckptd_recv_hello(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hello *ret);
/* An obj body built from m; with_fps adds the fingerprint list. */
int ckptd_send_obj(struct vnfha__ckpt_conn *c, uint16_t type, const struct vnfha__ckpt_meta *m,
		   bool with_fps, uint32_t flags, int32_t status);

/* vnfha-ckptd-sender.c: the primary's side, one thread per peer. */
void ckptd_peers_start(struct ckptd *d);	  /* lock held; role primary */
void ckptd_peer_push(struct ckptd *d, struct peer *p, const char *name); /* lock held */
/* Lock held: wakes p's sender thread if something is left for it. */
void ckptd_peer_kick(struct ckptd *d, struct peer *p);
void ckptd_peers_stop(struct ckptd *d);		  /* lock held; joins (drops it meanwhile) */
int ckptd_peers_set(struct ckptd *d, char *const *addrs, size_t n); /* lock held */
void ckptd_peers_free(struct ckptd *d);				    /* lock held; stopped */
/* Lock not held: true once p's sender is to stop (dropped, role changed). */
bool ckptd_peer_stopped(struct ckptd *d, struct peer *p);
struct peer_obj *ckptd_peer_obj(struct peer *p, const char *name);

/* vnfha-ckptd-acks.c: the session's ACK reader (lock not held to start;
 * it ends when the connection does, setting p->reader_done). */
int ckptd_acks_start(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c,
		     pthread_t *ret_thread);
/* Lock held: a version sent (inflight filled by the caller; taken). */
int ckptd_inflight_push(struct peer *p, struct peer_obj *po, struct inflight *f);
/* Lock held: forgets what is in flight (the session ended). */
void ckptd_inflight_clear(struct peer *p);

/* vnfha-ckptd-receiver.c: the replica's side of a session. */
void ckptd_serve_peer(struct ckptd *d, struct vnfha__ckpt_conn *c, const char *who);

#endif
