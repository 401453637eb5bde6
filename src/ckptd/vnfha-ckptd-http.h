/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The metrics endpoint's request parser (vnfha-ckptd-http.c): pure, no
 * I/O, bounded by its input; fuzzed by tests/fuzz/fuzz_ckptd_http.c.
 */
#ifndef VNFHA_CKPTD_HTTP_H
#define VNFHA_CKPTD_HTTP_H

#include <stddef.h>

/* The most a request may take, head and all (a scrape's is ~200 bytes). */
#define CKPTD_HTTP_MAX_REQUEST 4096

enum ckptd_http_verdict {
	CKPTD_HTTP_INCOMPLETE = 0, /* no blank line yet: read more */
	CKPTD_HTTP_OK = 200,	   /* GET /metrics (a query string is ignored) */
	CKPTD_HTTP_BAD = 400,	   /* not a request line, or bad header bytes */
	CKPTD_HTTP_NOT_FOUND = 404,
	CKPTD_HTTP_METHOD = 405,   /* not GET (HEAD included) */
	CKPTD_HTTP_TOO_LARGE = 431,
	CKPTD_HTTP_VERSION = 505,  /* not HTTP/1.0 or HTTP/1.1 */
};

/* Looks at the len bytes received so far. */
enum ckptd_http_verdict ckptd_http_parse(const char *buf, size_t len);
/* The status line's reason phrase for a verdict. */
const char *ckptd_http_reason(enum ckptd_http_verdict v);

#endif
