/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which interface, prefix length and broadcast address would carry an
 * address: resource-agents' findif, but from one RTM_GETROUTE lookup
 * (RTM_F_FIB_MATCH) instead of parsing `ip route` text. Used by
 * ocf:vnfha:floatip (nic / cidr_netmask / broadcast left unset) and
 * vnfha-findif(8).
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
	bool is_local;	    /* the address is already on this host (ifindex holds it) */
	bool has_broadcast; /* IPv4 with a prefix of 30 or less */
	struct in_addr broadcast;
};

/*
 * Finds where addr (AF_INET / AF_INET6) belongs. ifindex > 0 pins the
 * interface (parameter nic), 0 lets the routing table choose. prefixlen
 * >= 0 is the caller's (cidr_netmask); -1 takes the connected route's.
 *
 * Returns 0, or: -ENETUNREACH the address is on no connected subnet (only
 * reachable through a gateway, or no route) and the caller did not give
 * both interface and prefix; -EXDEV the connected subnet is on another
 * interface than ifindex (and no prefix was given); -ENODEV no such
 * interface; -EINVAL bad arguments; other -errno from netlink.
 */
int vnfha_findif(struct vnfha_nl *nl, int family, const void *addr, int ifindex, int prefixlen,
		 struct vnfha_findif *ret);

/*
 * The decision alone, for a route already looked up (pure; unit tested).
 * route NULL means no route matched. Same arguments and errors as above,
 * except that ret->ifname and the broadcast are not filled in.
 */
int vnfha_findif_from_route(const struct vnfha_route *route, int ifindex, int prefixlen,
			    unsigned int max_prefix, struct vnfha_findif *ret);

/* A prefix length ("24"; 0-32 for AF_INET, 0-128 for AF_INET6) or, for
 * AF_INET, a dotted netmask with contiguous ones ("255.255.255.0"), as
 * cidr_netmask takes it. -EINVAL otherwise. */
int vnfha_findif_parse_prefix(const char *text, int family, int *ret_prefix);

/* The IPv4 directed broadcast of addr/prefixlen (host bits all ones,
 * RFC 919/922); -ERANGE for /31 and /32, which have none (RFC 3021). */
int vnfha_findif_broadcast(struct in_addr addr, unsigned int prefixlen, struct in_addr *ret);

#endif
