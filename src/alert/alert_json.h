/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded JSON writer for the VNFM events of vnfha-alert and
 * vnfha-lbwatch (RFC 8259): objects, string and integer members, nothing
 * else. It never writes past the buffer: the first error sticks
 * (-ENOSPC, or -E2BIG past the nesting limit) and vnfha__json_end() says so.
 */
#ifndef VNFHA_ALERT_JSON_H
#define VNFHA_ALERT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNFHA__JSON_DEPTH 4

struct vnfha__json {
	char *buf;
	size_t len, at;
	int err;
	size_t depth;
	bool first[VNFHA__JSON_DEPTH + 1];
};

/*
 * Appends s as a JSON string (RFC 8259 §7: quotes, backslash and control
 * characters escaped; invalid UTF-8 replaced by U+FFFD) to buf at *used.
 * 0, or -ENOSPC when it does not fit (*used unchanged).
 */
int vnfha_alert_json_string(char *buf, size_t len, size_t *used, const char *s);

/* Starts the top-level object in buf. */
void vnfha__json_begin(struct vnfha__json *j, char *buf, size_t len);
/* "key":"value" (value NULL: null). */
void vnfha__json_str(struct vnfha__json *j, const char *key, const char *value);
/* "key":value */
void vnfha__json_int(struct vnfha__json *j, const char *key, int64_t value);
/* "key":value, or null when value < 0 (a field Pacemaker did not give). */
void vnfha__json_int_or_null(struct vnfha__json *j, const char *key, int64_t value);
/* "key":{ ... vnfha__json_close() */
void vnfha__json_open(struct vnfha__json *j, const char *key);
void vnfha__json_close(struct vnfha__json *j);
/* Closes every open object: the length (buf NUL-terminated) or the error. */
int vnfha__json_end(struct vnfha__json *j);

#endif
