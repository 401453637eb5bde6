// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pure parsers of HAProxy runtime API answers (see haproxy_api.h). They
 * read columns by the names in the answer's "# ..." header line, never by
 * position, so a HAProxy that adds columns still parses; every access is
 * bounded by len, the text need not be NUL-terminated, and a row with
 * fewer fields than the header is malformed, not read past.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy/haproxy_api.h"

#define MAX_FIELDS 256

struct span {
	const char *p;
	size_t len;
};

struct table {
	char sep;
	size_t n_cols;
	struct span cols[MAX_FIELDS];
};

bool vnfha_haproxy_name_is_valid(const char *name)
{
	size_t n = 0;

	if (name == NULL || *name == '\0') {
		return false;
	}
	for (const char *c = name; *c != '\0'; c++, n++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == ':' ||
			  *c == '-';

		if (!ok || n >= VNFHA_HAPROXY_NAME_MAX) {
			return false;
		}
	}
	return true;
}

bool vnfha_haproxy_reply_is_empty(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ') {
			return false;
		}
	}
	return true;
}

/* Next line of text from *pos; false at the end. Strips "\r\n" / "\n". */
static bool next_line(const char *text, size_t len, size_t *pos, struct span *ret)
{
	size_t start = *pos;
	size_t end = start;

	if (start >= len) {
		return false;
	}
	while (end < len && text[end] != '\n') {
		end++;
	}
	*pos = end < len ? end + 1 : end;
	if (end > start && text[end - 1] == '\r') {
		end--;
	}
	ret->p = text + start;
	ret->len = end - start;
	return true;
}

/*
 * Splits a line into fields. With sep ' ' runs of spaces separate; with
 * ',' a field may be double-quoted ("" inside is a quote), as HAProxy's CSV
 * encoder writes values that hold commas. Returns the count or -E2BIG.
 */
static int split(struct span line, char sep, struct span *f, size_t max)
{
	size_t i = 0;
	size_t n = 0;

	while (i <= line.len) {
		size_t start;

		if (sep == ' ') {
			while (i < line.len && line.p[i] == ' ') {
				i++;
			}
			if (i == line.len) {
				break;
			}
		}
		if (n == max) {
			return -E2BIG;
		}
		start = i;
		if (sep == ',' && i < line.len && line.p[i] == '"') {
			i++;
			while (i < line.len && !(line.p[i] == '"' &&
						 (i + 1 == line.len || line.p[i + 1] != '"'))) {
				i += line.p[i] == '"' ? 2 : 1;
			}
			if (i >= line.len) {
				return -EBADMSG; /* unterminated quote */
			}
			i++;
			f[n].p = line.p + start + 1;
			f[n].len = i - start - 2;
		} else {
			while (i < line.len && line.p[i] != sep) {
				i++;
			}
			f[n].p = line.p + start;
			f[n].len = i - start;
		}
		n++;
		if (i < line.len && line.p[i] != sep) {
			return -EBADMSG; /* text after a closing quote */
		}
		if (i == line.len) {
			break;
		}
		i++; /* the separator */
		if (sep == ',' && i == line.len) {
			break; /* HAProxy ends CSV lines with a separator */
		}
	}
	return (int)n;
}

static bool span_eq(struct span s, const char *str)
{
	size_t n = strlen(str);

	return s.len == n && memcmp(s.p, str, n) == 0;
}

static bool span_starts(struct span s, const char *str)
{
	size_t n = strlen(str);

	return s.len >= n && memcmp(s.p, str, n) == 0;
}

/* Header "# a b c" (sep ' ') or "# a,b,c," (sep ','). */
static int parse_header(struct span line, char sep, struct table *t)
{
	int n;

	if (!span_starts(line, "# ")) {
		return -EBADMSG;
	}
	line.p += 2;
	line.len -= 2;
	n = split(line, sep, t->cols, MAX_FIELDS);
	if (n <= 0) {
		return n < 0 ? n : -EBADMSG;
	}
	t->sep = sep;
	t->n_cols = (size_t)n;
	return 0;
}

