// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvnfha's checkpoint regions: the shared-memory map, range submits with
 * tickets, waits and the event-loop descriptor (src/ckptd/README.md, "Range
 * commits"). A region has its own Unix connection to the daemon: submits
 * go out on it (one sendmsg each, the bytes straight from the region) and
 * results (DONE frames) come back on it, read by whichever thread waits.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/unix_sock.h"
#include "ckpt/ckpt_client_internal.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_track.h"

#define FRAME_IOV 1000 /* pieces per COMMITV frame (IOV_MAX is 1024) */
#define DRAIN_EVERY 64 /* submits between two looks at the results (a power of 2) */

/* A submitted ticket whose result someone will want (or that must redirty
 * its pages if it fails). */
struct ckpt_slot {
	uint64_t ticket;
	bool keep;    /* the caller holds the ticket */
	bool tracked; /* a tracked submit: on failure the pages are written again */
	bool done;
	int status;
	struct vnfha_ckpt_result *res;
	pthread_cond_t *waiter; /* the thread waiting for it (its own condition) */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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

static int add_slot(struct vnfha_ckpt_region *r, uint64_t ticket, bool keep, bool tracked)
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
		     const struct vnfha_ckpt_result *res)
{
	if (status != 0 && s->tracked && r->track != NULL) {
		/* Which pages that ticket carried is not kept: all of them are
		 * written again, so the next tracked submit resends them. */
		struct vnfha_ckpt_range all = { .offset = 0, .length = r->size };

		vnfha__ckpt_track_redirty(r->track, &all, 1);
	}
	if (s->waiter != NULL) {
		pthread_cond_signal(s->waiter); /* only the thread this ticket concerns */
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

/* Lock held: the reader is gone; one thread waiting for a ticket not done
 * yet takes its place, and those in commit/dispatch look again. */
static void hand_over(struct vnfha_ckpt_region *r)
{
	for (size_t i = 0; i < r->n_slots; i++) {
		if (!r->slots[i].done && r->slots[i].waiter != NULL) {
			pthread_cond_signal(r->slots[i].waiter);
			break;
		}
	}
	if (r->cond_waiters > 0) {
		pthread_cond_broadcast(&r->cond);
	}
}

/* Lock held: every waiting thread looks again. */
static void wake_all(struct vnfha_ckpt_region *r)
{
	for (size_t i = 0; i < r->n_slots; i++) {
		if (r->slots[i].waiter != NULL) {
			pthread_cond_signal(r->slots[i].waiter);
		}
	}
	pthread_cond_broadcast(&r->cond);
}

/* The connection failed (lock held): every pending ticket fails so. */
static void go_dead(struct vnfha_ckpt_region *r, int err)
{
	if (r->dead == 0) {
		r->dead = err;
	}
	/* Backwards: complete() may drop a slot, moving only those after it. */
	for (size_t i = r->n_slots; i-- > 0;) {
		if (!r->slots[i].done) {
			complete(r, &r->slots[i], err, NULL);
		}
	}
	wake_all(r);
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
				complete(r, s, w.status, &res);
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
 * reader), then applies every complete frame under the lock. */
static int read_some(struct vnfha_ckpt_region *r, int wait_ms)
{
	struct pollfd pfd = { .fd = r->conn.fd, .events = POLLIN };
	int n = poll(&pfd, 1, wait_ms);
	ssize_t got;
	size_t off = 0;
	int rc = 0;

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
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int wait_ms_until(uint64_t deadline)
{
	uint64_t now = now_ms();

	return deadline == UINT64_MAX ? 1000
	       : deadline > now	      ? (int)(deadline - now > 1000 ? 1000 : deadline - now)
				      : 0;
}

/* Lock held: this thread reads for up to wait_ms (lock dropped meanwhile). */
static void read_for(struct vnfha_ckpt_region *r, int wait_ms)
{
	int rc;

	r->reading = true;
	pthread_mutex_unlock(&r->lock);
	rc = read_some(r, wait_ms);
	pthread_mutex_lock(&r->lock);
	r->reading = false;
	if (rc != 0) {
		go_dead(r, rc == -EPROTO ? -EPROTO : rc);
	}
	hand_over(r);
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

/* Lock held: become the reader for up to wait_ms, or wait for the one
 * that is (on r->cond: commit, dispatch). Returns with the lock held. */
static void pump(struct vnfha_ckpt_region *r, uint64_t deadline)
{
	int wait_ms = wait_ms_until(deadline);

	if (!r->reading) {
		read_for(r, wait_ms);
		return;
	}
	r->cond_waiters++;
	timed_wait(&r->cond, &r->lock, wait_ms);
	r->cond_waiters--;
}

int vnfha_ckpt_open_flags(struct vnfha_ckpt_client *client, const char *name, size_t size,
			  unsigned int flags, struct vnfha_ckpt_region **ret_region)
{
	struct vnfha_ckpt_region *r;
	struct vnfha__ckpt_obj o;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd;
	int rc;

	/* Checked before sending: a refused request leaves no answer unread. */
	if (client == NULL || ret_region == NULL || !vnfha__ckpt_name_is_valid(name) ||
	    (flags & ~VNFHA_CKPT_OPEN_TRACK) != 0) {
		return -EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return -ENOMEM;
	}
	r->data = MAP_FAILED;
	r->next_ticket = 1;
	fd = vnfha__unix_connect(client->path, SOCK_STREAM);
	if (fd < 0) {
		free(r);
		return fd;
	}
	vnfha__ckpt_conn_init_fd(&r->conn, fd);
	rc = vnfha__ckpt_client_send_req(&r->conn, VNFHA_CKPT_OPEN, name, size, 0, 0);
	if (rc == 0) {
		rc = vnfha__ckpt_client_recv_info(&r->conn, &o);
	}
	if (rc == 0 && (r->conn.recv_fd < 0 || o.size == 0 || o.size > SIZE_MAX - page)) {
		rc = -EPROTO;
	}
	if (rc == 0) {
		r->size = (size_t)o.size;
		r->map_len = (r->size + page - 1) / page * page;
		r->data = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->conn.recv_fd, 0);
		rc = r->data == MAP_FAILED ? -errno : 0;
	}
	if (rc == 0 && (flags & VNFHA_CKPT_OPEN_TRACK)) {
		const char *how = getenv("VNFHA_CKPT_TRACK");
		unsigned int tf = how != NULL && strcmp(how, "scan") == 0
					  ? VNFHA_CKPT_TRACK_F_FORCE_SCAN
					  : 0;

		rc = vnfha__ckpt_track_new(r->data, r->map_len, tf, &r->track);
	}
	if (r->conn.recv_fd >= 0) {
		close(r->conn.recv_fd);
		r->conn.recv_fd = -1;
	}
	if (rc != 0) {
		if (r->data != MAP_FAILED) {
			munmap(r->data, r->map_len);
		}
		vnfha__ckpt_conn_close(&r->conn);
		free(r);
		return rc;
	}
	r->client = client;
	memcpy(r->name, o.name, sizeof(r->name));
	r->version.epoch = o.epoch;
	r->version.gen = o.gen;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->send_lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->next = client->regions;
	if (client->regions != NULL) {
		client->regions->prev = r;
	}
	client->regions = r;
	*ret_region = r;
	return 0;
}

void vnfha__ckpt_region_detach(struct vnfha_ckpt_region *r)
{
	pthread_mutex_lock(&r->lock);
	r->client = NULL;
	r->prev = NULL;
	r->next = NULL;
	/* The daemon forgets the region with its client: so does this side. */
	go_dead(r, -ENOTCONN);
	shutdown(r->conn.fd, SHUT_RDWR);
	pthread_mutex_unlock(&r->lock);
}

int vnfha_ckpt_open(struct vnfha_ckpt_client *client, const char *name, size_t size,
		    struct vnfha_ckpt_region **ret_region)
{
	return vnfha_ckpt_open_flags(client, name, size, 0, ret_region);
}

void *vnfha_ckpt_region_data(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->data : NULL;
}

size_t vnfha_ckpt_region_size(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->size : 0;
}

struct vnfha_ckpt_version vnfha_ckpt_region_version(const struct vnfha_ckpt_region *region)
{
	struct vnfha_ckpt_version none = { 0, 0 };

	return region != NULL ? region->version : none;
}

const char *vnfha_ckpt_region_tracking(const struct vnfha_ckpt_region *region)
{
	return region != NULL && region->track != NULL ? vnfha__ckpt_track_kind_name(region->track)
						       : "off";
}

int vnfha_ckpt_region_fd(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->conn.fd : -EINVAL;
}

/* Writes all of iov (send_lock held). */
static int send_iov(struct vnfha_ckpt_region *r, struct iovec *iov, int n)
{
	while (n > 0) {
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
		ssize_t w = sendmsg(r->conn.fd, &msg, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * The COMMITV frames of one ticket (send_lock held): as many pieces per
 * frame as fit 16 MiB and FRAME_IOV; a range longer than a wire range or
 * than the room left is cut; every frame but the last says MORE.
 */
static int send_commitv(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			size_t n, uint32_t mode, uint32_t timeout_ms, uint32_t flags,
			uint64_t ticket)
{
	struct vnfha_ckpt_range piece[FRAME_IOV];
	struct iovec iov[FRAME_IOV + 1];
	uint8_t *head = malloc(VNFHA_CKPT_HDR_LEN + vnfha__ckpt_commitv_head_len(FRAME_IOV));
	size_t i = 0;
	uint64_t done_in_range = 0; /* bytes of ranges[i] already sent */
	int rc = head != NULL ? 0 : -ENOMEM;

	do {
		struct vnfha__ckpt_commitv cv = { .ticket = ticket, .mode = mode,
						  .timeout_ms = timeout_ms, .flags = flags };
		uint64_t room = VNFHA_CKPT_MAX_PAYLOAD - vnfha__ckpt_commitv_head_len(0);
		uint64_t bytes = 0;
		uint32_t k = 0;
		int hl;

		if (rc != 0) {
			break;
		}
		memcpy(cv.name, r->name, sizeof(cv.name));
		while (i < n && k < FRAME_IOV && room > VNFHA_CKPT_RANGE_LEN) {
			uint64_t left = ranges[i].length - done_in_range;
			uint64_t take = left;

			if (left == 0) {
				i++;
				done_in_range = 0;
				continue;
			}
			take = take > VNFHA_CKPT_RANGE_MAX ? VNFHA_CKPT_RANGE_MAX : take;
			take = take > room - VNFHA_CKPT_RANGE_LEN ? room - VNFHA_CKPT_RANGE_LEN : take;
			piece[k].offset = ranges[i].offset + done_in_range;
			piece[k].length = take;
			iov[k + 1].iov_base = r->data + piece[k].offset;
			iov[k + 1].iov_len = (size_t)take;
			k++;
			bytes += take;
			room -= VNFHA_CKPT_RANGE_LEN + take;
			done_in_range += take;
		}
		while (i < n && ranges[i].length == done_in_range) {
			i++;
			done_in_range = 0;
		}
		cv.n_ranges = k;
		if (i < n) {
			cv.flags |= VNFHA_CKPT_CV_MORE;
		}
		hl = vnfha__ckpt_commitv_head_encode(&cv, piece, head + VNFHA_CKPT_HDR_LEN,
						     vnfha__ckpt_commitv_head_len(FRAME_IOV));
		if (hl < 0) {
			rc = hl;
			break;
		}
		vnfha__ckpt_io_frame_hdr(head, VNFHA_CKPT_COMMITV, (uint32_t)(hl + bytes));
		iov[0].iov_base = head;
		iov[0].iov_len = VNFHA_CKPT_HDR_LEN + (size_t)hl;
		rc = send_iov(r, iov, (int)k + 1);
	} while (rc == 0 && i < n);
	free(head);
	return rc;
}

/* A submit (send_lock held): ticket, slot, frames. */
static int submit_locked(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			 size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
			 uint32_t flags, bool tracked, uint64_t *ret_ticket)
{
	uint64_t ticket;
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = r->dead;
	ticket = r->next_ticket;
	if (rc == 0 && (ret_ticket != NULL || tracked)) {
		rc = add_slot(r, ticket, ret_ticket != NULL, tracked);
	}
	if (rc == 0) {
		r->next_ticket++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc != 0) {
		return rc;
	}
	rc = send_commitv(r, ranges, n, (uint32_t)mode, timeout_ms, flags, ticket);
	if (rc != 0) {
		struct ckpt_slot *s;

		pthread_mutex_lock(&r->lock);
		s = find_slot(r, ticket);
		if (s != NULL) {
			s->keep = false; /* the caller gets the error, not a ticket */
		}
		go_dead(r, rc);
		pthread_mutex_unlock(&r->lock);
		return rc;
	}
	if (ret_ticket != NULL) {
		*ret_ticket = ticket;
	}
	/* An application that never waits (NULL tickets) still gets DONE
	 * frames: read what arrived now and then, so its socket never fills
	 * and the daemon never has to drop it. */
	if ((ticket & (DRAIN_EVERY - 1)) == 0) {
		pthread_mutex_lock(&r->lock);
		if (!r->reading && r->dead == 0) {
			pump(r, now_ms());
		}
		pthread_mutex_unlock(&r->lock);
	}
	return 0;
}

static int check_ranges(const struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			size_t n, enum vnfha_ckpt_mode mode)
{
	if (r == NULL || (n > 0 && ranges == NULL) || !vnfha__ckpt_mode_is_valid(mode)) {
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].offset > r->size || ranges[i].length > r->size - ranges[i].offset) {
			return -ERANGE;
		}
	}
	return 0;
}

int vnfha_ckpt_submit(struct vnfha_ckpt_region *region, const struct vnfha_ckpt_range *ranges,
		      size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		      uint64_t *ret_ticket)
{
	int rc = check_ranges(region, ranges, n, mode);

	if (rc != 0) {
		return rc;
	}
	pthread_mutex_lock(&region->send_lock);
	rc = submit_locked(region, ranges, n, mode, timeout_ms, 0, false, ret_ticket);
	pthread_mutex_unlock(&region->send_lock);
	return rc;
}

int vnfha_ckpt_write(struct vnfha_ckpt_region *region, uint64_t offset, const void *buf,
		     size_t len, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		     uint64_t *ret_ticket)
{
	struct vnfha_ckpt_range one = { .offset = offset, .length = len };
	int rc = check_ranges(region, &one, 1, mode);

	if (rc == 0 && buf == NULL && len > 0) {
		rc = -EINVAL;
	}
	if (rc != 0) {
		return rc;
	}
	if (len > 0) {
		memcpy(region->data + offset, buf, len);
	}
	pthread_mutex_lock(&region->send_lock);
	rc = submit_locked(region, &one, 1, mode, timeout_ms, 0, false, ret_ticket);
	pthread_mutex_unlock(&region->send_lock);
	return rc;
}

int vnfha_ckpt_submit_tracked(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
			      unsigned int timeout_ms, uint64_t *ret_ticket)
{
	const struct vnfha_ckpt_range *found = NULL;
	struct vnfha_ckpt_range *copy = NULL;
	size_t n = 0;
	int rc = check_ranges(region, NULL, 0, mode);

	if (rc != 0) {
		return rc;
	}
	pthread_mutex_lock(&region->send_lock);
	if (region->track == NULL) {
		rc = submit_locked(region, NULL, 0, mode, timeout_ms, VNFHA_CKPT_CV_SCAN, false,
				   ret_ticket);
		goto out;
	}
	pthread_mutex_lock(&region->lock);
	rc = vnfha__ckpt_track_collect(region->track, &found, &n);
	if (rc == 0 && n > 0) {
		copy = malloc(n * sizeof(*copy));
		if (copy == NULL) {
			vnfha__ckpt_track_redirty(region->track, found, n);
			rc = -ENOMEM;
		} else {
			memcpy(copy, found, n * sizeof(*copy));
		}
	}
	pthread_mutex_unlock(&region->lock);
	/* The last page may reach past the region's end: cut it there. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (copy[i].offset + copy[i].length > region->size) {
			copy[i].length = copy[i].offset < region->size ? region->size - copy[i].offset
								       : 0;
		}
	}
	if (rc == 0) {
		/* The flag tells the daemon how the pages were found (its status
		 * says which tracking a checkpoint's submits use). */
		uint32_t how = vnfha__ckpt_track_kind(region->track) == VNFHA_CKPT_TRACK_UFFD_WP
				       ? VNFHA_CKPT_CV_UFFD
				       : VNFHA_CKPT_CV_HASHED;

		rc = submit_locked(region, copy, n, mode, timeout_ms, how, true, ret_ticket);
		if (rc != 0) {
			pthread_mutex_lock(&region->lock);
			vnfha__ckpt_track_redirty(region->track, copy, n);
			pthread_mutex_unlock(&region->lock);
		}
	}
out:
	pthread_mutex_unlock(&region->send_lock);
	free(copy);
	return rc;
}

int vnfha_ckpt_wait(struct vnfha_ckpt_region *region, uint64_t ticket, unsigned int wait_ms,
		    struct vnfha_ckpt_result *ret_result)
{
	uint64_t deadline = wait_ms == VNFHA_CKPT_WAIT_FOREVER ? UINT64_MAX : now_ms() + wait_ms;
	pthread_cond_t mine;
	bool looked = false;
	int rc;

	if (region == NULL) {
		return -EINVAL;
	}
	pthread_cond_init(&mine, NULL);
	pthread_mutex_lock(&region->lock);
	for (;;) {
		struct ckpt_slot *s = find_slot(region, ticket);

		if (s == NULL || !s->keep) {
			rc = -ENOENT;
			break;
		}
		if (s->done) {
			rc = s->status;
			if (ret_result != NULL && s->res != NULL && (rc == 0 || rc == -ETIMEDOUT)) {
				*ret_result = *s->res;
			}
			s->waiter = NULL;
			drop_slot(region, s);
			break;
		}
		/* Looked at least once (wait_ms 0 reads what already arrived). */
		if (looked && deadline != UINT64_MAX && now_ms() >= deadline) {
			s->waiter = NULL;
			rc = -EINPROGRESS;
			break;
		}
		looked = true;
		if (!region->reading) {
			s->waiter = NULL;
			read_for(region, wait_ms_until(deadline));
			continue;
		}
		/* Someone reads: woken when this ticket is done, or to read. */
		s->waiter = &mine;
		timed_wait(&mine, &region->lock, wait_ms_until(deadline));
		s = find_slot(region, ticket); /* slots move as others come and go */
		if (s != NULL) {
			s->waiter = NULL;
		}
	}
	pthread_mutex_unlock(&region->lock);
	pthread_cond_destroy(&mine);
	return rc;
}

int vnfha_ckpt_commitv(struct vnfha_ckpt_region *region, const struct vnfha_ckpt_range *ranges,
		       size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		       struct vnfha_ckpt_result *ret_result)
{
	uint64_t ticket = 0;
	int rc = vnfha_ckpt_submit(region, ranges, n, mode, timeout_ms, &ticket);


	return rc != 0 ? rc : vnfha_ckpt_wait(region, ticket, VNFHA_CKPT_WAIT_FOREVER, ret_result);
}

int vnfha_ckpt_dispatch(struct vnfha_ckpt_region *region)
{
	int rc;

	if (region == NULL) {
		return -EINVAL;
	}
	pthread_mutex_lock(&region->lock);
	if (!region->reading && region->dead == 0) {
		pump(region, now_ms());
	}
	rc = region->dead;
	pthread_mutex_unlock(&region->lock);
	return rc;
}

int vnfha_ckpt_commit(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
		      unsigned int timeout_ms, struct vnfha_ckpt_result *ret_result)
{
	int rc;

	if (region == NULL || !vnfha__ckpt_mode_is_valid(mode)) {
		return -EINVAL;
	}
	if (region->client == NULL) {
		return -ENOTCONN;
	}
	pthread_mutex_lock(&region->send_lock);
	rc = vnfha__ckpt_client_send_req(&region->conn, VNFHA_CKPT_COMMIT, region->name,
					 region->size, mode, timeout_ms);
	pthread_mutex_lock(&region->lock);
	if (rc != 0) {
		go_dead(region, rc);
	}
	while (rc == 0 && !region->reply_have && region->dead == 0) {
		pump(region, UINT64_MAX);
	}
	if (rc == 0 && !region->reply_have) {
		rc = region->dead;
	} else if (rc == 0) {
		rc = region->reply_status;
		region->reply_have = false;
		if (rc == 0 || rc == -ETIMEDOUT) {
			region->version = region->reply.version;
			if (ret_result != NULL) {
				*ret_result = region->reply;
			}
		}
	}
	pthread_mutex_unlock(&region->lock);
	pthread_mutex_unlock(&region->send_lock);
	return rc;
}

int vnfha_ckpt_restore(struct vnfha_ckpt_region *region)
{
	struct vnfha__ckpt_obj o;
	uint8_t *dst;
	int rc = -EAGAIN;

	if (region == NULL) {
		return -EINVAL;
	}
	if (region->client == NULL) {
		return -ENOTCONN;
	}
	dst = region->data;
	/* On the client's own connection: the region's carries results. */
	for (int attempt = 0; attempt < 4 && rc == -EAGAIN; attempt++) {
		rc = vnfha__ckpt_client_get_into(&region->client->conn, region->name, &dst,
						 region->size, false, &o);
	}
	if (rc == 0) {
		pthread_mutex_lock(&region->lock);
		region->version.epoch = o.epoch;
		region->version.gen = o.gen;
		pthread_mutex_unlock(&region->lock);
	}
	return rc;
}

void vnfha_ckpt_close(struct vnfha_ckpt_region *region)
{
	if (region == NULL) {
		return;
	}
	if (region->client != NULL) {
		if (region->prev != NULL) {
			region->prev->next = region->next;
		} else {
			region->client->regions = region->next;
		}
		if (region->next != NULL) {
			region->next->prev = region->prev;
		}
	}
	vnfha__ckpt_track_free(region->track);
	munmap(region->data, region->map_len);
	vnfha__ckpt_conn_close(&region->conn);
	for (size_t i = 0; i < region->n_slots; i++) {
		free(region->slots[i].res);
	}
	free(region->slots);
	pthread_cond_destroy(&region->cond);
	pthread_mutex_destroy(&region->lock);
	pthread_mutex_destroy(&region->send_lock);
	free(region);
}
