// SPDX-License-Identifier: GPL-2.0-or-later
/* findif's choice among canned routes, and the IPv4 broadcast. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/findif.h"
#include "unit.h"

/* A route as the kernel dumps it: family, dst/len, oif, type, scope. */
static struct vnfha_route route(int family, const char *dst, int len, int oif, int type,
				int scope, bool gateway)
{
	struct vnfha_route r = {
		.family = family, .oif = oif, .type = (uint8_t)type, .scope = (uint8_t)scope,
		.dst_len = (uint8_t)len, .table = RT_TABLE_MAIN, .has_gateway = gateway,
	};

	inet_pton(family, dst, &r.dst);
	return r;
}

#define V4(dst, len, oif) route(AF_INET, dst, len, oif, RTN_UNICAST, RT_SCOPE_LINK, false)
#define V6(dst, len, oif) route(AF_INET6, dst, len, oif, RTN_UNICAST, RT_SCOPE_UNIVERSE, false)

/* Feeds routes to a fresh match for addr and decides. */
static int choose(int family, const char *addr, int ifindex, int prefixlen, bool loopback,
		  const struct vnfha_route *routes, size_t n, struct vnfha_findif *f)
{
	struct vnfha_findif_match m;
	unsigned char a[16];

	inet_pton(family, addr, a);
	CHECK_INT(vnfha_findif_match_init(&m, family, a, ifindex, prefixlen, loopback), 0);
	for (size_t i = 0; i < n; i++) {
		vnfha_findif_match_route(&m, &routes[i]);
	}
	return vnfha_findif_decide(&m, f);
}