static int column(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->n_cols; i++) {
		if (span_eq(t->cols[i], name)) {
			return (int)i;
		}
	}
	return -1;
}

static int span_ulong(struct span s, unsigned long *ret)
{
	unsigned long v = 0;

	if (s.len == 0 || s.len > 19) {
		return -EBADMSG;
	}
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9') {
			return -EBADMSG;
		}
		v = v * 10 + (unsigned long)(s.p[i] - '0');
	}
	*ret = v;
	return 0;
}

static int span_copy(struct span s, char *dst, size_t dst_len)
{
	if (s.len >= dst_len) {
		return -EBADMSG;
	}
	memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

/* Next non-empty row with every header column: 1, 0 at the end, or -EBADMSG. */
static int next_row(const char *text, size_t len, size_t *pos, const struct table *t,
		    struct span *f)
{
	struct span line;

	while (next_line(text, len, pos, &line)) {
		int n;

		if (line.len == 0) {
			continue;
		}
		n = split(line, t->sep, f, MAX_FIELDS);
		if (n < 0 || (size_t)n < t->n_cols) {
			return -EBADMSG;
		}
		return 1;
	}
	return 0;
}

int vnfha_haproxy_parse_servers_state(const char *text, size_t len, const char *server,
				      struct vnfha_haproxy_server *ret)
{
	struct table t;
	struct span line;
	struct span f[MAX_FIELDS];
	size_t pos = 0;
	int c_name, c_id, c_addr, c_port, c_op, c_admin, c_uw;
	int rc;

	if (!next_line(text, len, &pos, &line)) {
		return -EBADMSG;
	}
	if (span_starts(line, "Can't find backend")) {
		return -ESRCH;
	}
	if (!span_eq(line, "1")) {
		return -EBADMSG; /* only format version 1 exists (HAProxy 1.6 to 3.x) */
	}
	if (!next_line(text, len, &pos, &line) || parse_header(line, ' ', &t) < 0) {
		return -EBADMSG;
	}
	c_name = column(&t, "srv_name");
	c_id = column(&t, "srv_id");
	c_addr = column(&t, "srv_addr");
	c_port = column(&t, "srv_port");
	c_op = column(&t, "srv_op_state");
	c_admin = column(&t, "srv_admin_state");
	c_uw = column(&t, "srv_uweight");
	if (c_name < 0 || c_id < 0 || c_addr < 0 || c_port < 0 || c_op < 0 || c_admin < 0 ||
	    c_uw < 0) {
		return -EBADMSG;
	}
	for (;;) {
		struct vnfha_haproxy_server s;

		rc = next_row(text, len, &pos, &t, f);
		if (rc != 1) {
			break;
		}
		if (!span_eq(f[c_name], server)) {
			continue;
		}
		memset(&s, 0, sizeof(s));
		if (span_copy(f[c_name], s.name, sizeof(s.name)) < 0 ||
		    span_copy(f[c_addr], s.addr, sizeof(s.addr)) < 0 ||
		    span_ulong(f[c_id], &s.id) < 0 || span_ulong(f[c_port], &s.port) < 0 ||
		    span_ulong(f[c_op], &s.op_state) < 0 ||
		    span_ulong(f[c_admin], &s.admin_state) < 0 ||
		    span_ulong(f[c_uw], &s.uweight) < 0) {
			return -EBADMSG;
		}
		*ret = s;
		return 0;
	}
	return rc < 0 ? rc : -ENODATA;
}

/* The first line of a `show stat` CSV answer: its header, or HAProxy's refusal. */
static int stat_header(const char *text, size_t len, size_t *pos, struct table *t)
{
	struct span line;

	if (!next_line(text, len, pos, &line)) {
		return -EBADMSG;
	}
	if (span_starts(line, "No such proxy")) {
		return -ESRCH;
	}
	return parse_header(line, ',', t) < 0 ? -EBADMSG : 0;
}

int vnfha_haproxy_parse_stat_scur(const char *text, size_t len, const char *backend,
				  const char *server, unsigned long *ret_scur)
{
	struct table t;
	struct span f[MAX_FIELDS];
	size_t pos = 0;
	int c_px, c_sv, c_scur;
	int rc;

	rc = stat_header(text, len, &pos, &t);
	if (rc < 0) {
		return rc;
	}
	c_px = column(&t, "pxname");
	c_sv = column(&t, "svname");
	c_scur = column(&t, "scur");
	if (c_px < 0 || c_sv < 0 || c_scur < 0) {
		return -EBADMSG;
	}
	for (;;) {
		unsigned long scur;

		rc = next_row(text, len, &pos, &t, f);
		if (rc != 1) {
			break;
		}
		if (!span_eq(f[c_px], backend) || !span_eq(f[c_sv], server)) {
			continue;
		}
		if (span_ulong(f[c_scur], &scur) < 0) {
			return -EBADMSG;
		}
		*ret_scur = scur;
		return 0;
	}
	return rc < 0 ? rc : -ENODATA;
}

/* Like span_copy, but cuts a long value (descriptive text only). */
static void span_copy_cut(struct span s, char *dst, size_t dst_len)
{
	size_t n = s.len < dst_len - 1 ? s.len : dst_len - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

int vnfha_haproxy_parse_stat_servers(const char *text, size_t len, const char *backend,
				     int (*row_fn)(const struct vnfha_haproxy_stat *row, void *ctx),
				     void *ctx)
{
	static const char *const names[] = { "pxname", "svname", "status", "check_status",
					     "agent_status", "last_chk", "last_agt", "lastchg",
					     "chkdown", "type" };
	enum { PX, SV, STATUS, CHECK, AGENT, LAST_CHK, LAST_AGT, LASTCHG, CHKDOWN, TYPE, N_COLS };
	struct table t;
	struct span f[MAX_FIELDS];
	size_t pos = 0;
	int c[N_COLS], c_addr;
	int rc;

	rc = stat_header(text, len, &pos, &t);
	if (rc < 0) {
		return rc;
	}
	for (int i = 0; i < N_COLS; i++) {
		c[i] = column(&t, names[i]);
		if (c[i] < 0) {
			return -EBADMSG;
		}
	}
	c_addr = column(&t, "addr"); /* optional: absent before HAProxy 1.9 */
	for (;;) {
		struct vnfha_haproxy_stat st;
		unsigned long type = 0;

		rc = next_row(text, len, &pos, &t, f);
		if (rc != 1) {
			break;
		}
		if (!span_eq(f[c[PX]], backend)) {
			continue;
		}
		if (span_ulong(f[c[TYPE]], &type) < 0) {
			return -EBADMSG;
		}
		if (type != 2) {
			continue; /* 0 frontend, 1 backend, 2 server, 3 listener */
		}
		memset(&st, 0, sizeof(st));
		if (span_copy(f[c[SV]], st.server, sizeof(st.server)) < 0 ||
		    !vnfha_haproxy_name_is_valid(st.server) ||
		    span_copy(f[c[STATUS]], st.status, sizeof(st.status)) < 0 ||
		    span_copy(f[c[CHECK]], st.check_status, sizeof(st.check_status)) < 0 ||
		    span_copy(f[c[AGENT]], st.agent_status, sizeof(st.agent_status)) < 0 ||
		    (f[c[LASTCHG]].len > 0 && span_ulong(f[c[LASTCHG]], &st.lastchg) < 0) ||
		    (f[c[CHKDOWN]].len > 0 && span_ulong(f[c[CHKDOWN]], &st.chkdown) < 0)) {
			return -EBADMSG;
		}
		if (c_addr >= 0 && span_copy(f[c_addr], st.addr, sizeof(st.addr)) < 0) {
			return -EBADMSG;
		}
		span_copy_cut(f[c[LAST_CHK]], st.last_chk, sizeof(st.last_chk));
		span_copy_cut(f[c[LAST_AGT]], st.last_agt, sizeof(st.last_agt));
		rc = row_fn(&st, ctx);
		if (rc != 0) {
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}
