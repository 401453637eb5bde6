// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the rtnetlink decoders (nl_msg.c): any bytes must
 * parse or be refused without an out-of-bounds access. An address that
 * parses must re-encode (RTM_NEWADDR) into a message that parses back to the
 * same fields; a link or route that parses must have sane lengths.
 */
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "net/nl_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void addr_round_trip(const struct vnfha_addr *a)
{
	char buf[VNFHA_NL_REQ_MAX];
	struct vnfha_addr b;
	size_t alen = a->family == AF_INET ? 4 : 16;
	int len;

	if (a->ifindex <= 0 || a->prefixlen > alen * 8) {
		return; /* the builder refuses what the kernel would refuse */
	}
	len = vnfha_nl_addr_build(buf, sizeof(buf), RTM_NEWADDR, 1, a);
	if (len < 0 || vnfha_nl_addr_parse(buf, (size_t)len, &b) != 0) {
		abort();
	}
	if (b.family != a->family || b.ifindex != a->ifindex || b.prefixlen != a->prefixlen ||
	    memcmp(&b.addr, &a->addr, alen) != 0 || b.flags != a->flags ||
	    b.has_broadcast != (a->family == AF_INET && a->has_broadcast) ||
	    (a->family == AF_INET && strcmp(a->label, b.label) != 0)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnfha_addr a;
	struct vnfha_link l;
	struct vnfha_route r;
	char msg[64];
	int error;

	if (vnfha_nl_addr_parse(data, size, &a) == 0) {
		addr_round_trip(&a);
	}
	if (vnfha_nl_link_parse(data, size, &l) == 0 &&
	    (l.ifindex <= 0 || strnlen(l.name, sizeof(l.name)) >= sizeof(l.name))) {
		abort();
	}
	if (vnfha_nl_route_parse(data, size, &r) == 0 && r.dst_len > 128) {
		abort();
	}
	if (vnfha_nl_error_parse(data, size, &error, msg, sizeof(msg)) == 0 &&
	    (error > 0 || strnlen(msg, sizeof(msg)) >= sizeof(msg))) {
		abort();
	}
	return 0;
}
