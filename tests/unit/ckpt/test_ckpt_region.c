// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libvnfha's region client (ckpt_region.c) against a daemon stand-in that
 * speaks the real frames (OPEN/INFO with a memfd, COMMITV, DONE): tickets,
 * bytes captured at submit, -ERANGE with nothing sent, waits that look or
 * block, the event-loop descriptor, many threads on one region, a submit
 * over one frame's 16 MiB, tracked submits finding exactly the pages
 * written, and a daemon that dies under pending tickets. The daemon side
 * itself is tested end to end in tests/bats (ckpt-ranges.bats).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ckpt/ckpt_client_internal.h"
#include "ckpt/ckpt_patch.h"
#include "unit.h"

/* ------------------------------------------------------- the stand-in */

static struct {
	char path[108];
	int lfd;
	int memfd;
	size_t size;
	uint8_t *stored; /* what the "replica" holds: the bytes as submitted */
	pthread_mutex_t lock;
	atomic_int fail_with;	    /* DONE status to answer with */
	atomic_bool hold;	    /* answer nothing while set */
	atomic_bool hang_up;	    /* close every connection at the next frame */
	atomic_bool stall;	    /* read nothing while set (the socket fills) */
	atomic_ulong frames;	    /* COMMITV frames seen */
	atomic_ulong more_frames;   /* ...of which said MORE */
	atomic_ulong bytes;	    /* range bytes received */
	atomic_ulong out_of_order;  /* a ticket below the one before on its connection */
	uint64_t gen;
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int fake_open(struct vnfha__ckpt_conn *c, const struct vnfha__ckpt_req *req)
{
	struct vnfha__ckpt_obj o = { .size = fake.size, .block_size = VNFHA_CKPT_BLOCK_SIZE };
	uint8_t buf[256];
	int n;

	snprintf(o.name, sizeof(o.name), "%s", req->name);
	n = vnfha__ckpt_obj_encode(&o, buf, sizeof(buf));
	return vnfha__ckpt_io_send_fd(c, VNFHA_CKPT_INFO, buf, (uint32_t)n, fake.memfd);
}

static int fake_done(struct vnfha__ckpt_conn *c, uint64_t first, uint64_t last)
{
	struct vnfha__ckpt_result r = { .status = atomic_load(&fake.fail_with), .epoch = 1 };
	uint8_t buf[2048];
	int n;

	pthread_mutex_lock(&fake.lock);
	r.gen = ++fake.gen;
	pthread_mutex_unlock(&fake.lock);
	n = vnfha__ckpt_done_encode(first, last, &r, buf, sizeof(buf));
	return vnfha__ckpt_io_send(c, VNFHA_CKPT_DONE, buf, (uint32_t)n);
}

static void *fake_conn(void *arg)
{
	struct vnfha__ckpt_conn c;
	uint8_t *buf = malloc(VNFHA_CKPT_MAX_PAYLOAD);
	uint64_t first = 0;
	uint64_t last = 0;
	uint64_t prev = 0;

	vnfha__ckpt_conn_init_fd(&c, (int)(intptr_t)arg);
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_req req;
		struct vnfha__ckpt_commitv cv;
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };
		size_t got = 0;

