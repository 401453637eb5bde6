/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure encoder and decoder for ARP over Ethernet for IPv4 (RFC 826), as
 * whole Ethernet frames for a PF_PACKET/SOCK_RAW socket. No I/O: builders
 * take a buffer and return the frame length or -errno; the parser checks
 * every length and field of untrusted bytes (STYLE.md rule 12).
 */
#ifndef VNFHA_ARP_FRAME_H
#define VNFHA_ARP_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNFHA_ETH_ALEN 6	 /* IEEE 802.3 MAC address length */
#define VNFHA_ETH_HLEN 14	 /* destination, source, EtherType */
#define VNFHA_ETHERTYPE_IPV4 0x0800 /* RFC 826 ar$pro for IP; IEEE EtherType */
#define VNFHA_ETHERTYPE_ARP 0x0806  /* RFC 826 "ether_type$ADDRESS_RESOLUTION" */
#define VNFHA_ETHERTYPE_IPV6 0x86dd /* RFC 2464 §3 */
#define VNFHA_ARP_HRD_ETHER 1	    /* RFC 826 ar$hrd "ares_hrd$Ethernet" */
#define VNFHA_ARP_OP_REQUEST 1	    /* RFC 826 ar$op "ares_op$REQUEST" */
#define VNFHA_ARP_OP_REPLY 2	    /* RFC 826 ar$op "ares_op$REPLY" */
#define VNFHA_ARP_LEN 28	    /* RFC 826 packet for hln 6, pln 4 */
#define VNFHA_ARP_FRAME_LEN (VNFHA_ETH_HLEN + VNFHA_ARP_LEN)

/* One ARP frame, Ethernet header included; addresses in network order. */
struct vnfha_arp {
	uint8_t eth_dst[VNFHA_ETH_ALEN];
	uint8_t eth_src[VNFHA_ETH_ALEN];
	uint16_t op; /* host order: VNFHA_ARP_OP_* */
	uint8_t sha[VNFHA_ETH_ALEN];
	struct in_addr spa;
	uint8_t tha[VNFHA_ETH_ALEN];
	struct in_addr tpa;
};

/*
 * Encodes arp into buf. Returns VNFHA_ARP_FRAME_LEN, -ENOBUFS when len is
 * too small, -EINVAL for an op other than request or reply.
 */
int vnfha__arp_build(const struct vnfha_arp *arp, uint8_t *buf, size_t len);

/*
 * Gratuitous ARP announcing that addr is at mac, broadcast. reply false:
 * the RFC 5227 §3 "ARP Announcement" (request, sender and target protocol
 * address both addr, target hardware address zero). reply true: the reply
 * form older stacks expect (RFC 5944 §4.6: target hardware address = mac).
 * Returns the frame length or -errno as vnfha__arp_build().
 */
int vnfha__arp_build_announce(const uint8_t mac[VNFHA_ETH_ALEN], struct in_addr addr, bool reply,
			      uint8_t *buf, size_t len);

/* RFC 5227 §2.1.1 "ARP Probe" for addr: request, sender IP 0.0.0.0, target
 * hardware address zero, broadcast. Returns the frame length or -errno. */
int vnfha__arp_build_probe(const uint8_t mac[VNFHA_ETH_ALEN], struct in_addr addr, uint8_t *buf,
			   size_t len);

/*
 * Decodes an Ethernet frame carrying ARP for IPv4 over Ethernet. Trailing
 * bytes (Ethernet padding to 60 bytes) are allowed. Returns 0 and fills
 * ret_arp; -EBADMSG for a truncated frame or a field no RFC 826 Ethernet/IPv4
 * ARP packet has (EtherType, hrd, pro, hln, pln, op); ret_arp is written
 * only on success.
 */
int vnfha__arp_parse(const uint8_t *buf, size_t len, struct vnfha_arp *ret_arp);

/*
 * RFC 5227 §2.1.1 conflict test while probing or defending addr: another
 * interface (sender hardware address not own_mac) either claims addr as its
 * sender address, or probes for it at the same time (sender 0.0.0.0,
 * target addr, request).
 */
bool vnfha__arp_is_conflict(const struct vnfha_arp *arp, struct in_addr addr,
			    const uint8_t own_mac[VNFHA_ETH_ALEN]);

#endif
