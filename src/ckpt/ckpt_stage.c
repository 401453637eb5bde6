// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A region's staged submits and its sender thread (ckpt_region.c has the
 * region, ckpt_results.c its results). A small submit (at most
 * STAGE_DIRECT bytes in one frame) is captured by copying its COMMITV frame
 * - header, ranges and bytes - into the region's staging buffer under the
 * region's lock: no system call, so the writer is back in microseconds
 * whatever the socket, the daemon or the network do. The region's sender
 * thread takes the whole buffer and writes it with one send(2) (as many
 * tickets as arrived meanwhile: one wake-up of the daemon for all of them),
 * then looks at what came back now and then, so an application that never
 * waits never fills its socket. Tickets stay in order on the wire: a
 * buffer is taken only by the holder of send_lock, and a larger submit
 * (sent directly, ckpt_region.c) first sends what is staged.
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

/* Lock held: room for len more bytes (the buffer grows up to STAGE_MAX). */
static int stage_room(struct vnfha__ckpt_stage *s, size_t len)
{
	size_t cap = s->cap > 0 ? s->cap : 64u << 10;
	uint8_t *n;

	while (cap < s->len + len) {
		cap *= 2;
	}
	if (cap == s->cap) {
		return 0;
	}
	n = realloc(s->buf, cap);
	if (n == NULL) {
		return -ENOMEM;
	}
	s->buf = n;
	s->cap = cap;
	return 0;
}

/* Lock held: the COMMITV frame of ticket appended (at most frame_len bytes). */
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

/* Lock held: the sender thread runs (started at the first staged submit). */
static int stage_start(struct vnfha_ckpt_region *r)
{
	int rc;

	if (r->stage.started) {
		return 0;
	}
	rc = -pthread_create(&r->stage.thread, NULL, sender_main, r);
	r->stage.started = rc == 0;
	return rc;
}

int vnfha__ckpt_stage_submit(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			     size_t n, uint32_t mode, uint32_t timeout_ms, uint32_t flags,
			     bool tracked, size_t frame_len, uint64_t *ret_ticket)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	bool wake;
	uint64_t ticket;
	int rc;

	pthread_mutex_lock(&r->lock);
	/* A full buffer: the sender is behind; wait for it (not refused). */
	while (r->dead == 0 && s->len > 0 && s->len + frame_len > STAGE_MAX) {
		s->room_waiters++;
		pthread_cond_wait(&s->room, &r->lock);
		s->room_waiters--;
	}
	rc = r->dead;
	if (rc == 0) {
		rc = stage_start(r);
	}
	ticket = r->next_ticket;
	if (rc == 0 && (ret_ticket != NULL || tracked)) {
		rc = vnfha__ckpt_region_add_slot(r, ticket, ret_ticket != NULL, tracked);
	}
	if (rc == 0) {
		rc = stage_frame(r, ranges, n, mode, timeout_ms, flags, ticket, frame_len);
		if (rc != 0) {
			vnfha__ckpt_region_forget(r, ticket);
		}
	}
	if (rc == 0) {
		r->next_ticket++;
	}
	wake = rc == 0 && s->sleeping;
	pthread_mutex_unlock(&r->lock);
	if (wake) {
		pthread_cond_signal(&s->more);
	}
	if (rc == 0 && ret_ticket != NULL) {
		*ret_ticket = ticket;
	}
	return rc;
}

/* Writes len bytes (send_lock held). */
static int send_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int vnfha__ckpt_stage_flush(struct vnfha_ckpt_region *r)
{
	struct vnfha__ckpt_stage *s = &r->stage;
	uint8_t *buf;
	size_t len;
	size_t cap;
	int rc;

	pthread_mutex_lock(&r->lock);
	if (s->len == 0 || r->dead != 0) {
		s->len = 0;
		rc = r->dead;
		pthread_mutex_unlock(&r->lock);
		return rc;
	}
	/* Swap buffers: submits stage into the spare while this one is sent. */
	buf = s->buf;
	len = s->len;
	cap = s->cap;
	s->buf = s->spare;
	s->cap = s->spare_cap;
	s->len = 0;
	s->spare = NULL;
	s->spare_cap = 0;
	if (s->room_waiters > 0) {
		pthread_cond_broadcast(&s->room);
	}
	pthread_mutex_unlock(&r->lock);
	rc = send_all(r->conn.fd, buf, len);
	pthread_mutex_lock(&r->lock);
	if (s->spare == NULL) { /* only this flush (send_lock) takes buffers */
		s->spare = buf;
		s->spare_cap = cap;
	} else {
		free(buf);
	}
	if (rc != 0) {
		vnfha__ckpt_region_go_dead(r, rc);
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void vnfha__ckpt_stage_kick(struct vnfha_ckpt_region *r)
{
	bool staged;

	pthread_mutex_lock(&r->lock);
	staged = r->stage.len > 0;
	pthread_mutex_unlock(&r->lock);
	if (staged && pthread_mutex_trylock(&r->send_lock) == 0) {
		vnfha__ckpt_stage_flush(r);
		pthread_mutex_unlock(&r->send_lock);
	}
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
	pthread_mutex_lock(&r->lock);
	for (;;) {
		if (s->len == 0 || r->dead != 0) {
			s->len = 0;
			if (s->stop) {
				break;
			}
			s->sleeping = true;
			pthread_cond_wait(&s->more, &r->lock);
			s->sleeping = false;
			continue;
		}
		pthread_mutex_unlock(&r->lock);
		pthread_mutex_lock(&r->send_lock);
		vnfha__ckpt_stage_flush(r);
		pthread_mutex_unlock(&r->send_lock);
		pthread_mutex_lock(&r->lock);
		/* Results of tickets nobody waits for: read them now and then. */
		if (r->next_ticket - drained >= DRAIN_EVERY && s->len == 0 && !r->reading &&
		    r->dead == 0) {
			drained = r->next_ticket;
			vnfha__ckpt_region_pump(r, (uint64_t)vnfha__now_ms());
		}
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

void vnfha__ckpt_stage_init(struct vnfha_ckpt_region *r)
{
	pthread_cond_init(&r->stage.more, NULL);
	pthread_cond_init(&r->stage.room, NULL);
}

void vnfha__ckpt_stage_wake(struct vnfha_ckpt_region *r)
{
	pthread_cond_broadcast(&r->stage.room);
	pthread_cond_signal(&r->stage.more);
}

void vnfha__ckpt_stage_stop(struct vnfha_ckpt_region *r)
{
	struct vnfha__ckpt_stage *s = &r->stage;

	pthread_mutex_lock(&r->lock);
	s->stop = true;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&r->lock);
	if (s->started) {
		pthread_join(s->thread, NULL);
		s->started = false;
	}
	free(s->buf);
	free(s->spare);
	s->buf = NULL;
	s->spare = NULL;
	pthread_cond_destroy(&s->more);
	pthread_cond_destroy(&s->room);
}
