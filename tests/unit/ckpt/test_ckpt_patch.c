// SPDX-License-Identifier: GPL-2.0-or-later
/* Range commit codecs: PATCH, COMMITV, DONE and journal records round-trip,
 * and every malformed input is refused. */
#include <errno.h>
#include <stdint.h>

#include "ckpt/ckpt_patch.h"
#include "unit.h"

#define BS 65536u

/* A PATCH payload: head + bytes (fill) into buf; returns its length. */
static int make_patch(const struct vnfha__ckpt_patch *p, const struct vnfha_ckpt_range *r,
		      const struct vnfha__ckpt_pblock *b, uint8_t *buf, size_t cap, uint8_t fill)
{
	int n = vnfha__ckpt_patch_head_encode(p, r, b, buf, cap);
	uint64_t total = 0;

	if (n < 0) {
		return n;
	}
	for (uint32_t i = 0; i < p->n_ranges; i++) {
		total += r[i].length;
	}
	if ((size_t)n + total > cap) {
		return -ENOBUFS;
	}
	memset(buf + n, fill, total);
	return n + (int)total;
}

static void test_touched(void)
{
	/* A range at a block's last byte and the next's first, one inside
	 * block 3, one that spans 5..7: blocks 0, 1, 3, 5, 6, 7. */
	struct vnfha_ckpt_range r[] = {
		{ .offset = BS - 1, .length = 2 },
		{ .offset = 3 * BS + 10, .length = 300 },
		{ .offset = 3 * BS + 400, .length = 1 }, /* block 3 again: counted once */
		{ .offset = 5 * BS + 5, .length = 2 * BS },
	};
	uint32_t out[8];
	static const uint32_t want[] = { 0, 1, 3, 5, 6, 7 };

	CHECK_INT(vnfha__ckpt_patch_touched(r, 4, BS, out, 8), 6);
	CHECK(memcmp(out, want, sizeof(want)) == 0);
	CHECK_INT(vnfha__ckpt_patch_touched(r, 4, BS, NULL, 0), 6);
	CHECK_INT(vnfha__ckpt_patch_touched(r, 0, BS, NULL, 0), 0);
}

