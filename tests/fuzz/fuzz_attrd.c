// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the parser of attrd_updater output used by ocf:vnfha:statesync. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statesync_score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ss_peer peers[8];
	char *text = malloc(size + 1);
	int n;

	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	n = ss_parse_attrd(text, "node1", peers, 8);
	if (n > 8) {
		abort();
	}
	free(text);
	return 0;
}
