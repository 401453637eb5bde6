/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Address announcement and duplicate-address probing on one interface:
 * gratuitous ARP (RFC 5227 §3, RFC 5944 §4.6) for IPv4 and unsolicited
 * neighbour advertisements (RFC 4861 §7.2.6) for IPv6, over PF_PACKET.
 * Shared by ocf:vnfha:floatip and vnfha-garp (one implementation).
 *
 * Contract used by the agent (announce.c owns the implementation):
 *   start:   vnfha_announce_first() sends the first frame(s) at once;
 *            vnfha_announce_background() then finishes the first burst and
 *            the delayed second burst in a detached child (fork, no exec,
 *            stdio closed) so the action returns after the first frame.
 *   monitor: vnfha_announce_first() with count = arp_count_refresh.
 *   level 10 monitor: vnfha_dup_probe().
 */
#ifndef VNFHA_ANNOUNCE_H
#define VNFHA_ANNOUNCE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct vnfha_announce {
	int ifindex;
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	unsigned int count;	      /* frames in the first burst, >= 1 */
	unsigned int interval_ms;     /* pause between frames of a burst */
	unsigned int repeat_delay_ms; /* second burst this long after the first; 0: none */
	bool router;		      /* IPv6 NA Router flag (host forwards) */
};

/* Sends the first announcement (IPv4: ARP request and reply; IPv6: one
 * unsolicited NA to all-nodes, Override set). 0 or -errno; -ENOTSUP when
 * the link is IFF_NOARP / has no hardware address. */
int vnfha_announce_first(const struct vnfha_announce *a);

/* Sends the remaining count-1 frames and the second burst, blocking. */
int vnfha_announce_rest(const struct vnfha_announce *a);

/* Runs vnfha_announce_rest() in a detached child; returns at once. */
int vnfha_announce_background(const struct vnfha_announce *a);

/* True when IPv6 forwarding is on for the interface (sets the NA R flag). */
bool vnfha_announce_is_router(int ifindex);

/*
 * Asks whether another host answers for the address (IPv4: RFC 5227 ARP
 * probe; IPv6: DAD neighbour solicitation from ::, RFC 4862 §5.4), waiting
 * up to timeout_ms. Returns 0 when nobody else answered, -EADDRINUSE when a
 * different MAC did (written to ret_mac, 6 bytes), or -errno.
 */
int vnfha_dup_probe(int ifindex, int family, const void *addr, unsigned int timeout_ms,
		    uint8_t ret_mac[6]);

#endif
