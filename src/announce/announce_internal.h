/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between announce.c and dup_probe.c: one Ethernet link opened as a
 * PF_PACKET socket, its MAC read from the kernel, not from text. */
#ifndef VNFHA_ANNOUNCE_INTERNAL_H
#define VNFHA_ANNOUNCE_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "announce/arp_frame.h"

struct vnfha__link {
	int fd;
	uint8_t mac[VNFHA_ETH_ALEN];
};

/*
 * Opens a SOCK_RAW|SOCK_CLOEXEC packet socket bound to ifindex, receiving
 * frames of EtherType proto (host order; 0: send only). Checks the link:
 * -ENODEV unknown, -ENOTSUP IFF_NOARP, not ARPHRD_ETHER or hardware address
 * not 6 bytes. ret_link->fd is the caller's to close.
 */
int vnfha__link_open(int ifindex, uint16_t proto, struct vnfha__link *ret_link);

/* Sends one whole frame; 0 or -errno (-EIO on a short write). */
int vnfha__link_send(const struct vnfha__link *link, const uint8_t *frame, int len);

#endif
