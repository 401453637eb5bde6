// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the metrics endpoint's HTTP request parser. Every verdict is
 * one of the listed ones, only a GET /metrics is 200, and a prefix of an
 * input never gets a final verdict the whole input does not (the server
 * decides on each read's prefix). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ckptd/vnfha-ckptd-http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	enum ckptd_http_verdict v = ckptd_http_parse(s, size);
	enum ckptd_http_verdict first = CKPTD_HTTP_INCOMPLETE;

	switch (v) {
	case CKPTD_HTTP_INCOMPLETE:
		if (size >= CKPTD_HTTP_MAX_REQUEST) {
			abort();
		}
		break;
	case CKPTD_HTTP_OK:
		if (size < 14 || memcmp(s, "GET /metrics", 12) != 0) {
			abort();
		}
		break;
	case CKPTD_HTTP_BAD:
	case CKPTD_HTTP_NOT_FOUND:
	case CKPTD_HTTP_METHOD:
	case CKPTD_HTTP_TOO_LARGE:
	case CKPTD_HTTP_VERSION:
		break;
	default:
		abort();
	}
	/* The first prefix with a verdict decides; the whole input agrees. */
	for (size_t n = 1; n <= size && first == CKPTD_HTTP_INCOMPLETE; n++) {
		first = ckptd_http_parse(s, n);
	}
	if (first != v) {
		abort();
	}
	(void)ckptd_http_reason(v);
	return 0;
}
