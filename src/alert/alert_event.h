/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnfha-alert's pure half: reads Pacemaker's CRM_alert_* variables
 * (Pacemaker Explained, "Alert Agents"), validates them, decides whether
 * the event concerns the VNF manager, and writes it as one JSON object.
 * The variables are read through a getter so unit tests need no environment.
 */
#ifndef VNFHA_ALERT_EVENT_H
#define VNFHA_ALERT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_json.h"

/* Longest value taken from a variable; longer is invalid, never cut. */
#define VNFHA_ALERT_VALUE_MAX 1024

typedef const char *(*vnfha_alert_getenv_fn)(const char *name, void *ctx);

enum vnfha_alert_event {
	VNFHA_ALERT_SKIP = 0,	     /* nothing for the VNFM (e.g. a stop that worked) */
	VNFHA_ALERT_RSC_FAILURE,     /* an operation failed */
	VNFHA_ALERT_RSC_RECOVERY,    /* a start or promote succeeded */
	VNFHA_ALERT_NODE_LOST,	     /* a node left the cluster */
	VNFHA_ALERT_NODE_MEMBER,     /* a node (re)joined */
	VNFHA_ALERT_FENCING,	     /* a node was fenced (or fencing failed) */
};

struct vnfha_alert {
	enum vnfha_alert_event event;
	const char *kind;
	const char *node;
	const char *rsc;  /* resource kind only */
	const char *task; /* resource: operation; fencing: action */
	const char *desc;
	const char *sequence;
	long rc, target_rc, status, interval_ms; /* -1: not given */
	int64_t epoch;				  /* -1: not given */
	long usec;
};

/* The event's name in the JSON ("resource-failure", ...). */
const char *vnfha_alert_event_name(enum vnfha_alert_event event);

/*
 * Reads and validates the variables. 0 and *ret filled (pointers into the
 * getter's strings); -EINVAL with a sentence naming the variable in why.
 */
int vnfha_alert_read(vnfha_alert_getenv_fn get, void *ctx, struct vnfha_alert *ret, char *why,
		     size_t why_len);

/*
 * Writes the event as a JSON object for the VNF named vnf. Returns the
 * length (buf NUL-terminated) or -ENOSPC.
 */
int vnfha_alert_json(const struct vnfha_alert *a, const char *vnf, char *buf, size_t len);

/*
 * Writes the event as a VES 7.2.1 fault event (see ves.h): a failure or a
 * lost node raises an alarm, the recovery or the node's return clears it
 * (same eventId). reporter is reportingEntityName (this host). Returns
 * the length, -ENOSPC, or -EINVAL for an event the VNFM does not get.
 */
int vnfha_alert_ves(const struct vnfha_alert *a, const char *vnf, const char *reporter,
		    char *buf, size_t len);

#endif
