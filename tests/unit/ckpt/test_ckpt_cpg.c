// SPDX-License-Identifier: GPL-2.0-or-later
/* CPG checkpoint messages: round trips, canned header bytes, and every
 * partial, oversized or corrupt message refused. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "ckpt/ckpt_cpg.h"
#include "unit.h"

static const uint8_t payload[] = "counter=41";

static struct vnfha__ckpt_cpg_msg version_msg(void)
{
	struct vnfha__ckpt_cpg_msg m = { .type = VNFHA_CKPT_CPG_VERSION_MSG, .epoch = 3,
					 .gen = 0x102, .payload = payload,
					 .length = sizeof(payload) };

	memcpy(m.name, "sessions", 9);
	memcpy(m.node, "node1", 6);
	return m;
}

static void test_version_round_trip(void)
{
	struct vnfha__ckpt_cpg_msg m = version_msg();
	struct vnfha__ckpt_cpg_msg d;
	uint8_t buf[VNFHA_CKPT_CPG_HDR_LEN + sizeof(payload)];
	static const uint8_t canned[16] = { 'V', 'N', 'C', 'C', 1, 0, 1, 0,
					    3, 0, 0, 0, 0, 0, 0, 0 };

	CHECK_INT(vnfha__ckpt_cpg_encode(&m, buf, sizeof(buf)), (int)sizeof(buf));
	CHECK(memcmp(buf, canned, sizeof(canned)) == 0);
	CHECK_INT(buf[16], 2);
	CHECK_INT(buf[17], 1);
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, buf, sizeof(buf) - 1), -ENOBUFS);
	CHECK_INT(vnfha__ckpt_cpg_decode(buf, sizeof(buf), &d), 0);
	CHECK_INT(d.type, VNFHA_CKPT_CPG_VERSION_MSG);
	CHECK(d.epoch == 3 && d.gen == 0x102);
	CHECK(strcmp(d.name, "sessions") == 0 && strcmp(d.node, "node1") == 0);
	CHECK_INT((int)d.length, (int)sizeof(payload));
	CHECK(memcmp(d.payload, payload, sizeof(payload)) == 0);
	CHECK_INT((int)d.flags, 0);
	m.flags = VNFHA_CKPT_CPG_F_DURABLE;
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, buf, sizeof(buf)), (int)sizeof(buf));
	CHECK_INT(buf[168], 1);
	CHECK_INT(vnfha__ckpt_cpg_decode(buf, sizeof(buf), &d), 0);
	CHECK_INT((int)d.flags, (int)VNFHA_CKPT_CPG_F_DURABLE);
	m.flags = 2; /* unknown flag */
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, buf, sizeof(buf)), -EINVAL);
	{
		/* the payload read in place after the header: the same bytes */
		uint8_t in_place[sizeof(buf)];

		m.flags = VNFHA_CKPT_CPG_F_DURABLE;
		CHECK_INT(vnfha__ckpt_cpg_encode(&m, buf, sizeof(buf)), (int)sizeof(buf));
		memset(in_place, 0xa5, VNFHA_CKPT_CPG_HDR_LEN);
		memcpy(in_place + VNFHA_CKPT_CPG_HDR_LEN, payload, sizeof(payload));
		m.payload = in_place + VNFHA_CKPT_CPG_HDR_LEN;
		CHECK_INT(vnfha__ckpt_cpg_encode(&m, in_place, sizeof(in_place)),
			  (int)sizeof(in_place));
		CHECK(memcmp(in_place, buf, sizeof(buf)) == 0);
	}
}

