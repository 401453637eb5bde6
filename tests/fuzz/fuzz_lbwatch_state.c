// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: vnfha-lbwatch's state file parser (lbwatch_state.c). What
 * it accepts must format back to text it accepts again, unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lbwatch/lbwatch_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan catches any read past the file. */
	char *text = malloc(size ? size : 1);
	struct lbw_state s, again;
	size_t line = 0;

	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	if (vnfha__lbw_parse(text, size, &s, &line) == 0) {
		char *out = vnfha__lbw_format(&s);
		char *out2;

		if (out == NULL || vnfha__lbw_parse(out, strlen(out), &again, &line) != 0) {
			abort();
		}
		out2 = vnfha__lbw_format(&again);
		if (out2 == NULL || strcmp(out, out2) != 0) {
			abort();
		}
		free(out);
		free(out2);
		vnfha__lbw_free(&again);
		vnfha__lbw_free(&s);
	}
	free(text);
	return 0;
}
