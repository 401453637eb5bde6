// SPDX-License-Identifier: GPL-2.0-or-later
/* lbwatch events as JSON or VES (see lbwatch_event.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert/alert_json.h"
#include "alert/ves.h"
#include "lbwatch/lbwatch_event.h"

const char *vnfha__lbw_event_name(const struct lbw_event *e)
{
	if (e->kind == LBW_CLEAR) {
		return "member-up";
	}
	switch (e->cond) {
	case LBW_DOWN:
		return "member-down";
	case LBW_DRAIN:
		return "member-drain";
	case LBW_MAINT:
		return "member-maint";
	default:
		return "member-up";
	}
}

/* RFC 3339 UTC with microseconds. */
static void rfc3339(int64_t us, char *out, size_t len)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)((us % 1000000 + 1000000) % 1000000));
}

static enum vnfha_ves_severity severity(const struct lbw_event *e)
{
	if (e->kind == LBW_CLEAR) {
		return VNFHA_VES_NORMAL;
	}
	return e->cond == LBW_DOWN ? VNFHA_VES_CRITICAL
	       : e->cond == LBW_MAINT ? VNFHA_VES_MINOR
				      : VNFHA_VES_WARNING;
}

int vnfha__lbw_render(const struct lbw_event *e, const char *vnf, const char *reporter, bool ves,
		      char *buf, size_t len)
{
	char at[64], since[64], seq[24], resource[2 * LBW_NAME_MAX + 2], problem[LBW_WHY_MAX + 256];
	const char *state = e->kind == LBW_CLEAR ? "up" : vnfha__lbw_cond_name(e->cond);
	struct vnfha__json j;

	rfc3339(e->at_us, at, sizeof(at));
	rfc3339(e->since_us, since, sizeof(since));
	snprintf(seq, sizeof(seq), "%" PRIu64, e->seq);
	snprintf(resource, sizeof(resource), "%s/%s", e->backend, e->server);
	if (e->kind == LBW_CLEAR) {
		snprintf(problem, sizeof(problem), "%s is back in the pool (was %s): %s", resource,
			 vnfha__lbw_cond_name(e->cond), e->why);
	} else {
		snprintf(problem, sizeof(problem), "%s is out of the pool (%s): %s", resource, state,
			 e->why);
	}
	if (ves) {
		struct vnfha_ves_fault f = {
			.event_id = e->event_id, .condition = "lbMemberOutOfPool",
			.severity = severity(e), .problem = problem, .source_name = e->server,
			.source_type = "vnfc", .reporter = reporter, .interface_a = resource,
			.start_us = e->since_us, .last_us = e->at_us, .sequence = (int64_t)e->seq,
			.info = { "vnf", vnf, "event", vnfha__lbw_event_name(e), "state", state,
				  "change", vnfha__lbw_kind_name(e->kind), "backend", e->backend,
				  "server", e->server, "address", e->addr[0] ? e->addr : NULL,
				  "since", since, "time", at, "haproxy", e->why },
			.n_info = 10,
		};

		return vnfha_ves_fault_json(&f, buf, len);
	}
	vnfha__json_begin(&j, buf, len);
	vnfha__json_str(&j, "vnf", vnf);
	vnfha__json_str(&j, "event", vnfha__lbw_event_name(e));
	vnfha__json_str(&j, "kind", "lb");
	vnfha__json_str(&j, "resource", resource);
	vnfha__json_str(&j, "node", e->server);
	vnfha__json_str(&j, "operation", NULL);
	vnfha__json_str(&j, "interval_ms", NULL);
	vnfha__json_str(&j, "rc", NULL);
	vnfha__json_str(&j, "target_rc", NULL);
	vnfha__json_str(&j, "status", NULL);
	vnfha__json_str(&j, "desc", problem);
	vnfha__json_str(&j, "time", at);
	vnfha__json_str(&j, "sequence", seq);
	vnfha__json_str(&j, "address", e->addr[0] ? e->addr : NULL);
	vnfha__json_str(&j, "state", state);
	vnfha__json_str(&j, "change", vnfha__lbw_kind_name(e->kind));
	vnfha__json_str(&j, "alarm_id", e->event_id);
	vnfha__json_str(&j, "since", since);
	return vnfha__json_end(&j);
}