static void test_refused(void)
{
	struct vnfha__ckpt_cpg_msg m = version_msg();
	struct vnfha__ckpt_cpg_msg d;
	uint8_t buf[VNFHA_CKPT_CPG_HDR_LEN + sizeof(payload)];
	uint8_t bad[sizeof(buf)];

	CHECK_INT(vnfha__ckpt_cpg_encode(&m, buf, sizeof(buf)), (int)sizeof(buf));
	/* partial: header only, header cut, payload cut */
	CHECK_INT(vnfha__ckpt_cpg_decode(buf, 10, &d), -ENODATA);
	CHECK_INT(vnfha__ckpt_cpg_decode(buf, VNFHA_CKPT_CPG_HDR_LEN, &d), -EBADMSG);
	CHECK_INT(vnfha__ckpt_cpg_decode(buf, sizeof(buf) - 1, &d), -EBADMSG);
	/* one payload bit flipped: the hash does not match */
	memcpy(bad, buf, sizeof(buf));
	bad[sizeof(bad) - 2] ^= 1;
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, buf, sizeof(buf));
	bad[0] = 'X';
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, buf, sizeof(buf));
	bad[4] = 9;
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EPROTONOSUPPORT);
	memcpy(bad, buf, sizeof(buf));
	bad[6] = 7; /* unknown type */
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, buf, sizeof(buf));
	bad[24 + 3] = 1; /* length 16 MiB + 11: over the limit */
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EMSGSIZE);
	memcpy(bad, buf, sizeof(buf));
	bad[40] = '/'; /* not a valid object name */
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, buf, sizeof(buf));
	bad[40 + 63] = 'x'; /* garbage after the name's NUL */
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, buf, sizeof(buf));
	bad[40] = '\0'; /* empty name */
	memset(bad + 40, 0, 64);
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, buf, sizeof(buf));
	bad[168 + 3] = 0x80; /* unknown flag */
	CHECK_INT(vnfha__ckpt_cpg_decode(bad, sizeof(bad), &d), -EBADMSG);
}

static void test_encode_limits(void)
{
	struct vnfha__ckpt_cpg_msg m = version_msg();
	uint8_t *big = calloc(1, vnfha__ckpt_cpg_size(VNFHA_CKPT_CPG_MAX_OBJECT + 1));
	uint8_t *data = calloc(1, VNFHA_CKPT_CPG_MAX_OBJECT + 1);
	uint8_t small[VNFHA_CKPT_CPG_HDR_LEN];
	struct vnfha__ckpt_cpg_msg d;

	CHECK(big != NULL && data != NULL);
	m.payload = data;
	m.length = VNFHA_CKPT_CPG_MAX_OBJECT;
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, big, vnfha__ckpt_cpg_size(m.length)),
		  (int)vnfha__ckpt_cpg_size(m.length));
	CHECK_INT(vnfha__ckpt_cpg_decode(big, vnfha__ckpt_cpg_size(m.length), &d), 0);
	m.length = VNFHA_CKPT_CPG_MAX_OBJECT + 1;
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, big, vnfha__ckpt_cpg_size(m.length)), -EINVAL);
	free(big);
	free(data);
	m = version_msg();
	m.type = VNFHA_CKPT_CPG_ACK; /* an ACK carries no payload */
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, small, sizeof(small)), -EINVAL);
	m.length = 0;
	m.payload = NULL;
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, small, sizeof(small)), VNFHA_CKPT_CPG_HDR_LEN);
	CHECK_INT(vnfha__ckpt_cpg_decode(small, sizeof(small), &d), 0);
	CHECK_INT(d.type, VNFHA_CKPT_CPG_ACK);
	CHECK(strcmp(d.node, "node1") == 0 && d.gen == 0x102);
	small[32] = 1; /* an ACK's hash field is 0 */
	CHECK_INT(vnfha__ckpt_cpg_decode(small, sizeof(small), &d), -EBADMSG);
	memcpy(m.name, "../x", 5);
	CHECK_INT(vnfha__ckpt_cpg_encode(&m, small, sizeof(small)), -EINVAL);
}

int main(void)
{
	test_version_round_trip();
	test_refused();
	test_encode_limits();
	return UNIT_DONE();
}
