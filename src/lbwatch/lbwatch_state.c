// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha-lbwatch's members, event queue and state file (see lbwatch_state.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "lbwatch/lbwatch_state.h"

static const char *const cond_names[] = { "in", "down", "drain", "maint" };
static const char *const kind_names[] = { "raise", "change", "clear" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *vnfha__lbw_cond_name(enum lbw_cond cond)
{
	return (size_t)cond < N(cond_names) ? cond_names[cond] : "unknown";
}

const char *vnfha__lbw_kind_name(enum lbw_kind kind)
{
	return (size_t)kind < N(kind_names) ? kind_names[kind] : "?";
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* HAProxy writes "* " before the status of a check that is running right now. */
static bool is_ini(const char *check_status)
{
	return strcmp(check_status + (starts(check_status, "* ") ? 2 : 0), "INI") == 0;
}

enum lbw_cond vnfha__lbw_classify(const struct vnfha_haproxy_stat *row)
{
	/* Not judged yet: after a (re)start every check is "INI" until it has run,
	 * and "UP 1/3" / "DOWN 1/2" are half-way through fall/rise. */
	if (is_ini(row->check_status) || is_ini(row->agent_status) ||
	    strchr(row->status, '/') != NULL) {
		return LBW_UNKNOWN;
	}
	if (starts(row->status, "MAINT")) {
		return LBW_MAINT;
	}
	if (starts(row->status, "DRAIN") || starts(row->status, "NOLB")) {
		return LBW_DRAIN; /* NOLB: up, but takes no new traffic */
	}
	if (starts(row->status, "DOWN")) {
		return LBW_DOWN;
	}
	if (starts(row->status, "UP") || starts(row->status, "no check")) {
		return LBW_IN;
	}
	return LBW_UNKNOWN;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (need <= *cap) {
		return 0;
	}
	while (n < need) {
		n *= 2;
	}
	p = realloc(*arr, n * size);
	if (p == NULL) {
		return -ENOMEM;
	}
	*arr = p;
	*cap = n;
	return 0;
}

static struct lbw_member *find_member(struct lbw_state *s, const char *backend, const char *server)
{
	for (size_t i = 0; i < s->n_members; i++) {
		if (strcmp(s->members[i].backend, backend) == 0 &&
		    strcmp(s->members[i].server, server) == 0) {
			return &s->members[i];
		}
	}
	return NULL;
}

static struct lbw_member *add_member(struct lbw_state *s, const char *backend, const char *server)
{
	struct lbw_member *m;

	if (grow((void **)&s->members, &s->cap_members, s->n_members + 1, sizeof(*m)) < 0) {
		return NULL;
	}
	m = &s->members[s->n_members++];
	memset(m, 0, sizeof(*m));
	snprintf(m->backend, sizeof(m->backend), "%s", backend);
	snprintf(m->server, sizeof(m->server), "%s", server);
	return m;
}

static struct lbw_event *add_event(struct lbw_state *s)
{
	struct lbw_event *e;

	if (grow((void **)&s->queue, &s->cap_queue, s->n_queue + 1, sizeof(*e)) < 0) {
		return NULL;
	}
	e = &s->queue[s->n_queue++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Printable ASCII only: the text goes on one line of the state file. */
static void clean_copy(char *dst, size_t len, const char *src)
{
	size_t j = 0;

	for (size_t i = 0; src[i] != '\0' && j + 1 < len; i++) {
		dst[j++] = src[i] >= 0x20 && src[i] <= 0x7e ? src[i] : '?';
	}
	dst[j] = '\0';
}

/* An event id has no whitespace (VES 7): [A-Za-z0-9._:@/-] only. */
static void id_clean(char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._:@/-", *s) != NULL)) {
			*s = '_';
		}
	}
}

static void describe(const struct vnfha_haproxy_stat *row, char *out, size_t len)
{
	char why[LBW_WHY_MAX + 1];

	snprintf(why, sizeof(why), "%s; check %s%s%s; agent %s%s%s", row->status,
		 row->check_status[0] ? row->check_status : "none", row->last_chk[0] ? ": " : "",
		 row->last_chk, row->agent_status[0] ? row->agent_status : "none",
		 row->last_agt[0] ? ": " : "", row->last_agt);
	clean_copy(out, len, why);
}

int vnfha__lbw_observe(struct lbw_state *s, const char *vnf, const char *backend,
		       const struct vnfha_haproxy_stat *row, int64_t now_us,
		       const struct lbw_event **ret_event)
{
	enum lbw_cond now = vnfha__lbw_classify(row);
	struct lbw_member *m = find_member(s, backend, row->server);
	struct lbw_event *e;

	if (now == LBW_UNKNOWN) {
		return 0;
	}
	if (m == NULL) {
		m = add_member(s, backend, row->server);
		if (m == NULL) {
			return -ENOMEM;
		}
		m->cond = LBW_IN; /* first sight: only a member already out is news */
	}
	if (now == m->cond) {
		return 0;
	}
	e = add_event(s);
	if (e == NULL) {
		return -ENOMEM;
	}
	if (m->cond == LBW_IN) {
		e->kind = LBW_RAISE;
		m->since_us = now_us;
		snprintf(m->event_id, sizeof(m->event_id), "vnfha:%s:lbMemberOutOfPool:%s/%s:%" PRId64,
			 vnf, backend, row->server, now_us);
		id_clean(m->event_id);
	} else {
		e->kind = now == LBW_IN ? LBW_CLEAR : LBW_CHANGE;
	}
	e->seq = s->next_seq++;
	e->cond = now == LBW_IN ? m->cond : now;
	snprintf(e->backend, sizeof(e->backend), "%s", backend);
	snprintf(e->server, sizeof(e->server), "%s", row->server);
	clean_copy(e->addr, sizeof(e->addr), row->addr);
	for (char *c = e->addr; *c != '\0'; c++) {
		*c = *c == ' ' ? '_' : *c;
	}
	snprintf(e->event_id, sizeof(e->event_id), "%s", m->event_id);
	e->since_us = m->since_us;
	e->at_us = now_us;
	describe(row, e->why, sizeof(e->why));
	m->cond = now;
	if (now == LBW_IN) {
		m->event_id[0] = '\0';
		m->since_us = 0;
	}
	*ret_event = e;
	return 1;
}

void vnfha__lbw_pop(struct lbw_state *s)
{
	if (s->n_queue > 0) {
		memmove(&s->queue[0], &s->queue[1], (s->n_queue - 1) * sizeof(s->queue[0]));
		s->n_queue--;
	}
}

void vnfha__lbw_free(struct lbw_state *s)
{
	if (s != NULL) {
		free(s->members);
		free(s->queue);
		memset(s, 0, sizeof(*s));
	}
}

char *vnfha__lbw_format(const struct lbw_state *s)
{
	size_t cap = 64 + (s->n_members + s->n_queue) * LBW_LINE_MAX;
	char *buf = malloc(cap);
	size_t at = 0;

	if (buf == NULL) {
		return NULL;
	}
	at += (size_t)snprintf(buf + at, cap - at, "vnfha-lbwatch-state 1\nnext_seq %" PRIu64 "\n",
			       s->next_seq);
	for (size_t i = 0; i < s->n_members; i++) {
		const struct lbw_member *m = &s->members[i];

		at += (size_t)snprintf(buf + at, cap - at, "member %s %s %s %s %" PRId64 "\n",
				       m->backend, m->server, vnfha__lbw_cond_name(m->cond),
				       m->event_id[0] ? m->event_id : "-", m->since_us);
	}
	for (size_t i = 0; i < s->n_queue; i++) {
		const struct lbw_event *e = &s->queue[i];

		at += (size_t)snprintf(buf + at, cap - at,
				       "event %" PRIu64 " %s %s %s %s %s %s %" PRId64 " %" PRId64
				       " %s\n",
				       e->seq, vnfha__lbw_kind_name(e->kind),
				       vnfha__lbw_cond_name(e->cond), e->backend, e->server,
				       e->addr[0] ? e->addr : "-", e->event_id, e->since_us,
				       e->at_us, e->why);
	}
	return buf;
}

/* Copies one word; false when empty, too long or not plain printable ASCII. */
static bool word(const char *w, char *dst, size_t len)
{
	size_t n = strlen(w);

	if (n == 0 || n >= len) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (w[i] <= 0x20 || w[i] > 0x7e) {
			return false;
		}
	}
	memcpy(dst, w, n + 1);
	return true;
}

static int name_index(const char *w, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(w, names[i]) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static bool parse_i64(const char *w, int64_t *ret)
{
	long v = 0;

	if (vnfha__parse_long(w, 0, INT64_MAX, &v) < 0) {
		return false;
	}
	*ret = v;
	return true;
}

/* Splits line at single spaces into at most max words; the last takes the rest. */
static size_t split_words(char *line, char **w, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *space;

		w[n++] = line;
		if (n == max) {
			break;
		}
		space = strchr(line, ' ');
		if (space == NULL) {
			break;
		}
		*space = '\0';
		line = space + 1;
	}
	return n;
}

static int parse_line(struct lbw_state *s, char *line, bool first)
{
	char *w[11];
	size_t n = split_words(line, w, 11);
	int64_t v = 0;

	if (first) {
		return n == 2 && strcmp(w[0], "vnfha-lbwatch-state") == 0 && strcmp(w[1], "1") == 0
			       ? 0
			       : -EBADMSG;
	}
	if (strcmp(w[0], "next_seq") == 0 && n == 2 && parse_i64(w[1], &v)) {
		s->next_seq = (uint64_t)v;
		return 0;
	}
	if (strcmp(w[0], "member") == 0 && n == 6) {
		struct lbw_member m = { 0 };
		int cond = name_index(w[3], cond_names, N(cond_names));

		if (!word(w[1], m.backend, sizeof(m.backend)) ||
		    !word(w[2], m.server, sizeof(m.server)) || cond < 0 ||
		    !word(w[4], m.event_id, sizeof(m.event_id)) || !parse_i64(w[5], &m.since_us) ||
		    find_member(s, m.backend, m.server) != NULL) {
			return -EBADMSG;
		}
		m.cond = (enum lbw_cond)cond;
		if (strcmp(m.event_id, "-") == 0) {
			m.event_id[0] = '\0';
		}
		if ((m.cond == LBW_IN) != (m.event_id[0] == '\0')) {
			return -EBADMSG; /* an alarm is open exactly while out of the pool */
		}
		if (grow((void **)&s->members, &s->cap_members, s->n_members + 1, sizeof(m)) < 0) {
			return -ENOMEM;
		}
		s->members[s->n_members++] = m;
		return 0;
	}
	if (strcmp(w[0], "event") == 0 && n == 11) {
		struct lbw_event e = { 0 };
		int kind = name_index(w[2], kind_names, N(kind_names));
		int cond = name_index(w[3], cond_names, N(cond_names));

		if (!parse_i64(w[1], &v) || kind < 0 || cond <= LBW_IN ||
		    !word(w[4], e.backend, sizeof(e.backend)) ||
		    !word(w[5], e.server, sizeof(e.server)) || !word(w[6], e.addr, sizeof(e.addr)) ||
		    !word(w[7], e.event_id, sizeof(e.event_id)) || !parse_i64(w[8], &e.since_us) ||
		    !parse_i64(w[9], &e.at_us) || strlen(w[10]) > LBW_WHY_MAX) {
			return -EBADMSG;
		}
		e.seq = (uint64_t)v;
		e.kind = (enum lbw_kind)kind;
		e.cond = (enum lbw_cond)cond;
		if (strcmp(e.addr, "-") == 0) {
			e.addr[0] = '\0';
		}
		clean_copy(e.why, sizeof(e.why), w[10]);
		if (grow((void **)&s->queue, &s->cap_queue, s->n_queue + 1, sizeof(e)) < 0) {
			return -ENOMEM;
		}
		s->queue[s->n_queue++] = e;
		return 0;
	}
	return -EBADMSG;
}

int vnfha__lbw_parse(const char *text, size_t len, struct lbw_state *ret, size_t *ret_line)
{
	struct lbw_state s = { 0 };
	char line[LBW_LINE_MAX + 1];
	size_t pos = 0, lineno = 0;
	int rc = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (nl == NULL || n > LBW_LINE_MAX || memchr(text + pos, '\0', n) != NULL) {
			rc = -EBADMSG; /* a cut last line is a torn write: refuse it */
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		rc = parse_line(&s, line, lineno == 1);
		if (rc < 0) {
			break;
		}
	}
	if (rc == 0 && lineno == 0) {
		rc = -EBADMSG;
	}
	if (rc == 0) {
		/* sequence numbers only grow: never reuse one a queued event has */
		for (size_t i = 0; i < s.n_queue; i++) {
			if (s.queue[i].seq >= s.next_seq) {
				rc = -EBADMSG;
			}
		}
	}
	if (rc < 0) {
		vnfha__lbw_free(&s);
		*ret_line = lineno;
		return rc;
	}
	*ret = s;
	return 0;
}
