/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between the two halves of the checkpoint client: ckpt_client.c (the
 * connection, put/get/latest, results) and ckpt_region.c (regions, submits,
 * tickets). The handles are opaque in <vnfha/ckpt.h>; their layouts are
 * here, shared by the two files only. */
#ifndef VNFHA_CKPT_CLIENT_INTERNAL_H
#define VNFHA_CKPT_CLIENT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_spin.h"
#include "ckpt/ckpt_wire.h"
#include "vnfha/ckpt.h"

/* A client knows its open regions so that disconnecting detaches them
 * (region->client = NULL) instead of leaving them a dangling pointer. */
struct vnfha_ckpt_client {
	struct vnfha__ckpt_conn conn;
	struct vnfha_ckpt_region *regions; /* open regions, a doubly linked list */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* regions dial it too */
};

/* Opaque in <vnfha/ckpt.h>, so it may grow with the wire's limits. */
struct vnfha_ckpt_result {
	struct vnfha_ckpt_version version;
	unsigned int n_replicas;
	struct {
		char peer[VNFHA_CKPT_NAME_MAX + 1];
		enum vnfha_ckpt_state state;
	} replicas[VNFHA_CKPT_MAX_PEERS];
	char message[256];
};

/* A submitted ticket whose result someone will want (or that must redirty
 * its pages if it fails). */
struct ckpt_slot {
	uint64_t ticket;
	bool keep;    /* the caller holds the ticket */
	bool tracked; /* a tracked submit: on failure the pages are written again */
	bool done;
	int status;
	struct vnfha_ckpt_result *res;
	uint32_t *waiter; /* the word the thread waiting for it sleeps on (a futex) */
};

struct vnfha__ckpt_track;

#define VNFHA_CKPT_STAGE_DIRECT (64u << 10) /* bytes of a submit staged; more: sent directly */
#define VNFHA_CKPT_STAGE_RANGES 64	    /* ranges of a submit staged; more: sent directly */

struct vnfha__ckpt_stage_ticket {
	uint64_t ticket;
	bool keep;
	bool tracked;
};

/* Submits captured into memory for the region's sender thread (ckpt_stage.c). */
struct vnfha__ckpt_stage {
	pthread_mutex_t lock; /* this struct; never held while taking the region's */
	uint64_t next_ticket;
	uint8_t *buf; /* COMMITV frames, back to back, in ticket order */
	size_t len;
	size_t cap;
	struct vnfha__ckpt_stage_ticket *tk; /* those of buf to register for results */
	size_t n_tk;
	size_t cap_tk;
	uint8_t *spare; /* the other buffers (NULL while being sent) */
	size_t spare_cap;
	struct vnfha__ckpt_stage_ticket *spare_tk;
	size_t spare_cap_tk;
	int dead; /* the region's, copied */
	pthread_t thread;
	bool started;
	bool sleeping; /* the sender waits on more */
	bool stop;
	pthread_cond_t more; /* the sender: something staged, or stop */
	pthread_cond_t room; /* submits: the buffer was taken */
	unsigned int room_waiters;
	bool rest_pending; /* rest holds bytes (set under lock, for the sender) */
	/* Under send_lock: the tail of a waiter's flush the socket did not
	 * take at once; the next holder sends it before anything else. */
	uint8_t *rest;
	size_t rest_len;
	size_t rest_cap;
};

#define VNFHA_CKPT_RBUF_LEN (16u << 10) /* a region's results are < 2 KiB each */
#define VNFHA_CKPT_WAKE_BATCH 256 /* wakes deferred past the lock; more are done under it */

struct vnfha_ckpt_region {
	struct vnfha_ckpt_client *client; /* NULL once the client is disconnected */
	struct vnfha_ckpt_region *prev, *next;
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint8_t *data;
	size_t size;
	size_t map_len; /* size rounded up to pages */
	struct vnfha_ckpt_version version;
	struct vnfha__ckpt_conn conn; /* the region's own: submits out, results in */
	struct vnfha__ckpt_track *track;
	struct vnfha__ckpt_spin spin; /* how long its waits poll (VNFHA_CKPT_SPIN_US) */

	pthread_mutex_t send_lock; /* one writer on the wire at a time, tickets in order */
	pthread_mutex_t lock;	   /* everything below */
	pthread_cond_t cond;
	bool reading; /* a thread reads the connection (lock released meanwhile) */
	unsigned int cond_waiters; /* threads waiting on cond (commit, dispatch) */
	int dead;     /* -errno once the connection failed */
	uint64_t sent_upto; /* tickets below it are registered (slots) or not kept */
	struct ckpt_slot *slots; /* ascending tickets */
	size_t n_slots;
	size_t cap_slots;
	bool reply_have; /* a synchronous answer (RESULT) the reader put aside */
	struct vnfha_ckpt_result reply;
	int reply_status;
	struct vnfha__ckpt_stage stage;
	uint32_t *wake[VNFHA_CKPT_WAKE_BATCH]; /* waiters to wake once the lock is released */
	size_t n_wake;
	uint8_t rbuf[VNFHA_CKPT_RBUF_LEN];
	size_t rlen;
};

