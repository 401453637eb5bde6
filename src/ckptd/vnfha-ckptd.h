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
 * Commits (vnfha-ckptd-obj.c, -build.c, -waiters.c): each checkpoint name
 * is a struct ckptd_obj - the one shared-memory region every connection
 * opening the name shares, and a commit queue. Submits (COMMITV, COMMIT)
 * join the pending batch; the first connection thread to find no
 * committer active becomes it and makes each pending batch one version
 * (the range versions of ckpt_ptx, or an update for a new object or a
 * large change); tickets then wait as their mode asks (struct ckptd_wait)
 * and are answered with DONE (RESULT for COMMIT) on their connection,
 * through its output buffer, never blocking the daemon on a client.
 *
 * Threads: main (signals, accept), one per accepted connection (a local
 * client, or a primary sending to us over TCP), a timer (tickets past
 * their deadline), and the replication's own: TCP, one sender per
 * configured peer while the role is primary; CPG, a receiver and a sender.
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
struct ckptd_obj;
struct ckptd_local;

struct ckptd_opts {
	const char *listen;
	const char *socket_path;
	const char *store_dir;
	const char *key_file;
	const char *node;
	const char *cpg_group; /* NULL: TCP; else sync over this Corosync group */
	const char *metrics_listen; /* NULL: no metrics endpoint (the default) */
	const char *socket_group; /* NULL: the local socket stays root:root */
	bool shared;	       /* the store is shared, no replica (ckptd_repl_shared) */
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
	/* Keeps each object's recent range versions (struct ckptd_rec) to send
	 * as PATCH frames (TCP); CPG multicasts whole versions instead. */
	bool records;
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
extern const struct ckptd_repl ckptd_repl_cpg;    /* vnfha-ckptd-cpg.c */
extern const struct ckptd_repl ckptd_repl_shared; /* vnfha-ckptd-shared.c */

struct ckptd {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ckptd_opts opts;
	struct vnfha__ckpt_store *store;
	struct vnfha__ckpt_tls_key key;
	int role;
	bool role_changing; /* a role change runs (it may drop the lock) */
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
	/* checkpoints with a region or commits (vnfha-ckptd-obj.c; grown) */
	struct ckptd_obj **objs;
	size_t n_objs;
	size_t cap_objs;
	pthread_t timer;
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
void ckptd_cond_init(pthread_cond_t *cond); /* timed waits on CLOCK_MONOTONIC */
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
/* What a store error means to a committer (its RESULT message). */
const char *ckptd_commit_error(int rc);

/*
 * A local connection (vnfha-ckptd-waiters.c): what the daemon sends it
 * goes through out, so a client that does not read blocks nobody (past
 * VNFHA_CKPTD_OUT_MAX unread bytes it is dropped). Refcounted: a ticket
 * waiting for replicas keeps it. refs and the region list under d->lock.
 */
#define VNFHA_CKPTD_OUT_MAX (64u << 20)
struct ckptd_local {
	struct ckptd *d;
	struct vnfha__ckpt_conn *c;
	int wake_fd; /* eventfd: out has bytes for the connection's thread to flush */
	pthread_mutex_t out_lock;
	uint8_t *out;
	size_t out_len;
	size_t out_cap;
	bool dead;   /* gone or dropped: frames to it are discarded */
	bool direct; /* its thread writes to the socket itself: others queue */
	unsigned int refs;
	struct ckptd_obj **regions; /* the regions it opened */
	size_t n_regions;
	size_t cap_regions;
	/* a COMMITV continuing (MORE) into the next frame */
	struct ckptd_batch *partial;
	struct ckptd_obj *partial_obj;
};

/* One submit's bytes in a batch, and the tickets answered with it. */
struct ckptd_piece {
	uint64_t off;
	uint64_t len;
	size_t at; /* in the batch's bytes */
};

enum ckptd_reply { CKPTD_REPLY_DONE, CKPTD_REPLY_RESULT };

struct ckptd_ticket {
	struct ckptd_local *lc; /* a reference */
	uint64_t first;		/* DONE: ticket range; RESULT: unused */
	uint64_t last;
	uint8_t mode;		/* enum vnfha_ckpt_mode */
	uint8_t reply;		/* enum ckptd_reply */
	uint32_t timeout_ms;
	int64_t deadline_ms;
	int64_t t0_us; /* when it arrived (the commit latency metric) */
	size_t pieces_end; /* in a batch: its pieces end here (the first start at 0) */
};

struct ckptd_batch {
	uint8_t *bytes;
	size_t len;
	size_t cap;
	struct ckptd_piece *pieces;
	size_t n_pieces;
	size_t cap_pieces;
	struct ckptd_ticket *tickets;
	size_t n_tickets;
	size_t cap_tickets;
	bool scan; /* the whole region (COMMIT, or a submit without ranges) */
};

/* A ticket whose version is made, waiting until a replica holds it. */
struct ckptd_wait {
	struct ckptd_ticket t;
	uint64_t epoch;
	uint64_t gen;
};

struct ckptd_waits {
	struct ckptd_wait *v; /* [head, n): waiting, ascending versions */
	size_t head;
	size_t n;
	size_t cap;
};

/* A version as the committer made it, for the senders: its PATCH body,
 * or none (made by an update: a replica needs a block delta). */
struct ckptd_rec {
	uint64_t epoch;
	uint64_t gen;
	uint64_t base_epoch;
	uint64_t base_gen;
	uint8_t *body; /* NULL: not a range version */
	size_t len;
};

/* Versions kept for the senders: at most this many bytes and records per
 * object (older ones dropped first; a replica behind them gets a delta). */
#define VNFHA_CKPTD_RECORD_BYTES (64u << 20)
#define VNFHA_CKPTD_RECORD_COUNT 65536u

struct ckptd_obj {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	/* the shared region: one memfd mapped here, refs connections */
	int memfd;
	uint8_t *map;
	size_t size;
	uint32_t block_size; /* of its stored versions: a page for new regions */
	unsigned int refs;
	bool mapped_in;
	bool opening; /* a thread is making the region (lock dropped) */
	/* commits */
	struct ckptd_batch pend;
	bool committing;
	struct ckptd_waits waits[2]; /* [0] sync (memory), [1] durable */
	/* recent versions, consecutive, oldest first (a ring) */
	struct ckptd_rec *recs;
	size_t rec_cap;
	size_t rec_first;
	size_t rec_n;
	size_t rec_bytes;
	/* how the last tracked submit found its pages: "uffd-wp", "scan", or
	 * "" (no tracked submit) - for status and a log line when it changes */
	const char *tracking;
	/* counters for status */
	uint64_t n_versions;
	uint64_t n_tickets;
	uint64_t n_fsyncs;
};

/* vnfha-ckptd-obj.c. Lock held for all. */
struct ckptd_obj *ckptd_obj_find(struct ckptd *d, const char *name, bool create);
/* Opens (or shares) name's region for lc: size 0 takes the stored size.
 * Answers the client itself (INFO with the memfd, or RESULT). */
int ckptd_obj_open(struct ckptd *d, struct ckptd_local *lc, const char *name, uint64_t size);
/* lc's regions released (its connection ends). */
void ckptd_obj_release_all(struct ckptd *d, struct ckptd_local *lc);
bool ckptd_local_has(const struct ckptd_local *lc, const struct ckptd_obj *o);
/* Moves src's pieces and tickets onto obj's pending batch (src emptied);
 * then, when no committer runs, this thread makes versions until nothing
 * is pending (drops the lock meanwhile). */
int ckptd_obj_enqueue(struct ckptd *d, struct ckptd_obj *o, struct ckptd_batch *src);
void ckptd_obj_commit_pending(struct ckptd *d, struct ckptd_obj *o);
void ckptd_obj_free_all(struct ckptd *d);
/* The "commits NAME versions ..." counters of `vnfha-ckpt status`. */
void ckptd_obj_status(struct ckptd *d, struct ckptd_text *out);
/* Records (the replication's, when d->repl->records). Lock held. add
 * takes r->body; it is dropped when the record does not follow the last
 * one (the ring restarts at it). */
void ckptd_obj_add_record(struct ckptd *d, struct ckptd_obj *o, struct ckptd_rec *r);
/* The record of name whose base is (epoch, gen) - the next version for a
 * replica that holds that one - and its position; NULL when none. */
const struct ckptd_rec *ckptd_record_after(struct ckptd *d, const char *name, uint64_t epoch,
					   uint64_t gen, size_t *ret_pos);
/* The record at position pos + 1 (NULL past the last). */
const struct ckptd_rec *ckptd_record_next(struct ckptd *d, const char *name, size_t *pos);
/* Records at or below (epoch, gen) of name dropped (every replica has them);
 * with name NULL every record of every object (the role changed). */
void ckptd_records_drop(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen);

/* vnfha-ckptd-batch.c: batches (no lock needed: a batch has one owner). */
int ckptd_batch_add_piece(struct ckptd_batch *b, uint64_t off, const uint8_t *bytes,
			  uint64_t len);
int ckptd_batch_add_ticket(struct ckptd_batch *b, const struct ckptd_ticket *t);
/* src's pieces appended to dst (src's tickets stay; ckptd_obj_enqueue
 * moves them with their references). */
int ckptd_batch_move(struct ckptd_batch *dst, struct ckptd_batch *src);
void ckptd_batch_clear(struct ckptd_batch *b); /* emptied, memory kept */
/* Blocks (of bs bytes) b's pieces touch, counted per piece. */
uint64_t ckptd_batch_blocks(const struct ckptd_batch *b, uint32_t bs);
/* Moves b's tickets from the first whose pieces would take b past
 * max_blocks (never the first ticket), and their pieces, to rest (empty
 * on entry); false when b fits and nothing moved. */
bool ckptd_batch_split(struct ckptd_batch *b, uint64_t max_blocks, uint32_t bs,
		       struct ckptd_batch *rest);
void ckptd_batch_free(struct ckptd_batch *b);
/* What ckptd_build_version made: made false when nothing changed (the
 * tickets then take (epoch, gen), the current version). The version is
 * recorded for the senders as it is published (ckptd_obj_add_record). */
struct ckptd_made {
	bool made;
	uint64_t epoch;
	uint64_t gen;
};
/* Makes the next version of o from batch b (lock NOT held; o's
 * committer): range versions through a patch transaction, a new object or
 * a large change through an update. */
int ckptd_build_version(struct ckptd *d, struct ckptd_obj *o, struct ckptd_batch *b,
			bool durable, struct ckptd_made *ret);

/* vnfha-ckptd-waiters.c */
struct ckptd_local *ckptd_local_new(struct ckptd *d, struct vnfha__ckpt_conn *c);
void ckptd_local_put(struct ckptd_local *lc); /* lock held: drops a reference */
/* A frame to lc through its output buffer (any thread, lock or not). */
int ckptd_local_send(struct ckptd_local *lc, uint16_t type, const void *payload, uint32_t len);
/* The connection's thread: sends what out holds, without blocking. */
void ckptd_local_flush(struct ckptd_local *lc);
/* The connection's thread before and after writing the socket itself
 * (a stream of frames, a descriptor): on sends out first, whole, and
 * makes the others queue until off. */
int ckptd_local_direct(struct ckptd_local *lc, bool on);
/* Lock held: the tickets of a version are answered (async) or wait. */
void ckptd_tickets_done(struct ckptd *d, struct ckptd_obj *o, struct ckptd_ticket *t, size_t n,
			int status, uint64_t epoch, uint64_t gen);
/* Lock held: the replicas' states of name changed; answers every waiting
 * ticket they now satisfy. The replications call it on each ACK. */
void ckptd_acked(struct ckptd *d, const char *name);
int ckptd_timer_start(struct ckptd *d); /* tickets past their deadline */
void ckptd_timer_stop(struct ckptd *d);

#endif
