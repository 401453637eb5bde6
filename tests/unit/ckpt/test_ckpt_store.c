// SPDX-License-Identifier: GPL-2.0-or-later
/* The store's apply logic: full and delta versions, refusal of missing or
 * wrong blocks, and verification on load of damaged files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store.h"
#include "ckpt/ckpt_store_internal.h"
#include "unit.h"

#define BS 4096u
#define NB 24u /* above the store's small-object limit: deltas use the journal */
#define SIZE (BS * NB - 100)

static char dir[] = "/tmp/vnfha-test-store-XXXXXX";
static uint8_t obj[SIZE];
static int reports;

static void on_report(void *ctx, const char *name, int err, const char *what)
{
	(void)ctx;
	fprintf(stderr, "report: %s: %s (%d)\n", name, what, err);
	reports++;
}

static uint32_t blen(uint32_t i)
{
	return i == NB - 1 ? SIZE - BS * (NB - 1) : BS;
}

static int put_all(struct vnfha__ckpt_store *s, uint64_t gen, bool full)
{
	struct vnfha__ckpt_update *u = NULL;
	int rc = vnfha__ckpt_update_begin(s, "obj", 1, gen, SIZE, BS, NULL, full, &u);

	if (rc != 0) {
		return rc;
	}
	for (uint32_t i = 0; i < NB; i++) {
		rc = vnfha__ckpt_update_block(u, i, obj + i * BS, blen(i));
		if (rc != 0) {
			vnfha__ckpt_update_abort(u);
			return rc;
		}
	}
	return vnfha__ckpt_update_commit(u, true);
}

static bool data_equals(struct vnfha__ckpt_store *s, const uint8_t *want)
{
	static uint8_t got[SIZE];
	int fd = -1;
	bool eq;

	if (vnfha__ckpt_store_open_data(s, "obj", &fd) != 0) {
		return false;
	}
	eq = vnfha__ckpt_pread_all(fd, got, SIZE, 0) == 0 && memcmp(got, want, SIZE) == 0;
	close(fd);
	return eq;
}

static void path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/obj/%s", dir, file);
}

static void test_full_and_delta(void)
{
	struct vnfha__ckpt_store *s = vnfha__ckpt_store_open(dir, on_report, NULL);
	const struct vnfha__ckpt_meta *m;
	struct vnfha__ckpt_update *u = NULL;
	uint64_t fps[NB];
	uint8_t old[SIZE];
	char p[256];

	CHECK(s != NULL);
	for (uint32_t i = 0; i < SIZE; i++) {
		obj[i] = (uint8_t)(i * 7);
	}
	CHECK_INT(put_all(s, 1, false), -EINVAL); /* a new object must be full */
	CHECK_INT(put_all(s, 1, true), 0);
	m = vnfha__ckpt_store_find(s, "obj");
	CHECK(m != NULL && m->gen == 1 && m->size == SIZE && m->nblocks == NB);
	CHECK(data_equals(s, obj));
	/* a whole copy in memory checks against the version's fingerprints */
	CHECK_INT(vnfha__ckpt_meta_check_data(m, obj), 0);
	obj[SIZE - 1] ^= 1; /* the last (short) block's last byte */
	CHECK_INT(vnfha__ckpt_meta_check_data(m, obj), -EBADMSG);
	obj[SIZE - 1] ^= 1;

	/* delta computed by the store: one block changed */
	memcpy(old, obj, SIZE);
	obj[3 * BS + 5] ^= 0xff;
	CHECK_INT(put_all(s, 2, false), 0);
	m = vnfha__ckpt_store_find(s, "obj");
	CHECK_INT(m->gen, 2);
	CHECK(data_equals(s, obj));
	path(p, sizeof(p), "journal");
	CHECK(access(p, F_OK) != 0);

	/* delta with the sender's list: a needed block missing is refused
	 * and the published version stays */
	memcpy(fps, m->fps, sizeof(fps));
	obj[5 * BS] ^= 1;
	fps[5] = vnfha__ckpt_fp_block(obj + 5 * BS, BS);
	obj[6 * BS] ^= 1;
	fps[6] = vnfha__ckpt_fp_block(obj + 6 * BS, BS);
	CHECK_INT(vnfha__ckpt_update_begin(s, "obj", 1, 3, SIZE, BS, fps, false, &u), 0);
	CHECK_INT(vnfha__ckpt_update_begin(s, "obj", 1, 3, SIZE, BS, fps, false, &u), -EBUSY);
	CHECK_INT(vnfha__ckpt_update_block(u, 5, obj + 5 * BS, BS), 0);
	CHECK_INT(vnfha__ckpt_update_block(u, 6, obj, BS), -EILSEQ); /* wrong bytes */
	CHECK_INT(vnfha__ckpt_update_commit(u, false), -EPIPE);
	CHECK_INT(vnfha__ckpt_store_find(s, "obj")->gen, 2);
	memcpy(old, obj, SIZE);
	old[5 * BS] ^= 1;
	old[6 * BS] ^= 1;
	CHECK(data_equals(s, old));

	/* and complete, it publishes */
	CHECK_INT(vnfha__ckpt_update_begin(s, "obj", 1, 3, SIZE, BS, fps, false, &u), 0);
	CHECK_INT(vnfha__ckpt_update_block(u, 6, obj + 6 * BS, BS), 0);
	CHECK_INT(vnfha__ckpt_update_block(u, 5, obj + 5 * BS, BS), 0);
	CHECK_INT(vnfha__ckpt_update_commit(u, false), 0);
	CHECK(data_equals(s, obj));

	/* an aborted full copy leaves the old version and no file behind */
	CHECK_INT(vnfha__ckpt_update_begin(s, "obj", 1, 4, SIZE, BS, NULL, true, &u), 0);
	CHECK_INT(vnfha__ckpt_update_block(u, 0, obj, BS), 0);
	vnfha__ckpt_update_abort(u);
	CHECK(data_equals(s, obj));
	CHECK_INT(vnfha__ckpt_store_find(s, "obj")->gen, 3);

	CHECK_INT(vnfha__ckpt_store_save_epoch(s, 7), 0);
	vnfha__ckpt_store_free(s);

	/* survives a reopen, verified */
	s = vnfha__ckpt_store_open(dir, on_report, NULL);
	CHECK(s != NULL);
	CHECK_INT(reports, 0);
	CHECK_INT(vnfha__ckpt_store_max_epoch(s), 7);
	m = vnfha__ckpt_store_find(s, "obj");
	CHECK(m != NULL && m->gen == 3);
	CHECK(data_equals(s, obj));
	vnfha__ckpt_store_free(s);
}