static void test_patch(void)
{
	static uint8_t buf[4096];
	struct vnfha_ckpt_range r[] = { { .offset = BS - 100, .length = 300 },
					{ .offset = 5 * BS, .length = 1 } };
	struct vnfha__ckpt_pblock b[] = { { 0, 0x1111 }, { 1, 0x2222 }, { 5, 0x5555 } };
	struct vnfha__ckpt_patch p = { .name = "sessions", .epoch = 3, .gen = 10, .base_epoch = 3,
				       .base_gen = 9, .size = 8 * BS, .block_size = BS,
				       .flags = VNFHA_CKPT_F_DURABLE, .n_ranges = 2, .n_blocks = 3 };
	struct vnfha__ckpt_patch d;
	struct vnfha__ckpt_pblock got;
	uint64_t off;
	uint32_t len;
	int n = make_patch(&p, r, b, buf, sizeof(buf), 0xab);

	CHECK_INT(n, (int)vnfha__ckpt_patch_head_len(8, 2, 3) + 301);
	CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)n, &d), 0);
	CHECK(strcmp(d.name, "sessions") == 0);
	CHECK_INT(d.gen, 10);
	CHECK_INT(d.base_gen, 9);
	CHECK_INT(d.flags, VNFHA_CKPT_F_DURABLE);
	CHECK_INT(d.data_len, 301);
	CHECK(d.data == buf + n - 301 && d.data[300] == 0xab);
	vnfha__ckpt_range_at(d.ranges, 1, &off, &len);
	CHECK(off == 5 * BS && len == 1);
	got = vnfha__ckpt_pblock_at(d.blocks, 2);
	CHECK(got.index == 5 && got.fp == 0x5555);
	/* Cut short, one byte more, and each refused shape. */
	CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)n - 1, &d), -EBADMSG);
	CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)n + 1, &d), -EBADMSG);
	CHECK_INT(vnfha__ckpt_patch_head_encode(&p, r, b, buf, 20), -ENOBUFS);
	{
		struct vnfha__ckpt_patch q = p;
		struct vnfha__ckpt_pblock missing[] = { { 0, 1 }, { 5, 5 } };
		struct vnfha__ckpt_pblock extra[] = { { 0, 1 }, { 1, 1 }, { 2, 1 }, { 5, 1 } };
		struct vnfha__ckpt_pblock unsorted[] = { { 1, 1 }, { 0, 1 }, { 5, 1 } };

		q.n_blocks = 2;
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, missing, buf,
									sizeof(buf), 0), &d),
			  -EBADMSG);
		q.n_blocks = 4;
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, extra, buf,
									sizeof(buf), 0), &d),
			  -EBADMSG);
		q.n_blocks = 3;
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, unsorted, buf,
									sizeof(buf), 0), &d),
			  -EBADMSG);
	}
	{
		/* Ranges: out of order, overlapping, adjacent (not merged), past the end. */
		struct vnfha_ckpt_range bad[][2] = {
			{ { 5 * BS, 1 }, { BS - 100, 300 } },
			{ { BS - 100, 300 }, { BS + 100, 1 } },
			{ { BS - 100, 300 }, { BS + 200, 1 } },
			{ { BS - 100, 300 }, { 8 * BS, 1 } },
		};
		struct vnfha__ckpt_pblock bl[][3] = {
			{ { 5, 1 }, { 0, 1 }, { 1, 1 } },
			{ { 0, 1 }, { 1, 1 }, { 1, 1 } },
			{ { 0, 1 }, { 1, 1 }, { 1, 1 } },
			{ { 0, 1 }, { 1, 1 }, { 8, 1 } },
		};

		for (int i = 0; i < 4; i++) {
			int m = make_patch(&p, bad[i], bl[i], buf, sizeof(buf), 0);

			CHECK(m > 0);
			CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)m, &d), -EBADMSG);
		}
	}
	{
		struct vnfha__ckpt_patch q = p;

		q.gen = 9; /* not after its base */
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, b, buf, sizeof(buf),
									0), &d),
			  -EBADMSG);
		q = p;
		q.flags = 0x80; /* unknown flag */
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, b, buf, sizeof(buf),
									0), &d),
			  -EBADMSG);
		q = p;
		q.block_size = 1000; /* not a power of two */
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, b, buf, sizeof(buf),
									0), &d),
			  -EBADMSG);
		q = p;
		q.n_ranges = 0; /* an empty patch is no version */
		q.n_blocks = 0;
		CHECK_INT(vnfha__ckpt_patch_decode(buf, (size_t)make_patch(&q, r, b, buf, sizeof(buf),
									0), &d),
			  -EBADMSG);
		q = p;
		snprintf(q.name, sizeof(q.name), "../x");
		CHECK_INT(vnfha__ckpt_patch_head_encode(&q, r, b, buf, sizeof(buf)), -EINVAL);
	}
}

static void test_commitv(void)
{
	static uint8_t buf[2048];
	/* Overlapping, repeated and unsorted ranges are the client's right. */
	struct vnfha_ckpt_range r[] = { { 100, 10 }, { 50, 60 }, { 100, 10 } };
	struct vnfha__ckpt_commitv cv = { .name = "s", .ticket = 77, .mode = 1, .timeout_ms = 250,
					  .n_ranges = 3 };
	struct vnfha__ckpt_commitv d;
	int n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
	uint64_t off;
	uint32_t len;

	CHECK_INT(n, (int)vnfha__ckpt_commitv_head_len(3) - 63);
	memset(buf + n, 7, 80);
	CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n + 80, &d), 0);
	CHECK_INT(d.ticket, 77);
	CHECK_INT(d.mode, 1);
	CHECK_INT(d.timeout_ms, 250);
	CHECK_INT(d.data_len, 80);
	vnfha__ckpt_range_at(d.ranges, 1, &off, &len);
	CHECK(off == 50 && len == 60);
	CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n + 79, &d), -EBADMSG);
	CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n + 81, &d), -EBADMSG);
	/* A flush: no ranges, no bytes. */
	cv.n_ranges = 0;
	n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
	CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), 0);
	CHECK_INT(d.n_ranges, 0);
	/* Refused: zero-length or wrapping range, scan with ranges, bad mode or flag. */
	{
		struct vnfha_ckpt_range zero[] = { { 1, 0 } };
		struct vnfha_ckpt_range wrap[] = { { UINT64_MAX - 1, 5 } };

		cv.n_ranges = 1;
		CHECK_INT(vnfha__ckpt_commitv_head_encode(&cv, zero, buf, sizeof(buf)), -EINVAL);
		CHECK_INT(vnfha__ckpt_commitv_head_encode(&cv, wrap, buf, sizeof(buf)), -EINVAL);
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		buf[n - 4] = 0; /* the length u32 of the one range: 0 */
		buf[n - 3] = 0;
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), -EBADMSG);
		cv.flags = VNFHA_CKPT_CV_SCAN;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		memset(buf + n, 0, 10);
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n + 10, &d), -EBADMSG);
		cv.n_ranges = 0;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), 0);
		cv.flags = 0x20; /* an unknown flag */
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), -EBADMSG);
		/* How a tracked submit found its pages: one way, never with SCAN. */
		cv.flags = VNFHA_CKPT_CV_FAULT;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), 0);
		CHECK_INT(d.flags, VNFHA_CKPT_CV_FAULT);
		cv.flags = VNFHA_CKPT_CV_FAULT | VNFHA_CKPT_CV_UFFD;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), -EBADMSG);
		cv.flags = VNFHA_CKPT_CV_UFFD;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), 0);
		CHECK_INT(d.flags, VNFHA_CKPT_CV_UFFD);
		cv.flags = VNFHA_CKPT_CV_HASHED | VNFHA_CKPT_CV_MORE;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), 0);
		cv.flags = VNFHA_CKPT_CV_UFFD | VNFHA_CKPT_CV_HASHED;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), -EBADMSG);
		cv.flags = VNFHA_CKPT_CV_SCAN | VNFHA_CKPT_CV_UFFD;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), -EBADMSG);
		cv.flags = 0;
		cv.mode = 3;
		n = vnfha__ckpt_commitv_head_encode(&cv, r, buf, sizeof(buf));
		CHECK_INT(vnfha__ckpt_commitv_decode(buf, (size_t)n, &d), -EBADMSG);
	}
}

