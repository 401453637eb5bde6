// SPDX-License-Identifier: GPL-2.0-or-later
/* findif's decision from canned routes, and the IPv4 broadcast. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/findif.h"
#include "unit.h"

static const struct vnfha_route connected = {
	.family = AF_INET, .oif = 3, .type = RTN_UNICAST, .scope = RT_SCOPE_LINK, .dst_len = 24,
};
static const struct vnfha_route via_gateway = {
	.family = AF_INET, .oif = 3, .type = RTN_UNICAST, .dst_len = 0, .has_gateway = true,
};
static const struct vnfha_route local = {
	.family = AF_INET, .oif = 4, .type = RTN_LOCAL, .scope = RT_SCOPE_HOST, .dst_len = 32,
};
static const struct vnfha_route unreachable = {
	.family = AF_INET6, .type = RTN_UNREACHABLE, .dst_len = 0,
};

static void test_decision(void)
{
	struct vnfha_findif f = { 0 };

	/* Nothing given: the connected route decides both. */
	CHECK_INT(vnfha_findif_from_route(&connected, 0, -1, 32, &f), 0);
	CHECK_INT(f.ifindex, 3);
	CHECK_INT(f.prefixlen, 24);
	CHECK(!f.is_local);
	/* cidr_netmask given: it wins over the route's prefix. */
	CHECK_INT(vnfha_findif_from_route(&connected, 0, 28, 32, &f), 0);
	CHECK_INT(f.prefixlen, 28);
	/* nic given and matching. */
	CHECK_INT(vnfha_findif_from_route(&connected, 3, -1, 32, &f), 0);
	CHECK_INT(f.ifindex, 3);
	/* nic on another interface than the subnet, no prefix: refused. */
	f.ifindex = 99;
	CHECK_INT(vnfha_findif_from_route(&connected, 5, -1, 32, &f), -EXDEV);
	CHECK_INT(f.ifindex, 99);
	/* ... with a prefix: the admin's explicit choice. */
	CHECK_INT(vnfha_findif_from_route(&connected, 5, 24, 32, &f), 0);
	CHECK_INT(f.ifindex, 5);
	/* Only through a gateway: no connected subnet. */
	CHECK_INT(vnfha_findif_from_route(&via_gateway, 0, -1, 32, &f), -ENETUNREACH);
	CHECK_INT(vnfha_findif_from_route(&via_gateway, 0, 24, 32, &f), -ENETUNREACH);
	CHECK_INT(vnfha_findif_from_route(&via_gateway, 3, -1, 32, &f), -ENETUNREACH);
	CHECK_INT(vnfha_findif_from_route(&via_gateway, 3, 24, 32, &f), 0);
	CHECK_INT(vnfha_findif_from_route(NULL, 0, -1, 128, &f), -ENETUNREACH);
	CHECK_INT(vnfha_findif_from_route(&unreachable, 0, 64, 128, &f), -ENETUNREACH);
	CHECK_INT(vnfha_findif_from_route(NULL, 2, 64, 128, &f), 0);
	CHECK_INT(f.prefixlen, 64);
	/* Already local: the holder. */
	CHECK_INT(vnfha_findif_from_route(&local, 0, -1, 32, &f), 0);
	CHECK_INT(f.ifindex, 4);
	CHECK(f.is_local);
	/* Bad arguments. */
	CHECK_INT(vnfha_findif_from_route(&connected, 0, 33, 32, &f), -EINVAL);
	CHECK_INT(vnfha_findif_from_route(&connected, -1, -1, 32, &f), -EINVAL);
}

static void check_broadcast(const char *addr, unsigned int prefix, const char *want)
{
	struct in_addr a, b, w;

	inet_pton(AF_INET, addr, &a);
	inet_pton(AF_INET, want, &w);
	CHECK_INT(vnfha_findif_broadcast(a, prefix, &b), 0);
	if (b.s_addr != w.s_addr) {
		fprintf(stderr, "broadcast of %s/%u is not %s\n", addr, prefix, want);
		unit_failures++;
	}
}

static void test_broadcast(void)
{
	struct in_addr a, b;

	check_broadcast("198.51.100.10", 24, "198.51.100.255");
	check_broadcast("203.0.113.77", 26, "203.0.113.127");
	check_broadcast("198.51.100.1", 30, "198.51.100.3");
	check_broadcast("10.1.2.3", 8, "10.255.255.255");
	check_broadcast("10.1.2.3", 0, "255.255.255.255");
	inet_pton(AF_INET, "198.51.100.10", &a);
	CHECK_INT(vnfha_findif_broadcast(a, 31, &b), -ERANGE);
	CHECK_INT(vnfha_findif_broadcast(a, 32, &b), -ERANGE);
}

static void test_prefix(void)
{
	int p = -1;

	CHECK_INT(vnfha_findif_parse_prefix("24", AF_INET, &p), 0);
	CHECK_INT(p, 24);
	CHECK_INT(vnfha_findif_parse_prefix("255.255.255.192", AF_INET, &p), 0);
	CHECK_INT(p, 26);
	CHECK_INT(vnfha_findif_parse_prefix("0.0.0.0", AF_INET, &p), 0);
	CHECK_INT(p, 0);
	CHECK_INT(vnfha_findif_parse_prefix("128", AF_INET6, &p), 0);
	CHECK_INT(p, 128);
	p = 7;
	CHECK_INT(vnfha_findif_parse_prefix("33", AF_INET, &p), -EINVAL);
	CHECK_INT(vnfha_findif_parse_prefix("129", AF_INET6, &p), -EINVAL);
	CHECK_INT(vnfha_findif_parse_prefix("255.0.255.0", AF_INET, &p), -EINVAL);
	CHECK_INT(vnfha_findif_parse_prefix("255.255.255.0", AF_INET6, &p), -EINVAL);
	CHECK_INT(vnfha_findif_parse_prefix("24x", AF_INET, &p), -EINVAL);
	CHECK_INT(vnfha_findif_parse_prefix("", AF_INET, &p), -EINVAL);
	CHECK_INT(vnfha_findif_parse_prefix("-1", AF_INET, &p), -EINVAL);
	CHECK_INT(p, 7);
}

int main(void)
{
	test_prefix();
	test_decision();
	test_broadcast();
	return UNIT_DONE();
}
