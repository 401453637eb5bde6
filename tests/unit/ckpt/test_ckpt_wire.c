// SPDX-License-Identifier: GPL-2.0-or-later
/* Framing and fingerprints: canned bytes in, fields out, and every
 * malformed input refused. */
#include <errno.h>
#include <stdint.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_wire.h"
#include "unit.h"

static void test_hdr(void)
{
	struct vnfha__ckpt_hdr h = { .version = 1, .type = VNFHA_CKPT_BLOCK, .length = 300,
				     .flags = 7 };
	struct vnfha__ckpt_hdr d = { 0 };
	uint8_t buf[VNFHA_CKPT_HDR_LEN];
	static const uint8_t canned[VNFHA_CKPT_HDR_LEN] = { 'V', 'N', 'C', 'K', 1, 0, 5, 0,
							    0x2c, 1, 0, 0, 7, 0, 0, 0 };

	CHECK_INT(vnfha__ckpt_hdr_encode(&h, buf, sizeof(buf)), VNFHA_CKPT_HDR_LEN);
	CHECK(memcmp(buf, canned, sizeof(buf)) == 0);
	CHECK_INT(vnfha__ckpt_hdr_encode(&h, buf, sizeof(buf) - 1), -ENOBUFS);
	CHECK_INT(vnfha__ckpt_hdr_decode(canned, sizeof(canned), &d), 0);
	CHECK_INT(d.type, VNFHA_CKPT_BLOCK);
	CHECK_INT(d.length, 300);
	CHECK_INT(d.flags, 7);
	CHECK_INT(vnfha__ckpt_hdr_decode(canned, 15, &d), -ENODATA);
	buf[0] = 'X';
	CHECK_INT(vnfha__ckpt_hdr_decode(buf, sizeof(buf), &d), -EBADMSG);
	memcpy(buf, canned, sizeof(buf));
	buf[4] = 9; /* version 9 is not in the table */
	CHECK_INT(vnfha__ckpt_hdr_decode(buf, sizeof(buf), &d), -EPROTONOSUPPORT);
	memcpy(buf, canned, sizeof(buf));
	buf[11] = 0x7f; /* length far beyond the largest payload */
	CHECK_INT(vnfha__ckpt_hdr_decode(buf, sizeof(buf), &d), -EMSGSIZE);
}

static void test_names(void)
{
	CHECK(vnfha__ckpt_name_is_valid("sessions"));
	CHECK(vnfha__ckpt_name_is_valid("a.b-c_9"));
	CHECK(!vnfha__ckpt_name_is_valid(""));
	CHECK(!vnfha__ckpt_name_is_valid(".hidden"));
	CHECK(!vnfha__ckpt_name_is_valid("a/b"));
	CHECK(!vnfha__ckpt_name_is_valid(".."));
	CHECK(!vnfha__ckpt_name_is_valid("x y"));
	CHECK(vnfha__ckpt_name_is_valid("0123456789012345678901234567890123456789012345678901234567890123"));
	CHECK(!vnfha__ckpt_name_is_valid("01234567890123456789012345678901234567890123456789012345678901234"));
}

