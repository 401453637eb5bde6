// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: vnfha-alert's JSON string escaping (alert_event.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[64];
	char big[8192];
	size_t used = 0;

	if (s == NULL) {
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	/* a small buffer exercises -ENOSPC at every position, a big one the escaping */
	(void)vnfha_alert_json_string(out, sizeof(out), &used, s);
	used = 0;
	if (vnfha_alert_json_string(big, sizeof(big), &used, s) == 0 &&
	    (used < 2 || big[0] != '"' || big[used - 1] != '"' || strlen(big) != used)) {
		abort();
	}
	free(s);
	return 0;
}
