// SPDX-License-Identifier: LGPL-2.1-or-later
/* findif's decision from a looked-up route, and the IPv4 broadcast: pure
 * functions, unit tested on canned routes (findif.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <stddef.h>

#include "net/findif.h"
#include "common/parse.h"

int vnfha_findif_broadcast(struct in_addr addr, unsigned int prefixlen, struct in_addr *ret)
{
	uint32_t host_mask;

	if (prefixlen > 30) {
		return -ERANGE;
	}
	host_mask = prefixlen == 0 ? 0xffffffffU : (0xffffffffU >> prefixlen);
	ret->s_addr = htonl(ntohl(addr.s_addr) | host_mask);
	return 0;
}

/* A route that says "this prefix is on the link of oif": no next hop. */
static bool route_is_connected(const struct vnfha_route *r)
{
	return r->type == RTN_UNICAST && !r->has_gateway && r->oif > 0 && r->dst_len > 0;
}

int vnfha_findif_from_route(const struct vnfha_route *route, int ifindex, int prefixlen,
			    unsigned int max_prefix, struct vnfha_findif *ret)
{
	struct vnfha_findif f = { 0 };

	if (ifindex < 0 || prefixlen < -1 || prefixlen > (int)max_prefix) {
		return -EINVAL;
	}
	if (route != NULL && route->type == RTN_LOCAL && route->oif > 0 &&
	    (ifindex == 0 || ifindex == route->oif)) {
		/* Already here (a double start, or a monitor): the holder. */
		f.ifindex = route->oif;
		f.is_local = true;
		f.prefixlen = prefixlen >= 0 ? (unsigned int)prefixlen : max_prefix;
	} else if (route != NULL && route_is_connected(route) &&
		   (ifindex == 0 || ifindex == route->oif || prefixlen >= 0)) {
		if (ifindex != 0 && ifindex != route->oif) {
			/* nic and cidr_netmask both given: the admin's choice. */
			f.ifindex = ifindex;
		} else {
			f.ifindex = route->oif;
		}
		f.prefixlen = prefixlen >= 0 ? (unsigned int)prefixlen : route->dst_len;
	} else if (ifindex > 0 && prefixlen >= 0) {
		f.ifindex = ifindex;
		f.prefixlen = (unsigned int)prefixlen;
	} else if (ifindex > 0 && route != NULL && route_is_connected(route)) {
		return -EXDEV;
	} else {
		return -ENETUNREACH;
	}
	*ret = f;
	return 0;
}

int vnfha_findif_parse_prefix(const char *text, int family, int *ret_prefix)
{
	struct in_addr mask;
	long value = 0;

	if (family != AF_INET && family != AF_INET6) {
		return -EINVAL;
	}
	if (vnfha__parse_long(text, 0, family == AF_INET6 ? 128 : 32, &value) == 0) {
		*ret_prefix = (int)value;
		return 0;
	}
	if (family == AF_INET && inet_pton(AF_INET, text, &mask) == 1) {
		uint32_t m = ntohl(mask.s_addr);

		/* Contiguous: the ones end where the zeros begin. */
		if (m == 0 || (m | (m - 1)) == 0xffffffffU) {
			*ret_prefix = __builtin_popcount(m);
			return 0;
		}
	}
	return -EINVAL;
}