static void test_obj(void)
{
	uint64_t fps[3] = { 1, 0x1122334455667788ull, 3 };
	uint8_t wire[24];
	struct vnfha__ckpt_obj o = { .name = "state", .epoch = 2, .gen = 9, .size = 65536 * 2 + 1,
				     .block_size = 65536, .flags = VNFHA_CKPT_F_FULL,
				     .n_fps = 3 };
	struct vnfha__ckpt_obj d;
	uint8_t buf[512];
	int n;

	vnfha__ckpt_fp_to_wire(fps, 3, wire);
	o.fps = wire;
	o.digest = vnfha__ckpt_fp_digest(fps, 3);
	n = vnfha__ckpt_obj_encode(&o, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK_INT(vnfha__ckpt_obj_decode(buf, (size_t)n, &d), 0);
	CHECK(strcmp(d.name, "state") == 0);
	CHECK_INT(d.gen, 9);
	CHECK_INT(d.n_fps, 3);
	CHECK(vnfha__ckpt_fp_at(d.fps, 1) == 0x1122334455667788ull);
	CHECK(d.digest == o.digest);
	/* every truncation is refused */
	for (int k = 0; k < n; k++) {
		CHECK_INT(vnfha__ckpt_obj_decode(buf, (size_t)k, &d), -EBADMSG);
	}
	/* trailing garbage is refused */
	CHECK_INT(vnfha__ckpt_obj_decode(buf, (size_t)n + 1, &d), -EBADMSG);
	/* a fingerprint count that does not match the size */
	o.n_fps = 2;
	n = vnfha__ckpt_obj_encode(&o, buf, sizeof(buf));
	CHECK_INT(vnfha__ckpt_obj_decode(buf, (size_t)n, &d), -EBADMSG);
	/* a bad name on the wire */
	o.n_fps = 0;
	n = vnfha__ckpt_obj_encode(&o, buf, sizeof(buf));
	buf[2] = '/';
	CHECK_INT(vnfha__ckpt_obj_decode(buf, (size_t)n, &d), -EBADMSG);
	CHECK_INT(vnfha__ckpt_obj_encode(&o, buf, 10), -ENOBUFS);
}

static void test_small_msgs(void)
{
	struct vnfha__ckpt_hello h = { .proto_min = 1, .proto_max = 1, .role = 1, .node = "n1" };
	struct vnfha__ckpt_hello hd;
	struct vnfha__ckpt_req r = { .name = "x", .size = 42, .mode = 2, .timeout_ms = 500 };
	struct vnfha__ckpt_req rd;
	struct vnfha__ckpt_result res = { .status = -110, .epoch = 3, .gen = 4,
					  .message = "timed out", .n_peers = 2 };
	struct vnfha__ckpt_result resd;
	struct vnfha__ckpt_block b = { .index = 5, .length = 4096 };
	struct vnfha__ckpt_block bd;
	uint8_t buf[1024];
	char text[16];
	int n;

	n = vnfha__ckpt_hello_encode(&h, buf, sizeof(buf));
	CHECK_INT(vnfha__ckpt_hello_decode(buf, (size_t)n, &hd), 0);
	CHECK(strcmp(hd.node, "n1") == 0 && hd.role == 1);
	buf[4] = 7; /* role 7 */
	CHECK_INT(vnfha__ckpt_hello_decode(buf, (size_t)n, &hd), -EBADMSG);

	n = vnfha__ckpt_req_encode(&r, buf, sizeof(buf));
	CHECK_INT(vnfha__ckpt_req_decode(buf, (size_t)n, &rd), 0);
	CHECK_INT(rd.size, 42);
	CHECK_INT(rd.timeout_ms, 500);
	r.mode = 3;
	n = vnfha__ckpt_req_encode(&r, buf, sizeof(buf));
	CHECK_INT(vnfha__ckpt_req_decode(buf, (size_t)n, &rd), -EBADMSG);

	snprintf(res.peers[0].peer, sizeof(res.peers[0].peer), "198.51.100.2:7410");
	res.peers[0].state = 2;
	snprintf(res.peers[1].peer, sizeof(res.peers[1].peer), "198.51.100.3:7410");
	n = vnfha__ckpt_result_encode(&res, buf, sizeof(buf));
	CHECK_INT(vnfha__ckpt_result_decode(buf, (size_t)n, &resd), 0);
	CHECK_INT(resd.status, -110);
	CHECK_INT(resd.n_peers, 2);
	CHECK_INT(resd.peers[0].state, 2);
	CHECK(strcmp(resd.message, "timed out") == 0);
	CHECK_INT(vnfha__ckpt_result_decode(buf, (size_t)n - 1, &resd), -EBADMSG);

	n = vnfha__ckpt_block_encode(&b, buf, sizeof(buf));
	CHECK_INT(n, VNFHA_CKPT_BLOCK_HDR_LEN);
	CHECK_INT(vnfha__ckpt_block_decode(buf, (size_t)n, 4096 + 12, &bd), 0);
	CHECK_INT(bd.index, 5);
	CHECK_INT(vnfha__ckpt_block_decode(buf, (size_t)n, 4095 + 12, &bd), -EBADMSG);
	CHECK_INT(vnfha__ckpt_block_decode(buf, 11, 4096 + 12, &bd), -EBADMSG);

	CHECK_INT(vnfha__ckpt_text_decode((const uint8_t *)"role primary", 12, text, sizeof(text)), 0);
	CHECK(strcmp(text, "role primary") == 0);
	CHECK_INT(vnfha__ckpt_text_decode((const uint8_t *)"a\0b", 3, text, sizeof(text)), -EBADMSG);
	CHECK_INT(vnfha__ckpt_text_decode((const uint8_t *)"0123456789abcdef", 16, text, sizeof(text)),
		  -EBADMSG);
}

static void test_fp(void)
{
	static uint8_t block[65536];
	uint64_t a[4], b[4];
	uint8_t want[4];
	uint32_t n;

	/* XXH3-64 of the empty input, from the xxHash test vectors. */
	CHECK(vnfha__ckpt_fp_block("", 0) == 0x2D06800538D394C2ull);
	for (int i = 0; i < 4; i++) {
		block[0] = (uint8_t)i;
		a[i] = vnfha__ckpt_fp_block(block, sizeof(block));
		b[i] = a[i];
	}
	CHECK(a[0] != a[1]);
	block[0] = 0;
	block[65535] = 1; /* a change in the last byte changes the fingerprint */
	CHECK(vnfha__ckpt_fp_block(block, sizeof(block)) != a[0]);
	b[2] ^= 1;
	n = vnfha__ckpt_fp_diff(a, 4, b, 4, want);
	CHECK_INT(n, 1);
	CHECK(want[2] == 1 && want[0] == 0);
	n = vnfha__ckpt_fp_diff(NULL, 0, b, 4, want); /* new replica: everything */
	CHECK_INT(n, 4);
	n = vnfha__ckpt_fp_diff(a, 3, b, 4, want); /* resized: everything */
	CHECK_INT(n, 4);
	CHECK(vnfha__ckpt_fp_digest(a, 4) != vnfha__ckpt_fp_digest(b, 4));
	CHECK(vnfha__ckpt_fp_digest(a, 4) == vnfha__ckpt_fp_digest(a, 4));
}

static void test_nblocks(void)
{
	uint32_t n = 0;

	CHECK_INT(vnfha__ckpt_nblocks(0, 65536, &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(vnfha__ckpt_nblocks(1, 65536, &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(vnfha__ckpt_nblocks(1ull << 30, 65536, &n), 0);
	CHECK_INT(n, 16384);
	CHECK_INT(vnfha__ckpt_nblocks(1, 1000, &n), -EINVAL);
	CHECK_INT(vnfha__ckpt_nblocks(1ull << 50, 65536, &n), -EFBIG);
}

int main(void)
{
	test_hdr();
	test_names();
	test_obj();
	test_small_msgs();
	test_fp();
	test_nblocks();
	return UNIT_DONE();
}
