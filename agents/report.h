/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A supervisor's line to the local Pacemaker controller (vnfc's over its
 * VNFC, statesync's over vnfha-ckptd): the request `crm_resource --fail`
 * sends, over a connection held open, so a report costs one IPC round trip
 * instead of a process start, a CIB connection and a full status unpack.
 * Built only with pacemaker-dev (HAVE_PCMK_IPC); libcrmcommon is dlopen'ed
 * here, in the supervisor, never linked into the agent.
 */
#ifndef VNFHA_AGENTS_REPORT_H
#define VNFHA_AGENTS_REPORT_H

#include <stdbool.h>

struct report_ctl;
struct vnfha_ocf;

/* What identifies the resource to the controller, as crm_resource sends it. */
struct report_rsc {
	const char *node;     /* this node's name, as Pacemaker knows it */
	const char *id;	      /* the primitive's id (no clone instance suffix) */
	const char *long_id;  /* the clone instance (e.g. "vnf:0"), or NULL */
	const char *provider; /* OCF provider */
	const char *type;     /* OCF type */
};

/* The resource this agent action is for: primitive is its id without the
 * clone suffix; the strings are the environment's and ocf's. */
struct report_rsc report_rsc_of(const struct vnfha_ocf *ocf, const char *primitive,
				const char *type);

/*
 * Connects to the controller of the node named in rsc->node (on a
 * Pacemaker Remote node, pacemaker-remoted's proxy to the controller of the
 * cluster node routing to it). Returns 0 and *ret_ctl, or -ENOSYS (built
 * without pacemaker-dev, or libcrmcommon cannot be loaded), -ENOTCONN (no
 * controller answers), -EREMOTE (the controller answering does not know
 * this node as rsc->node). rsc's strings are not copied and must outlive
 * the connection.
 */
int report_ctl_open(const struct report_rsc *rsc, unsigned int timeout_ms,
		    struct report_ctl **ret_ctl);

/*
 * Asks the controller to fail the resource on this node (CRM_OP_LRM_FAIL,
 * what `crm_resource --fail` sends; on a Remote node CRM_OP_LRM_DELETE,
 * what `crm_resource --refresh` sends, so the DC's probe finds the
 * failure) and waits for its answer. Returns 0, -ETIMEDOUT, -ENOTCONN (the
 * connection is gone: close it), or another negative errno.
 */
int report_ctl_fail(struct report_ctl *ctl, unsigned int timeout_ms);

/* On a Remote node the cluster node routing to it (as the connection was
 * opened), else NULL. */
const char *report_ctl_router(const struct report_ctl *ctl);

/* Whether the connection is gone (it reads what is waiting, never blocks). */
bool report_ctl_lost(struct report_ctl *ctl);

/* Disconnects and frees; NULL is fine. */
void report_ctl_close(struct report_ctl *ctl);

/*
 * How the supervisor reports: through the controller once connected, else
 * (not built in, no controller yet, the connection lost) by running
 * crm_resource --fail (--refresh on a Remote node).
 */
struct reporter {
	struct report_rsc rsc;
	struct report_ctl *ctl;
	long long next_try; /* ms (vnfha__now_ms) of the next connection attempt */
	bool gave_up;	    /* not built in, or the controller does not know this node */
	bool told;	    /* a failed attempt was logged */
	bool remote;	    /* a Pacemaker Remote node: connects when it reports, a refresh */
};

/* rsc's strings are not copied. The first connection is tried delay_ms from now. */
void reporter_init(struct reporter *r, const struct report_rsc *rsc, unsigned int delay_ms);

/* Connects when due (never on a Pacemaker Remote node: there the report
 * connects for itself); call it when idle: it holds the caller up to 250 ms
 * (the controller's answer to node_info, a few ms when it is well). */
void reporter_tick(struct reporter *r);

/* How reporter_fail() will report, for the supervisor's log line: "" or
 * " (a Pacemaker Remote node: a refresh)". */
const char *reporter_how(const struct reporter *r);

/*
 * Reports the failure; 0 when Pacemaker took it, else a negative errno
 * (logged here): then the agent's next monitor reports it.
 */
int reporter_fail(struct reporter *r, unsigned int timeout_ms);

void reporter_free(struct reporter *r);

#endif
