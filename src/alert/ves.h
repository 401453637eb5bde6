/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VES 7.x "fault" domain events (ONAP VES Event Listener 7.2.1, Common
 * Event Format schema CommonEventFormat_30.2.1_ONAP.json), as vnfha-alert
 * and vnfha-lbwatch send them to a VNFM with format=ves.
 *
 * One alarm is one eventId: the raise, any change of it and its clear
 * (eventSeverity NORMAL) share eventId and startEpochMicrosec and differ in
 * sequence and lastEpochMicrosec, as the VES 7 specification asks of fault
 * events, so a VNFM pairs them and recognises a resent event (same eventId,
 * same sequence) as the one it already has.
 */
#ifndef VNFHA_VES_H
#define VNFHA_VES_H

#include <stddef.h>
#include <stdint.h>

#define VNFHA_VES_LISTENER_VERSION "7.2.1"
#define VNFHA_VES_HEADER_VERSION "4.1"
#define VNFHA_VES_FAULT_VERSION "4.0"
/* Name/value pairs in alarmAdditionalInformation, at most. */
#define VNFHA_VES_INFO_MAX 16

enum vnfha_ves_severity {
	VNFHA_VES_NORMAL = 0, /* the clear */
	VNFHA_VES_WARNING,
	VNFHA_VES_MINOR,
	VNFHA_VES_MAJOR,
	VNFHA_VES_CRITICAL,
};

struct vnfha_ves_fault {
	const char *event_id;	 /* same for raise, change and clear */
	const char *condition;	 /* alarmCondition, e.g. "lbMemberOutOfPool" */
	enum vnfha_ves_severity severity;
	const char *problem;	 /* specificProblem: what happened, in words */
	const char *source_name; /* sourceName: the VNFC (or node) concerned */
	const char *source_type; /* eventSourceType, e.g. "vnfc", "host" */
	const char *reporter;	 /* reportingEntityName: who sends this */
	const char *interface_a; /* alarmInterfaceA (where), may be NULL */
	int64_t start_us;	 /* startEpochMicrosec: when the alarm began */
	int64_t last_us;	 /* lastEpochMicrosec: this event */
	int64_t sequence;	 /* >= 0 */
	/* alarmAdditionalInformation: name, value, ...; value NULL: left out */
	const char *info[2 * VNFHA_VES_INFO_MAX];
	size_t n_info; /* pairs used */
};

const char *vnfha_ves_severity_name(enum vnfha_ves_severity severity);

/*
 * Writes {"event":{"commonEventHeader":{...},"faultFields":{...}}}.
 * Returns the length (buf NUL-terminated), -ENOSPC, or -EINVAL for a
 * missing required field.
 */
int vnfha_ves_fault_json(const struct vnfha_ves_fault *f, char *buf, size_t len);

#endif
