// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "announce/ndisc_frame.h"
#include "announce/wire_internal.h"

/* ff02::1, the link-local all-nodes group (RFC 4291 §2.7.1). */
static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } };

static bool ipv6_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff; /* RFC 4291 §2.7 */
}

static bool ipv6_is_unspecified(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return memcmp(a, &any, sizeof(any)) == 0;
}

static bool ipv6_is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	return memcmp(a->s6_addr, prefix, sizeof(prefix)) == 0;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len >= 2; p += 2, len -= 2) {
		sum += vnfha__get16(p);
	}
	if (len > 0) {
		sum += (uint32_t)p[0] << 8;
	}
	return sum;
}

uint16_t vnfha__icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			       const uint8_t *data, size_t len)
{
	uint8_t tail[8] = { 0 }; /* upper-layer length (32 bit), 3 zero, next header */
	uint32_t sum = 0;

	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[7] = VNFHA_IPPROTO_ICMPV6;
	sum = sum16(sum, src->s6_addr, 16);
	sum = sum16(sum, dst->s6_addr, 16);
	sum = sum16(sum, tail, sizeof(tail));
	sum = sum16(sum, data, len);
	while (sum >> 16) {
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

void vnfha__ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *ret_group)
{
	struct in6_addr g = { .s6_addr = { 0xff, 0x02, [11] = 0x01, [12] = 0xff } };

	memcpy(&g.s6_addr[13], &addr->s6_addr[13], 3);
	*ret_group = g;
}

void vnfha__ipv6_mcast_mac(const struct in6_addr *group, uint8_t ret_mac[VNFHA_ETH_ALEN])
{
	ret_mac[0] = 0x33;
	ret_mac[1] = 0x33;
	memcpy(&ret_mac[2], &group->s6_addr[12], 4);
}

int vnfha__ndisc_build(const struct vnfha_ndisc *nd, uint8_t *buf, size_t len)
{
	size_t icmp_len = VNFHA_ND_MSG_LEN + (nd->has_lladdr ? VNFHA_ND_OPT_LLA_LEN : 0);
	size_t total = VNFHA_ETH_HLEN + VNFHA_IPV6_HLEN + icmp_len;
	uint8_t *ip = buf + VNFHA_ETH_HLEN;
	uint8_t *icmp = ip + VNFHA_IPV6_HLEN;
	uint32_t flags = nd->type == VNFHA_ND_NA ? nd->flags : 0;

	if (nd->type != VNFHA_ND_NS && nd->type != VNFHA_ND_NA) {
		return -EINVAL;
	}
	if (len < total) {
		return -ENOBUFS;
	}
	memset(buf, 0, total);
	memcpy(buf, nd->eth_dst, VNFHA_ETH_ALEN);
	memcpy(buf + VNFHA_ETH_ALEN, nd->eth_src, VNFHA_ETH_ALEN);
	vnfha__put16(buf + 12, VNFHA_ETHERTYPE_IPV6);

	ip[0] = 0x60; /* version 6, traffic class and flow label 0 */
	vnfha__put16(ip + 4, (uint16_t)icmp_len);
	ip[6] = VNFHA_IPPROTO_ICMPV6;
	ip[7] = nd->hop_limit;
	memcpy(ip + 8, &nd->ip_src, 16);
	memcpy(ip + 24, &nd->ip_dst, 16);

	icmp[0] = nd->type;
	icmp[1] = 0; /* code */
	icmp[4] = (uint8_t)(flags >> 24);
	memcpy(icmp + 8, &nd->target, 16);
	if (nd->has_lladdr) {
		icmp[24] = nd->type == VNFHA_ND_NS ? VNFHA_ND_OPT_SLLA : VNFHA_ND_OPT_TLLA;
		icmp[25] = VNFHA_ND_OPT_LLA_LEN / 8;
		memcpy(icmp + 26, nd->lladdr, VNFHA_ETH_ALEN);
	}
	vnfha__put16(icmp + 2, vnfha__icmp6_checksum(&nd->ip_src, &nd->ip_dst, icmp, icmp_len));
	return (int)total;
}

int vnfha__ndisc_build_unsolicited_na(const uint8_t mac[VNFHA_ETH_ALEN],
				      const struct in6_addr *target, bool router, uint8_t *buf,
				      size_t len)
{
	struct vnfha_ndisc nd = {
		.ip_src = *target,
		.ip_dst = all_nodes,
		.hop_limit = VNFHA_ND_HOP_LIMIT,
		.type = VNFHA_ND_NA,
		/* RFC 4861 §7.2.6: Override set so caches take the new address;
		 * Solicited clear; Router as the node is (§7.2.4). */
		.flags = VNFHA_NA_FLAG_OVERRIDE | (router ? VNFHA_NA_FLAG_ROUTER : 0),
		.target = *target,
		.has_lladdr = true,
	};

	vnfha__ipv6_mcast_mac(&all_nodes, nd.eth_dst);
	memcpy(nd.eth_src, mac, VNFHA_ETH_ALEN);
	memcpy(nd.lladdr, mac, VNFHA_ETH_ALEN);
	return vnfha__ndisc_build(&nd, buf, len);
}

int vnfha__ndisc_build_dad_ns(const uint8_t mac[VNFHA_ETH_ALEN], const struct in6_addr *target,
			      uint8_t *buf, size_t len)
{
	struct vnfha_ndisc nd = {
		.hop_limit = VNFHA_ND_HOP_LIMIT,
		.type = VNFHA_ND_NS,
		.target = *target,
	};

	vnfha__ipv6_solicited_node(target, &nd.ip_dst);
	vnfha__ipv6_mcast_mac(&nd.ip_dst, nd.eth_dst);
	memcpy(nd.eth_src, mac, VNFHA_ETH_ALEN);
	return vnfha__ndisc_build(&nd, buf, len);
}

/* Walks the options (RFC 4861 §4.6): each at least 8 bytes, inside the
 * message; remembers a link-layer address option of the kind this message
 * may carry. */
static int parse_options(const uint8_t *opt, size_t len, uint8_t want, struct vnfha_ndisc *nd)
{
	while (len > 0) {
		size_t opt_len;

		if (len < 2) {
			return -EBADMSG;
		}
		opt_len = (size_t)opt[1] * 8;
		if (opt_len == 0 || opt_len > len) {
			return -EBADMSG; /* §7.1.1/§7.1.2: zero length is invalid */
		}
		if (opt[0] == want) {
			if (opt_len != VNFHA_ND_OPT_LLA_LEN) {
				return -EBADMSG;
			}
			nd->has_lladdr = true;
			memcpy(nd->lladdr, opt + 2, VNFHA_ETH_ALEN);
		}
		opt += opt_len;
		len -= opt_len;
	}
	return 0;
}

int vnfha__ndisc_parse(const uint8_t *buf, size_t len, struct vnfha_ndisc *ret_nd)
{
	const uint8_t *ip = NULL;
	const uint8_t *icmp = NULL;
	struct vnfha_ndisc nd = { 0 };
	size_t icmp_len;

	if (buf == NULL || len < VNFHA_ETH_HLEN + VNFHA_IPV6_HLEN + VNFHA_ND_MSG_LEN) {
		return -EBADMSG;
	}
	ip = buf + VNFHA_ETH_HLEN;
	icmp = ip + VNFHA_IPV6_HLEN;
	if (vnfha__get16(buf + 12) != VNFHA_ETHERTYPE_IPV6 || (ip[0] >> 4) != 6 ||
	    ip[6] != VNFHA_IPPROTO_ICMPV6) {
		return -EBADMSG;
	}
	icmp_len = vnfha__get16(ip + 4);
	if (icmp_len < VNFHA_ND_MSG_LEN || icmp_len > len - VNFHA_ETH_HLEN - VNFHA_IPV6_HLEN) {
		return -EBADMSG;
	}
	memcpy(nd.eth_dst, buf, VNFHA_ETH_ALEN);
	memcpy(nd.eth_src, buf + VNFHA_ETH_ALEN, VNFHA_ETH_ALEN);
	nd.hop_limit = ip[7];
	memcpy(&nd.ip_src, ip + 8, 16);
	memcpy(&nd.ip_dst, ip + 24, 16);
	nd.type = icmp[0];
	memcpy(&nd.target, icmp + 8, 16);

	if ((nd.type != VNFHA_ND_NS && nd.type != VNFHA_ND_NA) || icmp[1] != 0 ||
	    nd.hop_limit != VNFHA_ND_HOP_LIMIT || ipv6_is_multicast(&nd.target)) {
		return -EBADMSG;
	}
	if (vnfha__icmp6_checksum(&nd.ip_src, &nd.ip_dst, icmp, icmp_len) != 0) {
		return -EBADMSG;
	}
	if (nd.type == VNFHA_ND_NA) {
		nd.flags = vnfha__get32(icmp + 4) & (VNFHA_NA_FLAG_ROUTER | VNFHA_NA_FLAG_SOLICITED |
					      VNFHA_NA_FLAG_OVERRIDE);
		if (ipv6_is_multicast(&nd.ip_dst) && (nd.flags & VNFHA_NA_FLAG_SOLICITED)) {
			return -EBADMSG; /* §7.1.2 */
		}
	}
	if (parse_options(icmp + VNFHA_ND_MSG_LEN, icmp_len - VNFHA_ND_MSG_LEN,
			  nd.type == VNFHA_ND_NS ? VNFHA_ND_OPT_SLLA : VNFHA_ND_OPT_TLLA, &nd) < 0) {
		return -EBADMSG;
	}
	if (nd.type == VNFHA_ND_NS && ipv6_is_unspecified(&nd.ip_src) &&
	    (!ipv6_is_solicited_node(&nd.ip_dst) || nd.has_lladdr)) {
		return -EBADMSG; /* §7.1.1 */
	}
	*ret_nd = nd;
	return 0;
}

bool vnfha__ndisc_is_conflict(const struct vnfha_ndisc *nd, const struct in6_addr *addr,
			      const uint8_t own_mac[VNFHA_ETH_ALEN])
{
	if (memcmp(&nd->target, addr, sizeof(*addr)) != 0 ||
	    memcmp(nd->eth_src, own_mac, VNFHA_ETH_ALEN) == 0) {
		return false;
	}
	if (nd->type == VNFHA_ND_NA) {
		return true; /* RFC 4862 §5.4.4 */
	}
	return nd->type == VNFHA_ND_NS && ipv6_is_unspecified(&nd->ip_src); /* §5.4.3 */
}
