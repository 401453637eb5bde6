// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the HAProxy runtime API answer parsers (haproxy_parse.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy/haproxy_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int take_row(const struct vnfha_haproxy_stat *row, void *ctx)
{
	/* every string the parser hands out is NUL-terminated within its field */
	if (strlen(row->server) >= sizeof(row->server) ||
	    strlen(row->last_agt) >= sizeof(row->last_agt)) {
		abort();
	}
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan catches any read past the answer. */
	char *text = malloc(size ? size : 1);
	struct vnfha_haproxy_server s;
	unsigned long scur;
	size_t rows = 0;

	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	(void)vnfha_haproxy_parse_servers_state(text, size, "n1", &s);
	(void)vnfha_haproxy_parse_stat_scur(text, size, "be", "n1", &scur);
	(void)vnfha_haproxy_reply_is_empty(text, size);
	(void)vnfha_haproxy_parse_stat_servers(text, size, "be", take_row, &rows);
	free(text);
	return 0;
}
