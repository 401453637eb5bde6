// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the parser of cibadmin's nvpair output (src/ocf/ocf_node.c),
 * which ocf:vnfha:statesync reads to find a remote node's address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocf/ocf_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char value[64];

	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	if (vnfha__cib_nvpair_value(text, "server", value, sizeof(value)) == 0 &&
	    strlen(value) >= sizeof(value)) {
		abort();
	}
	vnfha__cib_nvpair_value(text, "remote-addr", value, 1);
	free(text);
	return 0;
}
