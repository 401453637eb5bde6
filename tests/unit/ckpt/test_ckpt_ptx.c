// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Patch transactions (range versions): ranges at block edges, overlapping
 * and repeated, past the end, empty; a replica applying and verifying what
 * a primary sealed, refusing a wrong base or a wrong fingerprint; several
 * versions in one transaction; the log redone at load, cut at every byte
 * (a crash anywhere leaves a whole version, never a torn one); compaction;
 * a delta over a log; a data file with a hole written without its mapping.
 * VNFHA_SEED replays the random parts.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_store.h"
#include "ckpt/ckpt_store_internal.h"
#include "unit.h"

#define BS 4096u
#define NB 24u
#define SIZE (BS * NB - 100)

static char top[64];
static unsigned int seed;

static void on_report(void *ctx, const char *name, int err, const char *what)
{
	(void)ctx;
	fprintf(stderr, "report: %s: %s (%d)\n", name, what, err);
}

static struct vnfha__ckpt_store *open_at(const char *sub)
{
	char d[256];

	snprintf(d, sizeof(d), "%s/%s", top, sub);
	return vnfha__ckpt_store_open(d, on_report, NULL);
}

/* A full version of "obj" (size, bs) with these bytes. */
static int put_full(struct vnfha__ckpt_store *s, uint64_t gen, const uint8_t *data, uint64_t size,
		    uint32_t bs)
{
	struct vnfha__ckpt_update *u = NULL;
	uint32_t nb = (uint32_t)((size + bs - 1) / bs);
	int rc = vnfha__ckpt_update_begin(s, "obj", 1, gen, size, bs, NULL, true, &u);

	for (uint32_t i = 0; rc == 0 && i < nb; i++) {
		uint64_t off = (uint64_t)i * bs;

		rc = vnfha__ckpt_update_block(u, i, data + off,
					      (uint32_t)(size - off < bs ? size - off : bs));
	}
	if (rc != 0) {
		vnfha__ckpt_update_abort(u);
		return rc;
	}
	return vnfha__ckpt_update_commit(u, false);
}

static bool data_is(struct vnfha__ckpt_store *s, const uint8_t *want, uint64_t size)
{
	uint8_t *got = malloc(size);
	int fd = -1;
	bool eq = got != NULL && vnfha__ckpt_store_open_data(s, "obj", &fd) == 0 &&
		  vnfha__ckpt_pread_all(fd, got, size, 0) == 0 && memcmp(got, want, size) == 0;
	const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_find(s, "obj");

	if (fd >= 0) {
		close(fd);
	}
	/* A range version keeps no digest in memory (0) until meta is written. */
	eq = eq && m != NULL && vnfha__ckpt_meta_check_data(m, want) == 0 &&
	     (m->digest == 0 || m->digest == vnfha__ckpt_fp_digest(m->fps, m->nblocks));
	free(got);
	return eq;
}

/* One primary version of puts (offset, length) from src; body kept. */
struct put {
	uint64_t off;
	uint64_t len;
};

static int commit_puts(struct vnfha__ckpt_store *s, uint64_t gen, const struct put *puts, size_t n,
		       const uint8_t *src, uint8_t *expect, uint8_t **ret_body, size_t *ret_len)
{
	struct vnfha__ckpt_ptx *tx = NULL;
	int rc = vnfha__ckpt_ptx_begin(s, "obj", &tx);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = vnfha__ckpt_ptx_put(tx, puts[i].off, src + puts[i].off, puts[i].len);
		if (rc == 0) {
			memcpy(expect + puts[i].off, src + puts[i].off, puts[i].len);
		}
	}
	if (rc == 0) {
		rc = vnfha__ckpt_ptx_seal(tx, 1, gen, 0, ret_body, ret_len);
	}
	if (rc != 0) {
		vnfha__ckpt_ptx_abort(tx);
		return rc;
	}
	return vnfha__ckpt_ptx_commit(tx);
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)rand_r(&seed);
	}
}