static void test_damage(void)
{
	struct vnfha__ckpt_store *s;
	char p[256];
	char d[256];
	int fd;

	/* a stale temp file is swept, the version stays */
	path(p, sizeof(p), "journal.tmp");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "junk", 4) == 4);
	close(fd);
	s = vnfha__ckpt_store_open(dir, on_report, NULL);
	CHECK(vnfha__ckpt_store_find(s, "obj") != NULL);
	CHECK(access(p, F_OK) != 0);
	vnfha__ckpt_store_free(s);

	/* a flipped byte in the data: moved aside, not served */
	snprintf(d, sizeof(d), "%s/obj", dir);
	s = vnfha__ckpt_store_open(dir, on_report, NULL);
	{
		const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_find(s, "obj");
		char f[64];

		snprintf(f, sizeof(f), "data.%llu", (unsigned long long)m->data_id);
		path(p, sizeof(p), f);
	}
	vnfha__ckpt_store_free(s);
	fd = open(p, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, "x", 1, 4097) == 1);
	close(fd);
	s = vnfha__ckpt_store_open(dir, on_report, NULL);
	CHECK(s != NULL);
	CHECK(vnfha__ckpt_store_find(s, "obj") == NULL);
	CHECK_INT(reports, 1);
	CHECK(access(d, F_OK) != 0);
	/* and a new full copy takes its place */
	CHECK_INT(put_all(s, 9, true), 0);
	vnfha__ckpt_store_free(s);

	/* a truncated meta file: refused too */
	path(p, sizeof(p), "meta");
	CHECK(truncate(p, 30) == 0);
	s = vnfha__ckpt_store_open(dir, on_report, NULL);
	CHECK(vnfha__ckpt_store_find(s, "obj") == NULL);
	CHECK_INT(reports, 2);
	vnfha__ckpt_store_free(s);
}

/* A small object (<= 16 blocks): a delta is written as a new file, the
 * unsent blocks copied from the base. */
static void test_small_delta(void)
{
	struct vnfha__ckpt_store *s = vnfha__ckpt_store_open(dir, on_report, NULL);
	struct vnfha__ckpt_update *u = NULL;
	static uint8_t v1[3 * BS], v2[3 * BS], got[3 * BS];
	uint64_t fps[3];
	int fd = -1;

	for (uint32_t i = 0; i < sizeof(v1); i++) {
		v1[i] = (uint8_t)(i * 13);
	}
	memcpy(v2, v1, sizeof(v1));
	v2[BS + 7] ^= 0x5a;
	CHECK_INT(vnfha__ckpt_update_begin(s, "small", 1, 1, sizeof(v1), BS, NULL, true, &u), 0);
	for (uint32_t i = 0; i < 3; i++) {
		CHECK_INT(vnfha__ckpt_update_block(u, i, v1 + i * BS, BS), 0);
	}
	CHECK_INT(vnfha__ckpt_update_commit(u, false), 0);
	for (uint32_t i = 0; i < 3; i++) {
		fps[i] = vnfha__ckpt_fp_block(v2 + i * BS, BS);
	}
	CHECK_INT(vnfha__ckpt_update_begin(s, "small", 1, 2, sizeof(v1), BS, fps, false, &u), 0);
	CHECK_INT(vnfha__ckpt_update_block(u, 1, v2 + BS, BS), 0);
	CHECK_INT(vnfha__ckpt_update_commit(u, false), 0);
	CHECK_INT(vnfha__ckpt_store_open_data(s, "small", &fd), 0);
	CHECK_INT(vnfha__ckpt_pread_all(fd, got, sizeof(got), 0), 0);
	CHECK(memcmp(got, v2, sizeof(v2)) == 0);
	close(fd);
	vnfha__ckpt_store_free(s);
	/* and it verifies on reopen */
	s = vnfha__ckpt_store_open(dir, on_report, NULL);
	CHECK(vnfha__ckpt_store_find(s, "small") != NULL);
	CHECK_INT(vnfha__ckpt_store_find(s, "small")->gen, 2);
	vnfha__ckpt_store_free(s);
}

