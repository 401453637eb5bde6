// SPDX-License-Identifier: GPL-2.0-or-later
/* announce.c argument and link checks that need no test network: bad
 * structs, unknown interfaces, loopback (not Ethernet). Frames on a real
 * link are tested by tests/bats/garp*.bats. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>

#include "announce/announce.h"
#include "unit.h"

static struct vnfha_announce good4(void)
{
	struct vnfha_announce a = { .ifindex = 1, .family = AF_INET, .count = 1 };

	inet_pton(AF_INET, "127.0.0.1", &a.addr.v4);
	return a;
}

static void test_bad_struct(void)
{
	struct vnfha_announce a = good4();
	pid_t pid = 42;

	a.count = 0;
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	CHECK_INT(vnfha_announce_all(&a), -EINVAL);
	CHECK_INT(vnfha_announce_start(&a, &pid), -EINVAL);
	CHECK_INT(vnfha_announce_background(&a), -EINVAL);
	CHECK_INT(pid, 42); /* untouched on failure */
	a = good4();
	a.arp_kind = (enum vnfha_arp_kind)(VNFHA_ARP_REPLY + 1);
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	a = good4();
	a.family = AF_UNIX;
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	a = good4();
	a.addr.v4.s_addr = htonl(INADDR_ANY);
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	a.addr.v4.s_addr = htonl(INADDR_BROADCAST);
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	inet_pton(AF_INET, "224.0.0.1", &a.addr.v4);
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	a.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1", &a.addr.v6);
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
	inet_pton(AF_INET6, "::", &a.addr.v6);
	CHECK_INT(vnfha_announce_first(&a), -EINVAL);
}

static void test_links(void)
{
	struct vnfha_announce a = good4();
	uint8_t mac[6] = { 0 };
	pid_t pid = 42;

	/* Nothing left to send: no child. */
	a.ifindex = (int)if_nametoindex("lo");
	CHECK_INT(vnfha_announce_spawn(&a, &pid), 0);
	CHECK_INT(pid, 0);
	CHECK_INT(vnfha_announce_rest(&a), 0);
	/* Loopback has no Ethernet address: refused, no child made. */
	a.count = 3;
	pid = 42;
	CHECK_INT(vnfha_announce_first(&a), -ENOTSUP);
	CHECK_INT(vnfha_announce_start(&a, &pid), -ENOTSUP);
	CHECK_INT(pid, 42);
	CHECK_INT(vnfha_dup_probe(a.ifindex, AF_INET, &a.addr, 10, mac), -ENOTSUP);
	/* Unknown interfaces. */
	a.ifindex = 0;
	CHECK_INT(vnfha_announce_first(&a), -ENODEV);
	a.ifindex = 0x7ffffff0;
	CHECK_INT(vnfha_announce_first(&a), -ENODEV);
	CHECK_INT(vnfha_dup_probe(a.ifindex, AF_INET6, &a.addr, 10, mac), -ENODEV);
	CHECK_INT(vnfha_dup_probe(1, AF_UNIX, &a.addr, 10, mac), -EAFNOSUPPORT);
	CHECK(!vnfha_announce_is_router(0x7ffffff0));
}

int main(void)
{
	test_bad_struct();
	/* The link checks open packet sockets before they look at the link,
	 * which needs CAP_NET_RAW: unprivileged they would all read -EPERM. */
	if (geteuid() != 0) {
		fprintf(stderr, "skip: the link checks need root (packet sockets)\n");
		return unit_failures == 0 ? 77 : 1; /* 77: automake's SKIP */
	}
	test_links();
	return UNIT_DONE();
}
