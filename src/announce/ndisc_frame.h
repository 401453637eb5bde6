/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure encoder and decoder for the two Neighbor Discovery messages vnfha
 * sends and listens for (RFC 4861 §4.3 Neighbor Solicitation, §4.4 Neighbor
 * Advertisement), as whole Ethernet/IPv6/ICMPv6 frames for a PF_PACKET
 * SOCK_RAW socket, with the ICMPv6 checksum (RFC 4443 §2.3). No I/O: the
 * builders take a buffer and return the frame length or -errno; the parser
 * bound-checks every byte and applies RFC 4861 §7.1 validation.
 */
#ifndef VNFHA_NDISC_FRAME_H
#define VNFHA_NDISC_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "announce/arp_frame.h"

#define VNFHA_IPV6_HLEN 40	       /* RFC 8200 §3 fixed header */
#define VNFHA_IPPROTO_ICMPV6 58	       /* RFC 8200 §4 / IANA next header */
#define VNFHA_ND_HOP_LIMIT 255	       /* RFC 4861 §7.1: sent and required */
#define VNFHA_ND_NS 135		       /* RFC 4861 §4.3 ICMPv6 type */
#define VNFHA_ND_NA 136		       /* RFC 4861 §4.4 ICMPv6 type */
#define VNFHA_ND_MSG_LEN 24	       /* type, code, sum, flags/reserved, target */
#define VNFHA_ND_OPT_SLLA 1	       /* RFC 4861 §4.6.1 source link-layer address */
#define VNFHA_ND_OPT_TLLA 2	       /* RFC 4861 §4.6.1 target link-layer address */
#define VNFHA_ND_OPT_LLA_LEN 8	       /* RFC 2464 §6: length 1 (8 bytes) on Ethernet */
#define VNFHA_NA_FLAG_ROUTER 0x80000000u    /* RFC 4861 §4.4 R */
#define VNFHA_NA_FLAG_SOLICITED 0x40000000u /* RFC 4861 §4.4 S */
#define VNFHA_NA_FLAG_OVERRIDE 0x20000000u  /* RFC 4861 §4.4 O */
/* Largest frame the builders write: Ethernet, IPv6, NA/NS and one option. */
#define VNFHA_ND_FRAME_MAX \
	(VNFHA_ETH_HLEN + VNFHA_IPV6_HLEN + VNFHA_ND_MSG_LEN + VNFHA_ND_OPT_LLA_LEN)

struct vnfha_ndisc {
	uint8_t eth_dst[VNFHA_ETH_ALEN];
	uint8_t eth_src[VNFHA_ETH_ALEN];
	struct in6_addr ip_src;
	struct in6_addr ip_dst;
	uint8_t hop_limit;
	uint8_t type;	/* VNFHA_ND_NS or VNFHA_ND_NA */
	uint32_t flags; /* NA only: VNFHA_NA_FLAG_* (host order) */
	struct in6_addr target;
	bool has_lladdr; /* NS: source, NA: target link-layer address option */
	uint8_t lladdr[VNFHA_ETH_ALEN];
};

/*
 * Encodes nd (type NS or NA), computing the payload length and the ICMPv6
 * checksum. Returns the frame length, -ENOBUFS when len is too small,
 * -EINVAL for another type.
 */
int vnfha__ndisc_build(const struct vnfha_ndisc *nd, uint8_t *buf, size_t len);

/*
 * Unsolicited NA for target at mac (RFC 4861 §7.2.6): from target to
 * all-nodes ff02::1, hop limit 255, Override set, Solicited clear, Router
 * as given, with the target link-layer address option.
 */
int vnfha__ndisc_build_unsolicited_na(const uint8_t mac[VNFHA_ETH_ALEN],
				      const struct in6_addr *target, bool router, uint8_t *buf,
				      size_t len);

/*
 * Duplicate Address Detection NS for target (RFC 4862 §5.4.2): from the
 * unspecified address to target's solicited-node multicast group, hop limit
 * 255, no source link-layer address option (RFC 4861 §7.2.2).
 */
int vnfha__ndisc_build_dad_ns(const uint8_t mac[VNFHA_ETH_ALEN], const struct in6_addr *target,
			      uint8_t *buf, size_t len);

/*
 * Decodes an Ethernet frame carrying an NS or NA and validates it as RFC
 * 4861 §7.1.1/§7.1.2 require (hop limit 255, code 0, checksum, length,
 * options of non-zero length inside the message, target not multicast,
 * NS from :: only to a solicited-node group and without SLLA, no Solicited
 * flag on a multicast NA). Returns 0 and fills ret_nd, or -EBADMSG;
 * ret_nd is written only on success.
 */
int vnfha__ndisc_parse(const uint8_t *buf, size_t len, struct vnfha_ndisc *ret_nd);

/*
 * RFC 4862 §5.4.3/§5.4.4 while probing addr: an NA for addr, or another
 * node's DAD NS for addr (from ::), sent by a MAC other than own_mac.
 */
bool vnfha__ndisc_is_conflict(const struct vnfha_ndisc *nd, const struct in6_addr *addr,
			      const uint8_t own_mac[VNFHA_ETH_ALEN]);

/* ICMPv6 checksum over the RFC 8200 §8.1 pseudo-header and data (RFC 4443
 * §2.3); returns the value to store (host order). Over a message with its
 * checksum already stored, a valid message yields 0. */
uint16_t vnfha__icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			       const uint8_t *data, size_t len);

/* ff02::1:ffXX:XXXX for addr (RFC 4291 §2.7.1). */
void vnfha__ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *ret_group);

/* 33:33:XX:XX:XX:XX for an IPv6 multicast group (RFC 2464 §7). */
void vnfha__ipv6_mcast_mac(const struct in6_addr *group, uint8_t ret_mac[VNFHA_ETH_ALEN]);

#endif
