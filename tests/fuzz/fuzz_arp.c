// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the ARP decoder: any bytes from the wire must parse
 * or be refused without an out-of-bounds access, and what parses must
 * encode back to the same 42 bytes (the codec loses nothing it accepts).
 */
#include <stdlib.h>
#include <string.h>

#include "announce/arp_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t own[VNFHA_ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct vnfha_arp arp;
	uint8_t out[VNFHA_ARP_FRAME_LEN];

	if (vnfha__arp_parse(data, size, &arp) != 0) {
		return 0;
	}
	if (vnfha__arp_build(&arp, out, sizeof(out)) != VNFHA_ARP_FRAME_LEN ||
	    memcmp(out, data, sizeof(out)) != 0) {
		abort();
	}
	(void)vnfha__arp_is_conflict(&arp, arp.tpa, own);
	return 0;
}
