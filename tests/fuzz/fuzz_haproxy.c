// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the HAProxy runtime API answer parsers (haproxy_parse.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy/haproxy_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan catches any read past the answer. */
	char *text = malloc(size ? size : 1);
	struct vnfha_haproxy_server s;
	unsigned long scur;

	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	(void)vnfha_haproxy_parse_servers_state(text, size, "n1", &s);
	(void)vnfha_haproxy_parse_stat_scur(text, size, "be", "n1", &scur);
	(void)vnfha_haproxy_reply_is_empty(text, size);
	free(text);
	return 0;
}
