// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Duplicate-address probe (see announce.h): RFC 5227 §2.1.1 ARP probe for
 * IPv4, RFC 4862 §5.4 DAD neighbour solicitation for IPv6, both over one
 * PF_PACKET socket that sends the probe and listens for the answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "announce/announce.h"
#include "announce/announce_internal.h"
#include "announce/ndisc_frame.h"

#define PROBE_NUM 3 /* RFC 5227 §1.1 PROBE_NUM */

/*
 * Classic BPF for the IPv6 socket: only ICMPv6 NS/NA with no extension
 * header reach user space, so a busy link does not wake us per packet.
 */
static int attach_ndisc_filter(int fd)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), /* EtherType */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VNFHA_ETHERTYPE_IPV6, 0, 6),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, VNFHA_ETH_HLEN + 6), /* next header */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VNFHA_IPPROTO_ICMPV6, 0, 4),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, VNFHA_ETH_HLEN + VNFHA_IPV6_HLEN), /* type */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VNFHA_ND_NS, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VNFHA_ND_NA, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		return -errno;
	}
	return 0;
}

/* Receive another node's DAD NS for the address too (RFC 4862 §5.4.3):
 * have the link accept its solicited-node multicast MAC. */
static int join_solicited_node(int fd, int ifindex, const struct in6_addr *addr)
{
	struct packet_mreq mr = {
		.mr_ifindex = ifindex,
		.mr_type = PACKET_MR_MULTICAST,
		.mr_alen = VNFHA_ETH_ALEN,
	};
	struct in6_addr group;

	vnfha__ipv6_solicited_node(addr, &group);
	vnfha__ipv6_mcast_mac(&group, mr.mr_address);
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		return -errno;
	}
	return 0;
}

/* Milliseconds from now to t, 0 when reached. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(t->tv_sec - now.tv_sec) * 1000000000LL + (t->tv_nsec - now.tv_nsec);
	if (ns <= 0) {
		return 0;
	}
	/* Rounded up: 0 means "due", never "due in a few microseconds". */
	return ns > 1000000000000LL ? 1000000 : (int)((ns + 999999) / 1000000);
}

/* Reads one frame; 1 and the other MAC when it reveals another holder. */
static int read_answer(const struct vnfha__link *link, int family, const void *addr,
		       uint8_t ret_mac[VNFHA_ETH_ALEN])
{
	uint8_t frame[1600];
	struct sockaddr_ll from;
	socklen_t from_len = sizeof(from);
	struct vnfha_arp arp;
	struct vnfha_ndisc nd;
	ssize_t n;

	n = recvfrom(link->fd, frame, sizeof(frame), MSG_DONTWAIT, (struct sockaddr *)&from,
		     &from_len);
	if (n < 0) {
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	}
	if (from.sll_pkttype == PACKET_OUTGOING) {
		return 0; /* our own probe, or this host's kernel */
	}
	if (family == AF_INET) {
		struct in_addr a4;

		memcpy(&a4, addr, sizeof(a4));
		if (vnfha__arp_parse(frame, (size_t)n, &arp) == 0 &&
		    vnfha__arp_is_conflict(&arp, a4, link->mac)) {
			memcpy(ret_mac, arp.sha, VNFHA_ETH_ALEN);
			return 1;
		}
		return 0;
	}
	if (vnfha__ndisc_parse(frame, (size_t)n, &nd) == 0 &&
	    vnfha__ndisc_is_conflict(&nd, addr, link->mac)) {
		memcpy(ret_mac, nd.has_lladdr ? nd.lladdr : nd.eth_src, VNFHA_ETH_ALEN);
		return 1;
	}
	return 0;
}

static int build_probe(const struct vnfha__link *link, int family, const void *addr,
		       uint8_t *frame, size_t len)
{
	struct in_addr a4;

	if (family == AF_INET6) {
		return vnfha__ndisc_build_dad_ns(link->mac, addr, frame, len);
	}
	memcpy(&a4, addr, sizeof(a4));
	return vnfha__arp_build_probe(link->mac, a4, frame, len);
}

int vnfha_dup_probe(int ifindex, int family, const void *addr, unsigned int timeout_ms,
		    uint8_t ret_mac[6])
{
	struct vnfha__link link = { .fd = -1 };
	uint8_t frame[VNFHA_ND_FRAME_MAX];
	uint8_t other[VNFHA_ETH_ALEN];
	struct timespec deadline, next_probe;
	unsigned int spacing = timeout_ms / PROBE_NUM;
	int frame_len;
	int sent = 0;
	int r;

	if (family != AF_INET && family != AF_INET6) {
		return -EAFNOSUPPORT;
	}
	r = vnfha__link_open(ifindex, family == AF_INET ? VNFHA_ETHERTYPE_ARP : VNFHA_ETHERTYPE_IPV6,
			     &link);
	if (r < 0) {
		return r;
	}
	if (family == AF_INET6) {
		r = attach_ndisc_filter(link.fd);
		if (r == 0) {
			r = join_solicited_node(link.fd, ifindex, addr);
		}
		if (r < 0) {
			goto close_fd;
		}
	}
	frame_len = build_probe(&link, family, addr, frame, sizeof(frame));
	vnfha__deadline_ms(&deadline, timeout_ms);
	vnfha__deadline_ms(&next_probe, 0);
	for (;;) {
		struct pollfd pfd = { .fd = link.fd, .events = POLLIN };
		int wait_ms;

		if (sent < PROBE_NUM && ms_until(&next_probe) == 0) {
			r = vnfha__link_send(&link, frame, frame_len);
			if (r < 0) {
				goto close_fd;
			}
			sent++;
			vnfha__deadline_ms(&next_probe, spacing);
		}
		wait_ms = ms_until(&deadline);
		if (wait_ms == 0) {
			break;
		}
		if (sent < PROBE_NUM && ms_until(&next_probe) < wait_ms) {
			wait_ms = ms_until(&next_probe);
		}
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
			r = -errno;
			goto close_fd;
		}
		if (pfd.revents & POLLIN) {
			r = read_answer(&link, family, addr, other);
			if (r < 0) {
				goto close_fd;
			}
			if (r == 1) {
				memcpy(ret_mac, other, VNFHA_ETH_ALEN);
				r = -EADDRINUSE;
				goto close_fd;
			}
		}
	}
	r = 0;

close_fd:
	close(link.fd);
	return r;
}
