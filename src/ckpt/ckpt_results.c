// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A region's results (ckpt_region.c has the region and its submits): the
 * tickets kept for a result, the DONE and RESULT frames read off the
 * region's connection by whichever thread waits (the others sleep on their
 * own condition until their ticket is done or the reading is theirs to
 * take), vnfha_ckpt_wait() and vnfha_ckpt_dispatch().
 */
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_client_internal.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_spin.h"
#include "ckpt/ckpt_track.h"
#include "common/clock.h"

/*
 * A waiting thread sleeps on a word of its own stack (a private futex):
 * set under the region's lock while the thread is registered, so it is
 * never written after the thread left; the wake-up itself may come after
 * the lock is released (FUTEX_WAKE only hashes the address: a late one is
 * at worst a spurious wake-up, and every wait loops), so a woken waiter
 * does not find the lock still held by the reader that woke it.
 */
static void word_sleep(uint32_t *w, int wait_ms)
{
	struct timespec ts = { .tv_sec = wait_ms / 1000, .tv_nsec = (long)(wait_ms % 1000) * 1000000 };

	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
}

static void word_wake(uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Lock held: the thread sleeping on w looks again; woken now, or (defer)
 * once the reader released the lock. */
static void notify(struct vnfha_ckpt_region *r, uint32_t *w, bool defer)
{
	__atomic_store_n(w, 1, __ATOMIC_RELEASE);
	if (defer && r->n_wake < VNFHA_CKPT_WAKE_BATCH) {
		r->wake[r->n_wake++] = w;
	} else {
		word_wake(w);
	}
}

static struct ckpt_slot *find_slot(struct vnfha_ckpt_region *r, uint64_t ticket)
{
	size_t lo = 0;
	size_t hi = r->n_slots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->slots[mid].ticket == ticket) {
			return &r->slots[mid];
		}
		if (r->slots[mid].ticket < ticket) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

static void drop_slot(struct vnfha_ckpt_region *r, struct ckpt_slot *s)
{
	size_t i = (size_t)(s - r->slots);

	free(s->res);
	memmove(&r->slots[i], &r->slots[i + 1], (r->n_slots - i - 1) * sizeof(*s));
	r->n_slots--;
}

int vnfha__ckpt_region_add_slot(struct vnfha_ckpt_region *r, uint64_t ticket, bool keep, bool tracked)
{
	if (r->n_slots == r->cap_slots) {
		size_t cap = r->cap_slots > 0 ? r->cap_slots * 2 : 16;
		struct ckpt_slot *n = realloc(r->slots, cap * sizeof(*n));

		if (n == NULL) {
			return -ENOMEM;
		}
		r->slots = n;
		r->cap_slots = cap;
	}
	r->slots[r->n_slots++] = (struct ckpt_slot){ .ticket = ticket, .keep = keep, .tracked = tracked };
	return 0;
}

/* A result for a slot (lock held): kept for the waiter, or dropped. */
static void complete(struct vnfha_ckpt_region *r, struct ckpt_slot *s, int status,
		     const struct vnfha_ckpt_result *res, bool defer)
{
	if (status != 0 && s->tracked && r->track != NULL) {
		/* Which pages that ticket carried is not kept: all of them are
		 * written again, so the next tracked submit resends them. */
		struct vnfha_ckpt_range all = { .offset = 0, .length = r->size };

		vnfha__ckpt_track_redirty(r->track, &all, 1);
	}
	if (s->waiter != NULL) {
		notify(r, s->waiter, defer); /* only the thread this ticket concerns */
		s->waiter = NULL;
	}
	if (!s->keep) {
		drop_slot(r, s);
		return;
	}
	s->done = true;
	s->status = status;
	s->res = malloc(sizeof(*s->res));
	if (s->res != NULL) {
		if (res != NULL) {
			*s->res = *res;
		} else {
			memset(s->res, 0, sizeof(*s->res));
		}
	}
}

/* Lock held: nobody reads any more; one thread waiting for a ticket not
 * done yet takes the reading over. */
static void hand_over(struct vnfha_ckpt_region *r)
{
	if (r->reading) {
		return;
	}
	for (size_t i = 0; i < r->n_slots; i++) {
		if (!r->slots[i].done && r->slots[i].waiter != NULL) {
			notify(r, r->slots[i].waiter, false);
			r->slots[i].waiter = NULL;
			break;
		}
	}
}

/* Lock held: every waiting thread looks again. */
static void wake_all(struct vnfha_ckpt_region *r)
{
	for (size_t i = 0; i < r->n_slots; i++) {
		if (r->slots[i].waiter != NULL) {
			notify(r, r->slots[i].waiter, false);
			r->slots[i].waiter = NULL;
		}
	}
	pthread_cond_broadcast(&r->cond);
}

/* The connection failed (lock held): every pending ticket fails so. */
void vnfha__ckpt_region_go_dead(struct vnfha_ckpt_region *r, int err)
{
	if (r->dead == 0) {
		r->dead = err;
	}
	/* Backwards: complete() may drop a slot, moving only those after it. */
	for (size_t i = r->n_slots; i-- > 0;) {
		if (!r->slots[i].done) {
			complete(r, &r->slots[i], err, NULL, false);
		}
	}
	wake_all(r);
	vnfha__ckpt_stage_dead(r, r->dead);
}

/* One frame from the daemon (lock held). */
static int apply_frame(struct vnfha_ckpt_region *r, const struct vnfha__ckpt_hdr *h,
		       const uint8_t *p)
{
	struct vnfha__ckpt_result w;
	struct vnfha_ckpt_result res;
	uint64_t first = 0;
	uint64_t last = 0;

	if (h->type == VNFHA_CKPT_DONE) {
		if (vnfha__ckpt_done_decode(p, h->length, &first, &last, &w) != 0) {
			return -EPROTO;
		}
		vnfha__ckpt_result_export(&w, &res);
		if ((w.status == 0 || w.status == -ETIMEDOUT) &&
		    (w.epoch > r->version.epoch ||
		     (w.epoch == r->version.epoch && w.gen > r->version.gen))) {
			r->version = res.version;
		}
		for (size_t i = r->n_slots; i-- > 0;) {
			struct ckpt_slot *s = &r->slots[i];

			if (s->ticket >= first && s->ticket <= last && !s->done) {
				complete(r, s, w.status, &res, true);
			}
		}
		return 0;
	}
	if (h->type == VNFHA_CKPT_RESULT && !r->reply_have) {
		if (vnfha__ckpt_result_decode(p, h->length, &w) != 0) {
			return -EPROTO;
		}
		vnfha__ckpt_result_export(&w, &r->reply);
		r->reply_status = w.status;
		r->reply_have = true;
		return 0;
	}
	return -EPROTO;
}

/* Reads what arrived within wait_ms (lock NOT held; this thread is the
 * reader), then applies every complete frame under the lock. Until
 * poll_until (ns; 0: not at all) it polls the socket, yielding the CPU at
 * each look, before it sleeps in poll(2) (ckpt_spin.h). */
static int read_some(struct vnfha_ckpt_region *r, int wait_ms, uint64_t poll_until)
{
	struct pollfd pfd = { .fd = r->conn.fd, .events = POLLIN };
	uint32_t *wake[VNFHA_CKPT_WAKE_BATCH];
	size_t n_wake;
	ssize_t got;
	size_t off = 0;
	int rc = 0;
	int n = 0;

	if (poll_until != 0 && wait_ms > 0 && vnfha__ckpt_spin_enter()) {
		while ((n = poll(&pfd, 1, 0)) == 0 && vnfha__now_ns() < poll_until) {
			sched_yield();
		}
		vnfha__ckpt_spin_leave();
	}
	if (n == 0) {
		n = poll(&pfd, 1, wait_ms);
	}

	if (n < 0) {
		return errno == EINTR ? 0 : -errno;
	}
	if (n == 0) {
		return 0;
	}
	got = recv(r->conn.fd, r->rbuf + r->rlen, sizeof(r->rbuf) - r->rlen, MSG_DONTWAIT);
	if (got < 0) {
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	}
	if (got == 0) {
		return -ECONNRESET;
	}
	r->rlen += (size_t)got;
	pthread_mutex_lock(&r->lock);
	while (rc == 0 && r->rlen - off >= VNFHA_CKPT_HDR_LEN) {
		struct vnfha__ckpt_hdr h;

		rc = vnfha__ckpt_hdr_decode(r->rbuf + off, r->rlen - off, &h);
		if (rc != 0 || h.length > sizeof(r->rbuf) - VNFHA_CKPT_HDR_LEN) {
			rc = -EPROTO;
			break;
		}
		if (r->rlen - off - VNFHA_CKPT_HDR_LEN < h.length) {
			break; /* the rest comes later */
		}
		rc = apply_frame(r, &h, r->rbuf + off + VNFHA_CKPT_HDR_LEN);
		off += VNFHA_CKPT_HDR_LEN + h.length;
	}
	memmove(r->rbuf, r->rbuf + off, r->rlen - off);
	r->rlen -= off;
	n_wake = r->n_wake;
	memcpy(wake, r->wake, n_wake * sizeof(*wake));
	r->n_wake = 0;
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < n_wake; i++) {
		word_wake(wake[i]);
	}
	return rc;
}