static void test_ipv4(void)
{
	const struct vnfha_route main4[] = {
		route(AF_INET, "0.0.0.0", 0, 2, RTN_UNICAST, RT_SCOPE_UNIVERSE, true), /* default */
		V4("198.51.100.0", 24, 2),
		V4("198.51.100.0", 25, 3),  /* longer: wins for .10 */
		V4("198.51.100.77", 32, 4), /* a /32: never a candidate */
		route(AF_INET, "203.0.113.0", 24, 2, RTN_UNICAST, RT_SCOPE_UNIVERSE, true),
		V4("192.0.2.0", 24, 5),
		V4("192.0.2.0", 24, 6), /* equal: the later wins */
	};
	size_t n = sizeof(main4) / sizeof(main4[0]);
	struct vnfha_findif f = { 0 };

	CHECK_INT(choose(AF_INET, "198.51.100.10", 0, -1, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 3);
	CHECK_INT(f.prefixlen, 25);
	/* .200 is outside the /25: the /24 */
	CHECK_INT(choose(AF_INET, "198.51.100.200", 0, -1, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 2);
	CHECK_INT(f.prefixlen, 24);
	/* nic given: its routes only */
	CHECK_INT(choose(AF_INET, "198.51.100.10", 2, -1, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 2);
	CHECK_INT(f.prefixlen, 24);
	/* cidr_netmask given: routes of that prefix or shorter (ip route list match A/24) */
	CHECK_INT(choose(AF_INET, "198.51.100.10", 0, 24, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 2);
	CHECK_INT(f.prefixlen, 24);
	CHECK_INT(choose(AF_INET, "198.51.100.10", 0, 28, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 3);
	CHECK_INT(f.prefixlen, 28);
	/* equal prefixes: the later */
	CHECK_INT(choose(AF_INET, "192.0.2.9", 0, -1, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 6);
	/* a subnet through a gateway (scope global), the default: no interface */
	f.ifindex = 99;
	CHECK_INT(choose(AF_INET, "203.0.113.10", 0, -1, false, main4, n, &f), -ENETUNREACH);
	CHECK_INT(choose(AF_INET, "10.0.0.1", 0, -1, false, main4, n, &f), -ENETUNREACH);
	CHECK_INT(f.ifindex, 99);
	/* nic given without a route of its own covering the address */
	CHECK_INT(choose(AF_INET, "198.51.100.10", 5, -1, false, main4, n, &f), -ENETUNREACH);
	/* both given: the admin's choice */
	CHECK_INT(choose(AF_INET, "203.0.113.10", 5, 24, false, main4, n, &f), 0);
	CHECK_INT(f.ifindex, 5);
	CHECK_INT(f.prefixlen, 24);
	CHECK_INT(choose(AF_INET, "203.0.113.10", 5, 24, false, NULL, 0, &f), 0);
}

static void test_loopback_and_ipv6(void)
{
	const struct vnfha_route local4[] = {
		route(AF_INET, "127.0.0.1", 32, 1, RTN_LOCAL, RT_SCOPE_HOST, false),
		route(AF_INET, "127.0.0.0", 8, 1, RTN_LOCAL, RT_SCOPE_HOST, false),
		route(AF_INET, "127.255.255.255", 32, 1, RTN_BROADCAST, RT_SCOPE_LINK, false),
	};
	const struct vnfha_route main6[] = {
		V6("2001:db8:5::", 64, 2),
		V6("2001:db8:5::5", 128, 3), /* a /128: never */
		route(AF_INET6, "2001:db8:99::", 48, 2, RTN_UNICAST, RT_SCOPE_UNIVERSE, true),
		route(AF_INET6, "2001:db8:7::", 64, 0, RTN_UNREACHABLE, RT_SCOPE_UNIVERSE, false),
		V6("fe80::", 64, 2),
	};
	size_t n6 = sizeof(main6) / sizeof(main6[0]);
	struct vnfha_findif f = { 0 };

	/* 127.0.0.0/8 on lo, from the local table */
	CHECK_INT(choose(AF_INET, "127.0.0.2", 0, -1, true, local4, 3, &f), 0);
	CHECK_INT(f.ifindex, 1);
	CHECK_INT(f.prefixlen, 8);
	/* the main table's candidates are never local routes */
	CHECK_INT(choose(AF_INET, "127.0.0.2", 0, -1, false, local4, 3, &f), -ENETUNREACH);
	/* IPv6: any scope */
	CHECK_INT(choose(AF_INET6, "2001:db8:5::10", 0, -1, false, main6, n6, &f), 0);
	CHECK_INT(f.ifindex, 2);
	CHECK_INT(f.prefixlen, 64);
	CHECK_INT(choose(AF_INET6, "2001:db8:5::5", 0, -1, false, main6, n6, &f), 0);
	CHECK_INT(f.prefixlen, 64);
	CHECK_INT(choose(AF_INET6, "fe80::10", 2, -1, false, main6, n6, &f), 0);
	CHECK_INT(f.ifindex, 2);
	/* through a gateway: no interface unless nic says which (findif's "dev nic") */
	CHECK_INT(choose(AF_INET6, "2001:db8:99::10", 0, -1, false, main6, n6, &f), -ENETUNREACH);
	CHECK_INT(choose(AF_INET6, "2001:db8:99::10", 2, -1, false, main6, n6, &f), 0);
	CHECK_INT(f.prefixlen, 48);
	CHECK_INT(choose(AF_INET6, "2001:db8:7::10", 0, -1, false, main6, n6, &f), -ENETUNREACH);
	/* another family's route is not a candidate */
	CHECK_INT(choose(AF_INET, "198.51.100.10", 0, -1, false, main6, n6, &f), -ENETUNREACH);
}

static void test_bad_arguments(void)
{
	struct vnfha_findif_match m;
	struct in_addr a = { 0 };

	CHECK_INT(vnfha_findif_match_init(&m, AF_INET, &a, 0, 33, false), -EINVAL);
	CHECK_INT(vnfha_findif_match_init(&m, AF_INET, &a, -1, -1, false), -EINVAL);
	CHECK_INT(vnfha_findif_match_init(&m, AF_UNIX, &a, 0, -1, false), -EINVAL);
	CHECK_INT(vnfha_findif_match_init(&m, AF_INET, NULL, 0, -1, false), -EINVAL);
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
	test_ipv4();
	test_loopback_and_ipv6();
	test_bad_arguments();
	test_broadcast();
	return UNIT_DONE();
}
