/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's line to the local Pacemaker controller: the request
 * `crm_resource --fail` sends, over a connection held open, so a report
 * costs one IPC round trip instead of a process start, a CIB connection and
 * a full status unpack. Built only with pacemaker-dev (HAVE_PCMK_IPC);
 * libcrmcommon is dlopen'ed here, never linked into the agent.
 */
#ifndef VNFHA_VNFC_REPORT_H
#define VNFHA_VNFC_REPORT_H

#include <stdbool.h>

struct vnfc_ctl;

/* What identifies the resource to the controller, as crm_resource sends it. */
struct vnfc_ctl_rsc {
	const char *node;     /* this node's name; the controller must be this node's */
	const char *id;	      /* the primitive's id (no clone instance suffix) */
	const char *long_id;  /* the clone instance (e.g. "vnf:0"), or NULL */
	const char *provider; /* OCF provider */
	const char *type;     /* OCF type */
};

/*
 * Connects to the controller of the node named in rsc->node (on a
 * Pacemaker Remote node, pacemaker-remoted's proxy to the controller of the
 * cluster node routing to it). Returns 0 and *ret_ctl, or -ENOSYS (built
 * without pacemaker-dev, or libcrmcommon cannot be loaded), -ENOTCONN (no
 * controller answers), -EREMOTE (the controller answering does not know
 * this node as rsc->node). rsc's strings are not copied and must outlive
 * the connection.
 */
int vnfc_ctl_open(const struct vnfc_ctl_rsc *rsc, unsigned int timeout_ms,
		  struct vnfc_ctl **ret_ctl);

/*
 * Asks the controller to fail the resource on this node (CRM_OP_LRM_FAIL,
 * what `crm_resource --fail` sends; on a Remote node CRM_OP_LRM_DELETE,
 * what `crm_resource --refresh` sends, so the DC's probe finds the
 * failure) and waits for its answer. Returns 0, -ETIMEDOUT, -ENOTCONN (the
 * connection is gone: close it), or another negative errno.
 */
int vnfc_ctl_fail(struct vnfc_ctl *ctl, unsigned int timeout_ms);

/* On a Remote node the cluster node routing to it (as the connection was
 * opened), else NULL. */
const char *vnfc_ctl_router(const struct vnfc_ctl *ctl);

/* Whether the connection is gone (it reads what is waiting, never blocks). */
bool vnfc_ctl_lost(struct vnfc_ctl *ctl);

/* Disconnects and frees; NULL is fine. */
void vnfc_ctl_close(struct vnfc_ctl *ctl);

/*
 * How the supervisor reports: through the controller once connected, else
 * (not built in, no controller yet, the connection lost) by running
 * crm_resource --fail (--refresh on a Remote node).
 */
struct vnfc_reporter {
	struct vnfc_ctl_rsc rsc;
	struct vnfc_ctl *ctl;
	long long next_try; /* ms (vnfha__now_ms) of the next connection attempt */
	bool gave_up;	    /* not built in, or the controller does not know this node */
	bool told;	    /* a failed attempt was logged */
	bool remote;	    /* a Pacemaker Remote node: crm_resource --refresh (vnfc_supervise.c) */
};

/* rsc's strings are not copied. The first connection is tried delay_ms from now. */
void vnfc_reporter_init(struct vnfc_reporter *r, const struct vnfc_ctl_rsc *rsc,
			unsigned int delay_ms);

/* Connects when due; call it when idle: it holds the caller up to 250 ms
 * (the controller's answer to node_info, a few ms when it is well). */
void vnfc_reporter_tick(struct vnfc_reporter *r);

/*
 * Reports the failure; 0 when Pacemaker took it, else a negative errno
 * (logged here): then the agent's next monitor reports it.
 */
int vnfc_reporter_fail(struct vnfc_reporter *r, unsigned int timeout_ms);

void vnfc_reporter_free(struct vnfc_reporter *r);

#endif
