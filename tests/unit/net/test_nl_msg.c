// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink encoders and decoders (nl_msg.c) on canned bytes. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "net/nl_msg.h"
#include "unit.h"

/* NLMSG_ERROR -EINVAL, request capped, extended ACK text (as the kernel
 * answers RTM_NEWADDR with a bad prefix length). */
static const unsigned char error_extack[] = {
	0x40, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x03, 0x07, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0xea, 0xff, 0xff, 0xff,
	0x2c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06, 0x07, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x1a, 0x00, 0x01, 0x00, 'I', 'n', 'v', 'a', 'l', 'i', 'd', ' ', 'p', 'r', 'e', 'f', 'i', 'x',
	' ', 'l', 'e', 'n', 'g', 't', 'h', 0x00, 0x00, 0x00,
};

/* A plain ACK (error 0), capped, no TLVs. */
static const unsigned char ack[] = {
	0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x10, 0x00, 0x00, 0x00, 0x15, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
};

/* RTM_NEWROUTE: 198.51.100.0/24 dev 3 scope link table main (connected). */
static const unsigned char route_connected[] = {
	0x3c, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x02, 0x18, 0x00, 0x00, 0xfe, 0x02, 0xfd, 0x01, 0x00, 0x20, 0x00, 0x00,
	0x08, 0x00, 0x0f, 0x00, 0xfe, 0x00, 0x00, 0x00, /* RTA_TABLE 254 */
	0x08, 0x00, 0x01, 0x00, 0xc6, 0x33, 0x64, 0x00, /* RTA_DST */
	0x08, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00, /* RTA_OIF 3 */
	0x08, 0x00, 0x07, 0x00, 0xc6, 0x33, 0x64, 0x01, /* RTA_PREFSRC */
};

/* RTM_NEWROUTE: default via 198.51.100.254 dev 3. */
static const unsigned char route_default[] = {
	0x34, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0xfe, 0x03, 0x00, 0x01, 0x00, 0x20, 0x00, 0x00,
	0x08, 0x00, 0x0f, 0x00, 0xfe, 0x00, 0x00, 0x00, /* RTA_TABLE 254 */
	0x08, 0x00, 0x05, 0x00, 0xc6, 0x33, 0x64, 0xfe, /* RTA_GATEWAY */
	0x08, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00, /* RTA_OIF 3 */
};

/* RTM_NEWLINK: index 3 "veth0", ether, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP,
 * IFLA_OPERSTATE up. */
static const unsigned char link_veth0[] = {
	0x34, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x43, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0a, 0x00, 0x03, 0x00, 'v', 'e', 't', 'h', '0', 0x00, 0x00, 0x00,
	0x05, 0x00, 0x10, 0x00, 0x06, 0x00, 0x00, 0x00,
};

/* RTM_NEWADDR: 2001:db8:5::10/64 on index 3, IFA_FLAGS nodad|permanent|
 * noprefixroute (0x282), lifetimes forever. */
static const unsigned char addr6[] = {
	0x48, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0b, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x0a, 0x40, 0x82, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10,
	0x14, 0x00, 0x06, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10, 0x00, 0x00, 0x00,
	0x10, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x08, 0x00, 0x82, 0x02, 0x00, 0x00,
};

static void test_error(void)
{
	char msg[64] = "x";
	int error = 1;

	CHECK_INT(vnfha_nl_error_parse(error_extack, sizeof(error_extack), &error, msg, sizeof(msg)),
		  0);
	CHECK_INT(error, -EINVAL);
	CHECK(strcmp(msg, "Invalid prefix length") == 0);
	/* A short buffer truncates, never overruns. */
	CHECK_INT(vnfha_nl_error_parse(error_extack, sizeof(error_extack), &error, msg, 8), 0);
	CHECK(strcmp(msg, "Invalid") == 0);
	CHECK_INT(vnfha_nl_error_parse(ack, sizeof(ack), &error, msg, sizeof(msg)), 0);
	CHECK_INT(error, 0);
	CHECK(msg[0] == '\0');
	/* Truncated and wrong-type messages. */
	error = 1;
	CHECK_INT(vnfha_nl_error_parse(error_extack, 30, &error, msg, sizeof(msg)), -EINVAL);
	CHECK_INT(vnfha_nl_error_parse(error_extack, 10, &error, msg, sizeof(msg)), -EINVAL);
	CHECK_INT(vnfha_nl_error_parse(route_default, sizeof(route_default), &error, msg,
				       sizeof(msg)),
		  -ENOMSG);
	CHECK_INT(error, 1);
}