		/* Answer the tickets read so far once nothing more is waiting:
		 * one DONE for a burst (as group commit does). */
		if (last != 0 && !atomic_load(&fake.hold) && poll(&pfd, 1, 0) == 0) {
			if (fake_done(&c, first, last) != 0) {
				break;
			}
			first = last = 0;
		}
		if (atomic_load(&fake.hold) && poll(&pfd, 1, 10) == 0) {
			continue;
		}
		if (atomic_load(&fake.stall)) {
			usleep(1000);
			continue;
		}
		if (vnfha__ckpt_io_recv(&c, &h, buf, VNFHA_CKPT_MAX_PAYLOAD, &got) != 0 ||
		    got != h.length || atomic_load(&fake.hang_up)) {
			break;
		}
		if (h.type == VNFHA_CKPT_OPEN) {
			if (vnfha__ckpt_req_decode(buf, got, &req) != 0 || fake_open(&c, &req) != 0) {
				break;
			}
			continue;
		}
		if (h.type != VNFHA_CKPT_COMMITV || vnfha__ckpt_commitv_decode(buf, got, &cv) != 0) {
			break;
		}
		if (cv.ticket < prev) {
			atomic_fetch_add(&fake.out_of_order, 1);
		}
		prev = cv.ticket;
		atomic_fetch_add(&fake.frames, 1);
		atomic_fetch_add(&fake.bytes, cv.data_len);
		if (cv.flags & VNFHA_CKPT_CV_MORE) {
			atomic_fetch_add(&fake.more_frames, 1);
		}
		pthread_mutex_lock(&fake.lock);
		for (uint32_t i = 0, at = 0; i < cv.n_ranges; i++) {
			uint64_t off;
			uint32_t len;

			vnfha__ckpt_range_at(cv.ranges, i, &off, &len);
			if (off + len <= fake.size) {
				memcpy(fake.stored + off, cv.data + at, len);
			}
			at += len;
		}
		pthread_mutex_unlock(&fake.lock);
		if (cv.flags & VNFHA_CKPT_CV_MORE) {
			continue; /* the ticket is complete with its last frame */
		}
		if (first == 0) {
			first = cv.ticket;
		}
		if (cv.ticket != last + 1 && last != 0) {
			/* Not contiguous: answer what we have first. */
			fake_done(&c, first, last);
			first = cv.ticket;
		}
		last = cv.ticket;
	}
	vnfha__ckpt_conn_close(&c);
	free(buf);
	return NULL;
}

static void *fake_accept(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_t t;
		int fd = accept4(fake.lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			return NULL;
		}
		pthread_create(&t, NULL, fake_conn, (void *)(intptr_t)fd);
		pthread_detach(t);
	}
}

static int fake_start(size_t size)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	pthread_t t;

	snprintf(fake.path, sizeof(fake.path), "/tmp/vnfha-test-region.%d.sock", getpid());
	unlink(fake.path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fake.path);
	fake.size = size;
	fake.stored = calloc(1, size);
	fake.memfd = memfd_create("fake-region", MFD_CLOEXEC);
	fake.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fake.stored == NULL || fake.memfd < 0 || ftruncate(fake.memfd, (off_t)size) != 0 ||
	    bind(fake.lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fake.lfd, 64) != 0) {
		return -errno;
	}
	return pthread_create(&t, NULL, fake_accept, NULL) == 0 ? 0 : -EAGAIN;
}

/* ------------------------------------------------------------- tests */

#define SIZE (20u << 20) /* over one frame's 16 MiB */

