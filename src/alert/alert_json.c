// SPDX-License-Identifier: GPL-2.0-or-later
/* The bounded JSON writer (see alert_json.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alert_json.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629 §4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	}
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f)) {
			return 0; /* overlong, or a UTF-16 surrogate */
		}
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80 ||
		    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)) {
			return 0;
		}
		return 4;
	}
	return 0;
}

static int put(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + n >= len) {
		return -ENOSPC;
	}
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
	return 0;
}

int vnfha_alert_json_string(char *buf, size_t len, size_t *used, const char *s)
{
	size_t at = *used;
	const unsigned char *p = (const unsigned char *)s;

	if (put(buf, len, &at, "\"", 1) < 0) {
		return -ENOSPC;
	}
	while (*p != '\0') {
		char esc[8];
		size_t n = utf8_len(p);
		int rc;

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			rc = put(buf, len, &at, esc, 2);
			n = 1;
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			rc = put(buf, len, &at, esc, 6);
			n = 1;
		} else if (n == 0) {
			rc = put(buf, len, &at, "\\ufffd", 6);
			n = 1;
		} else {
			rc = put(buf, len, &at, (const char *)p, n);
		}
		if (rc < 0) {
			return rc;
		}
		p += n;
	}
	if (put(buf, len, &at, "\"", 1) < 0) {
		return -ENOSPC;
	}
	*used = at;
	return 0;
}

static void raw(struct vnfha__json *j, const char *s)
{
	if (j->err == 0) {
		j->err = put(j->buf, j->len, &j->at, s, strlen(s));
	}
}

static void key(struct vnfha__json *j, const char *k)
{
	if (!j->first[j->depth]) {
		raw(j, ",");
	}
	j->first[j->depth] = false;
	if (j->err == 0) {
		j->err = vnfha_alert_json_string(j->buf, j->len, &j->at, k);
	}
	raw(j, ":");
}

void vnfha__json_begin(struct vnfha__json *j, char *buf, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->len = len;
	j->first[0] = true;
	raw(j, "{");
}

void vnfha__json_str(struct vnfha__json *j, const char *k, const char *value)
{
	key(j, k);
	if (value == NULL) {
		raw(j, "null");
	} else if (j->err == 0) {
		j->err = vnfha_alert_json_string(j->buf, j->len, &j->at, value);
	}
}

void vnfha__json_int(struct vnfha__json *j, const char *k, int64_t value)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, value);
	key(j, k);
	raw(j, num);
}

void vnfha__json_int_or_null(struct vnfha__json *j, const char *k, int64_t value)
{
	if (value < 0) {
		vnfha__json_str(j, k, NULL);
	} else {
		vnfha__json_int(j, k, value);
	}
}

void vnfha__json_open(struct vnfha__json *j, const char *k)
{
	if (j->depth >= VNFHA__JSON_DEPTH) {
		j->err = j->err ? j->err : -E2BIG;
		return;
	}
	key(j, k);
	raw(j, "{");
	j->first[++j->depth] = true;
}

void vnfha__json_close(struct vnfha__json *j)
{
	if (j->depth > 0) {
		j->depth--;
		raw(j, "}");
	}
}

int vnfha__json_end(struct vnfha__json *j)
{
	while (j->depth > 0) {
		vnfha__json_close(j);
	}
	raw(j, "}");
	return j->err < 0 ? j->err : (int)j->at;
}
