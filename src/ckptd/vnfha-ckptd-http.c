// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A strict, minimal HTTP/1.x request parser for the metrics endpoint:
 * "GET /metrics[?...] HTTP/1.x" then header lines up to a blank line.
 * Every byte is looked at once, never past len; nothing is copied.
 */
#include <string.h>

#include "vnfha-ckptd-http.h"

/* Where the head ends (just past "\r\n\r\n" or "\n\n"), or 0. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			continue;
		}
		if (i + 1 < len && buf[i + 1] == '\n') {
			return i + 2;
		}
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
			return i + 3;
		}
	}
	return 0;
}

static size_t token_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ' ' && s[n] != '\r' && s[n] != '\n') {
		n++;
	}
	return n;
}

/* Header bytes: printable ASCII, tab, CR, LF only. */
static int bytes_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c >= 0x7f) {
			return 0;
		}
	}
	return 1;
}

enum ckptd_http_verdict ckptd_http_parse(const char *buf, size_t len)
{
	size_t end = head_end(buf, len);
	size_t pos = 0;
	size_t n;
	size_t path;

	if (end == 0) {
		return len >= CKPTD_HTTP_MAX_REQUEST ? CKPTD_HTTP_TOO_LARGE : CKPTD_HTTP_INCOMPLETE;
	}
	if (end > CKPTD_HTTP_MAX_REQUEST) {
		return CKPTD_HTTP_TOO_LARGE;
	}
	if (!bytes_ok(buf, end)) {
		return CKPTD_HTTP_BAD;
	}
	n = token_len(buf, end); /* method */
	if (n == 0 || n >= end || buf[n] != ' ') {
		return CKPTD_HTTP_BAD;
	}
	pos = n + 1;
	path = pos;
	n = token_len(buf + pos, end - pos); /* target */
	if (n == 0 || pos + n >= end || buf[pos + n] != ' ') {
		return CKPTD_HTTP_BAD;
	}
	pos += n + 1;
	{
		size_t v = token_len(buf + pos, end - pos); /* version */

		if (v != 8 || (buf[pos + v] != '\r' && buf[pos + v] != '\n')) {
			return CKPTD_HTTP_BAD;
		}
		if (memcmp(buf + pos, "HTTP/1.", 7) != 0 ||
		    (buf[pos + 7] != '0' && buf[pos + 7] != '1')) {
			return memcmp(buf + pos, "HTTP/", 5) == 0 ? CKPTD_HTTP_VERSION
								  : CKPTD_HTTP_BAD;
		}
	}
	if (!(path - 1 == 3 && memcmp(buf, "GET", 3) == 0)) {
		return CKPTD_HTTP_METHOD;
	}
	if (n < 8 || memcmp(buf + path, "/metrics", 8) != 0 || (n > 8 && buf[path + 8] != '?')) {
		return CKPTD_HTTP_NOT_FOUND;
	}
	return CKPTD_HTTP_OK;
}

const char *ckptd_http_reason(enum ckptd_http_verdict v)
{
	switch (v) {
	case CKPTD_HTTP_OK:
		return "OK";
	case CKPTD_HTTP_NOT_FOUND:
		return "Not Found";
	case CKPTD_HTTP_METHOD:
		return "Method Not Allowed";
	case CKPTD_HTTP_TOO_LARGE:
		return "Request Header Fields Too Large";
	case CKPTD_HTTP_VERSION:
		return "HTTP Version Not Supported";
	case CKPTD_HTTP_BAD:
	case CKPTD_HTTP_INCOMPLETE:
	default:
		return "Bad Request";
	}
}