static void test_route(void)
{
	struct vnfha_route r = { 0 };
	char req[VNFHA_NL_REQ_MAX];
	struct in_addr dst;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)req;
	const struct rtmsg *rtm;
	int len;

	CHECK_INT(vnfha_nl_route_parse(route_connected, sizeof(route_connected), &r), 0);
	CHECK_INT(r.family, AF_INET);
	CHECK_INT(r.dst_len, 24);
	CHECK_INT(r.oif, 3);
	CHECK_INT(r.type, RTN_UNICAST);
	CHECK_INT(r.scope, RT_SCOPE_LINK);
	CHECK_INT(r.table, 254);
	CHECK(!r.has_gateway);
	inet_pton(AF_INET, "198.51.100.0", &dst);
	CHECK(memcmp(&r.dst.v4, &dst, 4) == 0);
	CHECK(r.has_prefsrc);
	inet_pton(AF_INET, "198.51.100.1", &dst);
	CHECK(memcmp(&r.prefsrc.v4, &dst, 4) == 0);
	{
		/* RTA_DST of the wrong length for the family: refused */
		unsigned char bad[sizeof(route_connected)];

		memcpy(bad, route_connected, sizeof(bad));
		bad[36] = 0x07;
		CHECK_INT(vnfha_nl_route_parse(bad, sizeof(bad), &r), -EINVAL);
	}
	CHECK_INT(vnfha_nl_route_parse(route_default, sizeof(route_default), &r), 0);
	CHECK_INT(r.dst_len, 0);
	CHECK(r.has_gateway);
	CHECK(!r.has_prefsrc);
	CHECK_INT(vnfha_nl_route_parse(route_default, sizeof(route_default) - 1, &r), -EINVAL);
	CHECK_INT(vnfha_nl_route_parse(link_veth0, sizeof(link_veth0), &r), -ENOMSG);

	inet_pton(AF_INET, "198.51.100.10", &dst);
	len = vnfha_nl_route_get_build(req, sizeof(req), 42, AF_INET, &dst);
	CHECK_INT(len, 16 + 12 + 8);
	CHECK_INT(nlh->nlmsg_type, RTM_GETROUTE);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_INT(nlh->nlmsg_seq, 42);
	rtm = mnl_nlmsg_get_payload(nlh);
	CHECK_INT(rtm->rtm_family, AF_INET);
	CHECK_INT(rtm->rtm_dst_len, 32);
	CHECK_INT(rtm->rtm_flags, RTM_F_FIB_MATCH);
	CHECK(memcmp(req + 16 + 12 + 4, &dst, 4) == 0);
	CHECK_INT(vnfha_nl_route_get_build(req, 20, 1, AF_INET, &dst), -ENOSPC);
	CHECK_INT(vnfha_nl_route_get_build(req, sizeof(req), 1, AF_PACKET, &dst), -EINVAL);

	/* A dump of one table: the table in the header, or RTA_TABLE past 255. */
	len = vnfha_nl_route_dump_build(req, sizeof(req), 7, AF_INET6, RT_TABLE_MAIN);
	CHECK_INT(len, 16 + 12);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_INT(rtm->rtm_family, AF_INET6);
	CHECK_INT(rtm->rtm_table, RT_TABLE_MAIN);
	CHECK_INT(rtm->rtm_dst_len, 0);
	len = vnfha_nl_route_dump_build(req, sizeof(req), 7, AF_INET, 1000);
	CHECK_INT(len, 16 + 12 + 8);
	CHECK_INT(rtm->rtm_table, RT_TABLE_UNSPEC);
	CHECK_INT(vnfha_nl_route_dump_build(req, sizeof(req), 7, AF_INET, RT_TABLE_UNSPEC), -EINVAL);
	CHECK_INT(vnfha_nl_route_dump_build(req, sizeof(req), 7, AF_UNIX, RT_TABLE_MAIN), -EINVAL);
	CHECK_INT(vnfha_nl_route_dump_build(req, 20, 7, AF_INET, RT_TABLE_MAIN), -ENOSPC);
}

