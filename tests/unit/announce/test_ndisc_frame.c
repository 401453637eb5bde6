// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>

#include "announce/ndisc_frame.h"
#include "unit.h"

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t other_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* Unsolicited NA, 2001:db8::10 is at 02:11:22:33:44:55, O flag (checksum
 * computed independently of the code under test). */
static const uint8_t na_frame[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0x92, 0x74, 0x20, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x01, 0x02, 0x11, 0x22, 0x33,
	0x44, 0x55,
};

/* DAD NS for 2001:db8::10: from :: to ff02::1:ff00:10, no option. */
static const uint8_t dad_ns_frame[] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x10, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x00, 0x00, 0x10, 0x87, 0x00, 0x4c, 0xcf, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

#define ICMP_OFF (VNFHA_ETH_HLEN + VNFHA_IPV6_HLEN)

static struct in6_addr addr6(const char *text)
{
	struct in6_addr a;

	inet_pton(AF_INET6, text, &a);
	return a;
}

/* Rewrites the checksum so a test reaches the check after it. */
static void fix_checksum(uint8_t *frame, size_t icmp_len)
{
	struct in6_addr src, dst;
	uint16_t sum;

	memcpy(&src, frame + VNFHA_ETH_HLEN + 8, 16);
	memcpy(&dst, frame + VNFHA_ETH_HLEN + 24, 16);
	frame[ICMP_OFF + 2] = 0;
	frame[ICMP_OFF + 3] = 0;
	sum = vnfha__icmp6_checksum(&src, &dst, frame + ICMP_OFF, icmp_len);
	frame[ICMP_OFF + 2] = (uint8_t)(sum >> 8);
	frame[ICMP_OFF + 3] = (uint8_t)sum;
}

static void test_build(void)
{
	struct in6_addr t = addr6("2001:db8::10");
	uint8_t buf[128];

	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(vnfha__ndisc_build_unsolicited_na(mac, &t, false, buf, sizeof(buf)), 86);
	CHECK(memcmp(buf, na_frame, sizeof(na_frame)) == 0);
	CHECK_INT(buf[86], 0xee);
	/* With the Router flag: byte 58 and the checksum change, nothing else. */
	uint8_t na_router_frame[sizeof(na_frame)];
	memcpy(na_router_frame, na_frame, sizeof(na_frame));
	na_router_frame[ICMP_OFF + 2] = 0x12;
	na_router_frame[ICMP_OFF + 4] = 0xa0;
	CHECK_INT(vnfha__ndisc_build_unsolicited_na(mac, &t, true, buf, sizeof(buf)), 86);
	CHECK(memcmp(buf, na_router_frame, sizeof(na_router_frame)) == 0);
	struct vnfha_ndisc nd;
	CHECK_INT(vnfha__ndisc_parse(buf, 86, &nd), 0);
	CHECK_INT(nd.flags, VNFHA_NA_FLAG_OVERRIDE | VNFHA_NA_FLAG_ROUTER);
	CHECK_INT(vnfha__ndisc_build_dad_ns(mac, &t, buf, sizeof(buf)), 78);
	CHECK(memcmp(buf, dad_ns_frame, sizeof(dad_ns_frame)) == 0);

	CHECK_INT(vnfha__ndisc_build_unsolicited_na(mac, &t, false, buf, 86), 86);
	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(vnfha__ndisc_build_unsolicited_na(mac, &t, false, buf, 85), -ENOBUFS);
	CHECK_INT(buf[0], 0xee);
	CHECK_INT(vnfha__ndisc_build_dad_ns(mac, &t, buf, 77), -ENOBUFS);
	CHECK_INT(VNFHA_ND_FRAME_MAX, 86);

	struct vnfha_ndisc bad = { .type = 134 };
	CHECK_INT(vnfha__ndisc_build(&bad, buf, sizeof(buf)), -EINVAL);
}

