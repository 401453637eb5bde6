// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Answering tickets (vnfha-ckptd.h): a local connection's output buffer
 * (frames leave without blocking the thread that answers), the tickets
 * waiting for replicas per checkpoint and mode, answered by each ACK that
 * covers their version (ckptd_acked) or by the timer at their deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_patch.h"
#include "vnfha-ckptd.h"

#define TIMER_TICK_MS 10
#define DIRECT_WAIT_MS 10000 /* a client's queue must drain within this to stream to it */

struct ckptd_local *ckptd_local_new(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	struct ckptd_local *lc = calloc(1, sizeof(*lc));

	if (lc == NULL) {
		return NULL;
	}
	lc->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lc->wake_fd < 0) {
		free(lc);
		return NULL;
	}
	lc->d = d;
	lc->c = c;
	lc->refs = 1;
	pthread_mutex_init(&lc->out_lock, NULL);
	return lc;
}

void ckptd_local_put(struct ckptd_local *lc)
{
	if (lc == NULL || --lc->refs > 0) {
		return;
	}
	close(lc->wake_fd);
	pthread_mutex_destroy(&lc->out_lock);
	if (lc->partial != NULL) {
		ckptd_batch_free(lc->partial);
		free(lc->partial);
	}
	free(lc->regions);
	free(lc->out);
	free(lc);
}

/* out_lock held: as much of out as the socket takes now. */
static void flush_locked(struct ckptd_local *lc)
{
	while (lc->out_len > 0 && !lc->dead) {
		ssize_t n = send(lc->c->fd, lc->out, lc->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		}
		if (n <= 0) {
			lc->dead = true; /* the connection's thread sees it end */
			lc->out_len = 0;
			return;
		}
		memmove(lc->out, lc->out + n, lc->out_len - (size_t)n);
		lc->out_len -= (size_t)n;
	}
}

int ckptd_local_send(struct ckptd_local *lc, uint16_t type, const void *payload, uint32_t len)
{
	uint8_t hdr[VNFHA_CKPT_HDR_LEN];
	struct iovec iov[2] = { { .iov_base = hdr, .iov_len = sizeof(hdr) },
				{ .iov_base = (void *)payload, .iov_len = len } };
	size_t total = sizeof(hdr) + len;
	size_t sent = 0;
	int rc = 0;

	vnfha__ckpt_io_frame_hdr(hdr, type, len);
	pthread_mutex_lock(&lc->out_lock);
	if (lc->dead) {
		pthread_mutex_unlock(&lc->out_lock);
		return -EPIPE;
	}
	if (lc->out_len == 0 && !lc->direct) {
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n;

		do {
			n = sendmsg(lc->c->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
		} while (n < 0 && errno == EINTR);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			lc->dead = true;
			pthread_mutex_unlock(&lc->out_lock);
			return -EPIPE;
		}
		sent = n > 0 ? (size_t)n : 0;
	}
	if (sent < total) {
		size_t left = total - sent;

		if (lc->out_len + left > VNFHA_CKPTD_OUT_MAX) {
			/* The client reads nothing: drop it rather than grow. */
			lc->dead = true;
			shutdown(lc->c->fd, SHUT_RDWR);
			rc = -ENOBUFS;
		} else {
			if (lc->out_len + left > lc->out_cap) {
				size_t cap = lc->out_cap > 0 ? lc->out_cap : 4096;
				uint8_t *n;

				while (cap < lc->out_len + left) {
					cap *= 2;
				}
				n = realloc(lc->out, cap);
				if (n == NULL) {
					lc->dead = true;
					shutdown(lc->c->fd, SHUT_RDWR);
					pthread_mutex_unlock(&lc->out_lock);
					return -ENOMEM;
				}
				lc->out = n;
				lc->out_cap = cap;
			}
			for (int i = 0; i < 2; i++) {
				size_t skip = sent > iov[i].iov_len ? iov[i].iov_len : sent;

				memcpy(lc->out + lc->out_len, (uint8_t *)iov[i].iov_base + skip,
				       iov[i].iov_len - skip);
				lc->out_len += iov[i].iov_len - skip;
				sent -= skip;
			}
			if (!lc->direct) {
				uint64_t one = 1;

				(void)!write(lc->wake_fd, &one, sizeof(one));
			}
		}
	}
	pthread_mutex_unlock(&lc->out_lock);
	return rc;
}

