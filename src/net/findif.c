// SPDX-License-Identifier: LGPL-2.1-or-later
/* Interface, prefix and broadcast discovery from the routing tables (findif.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "net/findif.h"

static int match_cb(const struct vnfha_route *r, void *data)
{
	vnfha_findif_match_route(data, r);
	return 0;
}

static void match_reset(void *data)
{
	struct vnfha_findif_match *m = data;

	m->found = false;
}

static bool is_loopback_net(int family, const void *addr)
{
	struct in_addr a4;

	if (family != AF_INET) {
		return false;
	}
	memcpy(&a4, addr, sizeof(a4));
	return (ntohl(a4.s_addr) >> 24) == 127;
}

int vnfha_findif(struct vnfha_nl *nl, int family, const void *addr, int ifindex, int prefixlen,
		 struct vnfha_findif *ret)
{
	struct vnfha_findif_match m;
	struct vnfha_findif f = { 0 };
	struct vnfha_link link;
	int rc = vnfha_findif_match_init(&m, family, addr, ifindex, prefixlen, false);

	if (rc < 0) {
		return rc;
	}
	rc = vnfha_route_dump(nl, family, RT_TABLE_MAIN, match_cb, match_reset, &m);
	if (rc == 0 && !m.found && is_loopback_net(family, addr)) {
		vnfha_findif_match_init(&m, family, addr, ifindex, prefixlen, true);
		rc = vnfha_route_dump(nl, family, RT_TABLE_LOCAL, match_cb, match_reset, &m);
	}
	if (rc < 0) {
		return rc;
	}
	rc = vnfha_findif_decide(&m, &f);
	if (rc < 0) {
		return rc;
	}
	rc = vnfha_link_get(nl, NULL, f.ifindex, &link);
	if (rc < 0) {
		return rc;
	}
	memcpy(f.ifname, link.name, sizeof(f.ifname));
	if (family == AF_INET && m.found && m.best.has_prefsrc) {
		/* findif: the broadcast of the subnet's own address, if it has one. */
		struct vnfha_addr own;

		if (vnfha_addr_find(nl, AF_INET, &m.best.prefsrc, 0, &own) == 0 &&
		    own.has_broadcast) {
			f.has_broadcast = true;
			f.broadcast = own.broadcast;
		}
	}
	*ret = f;
	return 0;
}