static void test_meta_codec(void)
{
	uint64_t fps[2] = { 11, 22 };
	struct vnfha__ckpt_meta m = { .name = "m", .epoch = 1, .gen = 2, .size = 5000,
				      .block_size = 4096, .nblocks = 2, .fps = fps, .data_id = 3 };
	struct vnfha__ckpt_meta *d = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;

	m.digest = vnfha__ckpt_fp_digest(fps, 2);
	CHECK_INT(vnfha__ckpt_meta_encode(&m, &buf, &len), 0);
	CHECK_INT(vnfha__ckpt_meta_decode(buf, len, &d), 0);
	CHECK(d != NULL && d->fps[1] == 22 && d->data_id == 3);
	vnfha__ckpt_meta_free(d);
	for (size_t k = 0; k < len; k++) {
		buf[k] ^= 0x10;
		CHECK_INT(vnfha__ckpt_meta_decode(buf, len, &d), -EBADMSG);
		buf[k] ^= 0x10;
	}
	free(buf);
}

/* Many objects: no fixed number of entries (there was 4096: the next
 * begin failed with -ENOSPC, and a load moved the surplus aside as
 * damaged); an update open across the array's growth still commits. */
static void test_many_objects(void)
{
	enum { N = 4200 };
	char sub[sizeof(dir) + 16];
	struct vnfha__ckpt_store *s;
	struct vnfha__ckpt_update *held = NULL;
	uint8_t byte = 7;
	int failed = 0;

	snprintf(sub, sizeof(sub), "%s/many", dir);
	s = vnfha__ckpt_store_open(sub, on_report, NULL);
	CHECK(s != NULL);
	if (s == NULL) {
		return;
	}
	CHECK_INT(vnfha__ckpt_update_begin(s, "held", 1, 1, 1, BS, NULL, true, &held), 0);
	for (int i = 0; i < N; i++) {
		struct vnfha__ckpt_update *u = NULL;
		char name[16];
		int rc;

		snprintf(name, sizeof(name), "o%d", i);
		rc = vnfha__ckpt_update_begin(s, name, 1, 1, 1, BS, NULL, true, &u);
		if (rc == 0) {
			rc = vnfha__ckpt_update_block(u, 0, &byte, 1);
			rc = rc == 0 ? vnfha__ckpt_update_commit(u, false) : rc;
		}
		if (rc != 0 && failed++ == 0) {
			fprintf(stderr, "object %d of %d: %s\n", i, N, strerror(-rc));
		}
	}
	CHECK_INT(failed, 0);
	CHECK_INT(vnfha__ckpt_update_block(held, 0, &byte, 1), 0);
	CHECK_INT(vnfha__ckpt_update_commit(held, false), 0);
	CHECK_INT(vnfha__ckpt_store_count(s), N + 1);
	vnfha__ckpt_store_free(s);
	reports = 0;
	s = vnfha__ckpt_store_open(sub, on_report, NULL);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(vnfha__ckpt_store_count(s), N + 1);
		CHECK(vnfha__ckpt_store_find(s, "held") != NULL);
		CHECK(vnfha__ckpt_store_find(s, "o4199") != NULL);
		vnfha__ckpt_store_free(s);
	}
	CHECK_INT(reports, 0);
}

int main(void)
{
	char cmd[128];
	int rc;

	if (mkdtemp(dir) == NULL) {
		return 1;
	}
	test_meta_codec();
	test_full_and_delta();
	test_small_delta();
	test_damage();
	test_many_objects();
	rc = UNIT_DONE();
	snprintf(cmd, sizeof(cmd), "%s", dir);
	/* remove the test's own directory tree */
	{
		char *argv[] = { "rm", "-rf", cmd, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execv("/bin/rm", argv);
			_exit(127);
		}
	}
	return rc;
}