static int wait_ms_until(uint64_t deadline)
{
	uint64_t now = (uint64_t)vnfha__now_ms();

	return deadline == UINT64_MAX ? 1000
	       : deadline > now	      ? (int)(deadline - now > 1000 ? 1000 : deadline - now)
				      : 0;
}

/* Lock held: this thread reads for up to wait_ms (lock dropped meanwhile).
 * Those in commit/dispatch look again; the waiters sleep on: a reader
 * that goes on reading would only wake one for nothing - the reading is
 * handed over when the reader leaves (hand_over). */
static void read_for(struct vnfha_ckpt_region *r, int wait_ms, uint64_t poll_until)
{
	int rc;

	r->reading = true;
	pthread_mutex_unlock(&r->lock);
	rc = read_some(r, wait_ms, poll_until);
	pthread_mutex_lock(&r->lock);
	r->reading = false;
	if (rc != 0) {
		vnfha__ckpt_region_go_dead(r, rc == -EPROTO ? -EPROTO : rc);
	}
	if (r->cond_waiters > 0) {
		pthread_cond_broadcast(&r->cond);
	}
}

static void timed_wait(pthread_cond_t *cv, pthread_mutex_t *lock, int wait_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait_ms / 1000;
	ts.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(cv, lock, &ts);
}

