// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Range commits against real daemons, for ckpt-ranges.bats:
 *
 *   ckpt-stress edges PRIMARY REPLICA NAME
 *       ranges at block edges, overlapping and repeated, past the end (the
 *       library and the daemon refuse them, nothing stored), empty commits
 *       (no new version); after each, the replica holds exactly the region
 *   ckpt-stress run SOCKET NAME SIZE THREADS SECONDS TIMEOUT_MS MODE
 *       THREADS threads each own a slot; each update is one submit of two
 *       ranges (a 300-byte record across a 64 KiB block edge, and a copy of
 *       its counter elsewhere in the slot), waited for in MODE; prints
 *       "acked THREAD COUNTER" for the last acknowledged update of each
 *       thread (at the end, at SIGTERM, or when the daemon goes away)
 *   ckpt-stress check SOCKET NAME SIZE THREADS ACKED_FILE
 *       reads the latest version from SOCKET's daemon: every record whole
 *       (its bytes those of its counter, the copy equal), no counter below
 *       the acknowledged one (ACKED_FILE may be empty: wholeness only)
 *   ckpt-stress raw SOCKET NAME
 *       a COMMITV past the region's end sent as bytes (past the library's
 *       check): the daemon refuses the ticket, nothing stored
 *   ckpt-stress tracked PRIMARY REPLICA NAME SEED [faults]
 *       a region opened with VNFHA_CKPT_OPEN_TRACK (with "faults":
 *       VNFHA_CKPT_OPEN_TRACK_FAULTS) written in place at random (one byte
 *       to several pages, page edges, the last byte), each change a tracked
 *       sync submit: the replica ends identical; prints the tracking in use;
 *       then four threads write and submit at once, the replica ends
 *       identical; then the region scrambled and restored equals it, and a
 *       change after the restore reaches the replica
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_wire.h"
#include "common/clock.h"
#include "common/parse.h"
#include "common/unix_sock.h"
#include <vnfha/vnfha.h>

#define BS 65536u
#define REC 300u