void ckptd_local_flush(struct ckptd_local *lc)
{
	uint64_t v;

	(void)!read(lc->wake_fd, &v, sizeof(v));
	pthread_mutex_lock(&lc->out_lock);
	flush_locked(lc);
	pthread_mutex_unlock(&lc->out_lock);
}

int ckptd_local_direct(struct ckptd_local *lc, bool on)
{
	int64_t give_up = vnfha__now_ms() + DIRECT_WAIT_MS;

	if (!on) {
		pthread_mutex_lock(&lc->out_lock);
		lc->direct = false;
		flush_locked(lc);
		pthread_mutex_unlock(&lc->out_lock);
		return 0;
	}
	/* What is queued goes first, whole; then the thread writes alone (the
	 * others queue). out_lock is not held while waiting: answers keep
	 * queueing. A client that reads nothing meanwhile is dropped. */
	for (;;) {
		struct pollfd p = { .fd = lc->c->fd, .events = POLLOUT };

		pthread_mutex_lock(&lc->out_lock);
		flush_locked(lc);
		if (lc->out_len == 0 || lc->dead) {
			lc->direct = !lc->dead;
			pthread_mutex_unlock(&lc->out_lock);
			return lc->direct ? 0 : -EPIPE;
		}
		if (vnfha__now_ms() >= give_up) {
			lc->dead = true;
			shutdown(lc->c->fd, SHUT_RDWR);
			pthread_mutex_unlock(&lc->out_lock);
			return -EPIPE;
		}
		pthread_mutex_unlock(&lc->out_lock);
		poll(&p, 1, 100);
	}
}

/* Lock held: answers one ticket (its reference dropped). */
static void answer(struct ckptd *d, const char *name, struct ckptd_ticket *t, int status,
		   uint64_t epoch, uint64_t gen, const char *msg)
{
	struct vnfha__ckpt_result r = { .status = status, .epoch = epoch, .gen = gen };
	uint8_t buf[2048];
	int best = 0;
	int n;

	if (status == 0 || status == -ETIMEDOUT) {
		r.n_peers = d->repl->states(d, name, epoch, gen, r.peers, VNFHA_CKPT_MAX_PEERS, &best);
		ckptd_metrics_commit(d, name, (uint64_t)(ckptd_now_us() - t->t0_us));
	}
	snprintf(r.message, sizeof(r.message), "%s", msg != NULL ? msg : "");
	if (t->reply == CKPTD_REPLY_DONE) {
		n = vnfha__ckpt_done_encode(t->first, t->last, &r, buf, sizeof(buf));
		if (n > 0) {
			ckptd_local_send(t->lc, VNFHA_CKPT_DONE, buf, (uint32_t)n);
		}
	} else {
		n = vnfha__ckpt_result_encode(&r, buf, sizeof(buf));
		if (n > 0) {
			ckptd_local_send(t->lc, VNFHA_CKPT_RESULT, buf, (uint32_t)n);
		}
	}
	ckptd_local_put(t->lc);
	t->lc = NULL;
}

static const char *const TIMED_OUT = "stored locally; no replica confirmed in time";

