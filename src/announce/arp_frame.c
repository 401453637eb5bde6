// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "announce/arp_frame.h"
#include "announce/wire_internal.h"

static const uint8_t eth_broadcast[VNFHA_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t eth_zero[VNFHA_ETH_ALEN];

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

int vnfha__arp_build(const struct vnfha_arp *arp, uint8_t *buf, size_t len)
{
	uint8_t *p = buf;

	if (arp->op != VNFHA_ARP_OP_REQUEST && arp->op != VNFHA_ARP_OP_REPLY) {
		return -EINVAL;
	}
	if (len < VNFHA_ARP_FRAME_LEN) {
		return -ENOBUFS;
	}
	p = put(p, arp->eth_dst, VNFHA_ETH_ALEN);
	p = put(p, arp->eth_src, VNFHA_ETH_ALEN);
	p = vnfha__put16(p, VNFHA_ETHERTYPE_ARP);
	p = vnfha__put16(p, VNFHA_ARP_HRD_ETHER);   /* ar$hrd */
	p = vnfha__put16(p, VNFHA_ETHERTYPE_IPV4);  /* ar$pro */
	*p++ = VNFHA_ETH_ALEN;		     /* ar$hln */
	*p++ = sizeof(struct in_addr);	     /* ar$pln */
	p = vnfha__put16(p, arp->op);		     /* ar$op */
	p = put(p, arp->sha, VNFHA_ETH_ALEN); /* ar$sha */
	p = put(p, &arp->spa, sizeof(arp->spa));
	p = put(p, arp->tha, VNFHA_ETH_ALEN);
	p = put(p, &arp->tpa, sizeof(arp->tpa));
	return (int)(p - buf);
}

int vnfha__arp_build_announce(const uint8_t mac[VNFHA_ETH_ALEN], struct in_addr addr, bool reply,
			      uint8_t *buf, size_t len)
{
	struct vnfha_arp arp = {
		.op = reply ? VNFHA_ARP_OP_REPLY : VNFHA_ARP_OP_REQUEST,
		.spa = addr,
		.tpa = addr,
	};

	memcpy(arp.eth_dst, eth_broadcast, VNFHA_ETH_ALEN);
	memcpy(arp.eth_src, mac, VNFHA_ETH_ALEN);
	memcpy(arp.sha, mac, VNFHA_ETH_ALEN);
	/* RFC 5227 §3: tha zero in the request; RFC 5944 §4.6: tha = sha in the
	 * reply (Linux accepts a gratuitous reply only then, arp_process()). */
	memcpy(arp.tha, reply ? mac : eth_zero, VNFHA_ETH_ALEN);
	return vnfha__arp_build(&arp, buf, len);
}

int vnfha__arp_build_probe(const uint8_t mac[VNFHA_ETH_ALEN], struct in_addr addr, uint8_t *buf,
			   size_t len)
{
	struct vnfha_arp arp = {
		.op = VNFHA_ARP_OP_REQUEST,
		.spa = { .s_addr = INADDR_ANY }, /* RFC 5227 §2.1.1: all zeroes */
		.tpa = addr,
	};

	memcpy(arp.eth_dst, eth_broadcast, VNFHA_ETH_ALEN);
	memcpy(arp.eth_src, mac, VNFHA_ETH_ALEN);
	memcpy(arp.sha, mac, VNFHA_ETH_ALEN);
	return vnfha__arp_build(&arp, buf, len);
}

int vnfha__arp_parse(const uint8_t *buf, size_t len, struct vnfha_arp *ret_arp)
{
	const uint8_t *p = NULL;
	struct vnfha_arp arp;
	uint16_t op;

	if (buf == NULL || len < VNFHA_ARP_FRAME_LEN) {
		return -EBADMSG;
	}
	p = buf + VNFHA_ETH_HLEN;
	if (vnfha__get16(buf + 12) != VNFHA_ETHERTYPE_ARP || vnfha__get16(p) != VNFHA_ARP_HRD_ETHER ||
	    vnfha__get16(p + 2) != VNFHA_ETHERTYPE_IPV4 || p[4] != VNFHA_ETH_ALEN ||
	    p[5] != sizeof(struct in_addr)) {
		return -EBADMSG;
	}
	op = vnfha__get16(p + 6);
	if (op != VNFHA_ARP_OP_REQUEST && op != VNFHA_ARP_OP_REPLY) {
		return -EBADMSG;
	}
	memcpy(arp.eth_dst, buf, VNFHA_ETH_ALEN);
	memcpy(arp.eth_src, buf + VNFHA_ETH_ALEN, VNFHA_ETH_ALEN);
	arp.op = op;
	p += 8;
	memcpy(arp.sha, p, VNFHA_ETH_ALEN);
	memcpy(&arp.spa, p + 6, sizeof(arp.spa));
	memcpy(arp.tha, p + 10, VNFHA_ETH_ALEN);
	memcpy(&arp.tpa, p + 16, sizeof(arp.tpa));
	*ret_arp = arp;
	return 0;
}

bool vnfha__arp_is_conflict(const struct vnfha_arp *arp, struct in_addr addr,
			    const uint8_t own_mac[VNFHA_ETH_ALEN])
{
	if (memcmp(arp->sha, own_mac, VNFHA_ETH_ALEN) == 0) {
		return false;
	}
	if (arp->spa.s_addr == addr.s_addr) {
		return true;
	}
	return arp->op == VNFHA_ARP_OP_REQUEST && arp->spa.s_addr == INADDR_ANY &&
	       arp->tpa.s_addr == addr.s_addr;
}