static long num(const char *s)
{
	long v = 0;

	if (vnfha__parse_long(s, 0, 1L << 40, &v) != 0) {
		fprintf(stderr, "ckpt-stress: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "ckpt-stress: %s: %s\n", what, vnfha_lib_strerror(rc));
	return 1;
}

/* ------------------------------------------------------------- edges */

/* The replica's latest version equals the region, at version want_gen
 * (0: any). A sync acknowledgement means the replica holds it: one look. */
static int replica_is(struct vnfha_ckpt_client *rep, const char *name, const uint8_t *want,
		      size_t size, uint64_t want_gen, const char *step)
{
	void *buf = NULL;
	size_t len = 0;
	struct vnfha_ckpt_version v;
	int rc = vnfha_ckpt_get(rep, name, &buf, &len, &v);

	if (rc != 0) {
		return fail(step, rc);
	}
	if (len != size || memcmp(buf, want, size) != 0 || (want_gen != 0 && v.gen != want_gen)) {
		size_t i = 0;

		while (i < len && i < size && ((uint8_t *)buf)[i] == want[i]) {
			i++;
		}
		fprintf(stderr, "ckpt-stress: %s: replica differs (version %" PRIu64 " want %" PRIu64
			", first difference at %zu of %zu)\n", step, v.gen, want_gen, i, size);
		free(buf);
		return 1;
	}
	printf("%s: replica holds version %" PRIu64 ".%" PRIu64 ", identical\n", step, v.epoch,
	       v.gen);
	free(buf);
	return 0;
}

static int commit(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges, size_t n,
		  struct vnfha_ckpt_result *res, uint64_t *ret_gen)
{
	int rc = vnfha_ckpt_commitv(r, ranges, n, VNFHA_CKPT_SYNC, 5000, res);

	if (rc == 0) {
		*ret_gen = vnfha_ckpt_result_version(res).gen;
	}
	return rc;
}

static int edges(const char *psock, const char *rsock, const char *name)
{
	const size_t size = 3 * BS + 100;
	struct vnfha_ckpt_client *pri = NULL;
	struct vnfha_ckpt_client *rep = NULL;
	struct vnfha_ckpt_region *r = NULL;
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
	uint8_t *p;
	uint64_t gen = 0;
	uint64_t before;
	uint64_t ticket = 0;
	int rc = vnfha_ckpt_connect(psock, &pri);

	if (rc == 0) {
		rc = vnfha_ckpt_connect(rsock, &rep);
	}
	if (rc == 0) {
		rc = vnfha_ckpt_open(pri, name, size, &r);
	}
	if (rc != 0 || res == NULL) {
		return fail("open", rc != 0 ? rc : -ENOMEM);
	}
	p = vnfha_ckpt_region_data(r);
	for (size_t i = 0; i < size; i++) {
		p[i] = (uint8_t)(i * 7);
	}
	{
		struct vnfha_ckpt_range all = { 0, size };

		if ((rc = commit(r, &all, 1, res, &gen)) != 0) {
			return fail("first version", rc);
		}
	}
	if (replica_is(rep, name, p, size, gen, "whole region")) {
		return 1;
	}
	{
		/* Across an edge, starting on one, ending on one, the last byte. */
		struct vnfha_ckpt_range rs[] = { { BS - 10, 20 }, { 2 * BS, 1 }, { BS - 1, 1 },
						  { size - 1, 1 }, { 3 * BS - 5, 5 } };

		memset(p + BS - 10, 0xa1, 20);
		p[2 * BS] = 0xa2;
		p[size - 1] = 0xa3;
		memset(p + 3 * BS - 5, 0xa4, 5);
		if ((rc = commit(r, rs, 5, res, &gen)) != 0) {
			return fail("edges", rc);
		}
		if (replica_is(rep, name, p, size, gen, "block edges")) {
			return 1;
		}
	}
	{
		/* Overlapping and repeated ranges in one submit, then across two
		 * submits: the region's bytes at submit time, later ones win. */
		struct vnfha_ckpt_range rs[] = { { 1000, 100 }, { 1050, 100 }, { 1000, 100 },
						  { 1020, 10 } };
		struct vnfha_ckpt_range a = { 5000, 200 };
		struct vnfha_ckpt_range b = { 5100, 200 };
		uint64_t t1 = 0;
		uint64_t t2 = 0;

		memset(p + 1000, 0xb1, 150);
		if ((rc = commit(r, rs, 4, res, &gen)) != 0) {
			return fail("overlapping", rc);
		}
		if (replica_is(rep, name, p, size, gen, "overlapping and repeated")) {
			return 1;
		}
		memset(p + 5000, 0xc1, 200);
		rc = vnfha_ckpt_submit(r, &a, 1, VNFHA_CKPT_SYNC, 5000, &t1);
		memset(p + 5100, 0xc2, 200);
		if (rc == 0) {
			rc = vnfha_ckpt_submit(r, &b, 1, VNFHA_CKPT_SYNC, 5000, &t2);
		}
		if (rc == 0) {
			rc = vnfha_ckpt_wait(r, t1, VNFHA_CKPT_WAIT_FOREVER, NULL);
		}
		if (rc == 0) {
			rc = vnfha_ckpt_wait(r, t2, VNFHA_CKPT_WAIT_FOREVER, res);
		}
		if (rc != 0) {
			return fail("overlapping submits", rc);
		}
		gen = vnfha_ckpt_result_version(res).gen;
		if (replica_is(rep, name, p, size, gen, "overlapping submits")) {
			return 1;
		}
	}
	{
		/* Past the end: refused before anything is sent. */
		struct vnfha_ckpt_range past[] = { { 10, 5 }, { size - 5, 6 } };
		struct vnfha_ckpt_range wrap = { UINT64_MAX - 3, 8 };

		p[10] = 0xee;
		rc = vnfha_ckpt_submit(r, past, 2, VNFHA_CKPT_SYNC, 5000, &ticket);
		printf("past the end: %d (%s)\n", rc, vnfha_lib_strerror(rc));
		if (rc != -ERANGE || vnfha_ckpt_submit(r, &wrap, 1, VNFHA_CKPT_SYNC, 5000, NULL) !=
					     -ERANGE) {
			return 1;
		}
		p[10] = (uint8_t)(10 * 7);
	}
	{
		/* Empty commits: a flush, and bytes equal to what is stored -
		 * both answered with the version that holds them, none made. */
		struct vnfha_ckpt_range same = { 20000, 300 };

		before = gen;
		if ((rc = commit(r, NULL, 0, res, &gen)) != 0 || gen != before) {
			fprintf(stderr, "flush: %d, version %" PRIu64 " (want %" PRIu64 ")\n", rc, gen,
				before);
			return 1;
		}
		if ((rc = commit(r, &same, 1, res, &gen)) != 0 || gen != before) {
			fprintf(stderr, "unchanged bytes: %d, version %" PRIu64 " (want %" PRIu64 ")\n",
				rc, gen, before);
			return 1;
		}
		printf("empty commits: version stays %" PRIu64 "\n", gen);
	}
	if (replica_is(rep, name, p, size, gen, "at the end")) {
		return 1;
	}
	vnfha_ckpt_close(r);
	vnfha_ckpt_disconnect(pri);
	vnfha_ckpt_disconnect(rep);
	vnfha_ckpt_result_free(res);
	return 0;
}

/* A COMMITV past the region's end, as bytes on the region's connection
 * (OPEN first): the daemon must refuse the ticket and store nothing. */
static int raw(const char *sock, const char *name)
{
	struct vnfha__ckpt_conn c;
	struct vnfha__ckpt_req req = { .size = 4096 };
	struct vnfha__ckpt_commitv cv = { .ticket = 7, .mode = VNFHA_CKPT_SYNC, .timeout_ms = 2000,
					  .n_ranges = 2 };
	struct vnfha_ckpt_range rs[2] = { { 0, 4 }, { 4094, 4 } };
	uint8_t buf[4096];
	struct vnfha__ckpt_hdr h;
	struct vnfha__ckpt_result res;
	uint64_t first = 0;
	uint64_t last = 0;
	size_t got = 0;
	int fd = vnfha__unix_connect(sock, SOCK_STREAM);
	int n;
	int rc;

	if (fd < 0) {
		return fail("connect", fd);
	}
	vnfha__ckpt_conn_init_fd(&c, fd);
	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(cv.name, sizeof(cv.name), "%s", name);
	n = vnfha__ckpt_req_encode(&req, buf, sizeof(buf));
	rc = vnfha__ckpt_io_send(&c, VNFHA_CKPT_OPEN, buf, (uint32_t)n);
	if (rc == 0) {
		rc = vnfha__ckpt_io_recv(&c, &h, buf, sizeof(buf), &got); /* INFO and the memfd */
	}
	if (rc == 0 && h.type != VNFHA_CKPT_INFO) {
		rc = -EPROTO;
	}
	n = vnfha__ckpt_commitv_head_encode(&cv, rs, buf, sizeof(buf));
	if (rc == 0 && n > 0) {
		memset(buf + n, 0xff, 8);
		rc = vnfha__ckpt_io_send(&c, VNFHA_CKPT_COMMITV, buf, (uint32_t)n + 8);
	}
	if (rc == 0) {
		rc = vnfha__ckpt_io_recv(&c, &h, buf, sizeof(buf), &got);
	}
	if (rc == 0 && (h.type != VNFHA_CKPT_DONE ||
			vnfha__ckpt_done_decode(buf, got, &first, &last, &res) != 0)) {
		rc = -EPROTO;
	}
	vnfha__ckpt_conn_close(&c);
	if (rc != 0) {
		return fail("raw COMMITV", rc);
	}
	printf("raw: ticket %" PRIu64 "-%" PRIu64 " status %d (%s)\n", first, last, res.status,
	       res.message);
	return res.status == -ERANGE && first == 7 && last == 7 ? 0 : 1;
}

/* A tracked sync submit and its wait (res may be NULL). */
static int tracked_commit(struct vnfha_ckpt_region *r, struct vnfha_ckpt_result *res)
{
	uint64_t ticket = 0;
	int rc = vnfha_ckpt_submit_tracked(r, VNFHA_CKPT_SYNC, 5000, &ticket);

	return rc != 0 ? rc : vnfha_ckpt_wait(r, ticket, VNFHA_CKPT_WAIT_FOREVER, res);
}

struct tracked_thread {
	struct vnfha_ckpt_region *r;
	size_t base;
	size_t len;
	unsigned int seed;
	int rc;
};

/* One of several threads: random writes in its own part of the region,
 * each followed by a tracked submit and its wait. */
static void *tracked_thread_main(void *arg)
{
	struct tracked_thread *t = arg;
	uint8_t *p = vnfha_ckpt_region_data(t->r);

	for (int i = 0; i < 200 && t->rc == 0; i++) {
		size_t len = 1 + (size_t)rand_r(&t->seed) % 5000;
		size_t off = t->base + (size_t)rand_r(&t->seed) % (t->len - len);

		for (size_t k = 0; k < len; k++) {
			p[off + k] = (uint8_t)rand_r(&t->seed);
		}
		t->rc = tracked_commit(t->r, NULL);
	}
	return NULL;
}

/* Four threads write and submit at once (each submit takes the others'
 * pages written so far too); one more submit after them: the replica
 * holds the region. */
static int tracked_threads(struct vnfha_ckpt_region *r, struct vnfha_ckpt_client *rep,
			   const char *name, size_t size, unsigned int seed,
			   struct vnfha_ckpt_result *res)
{
	struct tracked_thread t[4];
	pthread_t th[4];
	int rc = 0;

	for (unsigned int i = 0; i < 4; i++) {
		t[i] = (struct tracked_thread){ .r = r, .base = i * (size / 4), .len = size / 4,
						.seed = seed + i };
		if (pthread_create(&th[i], NULL, tracked_thread_main, &t[i]) != 0) {
			return fail("pthread_create", -EAGAIN);
		}
	}
	for (unsigned int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		rc = rc != 0 ? rc : t[i].rc;
	}
	if (rc == 0) {
		rc = tracked_commit(r, res);
	}
	if (rc != 0) {
		return fail("tracked submits of four threads", rc);
	}
	return replica_is(rep, name, vnfha_ckpt_region_data(r), size,
			  vnfha_ckpt_result_version(res).gen, "tracked by four threads");
}

/* The region scrambled, restored (the kernel writes into it: a region
 * tracked by faults opens to it) and equal to what was committed; then a
 * change after the restore still travels. */
static int tracked_restore(struct vnfha_ckpt_region *r, struct vnfha_ckpt_client *rep,
			   const char *name, size_t size, struct vnfha_ckpt_result *res)
{
	uint8_t *p = vnfha_ckpt_region_data(r);
	uint8_t *want = malloc(size);
	int rc;

	if (want == NULL) {
		return fail("restore", -ENOMEM);
	}
	memcpy(want, p, size);
	memset(p, 0xa5, 100); /* the other pages stay as the last submit left them */
	rc = vnfha_ckpt_restore(r);
	if (rc != 0 || memcmp(p, want, size) != 0) {
		free(want);
		return rc != 0 ? fail("restore", rc) : fail("restore: bytes differ", -EIO);
	}
	printf("restored: identical\n");
	free(want);
	memset(p + size / 2, 0x3c, 5000);
	rc = tracked_commit(r, res);
	if (rc != 0) {
		return fail("tracked submit after restore", rc);
	}
	return replica_is(rep, name, p, size, vnfha_ckpt_result_version(res).gen,
			  "tracked after restore");
}

static int tracked(const char *psock, const char *rsock, const char *name, unsigned int seed,
		   unsigned int flags)
{
	const size_t size = (8u << 20) + 123;
	struct vnfha_ckpt_client *pri = NULL;
	struct vnfha_ckpt_client *rep = NULL;
	struct vnfha_ckpt_region *r = NULL;
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
	uint8_t *p;
	int rc = vnfha_ckpt_connect(psock, &pri);

	if (rc == 0) {
		rc = vnfha_ckpt_connect(rsock, &rep);
	}
	if (rc == 0) {
		rc = vnfha_ckpt_open_flags(pri, name, size, flags, &r);
	}
	if (rc != 0 || res == NULL) {
		return fail("open", rc != 0 ? rc : -ENOMEM);
	}
	printf("tracking %s\n", vnfha_ckpt_region_tracking(r));
	p = vnfha_ckpt_region_data(r);
	for (int i = 0; i < 300; i++) {
		size_t len = i % 7 == 0 ? 3 * 4096 + 1 : 1 + (size_t)rand_r(&seed) % 600;
		size_t off = i == 0 ? size - 1 : i % 5 == 0 ? 4096 * ((size_t)rand_r(&seed) % 2000) - 1
							   : (size_t)rand_r(&seed) % (size - len);

		if (off + len > size) {
			len = size - off;
		}
		for (size_t k = 0; k < len; k++) {
			p[off + k] = (uint8_t)rand_r(&seed);
		}
		rc = tracked_commit(r, res);
		if (rc != 0) {
			return fail("tracked submit", rc);
		}
	}
	rc = replica_is(rep, name, p, size, vnfha_ckpt_result_version(res).gen, "tracked");
	if (rc == 0) {
		rc = tracked_threads(r, rep, name, size, seed, res);
	}
	if (rc == 0) {
		rc = tracked_restore(r, rep, name, size, res);
	}
	vnfha_ckpt_close(r);
	vnfha_ckpt_disconnect(pri);
	vnfha_ckpt_disconnect(rep);
	vnfha_ckpt_result_free(res);
	return rc;
}

/* -------------------------------------------------------------- stress */

struct slot {
	uint64_t off;	  /* the record: counter u64, then REC - 8 bytes of it */
	uint64_t mirror; /* a copy of the counter */
};

static struct slot slot_of(size_t size, unsigned int threads, unsigned int i)
{
	uint64_t stride = size / threads;
	struct slot s;

	/* Across a block edge when the slot holds one, else in its middle. */
	s.off = i * stride + (stride > BS + REC ? BS - REC / 2 : (stride - REC) / 2);
	s.mirror = i * stride;
	return s;
}

static void fill_record(uint8_t *rec, unsigned int thread, uint64_t counter)
{
	memcpy(rec, &counter, 8);
	for (unsigned int k = 8; k < REC; k++) {
		rec[k] = (uint8_t)(counter * 131 + thread * 7 + k);
	}
}

static struct {
	struct vnfha_ckpt_region *region;
	size_t size;
	unsigned int threads;
	enum vnfha_ckpt_mode mode;
	unsigned int timeout_ms;
	volatile uint64_t end_ns;
	uint64_t *acked;
	atomic_uint_fast64_t timeouts;
	atomic_int dead;
} st;

static void on_term(int sig)
{
	(void)sig;
	st.end_ns = 0; /* the threads finish their update and stop */
}

static void *stress_main(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;
	uint8_t *p = vnfha_ckpt_region_data(st.region);
	struct slot s = slot_of(st.size, st.threads, i);
	uint64_t counter;

	memcpy(&counter, p + s.off, 8); /* go on from what the region holds */
	while (vnfha__now_ns() < st.end_ns && !atomic_load(&st.dead)) {
		struct vnfha_ckpt_range rs[2] = { { s.off, REC }, { s.mirror, 8 } };
		uint64_t ticket = 0;
		int rc;

		counter++;
		fill_record(p + s.off, i, counter);
		memcpy(p + s.mirror, &counter, 8);
		rc = vnfha_ckpt_submit(st.region, rs, 2, st.mode, st.timeout_ms, &ticket);
		if (rc == 0) {
			rc = vnfha_ckpt_wait(st.region, ticket, VNFHA_CKPT_WAIT_FOREVER, NULL);
		}
		if (rc == 0) {
			st.acked[i] = counter;
		} else if (rc == -ETIMEDOUT) {
			atomic_fetch_add(&st.timeouts, 1);
		} else {
			atomic_store(&st.dead, 1); /* the daemon went away */
			fprintf(stderr, "ckpt-stress: thread %u: %s\n", i, vnfha_lib_strerror(rc));
		}
	}
	return NULL;
}

static int run(char **argv)
{
	static const char *const modes[] = { "async", "sync", "durable" };
	struct vnfha_ckpt_client *c = NULL;
	pthread_t th[256];
	int rc;

	st.size = (size_t)num(argv[4]);
	st.threads = (unsigned int)num(argv[5]);
	st.end_ns = vnfha__now_ns() + (uint64_t)num(argv[6]) * 1000000000u;
	st.timeout_ms = (unsigned int)num(argv[7]);
	for (rc = 0; rc < 3 && strcmp(argv[8], modes[rc]) != 0; rc++) {
	}
	if (rc == 3 || st.threads == 0 || st.threads > 256 || st.size / st.threads < REC + 8) {
		fprintf(stderr, "ckpt-stress: bad mode, thread count or size\n");
		return 2;
	}
	st.mode = (enum vnfha_ckpt_mode)rc;
	st.acked = calloc(st.threads, sizeof(*st.acked));
	signal(SIGTERM, on_term);
	rc = vnfha_ckpt_connect(argv[2], &c);
	if (rc == 0) {
		rc = vnfha_ckpt_open(c, argv[3], st.size, &st.region);
	}
	if (rc != 0) {
		return fail("open", rc);
	}
	for (unsigned int i = 0; i < st.threads; i++) {
		uint64_t counter;

		memcpy(&counter, (uint8_t *)vnfha_ckpt_region_data(st.region) +
					 slot_of(st.size, st.threads, i).off, 8);
		st.acked[i] = counter; /* what the region was opened with */
		pthread_create(&th[i], NULL, stress_main, (void *)(uintptr_t)i);
	}
	for (unsigned int i = 0; i < st.threads; i++) {
		pthread_join(th[i], NULL);
	}
	for (unsigned int i = 0; i < st.threads; i++) {
		printf("acked %u %" PRIu64 "\n", i, st.acked[i]);
	}
	printf("timeouts %" PRIu64 "\n", (uint64_t)atomic_load(&st.timeouts));
	fflush(stdout);
	/* Not closed on purpose when the daemon died: nothing to say to it. */
	if (!atomic_load(&st.dead)) {
		vnfha_ckpt_close(st.region);
		vnfha_ckpt_disconnect(c);
	}
	return 0;
}

static int check(char **argv)
{
	size_t size = (size_t)num(argv[4]);
	unsigned int threads = (unsigned int)num(argv[5]);
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_version v;
	FILE *f = fopen(argv[6], "r");
	uint8_t *data = NULL;
	uint64_t *acked = NULL;
	uint8_t rec[REC];
	size_t len = 0;
	char line[128];
	int bad = 0;
	int rc = vnfha_ckpt_connect(argv[2], &c);

	if (rc == 0) {
		rc = vnfha_ckpt_get(c, argv[3], (void **)&data, &len, &v);
	}
	if (rc != 0 || f == NULL || len != size) {
		return fail("get", rc != 0 ? rc : -EINVAL);
	}
	acked = calloc(threads, sizeof(*acked));
	while (acked != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned int i;
		uint64_t a;

		if (sscanf(line, "acked %u %" SCNu64, &i, &a) == 2 && i < threads) {
			acked[i] = a;
		}
	}
	for (unsigned int i = 0; acked != NULL && i < threads; i++) {
		struct slot s = slot_of(size, threads, i);
		uint64_t got;
		uint64_t mirror;

		memcpy(&got, data + s.off, 8);
		memcpy(&mirror, data + s.mirror, 8);
		fill_record(rec, i, got);
		if (got < acked[i]) {
			fprintf(stderr, "thread %u: counter %" PRIu64 " below the acknowledged %" PRIu64 "\n",
				i, got, acked[i]);
			bad++;
		}
		if (got != 0 && (memcmp(rec, data + s.off, REC) != 0 || mirror != got)) {
			fprintf(stderr, "thread %u: torn update (counter %" PRIu64 ", copy %" PRIu64 ")\n",
				i, got, mirror);
			bad++;
		}
	}
	free(acked);
	fclose(f);
	printf("checked version %" PRIu64 ".%" PRIu64 ": %s\n", v.epoch, v.gen,
	       bad == 0 ? "every update whole, none acknowledged lost" : "BAD");
	free(data);
	vnfha_ckpt_disconnect(c);
	return bad == 0 ? 0 : 1;
}

/* ------------------------------------------------------------- spin */

static uint64_t thread_cpu_us(long *ret_nvcsw)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	*ret_nvcsw = ru.ru_nvcsw;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* N one-byte commits in MODE, each waited for: how many waits slept (a
 * voluntary context switch of this thread), this thread's CPU time in the
 * waits, and the last result. */
static int spin(char **argv)
{
	const char *mode_s = argv[4];
	enum vnfha_ckpt_mode mode = strcmp(mode_s, "async") == 0 ? VNFHA_CKPT_ASYNC : VNFHA_CKPT_SYNC;
	unsigned int timeout_ms = (unsigned int)num(argv[5]);
	long n = num(argv[6]);
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_region *r = NULL;
	uint64_t cpu_us = 0;
	uint64_t t0 = vnfha__now_ns();
	long slept = 0;
	int rc;

	if (strcmp(mode_s, "async") != 0 && strcmp(mode_s, "sync") != 0) {
		fprintf(stderr, "ckpt-stress: spin: mode '%s' is not async or sync\n", mode_s);
		return 2;
	}
	rc = vnfha_ckpt_connect(argv[2], &c);
	if (rc == 0) {
		rc = vnfha_ckpt_open(c, argv[3], 4096, &r);
	}
	if (rc != 0) {
		vnfha_ckpt_disconnect(c);
		return fail("open", rc);
	}
	for (long i = 0; i < n; i++) {
		struct vnfha_ckpt_range one = { .offset = (uint64_t)(i % 4096), .length = 1 };
		uint64_t ticket = 0;
		long sw0;
		long sw1;
		uint64_t c0;

		((uint8_t *)vnfha_ckpt_region_data(r))[one.offset]++;
		rc = vnfha_ckpt_submit(r, &one, 1, mode, timeout_ms, &ticket);
		if (rc != 0) {
			break;
		}
		c0 = thread_cpu_us(&sw0);
		rc = vnfha_ckpt_wait(r, ticket, VNFHA_CKPT_WAIT_FOREVER, NULL);
		cpu_us += thread_cpu_us(&sw1) - c0;
		slept += sw1 > sw0;
	}
	printf("rc %d waits %ld slept %ld cpu_us %" PRIu64 " wall_us %" PRIu64 "\n", rc, n, slept,
	       cpu_us, (vnfha__now_ns() - t0) / 1000);
	vnfha_ckpt_close(r);
	vnfha_ckpt_disconnect(c);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && strcmp(argv[1], "edges") == 0) {
		return edges(argv[2], argv[3], argv[4]);
	}
	if (argc == 4 && strcmp(argv[1], "raw") == 0) {
		return raw(argv[2], argv[3]);
	}
	if ((argc == 6 || (argc == 7 && strcmp(argv[6], "faults") == 0)) &&
	    strcmp(argv[1], "tracked") == 0) {
		return tracked(argv[2], argv[3], argv[4], (unsigned int)num(argv[5]),
			       argc == 7 ? VNFHA_CKPT_OPEN_TRACK_FAULTS : VNFHA_CKPT_OPEN_TRACK);
	}
	if (argc == 9 && strcmp(argv[1], "run") == 0) {
		return run(argv);
	}
	if (argc == 7 && strcmp(argv[1], "check") == 0) {
		return check(argv);
	}
	if (argc == 7 && strcmp(argv[1], "spin") == 0) {
		return spin(argv);
	}
	fprintf(stderr, "usage: ckpt-stress edges PRIMARY REPLICA NAME | raw SOCKET NAME |\n"
			"       tracked PRIMARY REPLICA NAME SEED [faults] |\n"
			"       run SOCKET NAME SIZE THREADS SECONDS TIMEOUT_MS MODE |\n"
			"       check SOCKET NAME SIZE THREADS ACKED_FILE |\n"
			"       spin SOCKET NAME async|sync TIMEOUT_MS N\n");
	return 2;
}
