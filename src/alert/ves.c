// SPDX-License-Identifier: GPL-2.0-or-later
/* VES 7.2.1 fault events (see ves.h). Field names and enumerations are the
 * schema's (CommonEventFormat_30.2.1_ONAP.json, definitions commonEventHeader
 * and faultFields); tests/bats/lb-ves.bats validates the output against it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alert_json.h"
#include "ves.h"

static const char *const severities[] = { "NORMAL", "WARNING", "MINOR", "MAJOR", "CRITICAL" };
/* commonEventHeader.priority: High | Medium | Normal | Low */
static const char *const priorities[] = { "Normal", "Low", "Normal", "Medium", "High" };

const char *vnfha_ves_severity_name(enum vnfha_ves_severity severity)
{
	return (unsigned int)severity <= VNFHA_VES_CRITICAL ? severities[severity] : "NORMAL";
}

int vnfha_ves_fault_json(const struct vnfha_ves_fault *f, char *buf, size_t len)
{
	struct vnfha__json j;
	char name[128];

	if (f->event_id == NULL || f->condition == NULL || f->problem == NULL ||
	    f->source_name == NULL || f->source_type == NULL || f->reporter == NULL ||
	    (unsigned int)f->severity > VNFHA_VES_CRITICAL || f->sequence < 0 ||
	    f->n_info > VNFHA_VES_INFO_MAX) {
		return -EINVAL;
	}
	/* ONAP's naming: Fault_<vendor or product>_<alarm condition> */
	if ((size_t)snprintf(name, sizeof(name), "Fault_vnfha_%s", f->condition) >= sizeof(name)) {
		return -EINVAL;
	}
	vnfha__json_begin(&j, buf, len);
	vnfha__json_open(&j, "event");
	vnfha__json_open(&j, "commonEventHeader");
	vnfha__json_str(&j, "domain", "fault");
	vnfha__json_str(&j, "eventId", f->event_id);
	vnfha__json_str(&j, "eventName", name);
	vnfha__json_str(&j, "eventType", "vnfha");
	vnfha__json_int(&j, "lastEpochMicrosec", f->last_us);
	vnfha__json_str(&j, "priority", priorities[f->severity]);
	vnfha__json_str(&j, "reportingEntityName", f->reporter);
	vnfha__json_int(&j, "sequence", f->sequence);
	vnfha__json_str(&j, "sourceName", f->source_name);
	vnfha__json_int(&j, "startEpochMicrosec", f->start_us);
	vnfha__json_str(&j, "version", VNFHA_VES_HEADER_VERSION);
	vnfha__json_str(&j, "vesEventListenerVersion", VNFHA_VES_LISTENER_VERSION);
	vnfha__json_close(&j);
	vnfha__json_open(&j, "faultFields");
	vnfha__json_str(&j, "faultFieldsVersion", VNFHA_VES_FAULT_VERSION);
	vnfha__json_str(&j, "alarmCondition", f->condition);
	vnfha__json_str(&j, "eventSeverity", severities[f->severity]);
	vnfha__json_str(&j, "eventSourceType", f->source_type);
	vnfha__json_str(&j, "specificProblem", f->problem);
	vnfha__json_str(&j, "vfStatus", "Active");
	if (f->interface_a != NULL) {
		vnfha__json_str(&j, "alarmInterfaceA", f->interface_a);
	}
	vnfha__json_open(&j, "alarmAdditionalInformation");
	for (size_t i = 0; i < f->n_info; i++) {
		if (f->info[2 * i] != NULL && f->info[2 * i + 1] != NULL) {
			vnfha__json_str(&j, f->info[2 * i], f->info[2 * i + 1]);
		}
	}
	return vnfha__json_end(&j);
}
