// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the NS/NA decoder: any bytes from the wire must
 * parse or be refused without an out-of-bounds access; what parses must
 * re-encode into a frame that parses back to the same fields (the builder
 * writes only valid messages, with a correct checksum). Each input is also
 * tried with its checksum fixed, so mutations reach the checks behind it.
 */
#include <stdlib.h>
#include <string.h>

#include "announce/ndisc_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct vnfha_ndisc *a, const struct vnfha_ndisc *b)
{
	return memcmp(a->eth_dst, b->eth_dst, VNFHA_ETH_ALEN) == 0 &&
	       memcmp(a->eth_src, b->eth_src, VNFHA_ETH_ALEN) == 0 &&
	       memcmp(&a->ip_src, &b->ip_src, sizeof(a->ip_src)) == 0 &&
	       memcmp(&a->ip_dst, &b->ip_dst, sizeof(a->ip_dst)) == 0 &&
	       a->hop_limit == b->hop_limit && a->type == b->type && a->flags == b->flags &&
	       memcmp(&a->target, &b->target, sizeof(a->target)) == 0 &&
	       a->has_lladdr == b->has_lladdr &&
	       (!a->has_lladdr || memcmp(a->lladdr, b->lladdr, VNFHA_ETH_ALEN) == 0);
}

static void one(const uint8_t *data, size_t size)
{
	static const uint8_t own[VNFHA_ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct vnfha_ndisc nd, again;
	uint8_t out[VNFHA_ND_FRAME_MAX];
	int len;

	if (vnfha__ndisc_parse(data, size, &nd) != 0) {
		return;
	}
	len = vnfha__ndisc_build(&nd, out, sizeof(out));
	if (len < 0 || vnfha__ndisc_parse(out, (size_t)len, &again) != 0 || !same(&nd, &again)) {
		abort();
	}
	(void)vnfha__ndisc_is_conflict(&nd, &nd.target, own);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { ICMP = VNFHA_ETH_HLEN + VNFHA_IPV6_HLEN };
	struct in6_addr src, dst;
	uint8_t *copy = NULL;
	size_t icmp_len;
	uint16_t sum;

	one(data, size);
	if (size < ICMP + 4) {
		return 0;
	}
	icmp_len = ((size_t)data[VNFHA_ETH_HLEN + 4] << 8) | data[VNFHA_ETH_HLEN + 5];
	if (icmp_len < 4 || icmp_len > size - ICMP) {
		return 0;
	}
	copy = malloc(size);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memcpy(&src, copy + VNFHA_ETH_HLEN + 8, sizeof(src));
	memcpy(&dst, copy + VNFHA_ETH_HLEN + 24, sizeof(dst));
	copy[ICMP + 2] = 0;
	copy[ICMP + 3] = 0;
	sum = vnfha__icmp6_checksum(&src, &dst, copy + ICMP, icmp_len);
	copy[ICMP + 2] = (uint8_t)(sum >> 8);
	copy[ICMP + 3] = (uint8_t)sum;
	one(copy, size);
	free(copy);
	return 0;
}
