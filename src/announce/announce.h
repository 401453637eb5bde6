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
 *            vnfha_announce_start() does both in one call on one socket and
 *            is the faster choice: closing a packet socket costs the caller
 *            an RCU grace period (~10 ms measured, packet_release()), which
 *            start leaves to the child.
 *   monitor: vnfha_announce_first() with count = arp_count_refresh.
 *   level 10 monitor: vnfha_dup_probe().
 *
 * Every frame is sent only while the address is still local to this host
 * (a bind() to it succeeds), so a background burst stops by itself when the
 * address is removed (stop, failover) and never fights the new holder.
 * An IPv6 address that is still tentative (DAD running, not optimistic)
 * is not local in this sense either: no NA is sent for it (RFC 4862 §5.4).
 * With net.ipv4/ipv6 ip_nonlocal_bind on, that check cannot see removal.
 *
 * Errors common to the functions below: -ENODEV no such interface;
 * -ENOTSUP the link is IFF_NOARP, not Ethernet, or its hardware address is
 * not 6 bytes; -EINVAL bad struct (family, count 0, an address that cannot
 * be announced: unspecified, multicast, broadcast); -EADDRNOTAVAIL the
 * address is not (or no longer) local and absent_ok is false; -ENETDOWN the
 * link is down; other -errno from socket(2)/send(2).
 */
#ifndef VNFHA_ANNOUNCE_H
#define VNFHA_ANNOUNCE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Which gratuitous ARP frames one IPv4 announcement is (RFC 5227 §3). */
enum vnfha_arp_kind {
	VNFHA_ARP_REQUEST_REPLY = 0, /* a request, then a reply (send_arp's pair) */
	VNFHA_ARP_REQUEST,	     /* requests only (arping -U) */
	VNFHA_ARP_REPLY,	     /* replies only (arping -A) */
};

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
	bool absent_ok;		      /* announce even when addr is not local */
	enum vnfha_arp_kind arp_kind; /* IPv4 only */
};

/* Sends the first announcement (IPv4: ARP request and reply; IPv6: one
 * unsolicited NA to all-nodes, Override set). 0 or -errno; -ENOTSUP when
 * the link is IFF_NOARP / has no hardware address. One "announcement" is
 * two frames for IPv4 (request, then reply; one with arp_kind REQUEST or
 * REPLY) and one NA for IPv6. */
int vnfha_announce_first(const struct vnfha_announce *a);

/* Sends the remaining count-1 announcements, interval_ms apart (the first
 * interval_ms from now), then, when repeat_delay_ms > 0, a second burst of
 * count announcements starting repeat_delay_ms after the last one, paced
 * against absolute CLOCK_MONOTONIC deadlines. Blocking. 0 or -errno. */
int vnfha_announce_rest(const struct vnfha_announce *a);

/* Sends the whole thing (first announcement, rest of the burst, second
 * burst) on one socket, blocking; what vnfha-garp does in the foreground. */
int vnfha_announce_all(const struct vnfha_announce *a);

/*
 * vnfha_announce_first() and vnfha_announce_background() in one call: sends
 * the first announcement, then forks the detached child (as described at
 * vnfha_announce_spawn) that sends the rest on the same socket, and returns
 * at once. ret_pid (may be NULL): the child, or 0 when nothing was left to
 * send. An error of the first announcement is returned and no child made.
 */
int vnfha_announce_start(const struct vnfha_announce *a, pid_t *ret_pid);

/* Runs vnfha_announce_rest() in a detached child; returns at once. */
int vnfha_announce_background(const struct vnfha_announce *a);

/*
 * The same, with the child's pid in ret_pid (0 when there was nothing left
 * to send and no child was started). The child is one fork() without exec:
 * setsid(), cwd "/", stdio on /dev/null, every other descriptor closed
 * (pacemaker-execd's pipes see EOF at once), signals unblocked and SIGTERM,
 * SIGINT, SIGHUP at their defaults; it exits 0 when all frames went out.
 * It stays the caller's child: a long-lived caller reaps it (SIGCHLD);
 * a short-lived one (agent action, vnfha-garp) just exits.
 */
int vnfha_announce_spawn(const struct vnfha_announce *a, pid_t *ret_pid);

/* True when IPv6 forwarding is on for the interface (sets the NA R flag),
 * read over rtnetlink (RTM_GETNETCONF, the per-interface
 * net.ipv6.conf.<if>.forwarding the kernel's own NAs use); false on error. */
bool vnfha_announce_is_router(int ifindex);

/*
 * Asks whether another host answers for the address (IPv4: RFC 5227 ARP
 * probe; IPv6: DAD neighbour solicitation from ::, RFC 4862 §5.4), waiting
 * up to timeout_ms. Returns 0 when nobody else answered, -EADDRINUSE when a
 * different MAC did (written to ret_mac, 6 bytes), or -errno.
 * Up to three probes (RFC 5227 PROBE_NUM) go out, spread over the first
 * two thirds of timeout_ms. Frames this host sent itself are ignored, so
 * probing an address this host holds is fine (level 10 monitor). Errors as
 * above, minus -EADDRNOTAVAIL; -EAFNOSUPPORT for another family.
 */
int vnfha_dup_probe(int ifindex, int family, const void *addr, unsigned int timeout_ms,
		    uint8_t ret_mac[6]);

#endif
