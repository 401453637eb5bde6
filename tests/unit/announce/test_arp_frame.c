// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>

#include "announce/arp_frame.h"
#include "unit.h"

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t other_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* 198.51.100.10 is at 02:11:22:33:44:55: RFC 5227 §3 announcement. */
static const uint8_t garp_request[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, /* Ethernet */
	0x08, 0x06,							/* ARP */
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,			/* hrd pro hln pln op */
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc6, 0x33, 0x64, 0x0a,	/* sha spa */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x33, 0x64, 0x0a,	/* tha tpa */
};

/* The reply form: op 2, tha = sha (RFC 5944 §4.6). */
static const uint8_t garp_reply[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc6, 0x33, 0x64, 0x0a,
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc6, 0x33, 0x64, 0x0a,
};

/* RFC 5227 §2.1.1 probe: sender IP 0.0.0.0. */
static const uint8_t arp_probe[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x33, 0x64, 0x0a,
};

static struct in_addr vip(void)
{
	struct in_addr a;

	inet_pton(AF_INET, "198.51.100.10", &a);
	return a;
}

static void test_build(void)
{
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(vnfha__arp_build_announce(mac, vip(), false, buf, sizeof(buf)), 42);
	CHECK(memcmp(buf, garp_request, sizeof(garp_request)) == 0);
	CHECK_INT(buf[42], 0xee); /* nothing written past the frame */
	CHECK_INT(vnfha__arp_build_announce(mac, vip(), true, buf, sizeof(buf)), 42);
	CHECK(memcmp(buf, garp_reply, sizeof(garp_reply)) == 0);
	CHECK_INT(vnfha__arp_build_probe(mac, vip(), buf, sizeof(buf)), 42);
	CHECK(memcmp(buf, arp_probe, sizeof(arp_probe)) == 0);

	/* Exactly big enough, one byte short. */
	CHECK_INT(vnfha__arp_build_announce(mac, vip(), false, buf, 42), 42);
	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(vnfha__arp_build_announce(mac, vip(), false, buf, 41), -ENOBUFS);
	CHECK_INT(buf[0], 0xee);
	CHECK_INT(vnfha__arp_build_probe(mac, vip(), buf, 0), -ENOBUFS);

	struct vnfha_arp bad = { .op = 3 };
	CHECK_INT(vnfha__arp_build(&bad, buf, sizeof(buf)), -EINVAL);
}

static void test_parse(void)
{
	struct vnfha_arp arp;
	uint8_t padded[60] = { 0 };
	uint8_t bad[sizeof(garp_request)];

	CHECK_INT(vnfha__arp_parse(garp_request, sizeof(garp_request), &arp), 0);
	CHECK_INT(arp.op, VNFHA_ARP_OP_REQUEST);
	CHECK(memcmp(arp.sha, mac, 6) == 0);
	CHECK(arp.spa.s_addr == vip().s_addr);
	CHECK(arp.tpa.s_addr == vip().s_addr);
	CHECK_INT(arp.eth_dst[0], 0xff);

	CHECK_INT(vnfha__arp_parse(garp_reply, sizeof(garp_reply), &arp), 0);
	CHECK_INT(arp.op, VNFHA_ARP_OP_REPLY);
	CHECK(memcmp(arp.tha, mac, 6) == 0);

	/* Ethernet minimum-size padding is accepted. */
	memcpy(padded, arp_probe, sizeof(arp_probe));
	CHECK_INT(vnfha__arp_parse(padded, sizeof(padded), &arp), 0);
	CHECK_INT(arp.spa.s_addr, 0);

	/* Every truncation is refused, and ret_arp is left alone. */
	for (size_t len = 0; len < sizeof(garp_request); len++) {
		memset(&arp, 0x5a, sizeof(arp));
		CHECK_INT(vnfha__arp_parse(garp_request, len, &arp), -EBADMSG);
		CHECK_INT(arp.op, 0x5a5a);
	}
	CHECK_INT(vnfha__arp_parse(NULL, 42, &arp), -EBADMSG);

	/* Each field no Ethernet/IPv4 ARP has. */
	static const struct {
		size_t off;
		uint8_t value;
	} corrupt[] = {
		{ 12, 0x86 }, /* EtherType IPv6 */
		{ 15, 0x06 }, /* hrd 6 (IEEE 802) */
		{ 16, 0x86 }, /* pro */
		{ 18, 0x08 }, /* hln 8 */
		{ 19, 0x10 }, /* pln 16 */
		{ 21, 0x00 }, /* op 0 */
		{ 21, 0x03 }, /* op 3 (RARP) */
		{ 20, 0x01 }, /* op 257 */
	};
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		memcpy(bad, garp_request, sizeof(bad));
		bad[corrupt[i].off] = corrupt[i].value;
		CHECK_INT(vnfha__arp_parse(bad, sizeof(bad), &arp), -EBADMSG);
	}

	/* Garbage of every length never reads out of bounds (ASan). */
	uint8_t garbage[128];
	for (size_t i = 0; i < sizeof(garbage); i++) {
		garbage[i] = (uint8_t)(i * 37 + 11);
	}
	for (size_t len = 0; len <= sizeof(garbage); len++) {
		CHECK_INT(vnfha__arp_parse(garbage, len, &arp), -EBADMSG);
	}
}

static void test_conflict(void)
{
	struct vnfha_arp arp;
	struct in_addr other_ip;

	inet_pton(AF_INET, "198.51.100.11", &other_ip);

	/* Our own announcement is no conflict. */
	vnfha__arp_parse(garp_request, sizeof(garp_request), &arp);
	CHECK(!vnfha__arp_is_conflict(&arp, vip(), mac));
	/* Another MAC claiming the address (reply to our probe, or its GARP). */
	memcpy(arp.sha, other_mac, 6);
	CHECK(vnfha__arp_is_conflict(&arp, vip(), mac));
	arp.op = VNFHA_ARP_OP_REPLY;
	CHECK(vnfha__arp_is_conflict(&arp, vip(), mac));
	/* Another host asking for the address is no claim... */
	arp.op = VNFHA_ARP_OP_REQUEST;
	arp.spa = other_ip;
	CHECK(!vnfha__arp_is_conflict(&arp, vip(), mac));
	/* ...but another host probing for it at the same time is. */
	arp.spa.s_addr = 0;
	CHECK(vnfha__arp_is_conflict(&arp, vip(), mac));
	/* Another address altogether. */
	arp.tpa = other_ip;
	CHECK(!vnfha__arp_is_conflict(&arp, vip(), mac));
	/* Our own probe. */
	vnfha__arp_parse(arp_probe, sizeof(arp_probe), &arp);
	CHECK(!vnfha__arp_is_conflict(&arp, vip(), mac));
}

int main(void)
{
	test_build();
	test_parse();
	test_conflict();
	return UNIT_DONE();
}