bool vnfha__ckpt_mode_is_valid(enum vnfha_ckpt_mode mode);
/* One local request frame: name (may be NULL) validated, -EINVAL if bad. */
int vnfha__ckpt_client_send_req(struct vnfha__ckpt_conn *c, uint16_t type, const char *name,
				uint64_t size, uint32_t mode, uint32_t timeout_ms);
/* The INFO answer (or the RESULT saying why not: its status). */
int vnfha__ckpt_client_recv_info(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_obj *ret_obj);
/* A RESULT frame into ret (may be NULL; filled on 0 and -ETIMEDOUT only);
 * returns its status or -EPROTO. */
int vnfha__ckpt_client_recv_result(struct vnfha__ckpt_conn *c, struct vnfha_ckpt_result *ret);
/* Fills the public result from the wire's. */
void vnfha__ckpt_result_export(const struct vnfha__ckpt_result *r, struct vnfha_ckpt_result *ret);
/* Streams a GET of name into *dst (expect_size bytes) or a new buffer
 * (alloc); -EAGAIN when it changed meanwhile, -EMSGSIZE other size. */
int vnfha__ckpt_client_get_into(struct vnfha__ckpt_conn *c, const char *name, uint8_t **dst,
				size_t expect_size, bool alloc, struct vnfha__ckpt_obj *ret_obj);
/* ckpt_region.c: the client goes away; the region keeps its bytes, its
 * pending tickets fail with -ENOTCONN, later calls too. */
void vnfha__ckpt_region_detach(struct vnfha_ckpt_region *region);
/* ckpt_results.c, lock held: a ticket kept for its result (keep) or its
 * tracked pages (tracked); -ENOMEM. */
int vnfha__ckpt_region_add_slot(struct vnfha_ckpt_region *r, uint64_t ticket, bool keep,
				bool tracked);
/* A ticket whose submit failed: its result is nobody's. */
void vnfha__ckpt_region_forget(struct vnfha_ckpt_region *r, uint64_t ticket);
/* The connection failed: every pending ticket fails with err. */
void vnfha__ckpt_region_go_dead(struct vnfha_ckpt_region *r, int err);
/* Become the reader until deadline (ms of the monotonic clock, at most a
 * second), or wait for the one that is. Returns with the lock held. */
void vnfha__ckpt_region_pump(struct vnfha_ckpt_region *r, uint64_t deadline);
/* Lock not needed (closing): frees the kept results. */
void vnfha__ckpt_region_free_slots(struct vnfha_ckpt_region *r);

/* ckpt_stage.c: the frame length of a submit small enough to be staged,
 * or 0 (it is sent directly, after what is staged). */
size_t vnfha__ckpt_stage_frame_len(const struct vnfha_ckpt_range *ranges, size_t n);
/* Stages a small submit (no lock held): ticket, its frame copied; waits
 * only while STAGE_MAX bytes are staged already. */
int vnfha__ckpt_stage_submit(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			     size_t n, uint32_t mode, uint32_t timeout_ms, uint32_t flags,
			     bool tracked, size_t frame_len, uint64_t *ret_ticket);
/* send_lock held, no other: registers and sends what is staged; a failure
 * kills the region (its tickets fail). */
int vnfha__ckpt_stage_flush(struct vnfha_ckpt_region *r);
/* send_lock held, no other: a ticket for a direct submit, once nothing is
 * staged (what is, is sent first). */
int vnfha__ckpt_stage_ticket(struct vnfha_ckpt_region *r, uint64_t *ret_ticket);
/* A thread about to wait for ticket (no lock held): if it is still staged
 * and nobody is sending, sends what is staged, without blocking (what the
 * socket does not take now is left to the sender). */
void vnfha__ckpt_stage_kick(struct vnfha_ckpt_region *r, uint64_t ticket);
/* Region lock held: ticket was handed out (staged or sent). */
bool vnfha__ckpt_stage_issued(struct vnfha_ckpt_region *r, uint64_t ticket);
void vnfha__ckpt_stage_init(struct vnfha_ckpt_region *r);
/* Region lock held: the connection failed with err; nothing more is
 * staged, submits waiting for room look again. */
void vnfha__ckpt_stage_dead(struct vnfha_ckpt_region *r, int err);
/* Closing (lock NOT held): the sender sends what is staged and ends. */
void vnfha__ckpt_stage_stop(struct vnfha_ckpt_region *r);

#endif