static void test_tickets(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
	uint64_t t1 = 0;
	uint64_t t2 = 0;
	uint8_t *p;

	CHECK_INT(vnfha_ckpt_open(c, "tickets", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	p = vnfha_ckpt_region_data(r);
	CHECK(strcmp(vnfha_ckpt_region_tracking(r), "off") == 0);
	memset(p + 100, 'a', 300);
	CHECK_INT(vnfha_ckpt_submit(r, &(struct vnfha_ckpt_range){ 100, 300 }, 1, VNFHA_CKPT_SYNC,
				    0, &t1),
		  0);
	/* Captured at submit: what the application writes next is not in it. */
	memset(p + 100, 'b', 300);
	CHECK_INT(vnfha_ckpt_write(r, SIZE - 5, "tail!", 5, VNFHA_CKPT_SYNC, 0, &t2), 0);
	CHECK(t2 == t1 + 1);
	CHECK_INT(vnfha_ckpt_wait(r, t1, VNFHA_CKPT_WAIT_FOREVER, res), 0);
	CHECK(vnfha_ckpt_result_version(res).epoch == 1 && vnfha_ckpt_result_version(res).gen >= 1);
	CHECK_INT(vnfha_ckpt_wait(r, t2, VNFHA_CKPT_WAIT_FOREVER, res), 0);
	CHECK_INT(vnfha_ckpt_wait(r, t2, 0, res), -ENOENT); /* waited already */
	pthread_mutex_lock(&fake.lock);
	CHECK(fake.stored[100] == 'a' && fake.stored[399] == 'a');
	CHECK(memcmp(fake.stored + SIZE - 5, "tail!", 5) == 0);
	pthread_mutex_unlock(&fake.lock);
	CHECK(vnfha_ckpt_region_version(r).gen == vnfha_ckpt_result_version(res).gen);
	/* Past the end or wrapping: refused, nothing sent. */
	{
		unsigned long before = atomic_load(&fake.frames);
		struct vnfha_ckpt_range bad[] = { { SIZE - 1, 2 }, { UINT64_MAX, 2 } };

		CHECK_INT(vnfha_ckpt_submit(r, &bad[0], 1, VNFHA_CKPT_SYNC, 0, &t1), -ERANGE);
		CHECK_INT(vnfha_ckpt_submit(r, &bad[1], 1, VNFHA_CKPT_SYNC, 0, &t1), -ERANGE);
		CHECK_INT(vnfha_ckpt_write(r, SIZE, "x", 1, VNFHA_CKPT_SYNC, 0, &t1), -ERANGE);
		CHECK_INT(vnfha_ckpt_submit(r, NULL, 0, (enum vnfha_ckpt_mode)7, 0, &t1), -EINVAL);
		CHECK_INT(atomic_load(&fake.frames), before);
	}
	/* A flush (no ranges) and a fire-and-forget submit. */
	CHECK_INT(vnfha_ckpt_submit(r, NULL, 0, VNFHA_CKPT_ASYNC, 0, NULL), 0);
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_DURABLE, 0, res), 0);
	/* A failing ticket reports its status. */
	atomic_store(&fake.fail_with, -EROFS);
	CHECK_INT(vnfha_ckpt_commitv(r, &(struct vnfha_ckpt_range){ 0, 1 }, 1, VNFHA_CKPT_SYNC, 0,
				     NULL),
		  -EROFS);
	atomic_store(&fake.fail_with, 0);
	/* NULL handles are refused, not followed. */
	CHECK_INT(vnfha_ckpt_submit(NULL, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), -EINVAL);
	CHECK_INT(vnfha_ckpt_wait(NULL, 1, 0, NULL), -EINVAL);
	CHECK_INT(vnfha_ckpt_dispatch(NULL), -EINVAL);
	CHECK_INT(vnfha_ckpt_region_fd(NULL), -EINVAL);
	CHECK(strcmp(vnfha_ckpt_region_tracking(NULL), "off") == 0);
	vnfha_ckpt_result_free(res);
	vnfha_ckpt_close(r);
}

/* Disconnecting the client detaches its regions: a pending ticket and
 * every later submit say -ENOTCONN; the bytes stay mapped until close. */
