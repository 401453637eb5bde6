/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which interface, prefix length and broadcast address would carry an
 * address, chosen the way resource-agents' findif (findif.sh, what IPaddr2
 * runs) chooses them, from the kernel's routing tables over rtnetlink
 * instead of `ip route` text:
 *
 *  - the routes of the main table that cover the address (`ip route list
 *    match ADDR[/cidr_netmask]`), for IPv4 only those of scope link;
 *    routes printed without a prefix length are not candidates (a default
 *    route, an IPv4 /32, an IPv6 /128); with nic set, only nic's routes;
 *  - the longest prefix wins, the later of equal ones;
 *  - none, and the address is in 127.0.0.0/8: the first scope-host route
 *    of the local table that covers it (the loopback, `lo`);
 *  - nic and cidr_netmask both given: no route is needed;
 *  - the broadcast (IPv4, broadcast unset) is the one of the address the
 *    chosen route prefers as its source (the subnet's own address), none
 *    when it has none.
 *
 * Used by ocf:vnfha:floatip (nic / cidr_netmask / broadcast left unset)
 * and vnfha-findif(8).
 */
#ifndef VNFHA_FINDIF_H
#define VNFHA_FINDIF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "net/nl.h"

struct vnfha_findif {
	int ifindex;
	char ifname[IF_NAMESIZE];
	unsigned int prefixlen;
	bool has_broadcast; /* IPv4: the subnet's own address has one */
	struct in_addr broadcast;
};

/*
 * Finds where addr (AF_INET / AF_INET6) belongs. ifindex > 0 pins the
 * interface (parameter nic), 0 lets the routes choose. prefixlen >= 0 is
 * the caller's (cidr_netmask); -1 takes the route's.
 *
 * Returns 0, or: -ENETUNREACH no route tells the interface or the prefix
 * (the address is on no connected subnet of this host, or of nic, and the
 * caller did not give both); -ENODEV no such interface; -EINVAL bad
 * arguments; other -errno from netlink.
 */
int vnfha_findif(struct vnfha_nl *nl, int family, const void *addr, int ifindex, int prefixlen,
		 struct vnfha_findif *ret);

/* The choice among routes, fed one route at a time in the kernel's order
 * (pure; unit tested on canned routes). */
struct vnfha_findif_match {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	int ifindex;   /* nic: its routes only; 0 any */
	int prefixlen; /* cidr_netmask: routes this long or shorter; -1 any */
	bool loopback; /* the local table's scope-host routes (the 127.0.0.0/8 fallback) */
	bool found;
	struct vnfha_route best;
};

/* -EINVAL for a bad family, ifindex or prefixlen. */
int vnfha_findif_match_init(struct vnfha_findif_match *m, int family, const void *addr,
			    int ifindex, int prefixlen, bool loopback);
/* Considers one route (of the table the match is for). */
void vnfha_findif_match_route(struct vnfha_findif_match *m, const struct vnfha_route *r);
/* The decision: ret's ifindex and prefixlen (not its name or broadcast).
 * -ENETUNREACH as vnfha_findif. */
int vnfha_findif_decide(const struct vnfha_findif_match *m, struct vnfha_findif *ret);

/* A prefix length ("24"; 0-32 for AF_INET, 0-128 for AF_INET6) or, for
 * AF_INET, a dotted netmask with contiguous ones ("255.255.255.0"), as
 * cidr_netmask takes it. -EINVAL otherwise. */
int vnfha_findif_parse_prefix(const char *text, int family, int *ret_prefix);

/* The IPv4 directed broadcast of addr/prefixlen (host bits all ones,
 * RFC 919/922); -ERANGE for /31 and /32, which have none (RFC 3021). */
int vnfha_findif_broadcast(struct in_addr addr, unsigned int prefixlen, struct in_addr *ret);

#endif