static int waits_add(struct ckptd_waits *w, const struct ckptd_ticket *t, uint64_t epoch,
		     uint64_t gen)
{
	if (w->head > 0 && w->head == w->n) {
		w->head = w->n = 0;
	}
	if (w->head > 64 && w->head > w->n / 2) {
		memmove(w->v, w->v + w->head, (w->n - w->head) * sizeof(*w->v));
		w->n -= w->head;
		w->head = 0;
	}
	if (ckptd_grow((void **)&w->v, &w->cap, w->n, sizeof(*w->v)) != 0) {
		return -ENOMEM;
	}
	w->v[w->n++] = (struct ckptd_wait){ .t = *t, .epoch = epoch, .gen = gen };
	return 0;
}

void ckptd_tickets_done(struct ckptd *d, struct ckptd_obj *o, struct ckptd_ticket *t, size_t n,
			int status, uint64_t epoch, uint64_t gen)
{
	for (size_t i = 0; i < n; i++) {
		o->n_tickets += t[i].reply == CKPTD_REPLY_DONE ? t[i].last - t[i].first + 1 : 1;
		if (status != 0 || t[i].mode == VNFHA_CKPT_ASYNC || (epoch == 0 && gen == 0)) {
			answer(d, o->name, &t[i], status, epoch, gen,
			       status != 0 ? ckptd_commit_error(status) : "");
			continue;
		}
		if (waits_add(&o->waits[t[i].mode == VNFHA_CKPT_DURABLE], &t[i], epoch, gen) != 0) {
			answer(d, o->name, &t[i], -ENOMEM, epoch, gen,
			       "stored locally; no memory left to wait for the replicas");
		}
	}
}

void ckptd_acked(struct ckptd *d, const char *name)
{
	struct ckptd_obj *o = ckptd_obj_find(d, name, false);

	for (int k = 0; o != NULL && k < 2; k++) {
		struct ckptd_waits *w = &o->waits[k];
		int need = k == 0 ? VNFHA_CKPT_STATE_MEMORY : VNFHA_CKPT_STATE_DURABLE;

		/* Versions ascend and an ACK covers every version before it:
		 * the first not held stops the walk. */
		while (w->head < w->n) {
			struct ckptd_wait *x = &w->v[w->head];
			struct vnfha__ckpt_result_peer peers[VNFHA_CKPT_MAX_PEERS];
			int best = 0;

			d->repl->states(d, o->name, x->epoch, x->gen, peers, VNFHA_CKPT_MAX_PEERS, &best);
			if (best < need) {
				break;
			}
			answer(d, o->name, &x->t, 0, x->epoch, x->gen, "");
			w->head++;
		}
	}
}

/* Lock held: every ticket of o past its deadline (or all, at shutdown). */
static void expire(struct ckptd *d, struct ckptd_obj *o, int64_t now, bool all)
{
	for (int k = 0; k < 2; k++) {
		struct ckptd_waits *w = &o->waits[k];
		size_t keep = w->head;

		for (size_t i = w->head; i < w->n; i++) {
			struct ckptd_wait *x = &w->v[i];

			if (all || now >= x->t.deadline_ms) {
				answer(d, o->name, &x->t, -ETIMEDOUT, x->epoch, x->gen, TIMED_OUT);
			} else {
				w->v[keep++] = *x;
			}
		}
		w->n = keep;
	}
}

static void *timer_main(void *arg)
{
	struct ckptd *d = arg;

	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		struct timespec ts = { .tv_nsec = TIMER_TICK_MS * 1000000L };
		int64_t now;

		pthread_mutex_unlock(&d->lock);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&d->lock);
		now = vnfha__now_ms();
		for (size_t i = 0; i < d->n_objs; i++) {
			expire(d, d->objs[i], now, false);
		}
	}
	for (size_t i = 0; i < d->n_objs; i++) {
		expire(d, d->objs[i], 0, true);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int ckptd_timer_start(struct ckptd *d)
{
	return -pthread_create(&d->timer, NULL, timer_main, d);
}

void ckptd_timer_stop(struct ckptd *d)
{
	if (d->timer != 0) {
		pthread_join(d->timer, NULL);
		d->timer = 0;
	}
}