static void test_addrlabel(void)
{
	char req[VNFHA_NL_REQ_MAX];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)req;
	const struct ifaddrlblmsg *ifal = (const void *)(req + 16);
	struct in6_addr p;
	uint32_t label = 0;
	int len;

	inet_pton(AF_INET6, "2001:db8:5::10", &p);
	len = vnfha_nl_addrlabel_build(req, sizeof(req), RTM_NEWADDRLABEL, 3, &p, 128, 99);
	/* header, ifaddrlblmsg, IFAL_ADDRESS (16 bytes), IFAL_LABEL (u32) */
	CHECK_INT(len, 16 + 12 + 20 + 8);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_INT(ifal->ifal_family, AF_INET6);
	CHECK_INT(ifal->ifal_prefixlen, 128);
	CHECK_INT(ifal->ifal_index, 0);
	CHECK(memcmp(req + 16 + 12 + 4, &p, 16) == 0);
	memcpy(&label, req + 16 + 12 + 20 + 4, 4);
	CHECK_INT(label, 99);
	len = vnfha_nl_addrlabel_build(req, sizeof(req), RTM_DELADDRLABEL, 3, &p, 128, 99);
	CHECK_INT(nlh->nlmsg_type, RTM_DELADDRLABEL);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_INT(vnfha_nl_addrlabel_build(req, sizeof(req), RTM_NEWADDR, 3, &p, 128, 99), -EINVAL);
	CHECK_INT(vnfha_nl_addrlabel_build(req, sizeof(req), RTM_NEWADDRLABEL, 3, &p, 129, 99),
		  -EINVAL);
	CHECK_INT(vnfha_nl_addrlabel_build(req, sizeof(req), RTM_NEWADDRLABEL, 3, &p, 128,
					   0xffffffffU), -EINVAL);
	CHECK_INT(vnfha_nl_addrlabel_build(req, 40, RTM_NEWADDRLABEL, 3, &p, 128, 99), -ENOSPC);
}

static void test_link(void)
{
	struct vnfha_link l = { 0 };
	char req[VNFHA_NL_REQ_MAX];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)req;
	int len;

	CHECK_INT(vnfha_nl_link_parse(link_veth0, sizeof(link_veth0), &l), 0);
	CHECK_INT(l.ifindex, 3);
	CHECK(strcmp(l.name, "veth0") == 0);
	CHECK_INT(l.type, 1);
	CHECK_INT(l.operstate, 6);
	CHECK(vnfha_link_is_up(&l));
	l.flags &= ~(unsigned int)IFF_RUNNING;
	CHECK(!vnfha_link_is_up(&l));
	CHECK_INT(vnfha_nl_link_parse(link_veth0, 40, &l), -EINVAL);
	/* A length with the top bit set (libmnl's mnl_nlmsg_ok reads it as a
	 * negative int and lets it pass): refused, not read past the buffer. */
	{
		unsigned char huge[sizeof(link_veth0)];
		struct vnfha_route r;
		int error = 0;

		memcpy(huge, link_veth0, sizeof(huge));
		huge[3] = 0x80;
		CHECK_INT(vnfha_nl_link_parse(huge, sizeof(huge), &l), -EINVAL);
		huge[4] = RTM_NEWROUTE;
		CHECK_INT(vnfha_nl_route_parse(huge, sizeof(huge), &r), -EINVAL);
		huge[4] = NLMSG_ERROR;
		CHECK_INT(vnfha_nl_error_parse(huge, sizeof(huge), &error, NULL, 0), -EINVAL);
	}

	len = vnfha_nl_link_get_build(req, sizeof(req), 5, "veth0", 0);
	/* header, ifinfomsg, IFLA_IFNAME "veth0\0" padded, IFLA_EXT_MASK */
	CHECK_INT(len, 16 + 16 + 12 + 8);
	CHECK_INT(nlh->nlmsg_type, RTM_GETLINK);
	CHECK_INT(nlh->nlmsg_flags & NLM_F_DUMP, 0);
	CHECK(memcmp(req + 36, "veth0", 6) == 0);
	CHECK_INT(vnfha_nl_link_get_build(req, sizeof(req), 5, "a-name-of-16chrs", 0), -EINVAL);
	CHECK_INT(vnfha_nl_link_get_build(req, sizeof(req), 5, NULL, 0), -EINVAL);
	CHECK_INT(vnfha_nl_link_get_build(req, sizeof(req), 5, "x", 3), -EINVAL);
	CHECK_INT(vnfha_nl_link_get_build(req, sizeof(req), 5, NULL, 3), 16 + 16 + 8);
}