static void test_disconnect(void)
{
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_region *r = NULL;
	uint64_t t = 0;

	CHECK_INT(vnfha_ckpt_connect(fake.path, &c), 0);
	CHECK_INT(vnfha_ckpt_open(c, "detach", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	atomic_store(&fake.hold, true);
	CHECK_INT(vnfha_ckpt_write(r, 0, "x", 1, VNFHA_CKPT_SYNC, 0, &t), 0);
	vnfha_ckpt_disconnect(c);
	CHECK_INT(vnfha_ckpt_wait(r, t, 1000, NULL), -ENOTCONN);
	CHECK_INT(vnfha_ckpt_write(r, 0, "y", 1, VNFHA_CKPT_SYNC, 0, NULL), -ENOTCONN);
	CHECK(((uint8_t *)vnfha_ckpt_region_data(r))[0] == 'y'); /* written, not sent */
	atomic_store(&fake.hold, false);
	vnfha_ckpt_close(r);
}

/* An event loop: wait(0) only looks; the descriptor polls readable when
 * the result came; dispatch reads it. */
static void test_event_loop(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	uint64_t t = 0;
	struct pollfd pfd = { .events = POLLIN };

	CHECK_INT(vnfha_ckpt_open(c, "loop", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	atomic_store(&fake.hold, true);
	CHECK_INT(vnfha_ckpt_write(r, 0, "x", 1, VNFHA_CKPT_SYNC, 0, &t), 0);
	CHECK_INT(vnfha_ckpt_wait(r, t, 0, NULL), -EINPROGRESS);
	CHECK_INT(vnfha_ckpt_wait(r, t, 30, NULL), -EINPROGRESS);
	pfd.fd = vnfha_ckpt_region_fd(r);
	CHECK_INT(poll(&pfd, 1, 0), 0);
	atomic_store(&fake.hold, false);
	CHECK_INT(poll(&pfd, 1, 5000), 1);
	CHECK_INT(vnfha_ckpt_dispatch(r), 0);
	CHECK_INT(vnfha_ckpt_wait(r, t, 0, NULL), 0);
	CHECK_INT(vnfha_ckpt_wait(r, 12345, 0, NULL), -ENOENT);
	vnfha_ckpt_close(r);
}

/* Nobody waits or dispatches: the region's sender thread sends a staged
 * submit by itself, and its result comes back on the descriptor. */
static void test_sender(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	uint64_t t = 0;
	unsigned long before;
	struct pollfd pfd = { .events = POLLIN };

	CHECK_INT(vnfha_ckpt_open(c, "sender", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	/* The first submit starts the thread; once it sleeps, the next one
	 * must wake it. */
	CHECK_INT(vnfha_ckpt_write(r, 0, "first", 5, VNFHA_CKPT_SYNC, 0, &t), 0);
	CHECK_INT(vnfha_ckpt_wait(r, t, VNFHA_CKPT_WAIT_FOREVER, NULL), 0);
	before = atomic_load(&fake.frames);
	usleep(50000);
	CHECK_INT(vnfha_ckpt_write(r, 7, "staged", 6, VNFHA_CKPT_SYNC, 0, &t), 0);
	pfd.fd = vnfha_ckpt_region_fd(r);
	CHECK_INT(poll(&pfd, 1, 5000), 1);
	CHECK_INT(atomic_load(&fake.frames), before + 1);
	CHECK_INT(vnfha_ckpt_wait(r, t, 0, NULL), 0);
	pthread_mutex_lock(&fake.lock);
	CHECK(memcmp(fake.stored + 7, "staged", 6) == 0);
	pthread_mutex_unlock(&fake.lock);
	vnfha_ckpt_close(r);
}

struct worker {
	struct vnfha_ckpt_region *r;
	unsigned int id;
	int failures;
};

#define THREADS 8
#define PER_THREAD 2000

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint8_t *p = vnfha_ckpt_region_data(w->r);

	for (unsigned int i = 0; i < PER_THREAD; i++) {
		uint64_t off = ((uint64_t)w->id * PER_THREAD + i) * 16;
		uint64_t t = 0;
		uint8_t v[16];

		memset(v, (int)(w->id + 1), sizeof(v));
		memcpy(p + off, v, sizeof(v));
		if (vnfha_ckpt_submit(w->r, &(struct vnfha_ckpt_range){ off, 16 }, 1,
				      VNFHA_CKPT_SYNC, 0, &t) != 0 ||
		    (i % 3 != 0 && vnfha_ckpt_wait(w->r, t, VNFHA_CKPT_WAIT_FOREVER, NULL) != 0)) {
			w->failures++;
		}
		/* Every third ticket is waited for by the next round's wait of
		 * a later ticket... or never: its result is dropped at close. */
	}
	return NULL;
}

static void test_threads(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	struct worker w[THREADS];
	pthread_t th[THREADS];
	uint8_t *p;

	CHECK_INT(vnfha_ckpt_open(c, "threads", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	p = vnfha_ckpt_region_data(r);
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .r = r, .id = i };
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(w[i].failures, 0);
	}
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), 0); /* flush */
	pthread_mutex_lock(&fake.lock);
	CHECK(memcmp(fake.stored, p, (size_t)THREADS * PER_THREAD * 16) == 0);
	pthread_mutex_unlock(&fake.lock);
	vnfha_ckpt_close(r);
}

/* The whole 20 MiB region in one submit: two frames, the first says MORE. */
static void test_large(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	unsigned long more = atomic_load(&fake.more_frames);
	uint8_t *p;

	CHECK_INT(vnfha_ckpt_open(c, "large", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	p = vnfha_ckpt_region_data(r);
	for (size_t i = 0; i < SIZE; i++) {
		p[i] = (uint8_t)(i * 7 + 3);
	}
	CHECK_INT(vnfha_ckpt_commitv(r, &(struct vnfha_ckpt_range){ 0, SIZE }, 1, VNFHA_CKPT_SYNC,
				     0, NULL),
		  0);
	CHECK_INT(atomic_load(&fake.more_frames) - more, 1);
	pthread_mutex_lock(&fake.lock);
	CHECK(memcmp(fake.stored, p, SIZE) == 0);
	pthread_mutex_unlock(&fake.lock);
	vnfha_ckpt_close(r);
}

/* Tracked: exactly the pages written travel (bytes counted). */
static void test_tracked(struct vnfha_ckpt_client *c, const char *how)
{
	struct vnfha_ckpt_region *r = NULL;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long bytes;
	uint8_t *p;

	setenv("VNFHA_CKPT_TRACK", how, 1);
	CHECK_INT(vnfha_ckpt_open_flags(c, "tracked", 0, VNFHA_CKPT_OPEN_TRACK, &r), 0);
	unsetenv("VNFHA_CKPT_TRACK");
	if (r == NULL) {
		return;
	}
	printf("tracked region (%s asked): %s\n", how, vnfha_ckpt_region_tracking(r));
	CHECK(strcmp(how, "scan") != 0 || strcmp(vnfha_ckpt_region_tracking(r), "scan") == 0);
	p = vnfha_ckpt_region_data(r);
	bytes = atomic_load(&fake.bytes);
	p[3 * page + 10] ^= 0x55;
	p[9 * page] ^= 0x55;
	p[9 * page + page - 1] ^= 0x55;
	CHECK_INT(vnfha_ckpt_submit_tracked(r, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(atomic_load(&fake.bytes) - bytes, 2 * page);
	pthread_mutex_lock(&fake.lock);
	CHECK(fake.stored[3 * page + 10] == p[3 * page + 10] && fake.stored[9 * page] == p[9 * page]);
	pthread_mutex_unlock(&fake.lock);
	/* Nothing written since: nothing sent. */
	bytes = atomic_load(&fake.bytes);
	CHECK_INT(vnfha_ckpt_submit_tracked(r, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(atomic_load(&fake.bytes) - bytes, 0);
	/* A tracked ticket that fails makes the whole region written again. */
	p[5 * page] ^= 1;
	atomic_store(&fake.fail_with, -EROFS);
	CHECK_INT(vnfha_ckpt_submit_tracked(r, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), -EROFS);
	atomic_store(&fake.fail_with, 0);
	bytes = atomic_load(&fake.bytes);
	CHECK_INT(vnfha_ckpt_submit_tracked(r, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(atomic_load(&fake.bytes) - bytes, SIZE);
	vnfha_ckpt_close(r);
}

/* The daemon reads nothing for a while (its socket full): submits still
 * return, staged behind the sender blocked on it, and once it reads again
 * every byte arrives, in ticket order. */
#define STALLED_SUBMITS 3000 /* ~1.3 MB of frames: past a Unix socket's buffer */

static void test_socket_full(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	uint64_t t = 0;
	uint8_t *p;
	int failures = 0;

	CHECK_INT(vnfha_ckpt_open(c, "full", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	p = vnfha_ckpt_region_data(r);
	atomic_store(&fake.out_of_order, 0);
	atomic_store(&fake.stall, true);
	for (unsigned int i = 0; i < STALLED_SUBMITS; i++) {
		uint8_t v[300];

		memset(v, (int)(i * 13 + 1), sizeof(v));
		failures += vnfha_ckpt_write(r, (uint64_t)i * sizeof(v), v, sizeof(v),
					     VNFHA_CKPT_SYNC, 0, &t) != 0;
	}
	CHECK_INT(failures, 0);
	CHECK_INT(vnfha_ckpt_wait(r, t, 0, NULL), -EINPROGRESS);
	atomic_store(&fake.stall, false);
	/* Bounded: a stream cut mid-frame would never be answered. */
	CHECK_INT(vnfha_ckpt_wait(r, t, 20000, NULL), 0);
	CHECK_INT(atomic_load(&fake.out_of_order), 0);
	pthread_mutex_lock(&fake.lock);
	CHECK(memcmp(fake.stored, p, (size_t)STALLED_SUBMITS * 300) == 0);
	pthread_mutex_unlock(&fake.lock);
	vnfha_ckpt_close(r);
}

/* The daemon goes away under pending tickets: every wait fails, at once. */
static void test_daemon_gone(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	uint64_t t = 0;
	int rc;

	CHECK_INT(vnfha_ckpt_open(c, "gone", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	atomic_store(&fake.hang_up, true); /* at the next frame it receives */
	CHECK_INT(vnfha_ckpt_write(r, 0, "x", 1, VNFHA_CKPT_SYNC, 0, &t), 0);
	rc = vnfha_ckpt_wait(r, t, 10000, NULL);
	CHECK(rc == -ECONNRESET || rc == -EPIPE);
	rc = vnfha_ckpt_write(r, 0, "x", 1, VNFHA_CKPT_SYNC, 0, &t);
	CHECK(rc == -ECONNRESET || rc == -EPIPE);
	CHECK(vnfha_ckpt_dispatch(r) != 0);
	atomic_store(&fake.hang_up, false);
	vnfha_ckpt_close(r);
}

/* Small submits (staged, sent by the sender thread or a waiter) and large
 * ones (sent directly) from several threads: on the wire in ticket order,
 * every byte as submitted. */
#define MIXED_LARGE (VNFHA_CKPT_STAGE_DIRECT + 4096)

static void *mixed_main(void *arg)
{
	struct worker *w = arg;
	uint8_t *p = vnfha_ckpt_region_data(w->r);
	uint64_t base = (uint64_t)w->id * (MIXED_LARGE + 4096);

	for (unsigned int i = 0; i < 200; i++) {
		uint64_t t = 0;
		size_t len = i % 7 == 0 ? MIXED_LARGE : 100;

		memset(p + base, (int)(i + w->id), len);
		if (vnfha_ckpt_submit(w->r, &(struct vnfha_ckpt_range){ base, len }, 1,
				      VNFHA_CKPT_SYNC, 0, &t) != 0 ||
		    (i % 2 == 0 && vnfha_ckpt_wait(w->r, t, VNFHA_CKPT_WAIT_FOREVER, NULL) != 0)) {
			w->failures++;
		}
	}
	return NULL;
}

static void test_mixed(struct vnfha_ckpt_client *c)
{
	struct vnfha_ckpt_region *r = NULL;
	struct worker w[THREADS];
	pthread_t th[THREADS];
	uint8_t *p;

	CHECK_INT(vnfha_ckpt_open(c, "mixed", 0, &r), 0);
	if (r == NULL) {
		return;
	}
	p = vnfha_ckpt_region_data(r);
	atomic_store(&fake.out_of_order, 0);
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .r = r, .id = i };
		pthread_create(&th[i], NULL, mixed_main, &w[i]);
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(w[i].failures, 0);
	}
	CHECK_INT(vnfha_ckpt_commitv(r, NULL, 0, VNFHA_CKPT_SYNC, 0, NULL), 0);
	CHECK_INT(atomic_load(&fake.out_of_order), 0);
	pthread_mutex_lock(&fake.lock);
	CHECK(memcmp(fake.stored, p, (size_t)THREADS * (MIXED_LARGE + 4096)) == 0);
	pthread_mutex_unlock(&fake.lock);
	vnfha_ckpt_close(r);
}

int main(void)
{
	struct vnfha_ckpt_client *c = NULL;

	CHECK_INT(fake_start(SIZE), 0);
	CHECK_INT(vnfha_ckpt_connect(fake.path, &c), 0);
	if (c == NULL) {
		return 1;
	}
	test_tickets(c);
	test_event_loop(c);
	test_sender(c);
	test_threads(c);
	test_mixed(c);
	test_socket_full(c);
	test_large(c);
	test_tracked(c, "scan");
	test_tracked(c, "auto");
	test_disconnect();
	test_daemon_gone(c);
	vnfha_ckpt_disconnect(c);
	unlink(fake.path);
	return UNIT_DONE();
}
