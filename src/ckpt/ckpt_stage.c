// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A region's staged submits and its sender thread (ckpt_region.c has the
 * region, ckpt_results.c its results). A small submit (at most
 * VNFHA_CKPT_STAGE_DIRECT bytes in one frame) is captured by copying its
 * COMMITV frame - header, ranges and bytes - into the region's staging
 * buffer under the stage's own lock, held only for that copy: no system
 * call, and no waiting behind the thread that reads results and wakes
 * their waiters (under the region's lock), so the writer is back in
 * microseconds whatever the socket, the daemon or the network do. The
 * region's sender thread takes the whole buffer, registers its tickets
 * for their results and writes it with one send(2) (as many tickets as
 * arrived meanwhile: one wake-up of the daemon for all of them), then
 * looks at what came back now and then, so an application that never
 * waits never fills its socket. A thread about to wait sends what is
 * staged itself. Tickets stay in order on the wire: a buffer is taken only
 * by the holder of send_lock, and a larger submit (sent directly,
 * ckpt_region.c) takes its ticket when nothing is staged.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ckpt/ckpt_client_internal.h"
#include "ckpt/ckpt_patch.h"
#include "common/clock.h"

#define STAGE_MAX (4u << 20) /* bytes staged before a submit waits for the sender */
#define DRAIN_EVERY 64	     /* tickets sent between two looks at the results */

/* The frame of a small submit: at most this long, or 0 if it is sent
 * directly. */
size_t vnfha__ckpt_stage_frame_len(const struct vnfha_ckpt_range *ranges, size_t n)
{
	uint64_t bytes = 0;
	uint32_t pieces = 0;

	if (n > VNFHA_CKPT_STAGE_RANGES) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		bytes += ranges[i].length;
		pieces += ranges[i].length > 0;
	}
	return bytes > VNFHA_CKPT_STAGE_DIRECT
		       ? 0
		       : VNFHA_CKPT_HDR_LEN + vnfha__ckpt_commitv_head_len(pieces) + (size_t)bytes;
}

/* Stage lock held: room for len more bytes (the buffer grows). */
static int stage_room(struct vnfha__ckpt_stage *s, size_t len)
{
	size_t cap = s->cap > 0 ? s->cap : 64u << 10;
	uint8_t *n;

	while (cap < s->len + len) {
		cap *= 2;
	}
	if (cap != s->cap) {
		n = realloc(s->buf, cap);
		if (n == NULL) {
			return -ENOMEM;
		}
		s->buf = n;
		s->cap = cap;
	}
	if (s->n_tk == s->cap_tk) {
		size_t c = s->cap_tk > 0 ? s->cap_tk * 2 : 64;
		struct vnfha__ckpt_stage_ticket *t = realloc(s->tk, c * sizeof(*t));

		if (t == NULL) {
			return -ENOMEM;
		}
		s->tk = t;
		s->cap_tk = c;
	}
	return 0;
}

/* Stage lock held: the COMMITV frame of ticket appended (at most frame_len
 * bytes), the bytes copied from the region now. */
static int stage_frame(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
		       size_t n, uint32_t mode, uint32_t timeout_ms, uint32_t flags,
		       uint64_t ticket, size_t frame_len)
{
	struct vnfha_ckpt_range piece[VNFHA_CKPT_STAGE_RANGES];
	struct vnfha__ckpt_commitv cv = { .ticket = ticket, .mode = mode,
					  .timeout_ms = timeout_ms, .flags = flags };
	struct vnfha__ckpt_stage *s = &r->stage;
	uint8_t *out;
	uint32_t k = 0;
	int hl;
	int rc = stage_room(s, frame_len);

	if (rc != 0) {
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].length > 0) {
			piece[k++] = ranges[i];
		}
	}
	memcpy(cv.name, r->name, sizeof(cv.name));
	cv.n_ranges = k;
	out = s->buf + s->len;
	hl = vnfha__ckpt_commitv_head_encode(&cv, piece, out + VNFHA_CKPT_HDR_LEN,
					     frame_len - VNFHA_CKPT_HDR_LEN);
	if (hl < 0) {
		return hl;
	}
	out += VNFHA_CKPT_HDR_LEN + (size_t)hl;
	for (uint32_t i = 0; i < k; i++) {
		memcpy(out, r->data + piece[i].offset, (size_t)piece[i].length);
		out += piece[i].length;
	}
	/* The name is as long as it is: frame_len was an upper bound. */
	vnfha__ckpt_io_frame_hdr(s->buf + s->len, VNFHA_CKPT_COMMITV,
				 (uint32_t)(out - (s->buf + s->len) - VNFHA_CKPT_HDR_LEN));
	s->len = (size_t)(out - s->buf);
	return 0;
}

static void *sender_main(void *arg);