static void test_edges(void)
{
	struct vnfha__ckpt_store *s = open_at("edges");
	static uint8_t base[SIZE], want[SIZE], src[SIZE];
	struct vnfha__ckpt_ptx *tx = NULL;
	struct vnfha__ckpt_patch p;
	uint8_t *body = NULL;
	size_t len = 0;
	/* A range ending on a block edge, one starting on it, one across it,
	 * the object's last byte, then one overlapping an earlier one. */
	const struct put puts[] = { { BS - 10, 10 }, { 2 * BS, 7 }, { 3 * BS - 3, 6 },
				    { SIZE - 1, 1 }, { BS - 5, 20 } };

	CHECK(s != NULL);
	fill(base, SIZE);
	memcpy(want, base, SIZE);
	CHECK_INT(put_full(s, 1, base, SIZE, BS), 0);
	memcpy(src, base, SIZE);
	for (size_t i = 0; i < sizeof(puts) / sizeof(puts[0]); i++) {
		for (uint64_t k = 0; k < puts[i].len; k++) {
			src[puts[i].off + k] = (uint8_t)(base[puts[i].off + k] ^ (0x5a + i));
		}
	}
	CHECK_INT(commit_puts(s, 2, puts, 5, src, want, &body, &len), 0);
	CHECK(data_is(s, want, SIZE));
	CHECK_INT(vnfha__ckpt_store_find(s, "obj")->gen, 2);
	/* The body: sorted, merged ranges of exactly the changed bytes, the
	 * blocks they touch. */
	CHECK_INT(vnfha__ckpt_patch_decode(body, len, &p), 0);
	CHECK_INT(p.base_gen, 1);
	CHECK_INT(p.gen, 2);
	CHECK_INT(p.n_ranges, 4);   /* [BS-10, BS+15) merged, 2BS, 3BS-3, last */
	CHECK_INT(p.n_blocks, 5);   /* 0, 1, 2, 3 (across), 23 */
	CHECK_INT(p.data_len, 25 + 7 + 6 + 1);
	free(body);

	/* Repeated ranges: the later bytes win, no matter the order given. */
	CHECK_INT(vnfha__ckpt_ptx_begin(s, "obj", &tx), 0);
	CHECK_INT(vnfha__ckpt_ptx_begin(s, "obj", &tx), -EBUSY);
	memset(src, 1, 64);
	CHECK_INT(vnfha__ckpt_ptx_put(tx, 100, src, 64), 0);
	memset(src, 2, 64);
	CHECK_INT(vnfha__ckpt_ptx_put(tx, 100, src, 64), 0);
	memset(want + 100, 2, 64);
	/* Past the end: refused, nothing staged. */
	CHECK_INT(vnfha__ckpt_ptx_put(tx, SIZE - 5, src, 6), -ERANGE);
	CHECK_INT(vnfha__ckpt_ptx_put(tx, UINT64_MAX - 2, src, 6), -ERANGE);
	CHECK_INT(vnfha__ckpt_ptx_staged(tx), 1);
	CHECK_INT(vnfha__ckpt_ptx_seal(tx, 1, 3, 0, &body, &len), 0);
	CHECK_INT(vnfha__ckpt_ptx_put(tx, 0, src, 1), -EINVAL); /* sealed */
	CHECK_INT(vnfha__ckpt_ptx_commit(tx), 0);
	CHECK(data_is(s, want, SIZE));
	free(body);

	/* An empty version: the same bytes again, or nothing. */
	CHECK_INT(vnfha__ckpt_ptx_begin(s, "obj", &tx), 0);
	CHECK_INT(vnfha__ckpt_ptx_put(tx, 100, want + 100, 64), 0);
	CHECK_INT(vnfha__ckpt_ptx_seal(tx, 1, 4, 0, &body, &len), -ENODATA);
	vnfha__ckpt_ptx_abort(tx);
	CHECK_INT(vnfha__ckpt_ptx_begin(s, "obj", &tx), 0);
	CHECK_INT(vnfha__ckpt_ptx_seal(tx, 1, 4, 0, &body, &len), -ENODATA);
	CHECK_INT(vnfha__ckpt_ptx_seal(tx, 1, 3, 0, &body, &len), -EINVAL); /* not newer */
	vnfha__ckpt_ptx_abort(tx);
	CHECK_INT(vnfha__ckpt_store_find(s, "obj")->gen, 3);
	CHECK(data_is(s, want, SIZE));
	CHECK_INT(vnfha__ckpt_ptx_begin(s, "none", &tx), -ENOENT);
	vnfha__ckpt_store_free(s);

	/* Reopened: the log is redone and emptied. */
	s = open_at("edges");
	CHECK(s != NULL && vnfha__ckpt_store_find(s, "obj") != NULL &&
	      vnfha__ckpt_store_find(s, "obj")->gen == 3);
	CHECK(data_is(s, want, SIZE));
	{
		char lp[300];
		struct stat st;

		snprintf(lp, sizeof(lp), "%s/edges/obj/log", top);
		CHECK(stat(lp, &st) == 0 && st.st_size == 0);
	}
	vnfha__ckpt_store_free(s);
}

