// SPDX-License-Identifier: GPL-2.0-or-later
/* Pacemaker alert variables -> validated event -> JSON (see alert_event.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert_event.h"
#include "common/parse.h"

/* Pacemaker's enum pcmk_exec_status values this agent tells apart. */
#define PCMK_EXEC_PENDING (-1) /* still running (record-pending) */
#define PCMK_EXEC_DONE 0       /* the operation ran; rc says how it went */
#define PCMK_EXEC_CANCELLED 1  /* a recurring monitor stopped on purpose */

const char *vnfha_alert_event_name(enum vnfha_alert_event event)
{
	switch (event) {
	case VNFHA_ALERT_RSC_FAILURE:
		return "resource-failure";
	case VNFHA_ALERT_RSC_RECOVERY:
		return "resource-recovery";
	case VNFHA_ALERT_NODE_LOST:
		return "node-lost";
	case VNFHA_ALERT_NODE_MEMBER:
		return "node-member";
	case VNFHA_ALERT_FENCING:
		return "fencing";
	case VNFHA_ALERT_SKIP:
		break;
	}
	return "skip";
}

/* A text value: present (if required), bounded, no control characters. */
static int read_text(vnfha_alert_getenv_fn get, void *ctx, const char *name, bool required,
		     const char **ret, char *why, size_t why_len)
{
	const char *v = get(name, ctx);

	if (v == NULL || *v == '\0') {
		if (required) {
			snprintf(why, why_len, "%s is not set: Pacemaker sets it for this kind of alert",
				 name);
			return -EINVAL;
		}
		*ret = NULL;
		return 0;
	}
	if (strnlen(v, VNFHA_ALERT_VALUE_MAX + 1) > VNFHA_ALERT_VALUE_MAX) {
		snprintf(why, why_len, "%s is longer than %d bytes", name, VNFHA_ALERT_VALUE_MAX);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int read_long(vnfha_alert_getenv_fn get, void *ctx, const char *name, bool required,
		     long min, long max, long *ret, char *why, size_t why_len)
{
	const char *v = get(name, ctx);
	int rc;

	if (v == NULL || *v == '\0') {
		if (required) {
			snprintf(why, why_len, "%s is not set", name);
			return -EINVAL;
		}
		*ret = -1;
		return 0;
	}
	rc = vnfha__parse_long(v, min, max, ret);
	if (rc < 0) {
		snprintf(why, why_len, "%s='%.64s' is %s", name, v,
			 rc == -ERANGE ? "out of range" : "not an integer");
		return -EINVAL;
	}
	return 0;
}

static enum vnfha_alert_event classify(const struct vnfha_alert *a)
{
	if (strcmp(a->kind, "node") == 0) {
		if (strcmp(a->desc, "lost") == 0) {
			return VNFHA_ALERT_NODE_LOST;
		}
		return strcmp(a->desc, "member") == 0 ? VNFHA_ALERT_NODE_MEMBER : VNFHA_ALERT_SKIP;
	}
	if (strcmp(a->kind, "fencing") == 0) {
		return VNFHA_ALERT_FENCING;
	}
	if (strcmp(a->kind, "resource") != 0) {
		return VNFHA_ALERT_SKIP; /* attribute changes are not the VNFM's business */
	}
	if (a->status == PCMK_EXEC_PENDING || a->status == PCMK_EXEC_CANCELLED) {
		return VNFHA_ALERT_SKIP; /* not a result */
	}
	if (a->status != PCMK_EXEC_DONE || a->rc != a->target_rc) {
		return VNFHA_ALERT_RSC_FAILURE;
	}
	if (strcmp(a->task, "start") == 0 || strcmp(a->task, "promote") == 0) {
		return VNFHA_ALERT_RSC_RECOVERY;
	}
	return VNFHA_ALERT_SKIP;
}

int vnfha_alert_read(vnfha_alert_getenv_fn get, void *ctx, struct vnfha_alert *ret, char *why,
		     size_t why_len)
{
	struct vnfha_alert a = { .rc = -1, .target_rc = -1, .status = -1, .interval_ms = -1,
				 .epoch = -1 };
	bool rsc;
	long epoch = -1;
	int rc;

	rc = read_text(get, ctx, "CRM_alert_kind", true, &a.kind, why, why_len);
	if (rc < 0) {
		return rc;
	}
	if (strcmp(a.kind, "node") != 0 && strcmp(a.kind, "fencing") != 0 &&
	    strcmp(a.kind, "resource") != 0 && strcmp(a.kind, "attribute") != 0) {
		snprintf(why, why_len,
			 "CRM_alert_kind='%.32s' is unknown: expected node, fencing, resource or "
			 "attribute",
			 a.kind);
		return -EINVAL;
	}
	rsc = strcmp(a.kind, "resource") == 0;
	rc = read_text(get, ctx, "CRM_alert_node", true, &a.node, why, why_len);
	if (rc == 0) {
		rc = read_text(get, ctx, "CRM_alert_desc", strcmp(a.kind, "node") == 0, &a.desc,
			       why, why_len);
	}
	if (rc == 0) {
		rc = read_text(get, ctx, "CRM_alert_node_sequence", false, &a.sequence, why,
			       why_len);
	}
	if (rc == 0) {
		rc = read_text(get, ctx, "CRM_alert_rsc", rsc, &a.rsc, why, why_len);
	}
	if (rc == 0) {
		rc = read_text(get, ctx, "CRM_alert_task", rsc, &a.task, why, why_len);
	}
	if (rc == 0) {
		rc = read_long(get, ctx, "CRM_alert_rc", rsc, 0, 255, &a.rc, why, why_len);
	}
	if (rc == 0) {
		rc = read_long(get, ctx, "CRM_alert_target_rc", rsc, 0, 255, &a.target_rc, why,
			       why_len);
	}
	if (rc == 0) {
		rc = read_long(get, ctx, "CRM_alert_status", rsc, -1, 255, &a.status, why,
			       why_len);
	}
	if (rc == 0) {
		rc = read_long(get, ctx, "CRM_alert_interval", false, 0, LONG_MAX, &a.interval_ms,
			       why, why_len);
	}
	if (rc == 0) {
		rc = read_long(get, ctx, "CRM_alert_timestamp_epoch", false, 0, LONG_MAX, &epoch,
			       why, why_len);
	}
	if (rc == 0) {
		rc = read_long(get, ctx, "CRM_alert_timestamp_usec", false, 0, 999999, &a.usec,
			       why, why_len);
	}
	if (rc < 0) {
		return rc;
	}
	a.epoch = epoch;
	if (a.usec < 0) {
		a.usec = 0;
	}
	a.event = classify(&a);
	*ret = a;
	return 0;
}

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

static int put_field(char *buf, size_t len, size_t *at, const char *key, const char *value)
{
	int rc = put(buf, len, at, ",", *at > 1 ? 1 : 0);

	if (rc == 0) {
		rc = vnfha_alert_json_string(buf, len, at, key);
	}
	if (rc == 0) {
		rc = put(buf, len, at, ":", 1);
	}
	if (rc == 0) {
		rc = value ? vnfha_alert_json_string(buf, len, at, value) : put(buf, len, at, "null", 4);
	}
	return rc;
}

static int put_long(char *buf, size_t len, size_t *at, const char *key, long value)
{
	char num[32];

	if (value < 0) {
		return put_field(buf, len, at, key, NULL);
	}
	snprintf(num, sizeof(num), "%ld", value);
	if (put_field(buf, len, at, key, "") < 0) {
		return -ENOSPC;
	}
	*at -= 2; /* replace the empty string "" by the bare number */
	return put(buf, len, at, num, strlen(num));
}

/* RFC 3339 UTC time of the event, or of now when Pacemaker gave none. */
static void event_time(const struct vnfha_alert *a, char *out, size_t len)
{
	struct timespec now;
	struct tm tm;
	time_t t;
	long usec = a->usec;

	if (a->epoch >= 0) {
		t = (time_t)a->epoch;
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		t = now.tv_sec;
		usec = now.tv_nsec / 1000;
	}
	gmtime_r(&t, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

struct json_field {
	const char *key;
	const char *text; /* a string, or NULL: null (when !number) */
	bool number;
	long value;	  /* number: -1 is null */
};

int vnfha_alert_json(const struct vnfha_alert *a, const char *vnf, char *buf, size_t len)
{
	char when[64];
	const struct json_field fields[] = {
		{ "vnf", vnf, false, 0 },
		{ "event", vnfha_alert_event_name(a->event), false, 0 },
		{ "kind", a->kind, false, 0 },
		{ "resource", a->rsc, false, 0 },
		{ "node", a->node, false, 0 },
		{ "operation", a->task, false, 0 },
		{ "interval_ms", NULL, true, a->interval_ms },
		{ "rc", NULL, true, a->rc },
		{ "target_rc", NULL, true, a->target_rc },
		{ "status", NULL, true, a->status },
		{ "desc", a->desc, false, 0 },
		{ "time", when, false, 0 },
		{ "sequence", a->sequence, false, 0 },
	};
	size_t at = 0;
	int rc;

	event_time(a, when, sizeof(when));
	rc = put(buf, len, &at, "{", 1);
	for (size_t i = 0; rc == 0 && i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct json_field *f = &fields[i];

		rc = f->number ? put_long(buf, len, &at, f->key, f->value)
			       : put_field(buf, len, &at, f->key, f->text);
	}
	if (rc == 0) {
		rc = put(buf, len, &at, "}", 1);
	}
	return rc < 0 ? rc : (int)at;
}
