// SPDX-License-Identifier: LGPL-2.1-or-later
/* findif's choice among routes, and the IPv4 broadcast: pure functions,
 * unit tested on canned routes (findif.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
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

static unsigned int max_prefix(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* The first bits of a and b agree. */
static bool prefix_equal(const void *a, const void *b, unsigned int bits)
{
	const uint8_t *x = a;
	const uint8_t *y = b;
	unsigned int bytes = bits / 8;
	unsigned int rest = bits % 8;

	if (memcmp(x, y, bytes) != 0) {
		return false;
	}
	return rest == 0 || ((x[bytes] ^ y[bytes]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int vnfha_findif_match_init(struct vnfha_findif_match *m, int family, const void *addr,
			    int ifindex, int prefixlen, bool loopback)
{
	if ((family != AF_INET && family != AF_INET6) || addr == NULL || ifindex < 0 ||
	    prefixlen < -1 || prefixlen > (int)max_prefix(family)) {
		return -EINVAL;
	}
	memset(m, 0, sizeof(*m));
	m->family = family;
	memcpy(&m->addr, addr, family == AF_INET ? sizeof(m->addr.v4) : sizeof(m->addr.v6));
	m->ifindex = ifindex;
	m->prefixlen = prefixlen;
	m->loopback = loopback;
	return 0;
}

void vnfha_findif_match_route(struct vnfha_findif_match *m, const struct vnfha_route *r)
{
	unsigned int max = max_prefix(m->family);
	/* `ip route list match A/N`: routes of prefix N or shorter that hold A. */
	unsigned int longest = m->prefixlen >= 0 ? (unsigned int)m->prefixlen : max;

	if (r->family != m->family || r->dst_len == 0 || r->dst_len >= max ||
	    r->dst_len > longest || !prefix_equal(&r->dst, &m->addr, r->dst_len)) {
		return;
	}
	if (m->loopback) {
		/* findif's getnetworkinfo: the first local route of scope host. */
		if (!m->found && r->type == RTN_LOCAL && r->scope == RT_SCOPE_HOST && r->oif > 0) {
			m->best = *r;
			m->found = true;
		}
		return;
	}
	if (r->type != RTN_UNICAST || r->oif <= 0 ||
	    (m->family == AF_INET && r->scope != RT_SCOPE_LINK) ||
	    (m->ifindex > 0 && r->oif != m->ifindex)) {
		return;
	}
	/* The longest prefix; of equal ones the later (findif's awk, ">="). */
	if (!m->found || r->dst_len >= m->best.dst_len) {
		m->best = *r;
		m->found = true;
	}
}

int vnfha_findif_decide(const struct vnfha_findif_match *m, struct vnfha_findif *ret)
{
	struct vnfha_findif f = { 0 };

	if (m->ifindex > 0 && m->prefixlen >= 0) {
		/* Both given: the admin's choice, whatever the routes say. */
		f.ifindex = m->ifindex;
		f.prefixlen = (unsigned int)m->prefixlen;
		*ret = f;
		return 0;
	}
	/* A route through a gateway is no subnet of an interface; findif would
	 * take the gateway's address for the interface's name and fail. */
	if (!m->found || (m->ifindex == 0 && m->best.has_gateway)) {
		return -ENETUNREACH;
	}
	f.ifindex = m->ifindex > 0 ? m->ifindex : m->best.oif;
	f.prefixlen = m->prefixlen >= 0 ? (unsigned int)m->prefixlen : m->best.dst_len;
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