/* A replica applies what the primary sealed, several versions in one
 * transaction; refuses a wrong base and a wrong fingerprint unchanged. */
static void test_replica(void)
{
	struct vnfha__ckpt_store *pri = open_at("pri");
	struct vnfha__ckpt_store *rep = open_at("rep");
	static uint8_t base[SIZE], want[SIZE], src[SIZE];
	uint8_t *bodies[3] = { NULL, NULL, NULL };
	size_t lens[3] = { 0, 0, 0 };
	struct vnfha__ckpt_ptx *tx = NULL;
	struct vnfha__ckpt_patch p;
	uint64_t e = 0;
	uint64_t g = 0;

	fill(base, SIZE);
	memcpy(want, base, SIZE);
	CHECK_INT(put_full(pri, 1, base, SIZE, BS), 0);
	CHECK_INT(put_full(rep, 1, base, SIZE, BS), 0);
	for (int v = 0; v < 3; v++) {
		struct put puts[4];

		fill(src, SIZE);
		for (int k = 0; k < 4; k++) {
			puts[k].off = (uint64_t)rand_r(&seed) % (SIZE - 300);
			puts[k].len = 1 + (uint64_t)rand_r(&seed) % 300;
		}
		CHECK_INT(commit_puts(pri, (uint64_t)v + 2, puts, 4, src, want, &bodies[v], &lens[v]), 0);
	}
	CHECK(data_is(pri, want, SIZE));

	CHECK_INT(vnfha__ckpt_ptx_begin(rep, "obj", &tx), 0);
	/* Out of order: its base is not what the replica holds. */
	CHECK_INT(vnfha__ckpt_patch_decode(bodies[1], lens[1], &p), 0);
	CHECK_INT(vnfha__ckpt_ptx_apply(tx, &p, bodies[1], lens[1]), -ESTALE);
	/* A fingerprint that does not match what the bytes make. */
	{
		uint8_t *bad = malloc(lens[0]);

		memcpy(bad, bodies[0], lens[0]);
		CHECK_INT(vnfha__ckpt_patch_decode(bad, lens[0], &p), 0);
		bad[lens[0] - p.data_len - 8] ^= 1; /* the last block's fingerprint */
		CHECK_INT(vnfha__ckpt_patch_decode(bad, lens[0], &p), 0);
		CHECK_INT(vnfha__ckpt_ptx_apply(tx, &p, bad, lens[0]), -EILSEQ);
		free(bad);
	}
	vnfha__ckpt_ptx_version(tx, &e, &g);
	CHECK_INT(g, 1);
	for (int v = 0; v < 3; v++) {
		CHECK_INT(vnfha__ckpt_patch_decode(bodies[v], lens[v], &p), 0);
		CHECK_INT(vnfha__ckpt_ptx_apply(tx, &p, bodies[v], lens[v]), 0);
	}
	vnfha__ckpt_ptx_version(tx, &e, &g);
	CHECK_INT(g, 4);
	CHECK_INT(vnfha__ckpt_ptx_sync(tx), 0);
	CHECK_INT(vnfha__ckpt_ptx_commit(tx), 0);
	CHECK(data_is(rep, want, SIZE));
	CHECK(memcmp(vnfha__ckpt_store_find(rep, "obj")->fps, vnfha__ckpt_store_find(pri, "obj")->fps,
		     NB * sizeof(uint64_t)) == 0);
	/* A full copy over the log: the log is emptied, the copy stands. */
	fill(base, SIZE);
	CHECK_INT(put_full(rep, 5, base, SIZE, BS), 0);
	vnfha__ckpt_store_free(rep);
	rep = open_at("rep");
	CHECK(vnfha__ckpt_store_find(rep, "obj") != NULL &&
	      vnfha__ckpt_store_find(rep, "obj")->gen == 5);
	CHECK(data_is(rep, base, SIZE));
	for (int v = 0; v < 3; v++) {
		free(bodies[v]);
	}
	vnfha__ckpt_store_free(pri);
	vnfha__ckpt_store_free(rep);
}