static void test_helpers(void)
{
	struct in6_addr a = addr6("2001:db8::abcd:1234:5678"), g, want = addr6("ff02::1:ff34:5678");
	uint8_t m[6];

	vnfha__ipv6_solicited_node(&a, &g);
	CHECK(memcmp(&g, &want, sizeof(g)) == 0);
	vnfha__ipv6_mcast_mac(&g, m);
	CHECK(memcmp(m, "\x33\x33\xff\x34\x56\x78", 6) == 0);
	/* A valid message with its checksum sums to zero. */
	struct in6_addr src = addr6("2001:db8::10"), dst = addr6("ff02::1");
	CHECK_INT(vnfha__icmp6_checksum(&src, &dst, na_frame + ICMP_OFF, 32), 0);
	/* Odd length: the last byte is padded with zero (RFC 1071). */
	const uint8_t odd[3] = { 0x01, 0x02, 0x03 };
	struct in6_addr zero = { 0 };
	/* 0x0102 + 0x0300 + 3 (length) + 58 (next header) = 0x043f */
	CHECK_INT(vnfha__icmp6_checksum(&zero, &zero, odd, 3), 0xffff - 0x043f);
}

static void test_parse(void)
{
	struct in6_addr t = addr6("2001:db8::10");
	struct vnfha_ndisc nd;
	uint8_t f[160];

	CHECK_INT(vnfha__ndisc_parse(na_frame, sizeof(na_frame), &nd), 0);
	CHECK_INT(nd.type, VNFHA_ND_NA);
	CHECK_INT(nd.flags, VNFHA_NA_FLAG_OVERRIDE);
	CHECK_INT(nd.hop_limit, 255);
	CHECK(memcmp(&nd.target, &t, 16) == 0);
	CHECK(nd.has_lladdr);
	CHECK(memcmp(nd.lladdr, mac, 6) == 0);
	CHECK_INT(vnfha__ndisc_parse(dad_ns_frame, sizeof(dad_ns_frame), &nd), 0);
	CHECK_INT(nd.type, VNFHA_ND_NS);
	CHECK(!nd.has_lladdr);

	/* Trailing bytes after the IPv6 payload are ignored. */
	memset(f, 0, sizeof(f));
	memcpy(f, na_frame, sizeof(na_frame));
	CHECK_INT(vnfha__ndisc_parse(f, sizeof(na_frame) + 10, &nd), 0);

	/* Every truncation is refused and ret_nd left alone. */
	for (size_t len = 0; len < sizeof(na_frame); len++) {
		memset(&nd, 0x5a, sizeof(nd));
		CHECK_INT(vnfha__ndisc_parse(na_frame, len, &nd), -EBADMSG);
		CHECK_INT(nd.type, 0x5a);
	}
	CHECK_INT(vnfha__ndisc_parse(NULL, 86, &nd), -EBADMSG);

	/* Fields RFC 4861 §7.1 validation refuses (checksum fixed up so the
	 * field itself is what fails). */
	static const struct {
		size_t off;
		uint8_t value;
		bool fix;
	} corrupt[] = {
		{ 12, 0x08, false },	     /* EtherType */
		{ 14, 0x40, false },	     /* IP version 4 */
		{ 20, 17, false },	     /* next header UDP */
		{ 21, 64, true },	     /* hop limit 64: off-link sender */
		{ 19, 0x40, false },	     /* payload length past the frame */
		{ 19, 0x10, false },	     /* payload length shorter than an NA */
		{ ICMP_OFF, 137, true },     /* type Redirect */
		{ ICMP_OFF + 1, 1, true },   /* code 1 */
		{ ICMP_OFF + 3, 0x75, false }, /* checksum */
		{ ICMP_OFF + 4, 0x60, true },  /* Solicited to a multicast destination */
		{ ICMP_OFF + 8, 0xff, true },  /* multicast target */
		{ ICMP_OFF + 25, 0, true },    /* option length 0 */
		{ ICMP_OFF + 25, 2, true },    /* option past the message */
	};
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		memcpy(f, na_frame, sizeof(na_frame));
		f[corrupt[i].off] = corrupt[i].value;
		if (corrupt[i].fix) {
			fix_checksum(f, 32);
		}
		if (vnfha__ndisc_parse(f, sizeof(na_frame), &nd) != -EBADMSG) {
			fprintf(stderr, "corrupt case %zu accepted\n", i);
			unit_failures++;
		}
	}

	/* A TLLA option of two units (16 bytes) is not an Ethernet address. */
	memcpy(f, na_frame, sizeof(na_frame));
	memset(f + sizeof(na_frame), 0, 8);
	f[19] = 40;
	f[ICMP_OFF + 25] = 2;
	fix_checksum(f, 40);
	CHECK_INT(vnfha__ndisc_parse(f, sizeof(na_frame) + 8, &nd), -EBADMSG);
	/* An unknown option is skipped, the TLLA after it still found. */
	memcpy(f, na_frame, ICMP_OFF + 24);
	f[19] = 40;
	memcpy(f + ICMP_OFF + 24, "\x0e\x01\x00\x00\x00\x00\x00\x00", 8); /* type 14 */
	memcpy(f + ICMP_OFF + 32, na_frame + ICMP_OFF + 24, 8);
	fix_checksum(f, 40);
	CHECK_INT(vnfha__ndisc_parse(f, ICMP_OFF + 40, &nd), 0);
	CHECK(nd.has_lladdr && memcmp(nd.lladdr, mac, 6) == 0);
	/* A trailing odd byte inside the payload is an option without length. */
	memcpy(f, na_frame, sizeof(na_frame));
	f[19] = 33;
	f[sizeof(na_frame)] = 1;
	fix_checksum(f, 33);
	CHECK_INT(vnfha__ndisc_parse(f, sizeof(na_frame) + 1, &nd), -EBADMSG);

	/* DAD NS with an SLLA, or from :: to a unicast address: invalid. */
	memcpy(f, dad_ns_frame, sizeof(dad_ns_frame));
	f[19] = 32;
	memcpy(f + sizeof(dad_ns_frame), "\x01\x01\x02\x11\x22\x33\x44\x55", 8);
	fix_checksum(f, 32);
	CHECK_INT(vnfha__ndisc_parse(f, sizeof(dad_ns_frame) + 8, &nd), -EBADMSG);
	memcpy(f, dad_ns_frame, sizeof(dad_ns_frame));
	memcpy(f + VNFHA_ETH_HLEN + 24, &t, 16);
	fix_checksum(f, 24);
	CHECK_INT(vnfha__ndisc_parse(f, sizeof(dad_ns_frame), &nd), -EBADMSG);

	/* Garbage of every length, with and without a plausible header. */
	uint8_t garbage[256];
	for (size_t i = 0; i < sizeof(garbage); i++) {
		garbage[i] = (uint8_t)(i * 73 + 5);
	}
	for (size_t len = 0; len <= sizeof(garbage); len++) {
		CHECK_INT(vnfha__ndisc_parse(garbage, len, &nd), -EBADMSG);
	}
	memcpy(garbage, na_frame, ICMP_OFF);
	garbage[19] = 0xff; /* payload length 255 */
	for (size_t len = 0; len <= sizeof(garbage); len++) {
		CHECK_INT(vnfha__ndisc_parse(garbage, len, &nd), -EBADMSG);
	}
}

static void test_conflict(void)
{
	struct in6_addr t = addr6("2001:db8::10"), other = addr6("2001:db8::11");
	struct vnfha_ndisc nd;

	vnfha__ndisc_parse(na_frame, sizeof(na_frame), &nd);
	CHECK(!vnfha__ndisc_is_conflict(&nd, &t, mac));	/* our own NA */
	CHECK(vnfha__ndisc_is_conflict(&nd, &t, other_mac)); /* another holder's */
	CHECK(!vnfha__ndisc_is_conflict(&nd, &other, other_mac));
	vnfha__ndisc_parse(dad_ns_frame, sizeof(dad_ns_frame), &nd);
	CHECK(!vnfha__ndisc_is_conflict(&nd, &t, mac));	/* our own DAD */
	CHECK(vnfha__ndisc_is_conflict(&nd, &t, other_mac)); /* simultaneous DAD */
	/* An ordinary NS (resolution, from a unicast address) is no claim. */
	nd.ip_src = other;
	CHECK(!vnfha__ndisc_is_conflict(&nd, &t, other_mac));
}

int main(void)
{
	test_build();
	test_helpers();
	test_parse();
	test_conflict();
	return UNIT_DONE();
}