static void test_addr(void)
{
	struct vnfha_addr a = { 0 }, b = { 0 };
	char req[VNFHA_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct in6_addr want;
	int len;

	CHECK_INT(vnfha_nl_addr_parse(addr6, sizeof(addr6), &a), 0);
	inet_pton(AF_INET6, "2001:db8:5::10", &want);
	CHECK_INT(a.family, AF_INET6);
	CHECK_INT(a.prefixlen, 64);
	CHECK_INT(a.ifindex, 3);
	CHECK(memcmp(&a.addr.v6, &want, 16) == 0);
	CHECK_INT(a.flags, IFA_F_NODAD | IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	CHECK_INT(a.preferred_lft, VNFHA_NL_LIFE_FOREVER);
	CHECK(!a.has_broadcast);
	for (size_t cut = 0; cut < sizeof(addr6); cut++) {
		CHECK(vnfha_nl_addr_parse(addr6, cut, &b) < 0);
	}

	/* An IPv4 add with every option, then read back by the decoder. */
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.ifindex = 7;
	a.prefixlen = 24;
	inet_pton(AF_INET, "198.51.100.10", &a.addr.v4);
	a.has_broadcast = true;
	inet_pton(AF_INET, "198.51.100.255", &a.broadcast);
	strcpy(a.label, "veth0:vip");
	a.flags = IFA_F_NOPREFIXROUTE;
	a.preferred_lft = 0;
	a.valid_lft = VNFHA_NL_LIFE_FOREVER;
	len = vnfha_nl_addr_build(req, sizeof(req), RTM_NEWADDR, 9, &a);
	CHECK(len > 0);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_INT(vnfha_nl_addr_parse(req, (size_t)len, &b), 0);
	CHECK_INT(b.family, AF_INET);
	CHECK_INT(b.ifindex, 7);
	CHECK_INT(b.prefixlen, 24);
	CHECK(b.addr.v4.s_addr == a.addr.v4.s_addr);
	CHECK(b.has_broadcast && b.broadcast.s_addr == a.broadcast.s_addr);
	CHECK(strcmp(b.label, "veth0:vip") == 0);
	CHECK_INT(b.flags, IFA_F_NOPREFIXROUTE);
	CHECK_INT(b.preferred_lft, 0);
	CHECK_INT(b.valid_lft, VNFHA_NL_LIFE_FOREVER);
	/* Too small a buffer at every size is -ENOSPC, never an overrun. */
	for (int cut = 0; cut < len; cut++) {
		CHECK_INT(vnfha_nl_addr_build(req, (size_t)cut, RTM_NEWADDR, 9, &a), -ENOSPC);
	}

	len = vnfha_nl_addr_build(req, sizeof(req), RTM_DELADDR, 10, &a);
	CHECK_INT(len, 16 + 8 + 8 + 8);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	a.prefixlen = 33;
	CHECK_INT(vnfha_nl_addr_build(req, sizeof(req), RTM_NEWADDR, 9, &a), -EINVAL);
	a.prefixlen = 24;
	a.ifindex = 0;
	CHECK_INT(vnfha_nl_addr_build(req, sizeof(req), RTM_NEWADDR, 9, &a), -EINVAL);

	len = vnfha_nl_addr_dump_build(req, sizeof(req), 11, AF_INET6, 3);
	CHECK_INT(len, 16 + 8);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_INT(((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_index, 3);
}

int main(void)
{
	test_error();
	test_route();
	test_link();
	test_addr();
	test_addrlabel();
	return UNIT_DONE();
}