/* Lock held: wait on r->cond (woken when a reading ends, or a flush
 * registered tickets) for up to wait_ms. */
static void pump_cond(struct vnfha_ckpt_region *r, int wait_ms)
{
	r->cond_waiters++;
	timed_wait(&r->cond, &r->lock, wait_ms);
	r->cond_waiters--;
}

/* Lock held: become the reader for up to wait_ms, or wait for the one
 * that is (on r->cond: commit, dispatch). Returns with the lock held. */
void vnfha__ckpt_region_pump(struct vnfha_ckpt_region *r, uint64_t deadline)
{
	int wait_ms = wait_ms_until(deadline);

	if (!r->reading) {
		read_for(r, wait_ms, 0);
		hand_over(r);
		return;
	}
	pump_cond(r, wait_ms);
}

int vnfha_ckpt_wait(struct vnfha_ckpt_region *region, uint64_t ticket, unsigned int wait_ms,
		    struct vnfha_ckpt_result *ret_result)
{
	uint64_t deadline = wait_ms == VNFHA_CKPT_WAIT_FOREVER ? UINT64_MAX : (uint64_t)vnfha__now_ms() + wait_ms;
	uint64_t t0 = 0; /* when a wait that may block began, ns */
	uint64_t poll_until = 0;
	uint32_t mine = 0;
	bool looked = false;
	int rc;