int vnfha__ckpt_stage_submit(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			     size_t n, uint32_t mode, uint32_t timeout_ms, uint32_t flags,
			     bool tracked, size_t frame_len, uint64_t *ret_ticket)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	bool wake = false;
	uint64_t ticket = 0;
	int rc;

	pthread_mutex_lock(&s->lock);
	/* A full buffer: the sender is behind; wait for it (not refused). */
	while (s->dead == 0 && s->len > 0 && s->len + frame_len > STAGE_MAX) {
		s->room_waiters++;
		pthread_cond_wait(&s->room, &s->lock);
		s->room_waiters--;
	}
	rc = s->dead;
	if (rc == 0 && !s->started) {
		rc = -pthread_create(&s->thread, NULL, sender_main, r);
		s->started = rc == 0;
	}
	if (rc == 0) {
		rc = stage_frame(r, ranges, n, mode, timeout_ms, flags, s->next_ticket, frame_len);
	}
	if (rc == 0) {
		ticket = s->next_ticket++;
		if (ret_ticket != NULL || tracked) {
			s->tk[s->n_tk++] = (struct vnfha__ckpt_stage_ticket){
				.ticket = ticket, .keep = ret_ticket != NULL, .tracked = tracked
			};
		}
		wake = s->sleeping;
		s->sleeping = false; /* one wake-up is enough */
	}
	pthread_mutex_unlock(&s->lock);
	if (wake) {
		pthread_cond_signal(&s->more);
	}
	if (rc == 0 && ret_ticket != NULL) {
		*ret_ticket = ticket;
	}
	return rc;
}

int vnfha__ckpt_stage_ticket(struct vnfha_ckpt_region *r, uint64_t *ret_ticket)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	while (s->dead == 0 && (s->len > 0 || s->n_tk > 0 || s->rest_len > 0)) {
		pthread_mutex_unlock(&s->lock);
		rc = vnfha__ckpt_stage_flush(r);
		pthread_mutex_lock(&s->lock);
	}
	rc = s->dead;
	if (rc == 0) {
		*ret_ticket = s->next_ticket++;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Stage lock held: the sender thread runs if it sleeps. */
static void wake_sender(struct vnfha__ckpt_stage *s)
{
	if (s->sleeping) {
		s->sleeping = false;
		pthread_cond_signal(&s->more);
	}
}

/* send_lock held: the tail a waiter's flush left goes out first, whole. */
static int send_rest(struct vnfha_ckpt_region *r)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	int rc;

	if (s->rest_len == 0) {
		return 0;
	}
	rc = vnfha__ckpt_io_write(&r->conn, s->rest, s->rest_len);
	s->rest_len = 0;
	pthread_mutex_lock(&s->lock);
	s->rest_pending = false;
	pthread_mutex_unlock(&s->lock);
	if (rc != 0) {
		pthread_mutex_lock(&r->lock);
		vnfha__ckpt_region_go_dead(r, rc);
		pthread_mutex_unlock(&r->lock);
	}
	return rc;
}

/* send_lock held: buf written now without blocking; what the socket does
 * not take waits in rest for the next holder (the sender, woken). */