static void test_done(void)
{
	struct vnfha__ckpt_result r = { .status = -ETIMEDOUT, .epoch = 2, .gen = 5, .n_peers = 1 };
	struct vnfha__ckpt_result d;
	uint8_t buf[1024];
	uint64_t first = 0;
	uint64_t last = 0;
	int n;

	snprintf(r.message, sizeof(r.message), "no replica");
	snprintf(r.peers[0].peer, sizeof(r.peers[0].peer), "198.51.100.2:7410");
	n = vnfha__ckpt_done_encode(4, 9, &r, buf, sizeof(buf));
	CHECK(n > 16);
	CHECK_INT(vnfha__ckpt_done_decode(buf, (size_t)n, &first, &last, &d), 0);
	CHECK(first == 4 && last == 9 && d.status == -ETIMEDOUT && d.gen == 5);
	CHECK(strcmp(d.peers[0].peer, "198.51.100.2:7410") == 0);
	CHECK_INT(vnfha__ckpt_done_decode(buf, 15, &first, &last, &d), -EBADMSG);
	CHECK_INT(vnfha__ckpt_done_encode(9, 4, &r, buf, sizeof(buf)), -EINVAL);
	buf[0] = 10; /* first 10 > last 9 */
	CHECK_INT(vnfha__ckpt_done_decode(buf, (size_t)n, &first, &last, &d), -EBADMSG);
}

static void test_record(void)
{
	uint8_t file[256];
	uint8_t head[8];
	uint8_t tail[8];
	const uint8_t *body = NULL;
	size_t body_len = 0;
	size_t rec_len = 0;
	char a[] = "patch-head";
	char b[] = "bytes";
	struct iovec iov[] = { { a, 10 }, { b, 5 } };

	CHECK_INT(vnfha__ckpt_record_frame(iov, 2, head, tail), 0);
	memcpy(file, head, 8);
	memcpy(file + 8, a, 10);
	memcpy(file + 18, b, 5);
	memcpy(file + 23, tail, 8);
	CHECK_INT(vnfha__ckpt_record_decode(file, 31, &body, &body_len, &rec_len), 0);
	CHECK(body == file + 8 && body_len == 15 && rec_len == 31);
	/* A torn append at every length is "the end", never a record. */
	for (size_t cut = 0; cut < 31; cut++) {
		int rc = vnfha__ckpt_record_decode(file, cut, &body, &body_len, &rec_len);

		CHECK_INT(rc, -ENODATA);
	}
	file[12] ^= 1; /* a flipped bit in the body */
	CHECK_INT(vnfha__ckpt_record_decode(file, 31, &body, &body_len, &rec_len), -EBADMSG);
	file[12] ^= 1;
	file[0] = 'X';
	CHECK_INT(vnfha__ckpt_record_decode(file, 31, &body, &body_len, &rec_len), -EBADMSG);
}

int main(void)
{
	test_touched();
	test_patch();
	test_commitv();
	test_done();
	test_record();
	return UNIT_DONE();
}