	if (region == NULL) {
		return -EINVAL;
	}
	if (wait_ms > 0) {
		uint64_t budget = vnfha__ckpt_spin_budget(
			region->spin.cap_ns, __atomic_load_n(&region->spin.ewma_ns, __ATOMIC_RELAXED));

		t0 = vnfha__now_ns();
		poll_until = budget > 0 ? t0 + budget : 0;
	}
	vnfha__ckpt_stage_kick(region, ticket);
	pthread_mutex_lock(&region->lock);
	for (;;) {
		struct ckpt_slot *s = find_slot(region, ticket);

		if (s == NULL && ticket >= region->sent_upto &&
		    vnfha__ckpt_stage_issued(region, ticket)) {
			/* Issued but not registered yet: a dead region fails it
			 * as it fails every pending ticket (not "unknown"). */
			if (region->dead != 0) {
				rc = region->dead;
				break;
			}
			/* Still staged (someone else is sending): until registered. */
			pump_cond(region, wait_ms_until(deadline));
			if (deadline != UINT64_MAX && (uint64_t)vnfha__now_ms() >= deadline) {
				rc = -EINPROGRESS;
				break;
			}
			continue;
		}
		if (s == NULL || !s->keep) {
			rc = -ENOENT;
			break;
		}
		if (s->done) {
			if (wait_ms > 0) {
				vnfha__ckpt_spin_note(&region->spin, vnfha__now_ns() - t0);
			}
			rc = s->status;
			if (ret_result != NULL && s->res != NULL && (rc == 0 || rc == -ETIMEDOUT)) {
				*ret_result = *s->res;
			}
			s->waiter = NULL;
			drop_slot(region, s);
			break;
		}
		/* Looked at least once (wait_ms 0 reads what already arrived). */
		if (looked && deadline != UINT64_MAX && (uint64_t)vnfha__now_ms() >= deadline) {
			s->waiter = NULL;
			rc = -EINPROGRESS;
			break;
		}
		looked = true;
		if (!region->reading) {
			s->waiter = NULL;
			read_for(region, wait_ms_until(deadline), poll_until);
			continue;
		}
		/* Someone reads: woken when this ticket is done, or to read. */
		__atomic_store_n(&mine, 0, __ATOMIC_RELAXED);
		s->waiter = &mine;
		pthread_mutex_unlock(&region->lock);
		word_sleep(&mine, wait_ms_until(deadline));
		pthread_mutex_lock(&region->lock);
		s = find_slot(region, ticket); /* slots move as others come and go */
		if (s != NULL) {
			s->waiter = NULL;
		}
	}
	hand_over(region); /* this thread may have been the reader */
	pthread_mutex_unlock(&region->lock);
	return rc;
}

int vnfha_ckpt_dispatch(struct vnfha_ckpt_region *region)
{
	int rc;

	if (region == NULL) {
		return -EINVAL;
	}
	pthread_mutex_lock(&region->lock);
	if (!region->reading && region->dead == 0) {
		vnfha__ckpt_region_pump(region, (uint64_t)vnfha__now_ms());
	}
	rc = region->dead;
	pthread_mutex_unlock(&region->lock);
	return rc;
}

void vnfha__ckpt_region_forget(struct vnfha_ckpt_region *r, uint64_t ticket)
{
	struct ckpt_slot *s = find_slot(r, ticket);

	if (s != NULL) {
		s->keep = false; /* the caller gets the error, not a ticket */
	}
}

void vnfha__ckpt_region_free_slots(struct vnfha_ckpt_region *r)
{
	for (size_t i = 0; i < r->n_slots; i++) {
		free(r->slots[i].res);
	}
	free(r->slots);
	r->slots = NULL;
	r->n_slots = 0;
}
