// SPDX-License-Identifier: LGPL-2.1-or-later
/* Interface, prefix and broadcast discovery from the FIB (findif.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "net/findif.h"

int vnfha_findif(struct vnfha_nl *nl, int family, const void *addr, int ifindex, int prefixlen,
		 struct vnfha_findif *ret)
{
	unsigned int max_prefix = family == AF_INET ? 32 : 128;
	struct vnfha_route route;
	struct vnfha_findif f;
	struct vnfha_link link;
	int rc;

	if ((family != AF_INET && family != AF_INET6) || addr == NULL) {
		return -EINVAL;
	}
	rc = vnfha_route_get(nl, family, addr, &route);
	if (rc < 0 && rc != -ENETUNREACH) {
		return rc;
	}
	rc = vnfha_findif_from_route(rc == 0 ? &route : NULL, ifindex, prefixlen, max_prefix, &f);
	if (rc < 0) {
		return rc;
	}
	rc = vnfha_link_get(nl, NULL, f.ifindex, &link);
	if (rc < 0) {
		return rc;
	}
	memcpy(f.ifname, link.name, sizeof(f.ifname));
	if (f.is_local && prefixlen < 0) {
		/* The local route is a /32 or /128: the address knows its prefix. */
		struct vnfha_addr held;

		rc = vnfha_addr_find(nl, family, addr, f.ifindex, &held);
		if (rc < 0) {
			return rc;
		}
		f.prefixlen = held.prefixlen;
	}
	if (family == AF_INET) {
		struct in_addr a4;

		memcpy(&a4, addr, sizeof(a4));
		f.has_broadcast = vnfha_findif_broadcast(a4, f.prefixlen, &f.broadcast) == 0;
	}
	*ret = f;
	return 0;
}
