// SPDX-License-Identifier: GPL-2.0-or-later
/* Pacemaker alert variables -> validated event -> JSON (see alert_event.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert_event.h"
#include "ves.h"
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

int vnfha_alert_json(const struct vnfha_alert *a, const char *vnf, char *buf, size_t len)
{
	struct vnfha__json j;
	char when[64];

	event_time(a, when, sizeof(when));
	vnfha__json_begin(&j, buf, len);
	vnfha__json_str(&j, "vnf", vnf);
	vnfha__json_str(&j, "event", vnfha_alert_event_name(a->event));
	vnfha__json_str(&j, "kind", a->kind);
	vnfha__json_str(&j, "resource", a->rsc);
	vnfha__json_str(&j, "node", a->node);
	vnfha__json_str(&j, "operation", a->task);
	vnfha__json_int_or_null(&j, "interval_ms", a->interval_ms);
	vnfha__json_int_or_null(&j, "rc", a->rc);
	vnfha__json_int_or_null(&j, "target_rc", a->target_rc);
	vnfha__json_int_or_null(&j, "status", a->status);
	vnfha__json_str(&j, "desc", a->desc);
	vnfha__json_str(&j, "time", when);
	vnfha__json_str(&j, "sequence", a->sequence);
	return vnfha__json_end(&j);
}

static int64_t event_us(const struct vnfha_alert *a)
{
	struct timespec now;

	if (a->epoch >= 0) {
		return a->epoch * 1000000 + a->usec;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

/* An eventId has no whitespace (VES 7): anything but [A-Za-z0-9._:@-] becomes '_'. */
static void id_clean(char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._:@-", *s) != NULL)) {
			*s = '_';
		}
	}
}

int vnfha_alert_ves(const struct vnfha_alert *a, const char *vnf, const char *reporter,
		    char *buf, size_t len)
{
	struct vnfha_ves_fault f = { .reporter = reporter, .source_type = "vnfc" };
	char id[3 * VNFHA_ALERT_VALUE_MAX], problem[VNFHA_ALERT_VALUE_MAX + 256];
	char rc[24] = "", target_rc[24] = "", status[24] = "", when[64];
	long seq = 0;
	bool rsc = a->rsc != NULL;
	const char *target = rsc ? a->rsc : a->node;
	int n;

	event_time(a, when, sizeof(when));
	f.start_us = f.last_us = event_us(a);
	if (a->sequence != NULL && vnfha__parse_long(a->sequence, 0, LONG_MAX, &seq) < 0) {
		seq = 0;
	}
	f.sequence = seq;
	f.source_name = target;
	f.interface_a = a->node;
	switch (a->event) {
	case VNFHA_ALERT_RSC_FAILURE:
	case VNFHA_ALERT_RSC_RECOVERY:
		f.condition = "resourceFailure";
		f.severity = a->event == VNFHA_ALERT_RSC_FAILURE ? VNFHA_VES_CRITICAL : VNFHA_VES_NORMAL;
		snprintf(problem, sizeof(problem), "%s %s %s on %s%s%s", a->rsc, a->task,
			 a->event == VNFHA_ALERT_RSC_FAILURE ? "failed" : "succeeded", a->node,
			 a->desc ? ": " : "", a->desc ? a->desc : "");
		break;
	case VNFHA_ALERT_NODE_LOST:
	case VNFHA_ALERT_NODE_MEMBER:
		f.condition = "nodeLost";
		f.source_type = "host";
		f.severity = a->event == VNFHA_ALERT_NODE_LOST ? VNFHA_VES_CRITICAL : VNFHA_VES_NORMAL;
		snprintf(problem, sizeof(problem), "node %s %s the cluster", a->node,
			 a->event == VNFHA_ALERT_NODE_LOST ? "left" : "rejoined");
		break;
	case VNFHA_ALERT_FENCING:
		f.condition = "nodeFenced";
		f.source_type = "host";
		f.severity = VNFHA_VES_MAJOR;
		snprintf(problem, sizeof(problem), "node %s fenced%s%s", a->node,
			 a->desc ? ": " : "", a->desc ? a->desc : "");
		break;
	case VNFHA_ALERT_SKIP:
	default:
		return -EINVAL;
	}
	f.problem = problem;
	/* One alarm, one id: the raise and its clear name the same thing. A
	 * fencing has no clear; its time makes each one an alarm of its own. */
	if (a->event == VNFHA_ALERT_FENCING) {
		n = snprintf(id, sizeof(id), "vnfha:%s:%s:%s:%lld", vnf, f.condition, target,
			     (long long)f.start_us);
	} else {
		n = snprintf(id, sizeof(id), "vnfha:%s:%s:%s%s%s", vnf, f.condition, target,
			     rsc ? "@" : "", rsc ? a->node : "");
	}
	if (n < 0 || (size_t)n >= sizeof(id)) {
		return -ENOSPC;
	}
	id_clean(id);
	f.event_id = id;
	if (a->rc >= 0) {
		snprintf(rc, sizeof(rc), "%ld", a->rc);
	}
	if (a->target_rc >= 0) {
		snprintf(target_rc, sizeof(target_rc), "%ld", a->target_rc);
	}
	if (a->status >= 0) {
		snprintf(status, sizeof(status), "%ld", a->status);
	}
	const char *info[] = { "vnf", vnf, "event", vnfha_alert_event_name(a->event), "node",
			       a->node, "resource", a->rsc, "operation", a->task, "rc",
			       rc[0] ? rc : NULL, "target_rc", target_rc[0] ? target_rc : NULL,
			       "status", status[0] ? status : NULL, "desc", a->desc, "time", when };

	f.n_info = sizeof(info) / sizeof(info[0]) / 2;
	memcpy(f.info, info, sizeof(info));
	return vnfha_ves_fault_json(&f, buf, len);
}