static int send_now(struct vnfha_ckpt_region *r, const uint8_t *buf, size_t len)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(r->conn.fd, buf + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		}
		if (n < 0) {
			return -errno;
		}
		done += (size_t)n;
	}
	if (done == len) {
		return 0;
	}
	if (s->rest_cap < len - done) {
		uint8_t *p = realloc(s->rest, len - done);

		if (p == NULL) {
			return vnfha__ckpt_io_write(&r->conn, buf + done, len - done);
		}
		s->rest = p;
		s->rest_cap = len - done;
	}
	memcpy(s->rest, buf + done, len - done);
	s->rest_len = len - done;
	pthread_mutex_lock(&s->lock);
	s->rest_pending = true;
	wake_sender(s);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int flush(struct vnfha_ckpt_region *r, bool now)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	struct vnfha__ckpt_stage_ticket *tk;
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t n_tk;
	size_t cap_tk;
	uint64_t upto;
	int rc = 0;

	if (s->rest_len > 0) {
		if (now) {
			/* The socket was full a moment ago: the sender writes it. */
			pthread_mutex_lock(&s->lock);
			wake_sender(s);
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
		rc = send_rest(r);
		if (rc != 0) {
			return rc;
		}
	}
	/* Take the buffer: submits stage into the spare while it is sent. */
	pthread_mutex_lock(&s->lock);
	buf = s->buf;
	len = s->len;
	cap = s->cap;
	tk = s->tk;
	n_tk = s->n_tk;
	cap_tk = s->cap_tk;
	upto = s->next_ticket;
	if (len > 0 || n_tk > 0) {
		s->buf = s->spare;
		s->cap = s->spare_cap;
		s->tk = s->spare_tk;
		s->cap_tk = s->spare_cap_tk;
		s->len = 0;
		s->n_tk = 0;
		s->spare = NULL;
		s->spare_tk = NULL;
		if (s->room_waiters > 0) {
			pthread_cond_broadcast(&s->room);
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (len == 0 && n_tk == 0) {
		return 0;
	}
	/* Its tickets are registered before a DONE can name them; a region
	 * already dead fails them at once. */
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < n_tk && rc == 0; i++) {
		rc = vnfha__ckpt_region_add_slot(r, tk[i].ticket, tk[i].keep, tk[i].tracked);
	}
	r->sent_upto = upto;
	if (r->cond_waiters > 0) {
		pthread_cond_broadcast(&r->cond); /* waiters for a ticket being registered */
	}
	if (rc == 0) {
		rc = r->dead;
	}
	if (rc != 0) {
		vnfha__ckpt_region_go_dead(r, rc);
	}
	pthread_mutex_unlock(&r->lock);
	if (rc == 0) {
		rc = now ? send_now(r, buf, len) : vnfha__ckpt_io_write(&r->conn, buf, len);
		if (rc != 0) {
			pthread_mutex_lock(&r->lock);
			vnfha__ckpt_region_go_dead(r, rc);
			pthread_mutex_unlock(&r->lock);
		}
	}
	/* Only this flush (send_lock) takes buffers: the spares are free. */
	pthread_mutex_lock(&s->lock);
	s->spare = buf;
	s->spare_cap = cap;
	s->spare_tk = tk;
	s->spare_cap_tk = cap_tk;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int vnfha__ckpt_stage_flush(struct vnfha_ckpt_region *r)
{
	return flush(r, false);
}

void vnfha__ckpt_stage_kick(struct vnfha_ckpt_region *r, uint64_t ticket)
{
	bool staged;

	pthread_mutex_lock(&r->lock);
	staged = ticket >= r->sent_upto; /* dead too: registered, it fails */
	pthread_mutex_unlock(&r->lock);
	/* Busy: the one sending, or the sender thread after it, sends it. */
	/* Without blocking: a waiter keeps its timeout whatever the daemon
	 * reads; what the socket does not take now is the sender's. */
	if (staged && pthread_mutex_trylock(&r->send_lock) == 0) {
		flush(r, true);
		pthread_mutex_unlock(&r->send_lock);
	}
}

bool vnfha__ckpt_stage_issued(struct vnfha_ckpt_region *r, uint64_t ticket)
{
	bool issued;

	pthread_mutex_lock(&r->stage.lock);
	issued = ticket < r->stage.next_ticket;
	pthread_mutex_unlock(&r->stage.lock);
	return issued;
}

static void *sender_main(void *arg)
{
	struct vnfha_ckpt_region *r = arg;
	struct vnfha__ckpt_stage *s = &r->stage;
	struct sched_param sp = { .sched_priority = 0 };
	uint64_t drained = 0;

	/* Woken by a submit, this thread must not preempt the writer that
	 * woke it (a fair-class wake-up may): SCHED_BATCH is never preempted
	 * for on wake-up, and runs as soon as a CPU is free - the other one,
	 * or this one once the writer waits or polls. Best effort. */
	(void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
	pthread_mutex_lock(&s->lock);
	for (;;) {
		uint64_t upto;

		if (s->len == 0 && s->n_tk == 0 && !s->rest_pending) {
			if (s->stop || s->dead != 0) {
				break;
			}
			s->sleeping = true;
			pthread_cond_wait(&s->more, &s->lock);
			s->sleeping = false;
			continue;
		}
		pthread_mutex_unlock(&s->lock);
		pthread_mutex_lock(&r->send_lock);
		vnfha__ckpt_stage_flush(r);
		pthread_mutex_unlock(&r->send_lock);
		/* Results of tickets nobody waits for: read them now and then. */
		pthread_mutex_lock(&r->lock);
		upto = r->sent_upto;
		if (upto - drained >= DRAIN_EVERY && !r->reading && r->dead == 0) {
			drained = upto;
			vnfha__ckpt_region_pump(r, (uint64_t)vnfha__now_ms());
		}
		pthread_mutex_unlock(&r->lock);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void vnfha__ckpt_stage_init(struct vnfha_ckpt_region *r)
{
	pthread_mutex_init(&r->stage.lock, NULL);
	pthread_cond_init(&r->stage.more, NULL);
	pthread_cond_init(&r->stage.room, NULL);
	r->stage.next_ticket = 1;
}

void vnfha__ckpt_stage_dead(struct vnfha_ckpt_region *r, int err)
{
	struct vnfha__ckpt_stage *s = &r->stage;

	pthread_mutex_lock(&s->lock);
	if (s->dead == 0) {
		s->dead = err;
	}
	pthread_cond_broadcast(&s->room);
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->lock);
}

void vnfha__ckpt_stage_stop(struct vnfha_ckpt_region *r)
{
	struct vnfha__ckpt_stage *s = &r->stage;

	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->lock);
	if (s->started) {
		pthread_join(s->thread, NULL);
		s->started = false;
	}
	free(s->buf);
	free(s->rest);
	free(s->spare);
	free(s->tk);
	free(s->spare_tk);
	pthread_cond_destroy(&s->more);
	pthread_cond_destroy(&s->room);
	pthread_mutex_destroy(&s->lock);
}