static int write_file(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char p[300];
	int fd;
	int rc;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		return -errno;
	}
	rc = vnfha__ckpt_write_all(fd, buf, len);
	close(fd);
	return rc;
}

static uint8_t *read_all(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;

	if (fd < 0 || fstat(fd, &st) != 0) {
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (vnfha__ckpt_pread_all(fd, buf, (size_t)st.st_size, 0) != 0) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*ret_len = (size_t)st.st_size;
	return buf;
}

/*
 * A crash at any byte of the log: the data file holds the base plus the
 * in-place writes of every record complete before the cut (the last one
 * perhaps only partly: a record is written in place only once complete).
 * Loading must give exactly one of the versions, the newest complete.
 */
static void test_crash_at_every_byte(void)
{
	enum { NV = 4 };
	struct vnfha__ckpt_store *s = open_at("crash");
	static uint8_t vers[NV + 1][SIZE];
	static uint8_t src[SIZE];
	uint8_t *meta1;
	uint8_t *log;
	size_t meta_len = 0;
	size_t log_len = 0;
	size_t ends[NV + 1] = { 0 };
	struct vnfha__ckpt_patch pv[NV];
	uint8_t *bodies[NV];
	size_t blens[NV];
	char p[300];
	char d[300];
	int bad = 0;

	fill(vers[0], SIZE);
	CHECK_INT(put_full(s, 1, vers[0], SIZE, BS), 0);
	snprintf(p, sizeof(p), "%s/crash/obj/meta", top);
	meta1 = read_all(p, &meta_len);
	for (int v = 1; v <= NV; v++) {
		struct put puts[3];

		memcpy(vers[v], vers[v - 1], SIZE);
		fill(src, SIZE);
		for (int k = 0; k < 3; k++) {
			puts[k].off = (uint64_t)rand_r(&seed) % (SIZE - 500);
			puts[k].len = 1 + (uint64_t)rand_r(&seed) % 500;
		}
		CHECK_INT(commit_puts(s, (uint64_t)v + 1, puts, 3, src, vers[v], &bodies[v - 1],
				      &blens[v - 1]), 0);
		CHECK_INT(vnfha__ckpt_patch_decode(bodies[v - 1], blens[v - 1], &pv[v - 1]), 0);
		ends[v] = ends[v - 1] + blens[v - 1] + VNFHA_CKPT_RECORD_OVERHEAD;
	}
	snprintf(p, sizeof(p), "%s/crash/obj/log", top);
	log = read_all(p, &log_len);
	CHECK(log != NULL && log_len == ends[NV]);
	vnfha__ckpt_store_free(s);
	snprintf(d, sizeof(d), "%s/cut/obj", top);
	for (size_t cut = 0; log != NULL && cut <= log_len; cut++) {
		static uint8_t data[SIZE];
		int complete = 0;
		const struct vnfha__ckpt_meta *m;
		char sub[300];

		while (complete < NV && ends[complete + 1] <= cut) {
			complete++;
		}
		/* Records before the last complete one: written in place; the
		 * last: not, all, or a random part of it. */
		memcpy(data, vers[complete > 0 ? complete - 1 : 0], SIZE);
		if (complete > 0) {
			const struct vnfha__ckpt_patch *q = &pv[complete - 1];
			uint64_t partial = q->data_len > 0 ? (uint64_t)rand_r(&seed) % (q->data_len + 1)
							   : 0;
			const uint8_t *bytes = q->data;

			for (uint32_t k = 0; k < q->n_ranges && partial > 0; k++) {
				uint64_t off;
				uint32_t len;
				uint32_t take;

				vnfha__ckpt_range_at(q->ranges, k, &off, &len);
				take = partial < len ? (uint32_t)partial : len;
				memcpy(data + off, bytes, take);
				bytes += len;
				partial -= take;
			}
		}
		snprintf(sub, sizeof(sub), "%s/cut", top);
		mkdir(sub, 0700);
		mkdir(d, 0700);
		CHECK_INT(write_file(d, "meta", meta1, meta_len), 0);
		CHECK_INT(write_file(d, "data.1", data, SIZE), 0);
		CHECK_INT(write_file(d, "log", log, cut), 0);
		s = open_at("cut");
		m = s != NULL ? vnfha__ckpt_store_find(s, "obj") : NULL;
		if (m == NULL || m->gen != (uint64_t)complete + 1 || !data_is(s, vers[complete], SIZE)) {
			fprintf(stderr, "cut at %zu of %zu: got gen %llu, want %d\n", cut, log_len,
				m != NULL ? (unsigned long long)m->gen : 0ULL, complete + 1);
			bad++;
		}
		vnfha__ckpt_store_free(s);
	}
	CHECK_INT(bad, 0);
	for (int v = 0; v < NV; v++) {
		free(bodies[v]);
	}
	free(meta1);
	free(log);
}

/* Past max(16 MiB, size / 8) of log, meta takes the log's versions in. */
static void test_compaction(void)
{
	const uint64_t size = 4u << 20;
	const uint32_t bs = 64u << 10;
	struct vnfha__ckpt_store *s = open_at("compact");
	uint8_t *data = malloc(size);
	uint8_t *src = malloc(size);
	char p[300];
	struct stat st;
	int v;

	fill(data, size);
	CHECK_INT(put_full(s, 1, data, size, bs), 0);
	snprintf(p, sizeof(p), "%s/compact/obj/log", top);
	for (v = 2; v < 9; v++) {
		struct put all = { 0, size - (uint64_t)v };
		uint8_t *body = NULL;
		size_t len = 0;

		for (uint64_t i = 0; i < size; i++) {
			src[i] = (uint8_t)(data[i] + 1);
		}
		CHECK_INT(commit_puts(s, (uint64_t)v, &all, 1, src, data, &body, &len), 0);
		free(body);
		CHECK(stat(p, &st) == 0);
		if (st.st_size == 0) {
			break; /* compacted */
		}
	}
	CHECK(v < 9 && st.st_size == 0);
	CHECK(data_is(s, data, size));
	vnfha__ckpt_store_free(s);
	s = open_at("compact");
	CHECK(s != NULL && vnfha__ckpt_store_find(s, "obj")->gen == (uint64_t)v);
	CHECK(data_is(s, data, size));
	vnfha__ckpt_store_free(s);
	free(data);
	free(src);
}

/* The old whole-region commit over a log: scan finds the changed blocks;
 * a delta (update_begin_over) publishes past the log. */
static void test_scan_and_delta(void)
{
	struct vnfha__ckpt_store *s = open_at("scan");
	static uint8_t region[SIZE], want[SIZE];
	uint64_t fps[NB];
	struct vnfha__ckpt_ptx *tx = NULL;
	struct vnfha__ckpt_update *u = NULL;
	struct vnfha__ckpt_patch p;
	uint8_t *body = NULL;
	size_t len = 0;

	fill(region, SIZE);
	CHECK_INT(put_full(s, 1, region, SIZE, BS), 0);
	region[5 * BS + 17] ^= 0xff;
	region[9 * BS + 1000] ^= 0xff;
	region[9 * BS + 1010] ^= 0xff;
	for (uint32_t i = 0; i < NB; i++) {
		fps[i] = vnfha__ckpt_fp_block(region + i * BS, i == NB - 1 ? SIZE - i * BS : BS);
	}
	CHECK_INT(vnfha__ckpt_ptx_begin(s, "obj", &tx), 0);
	CHECK_INT(vnfha__ckpt_ptx_scan(tx, region, fps), 0);
	CHECK_INT(vnfha__ckpt_ptx_staged(tx), 2);
	CHECK_INT(vnfha__ckpt_ptx_seal(tx, 1, 2, 0, &body, &len), 0);
	CHECK_INT(vnfha__ckpt_ptx_commit(tx), 0);
	CHECK_INT(vnfha__ckpt_patch_decode(body, len, &p), 0);
	CHECK_INT(p.n_ranges, 2); /* 1 byte; 11 bytes with a gap under 32 */
	CHECK_INT(p.data_len, 12);
	free(body);
	CHECK(data_is(s, region, SIZE));
	/* A delta of two blocks over it, the rest kept. */
	memcpy(want, region, SIZE);
	memset(want + 3 * BS, 7, BS);
	CHECK_INT(vnfha__ckpt_update_begin_over(s, "obj", 1, 3, &u), 0);
	CHECK_INT(vnfha__ckpt_update_block(u, 3, want + 3 * BS, BS), 0);
	CHECK_INT(vnfha__ckpt_update_commit(u, false), 0);
	CHECK(data_is(s, want, SIZE));
	vnfha__ckpt_store_free(s);
	s = open_at("scan");
	CHECK(vnfha__ckpt_store_find(s, "obj") != NULL && vnfha__ckpt_store_find(s, "obj")->gen == 3);
	CHECK(data_is(s, want, SIZE));
	vnfha__ckpt_store_free(s);
}

/* A range commit writes in place through the data file's mapping only
 * where that can never fault for space (ckpt_ptx.c overwrite_in_place):
 * not over a hole. Both ways give the same bytes. */
static void test_hole_fallback(void)
{
	static uint8_t data[SIZE], src[SIZE];
	struct put one = { 2 * BS + 10, 300 };
	struct vnfha__ckpt_store *s = open_at("hole");
	uint8_t *body = NULL;
	size_t len = 0;
	char p[300];
	int fd;

	fill(data, SIZE);
	memset(data + 2 * BS, 0, BS); /* the block the hole will be */
	fill(src, SIZE);
	CHECK_INT(put_full(s, 1, data, SIZE, BS), 0);
	CHECK_INT(commit_puts(s, 2, &one, 1, src, data, &body, &len), 0);
	free(body);
	CHECK(vnfha__ckpt_store_entry(s, "obj")->map_writable); /* no hole: in place */
	CHECK(data_is(s, data, SIZE));
	vnfha__ckpt_store_free(s);
	/* the same object with a hole where block 4 was (its bytes were zero) */
	memset(data + 4 * BS, 0, BS);
	s = open_at("hole2");
	CHECK_INT(put_full(s, 1, data, SIZE, BS), 0);
	vnfha__ckpt_store_free(s);
	snprintf(p, sizeof(p), "%s/hole2/obj/data.1", top); /* a new object's data file */
	fd = open(p, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_INT(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4 * BS, BS), 0);
	CHECK(lseek(fd, 0, SEEK_HOLE) == (off_t)(4 * BS));
	close(fd);
	s = open_at("hole2");
	CHECK(s != NULL && data_is(s, data, SIZE));
	one.off = 4 * BS + 100; /* into the hole */
	CHECK_INT(commit_puts(s, 2, &one, 1, src, data, &body, &len), 0);
	free(body);
	CHECK(!vnfha__ckpt_store_entry(s, "obj")->map_writable);
	CHECK(data_is(s, data, SIZE));
	vnfha__ckpt_store_free(s);
	s = open_at("hole2");
	CHECK(s != NULL && data_is(s, data, SIZE)); /* and after a reload */
	vnfha__ckpt_store_free(s);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	const char *env = getenv("VNFHA_SEED");

	seed = env != NULL ? (unsigned int)strtoul(env, NULL, 10) : (unsigned int)getpid();
	printf("seed %u (VNFHA_SEED=%u replays it)\n", seed, seed);
	/* tmpfs when there is one: the loads fsync, thousands of times. */
	snprintf(top, sizeof(top), "%s/vnfha-test-ptx-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(top) == NULL) {
		return 1;
	}
	test_edges();
	test_replica();
	test_crash_at_every_byte();
	test_compaction();
	test_scan_and_delta();
	test_hole_fallback();
	if (unit_failures == 0) {
		nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	} else {
		fprintf(stderr, "kept %s\n", top);
	}
	return UNIT_DONE();
}
