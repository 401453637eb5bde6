/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha load-balancer agent: a VNFC behind HAProxy with no cluster
 * manager tells the load balancer its own state through HAProxy's
 * agent-check protocol (part of <vnfha/vnfha.h>).
 *
 * vnfha_lbagent_open() starts a small responder thread inside the VNFC
 * that answers each of HAProxy's agent checks from what the VNFC reports:
 * its heartbeat, its health, drain/maint and a weight. The thread never
 * waits for the VNFC, so a VNFC whose main loop hangs reads "down" at the
 * next agent check once heartbeat_timeout has passed. HAProxy's side:
 *
 *	server vnfc1 192.0.2.11:8000 check inter 1s fall 1 agent-check
 *	       agent-addr 192.0.2.11 agent-port 9001 agent-inter 1s
 *
 * (HAProxy ignores an agent it cannot reach, so `check` is what removes a
 * VNFC whose process is gone.) Typical use:
 *
 *	vnfha_lbagent_open("0.0.0.0:9001", 3000, &a);   once it serves
 *	every second: vnfha_lbagent_heartbeat(a)
 *	on trouble:   vnfha_lbagent_health(a, VNFHA_HEALTH_FAILED, "db lost")
 *	to leave:     vnfha_lbagent_admin(a, VNFHA_LBAGENT_DRAIN)
 *
 * Every function returns 0 or a negative errno and never aborts; all are
 * safe to call from any thread.
 */
#ifndef VNFHA_LBAGENT_H
#define VNFHA_LBAGENT_H

#include <vnfha/role.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What HAProxy should do with the server besides up/down. */
enum vnfha_lbagent_admin {
	VNFHA_LBAGENT_READY = 0, /* in the pool (clears an earlier drain or maint) */
	VNFHA_LBAGENT_DRAIN = 1, /* finish open sessions, take no new ones */
	VNFHA_LBAGENT_MAINT = 2, /* out of the pool */
};

struct vnfha_lbagent;

/*
 * Starts answering agent checks on a TCP address.
 * [in] address               "A.B.C.D:PORT" or "[IPv6]:PORT", numeric; PORT 0
 *                            picks a free port (see vnfha_lbagent_port())
 * [in] heartbeat_timeout_ms  answer "down" when no vnfha_lbagent_heartbeat()
 *                            came for this long; 0: heartbeats not required
 * [out] ret_agent            free with vnfha_lbagent_close()
 * The agent starts up, ready, healthy, with a fresh heartbeat.
 * Errors: -EINVAL malformed address, -EADDRINUSE, -EACCES, -ENOMEM, or the
 * errno of socket()/bind()/listen()/pthread_create().
 */
int vnfha_lbagent_open(const char *address, unsigned int heartbeat_timeout_ms,
		       struct vnfha_lbagent **ret_agent);

/* Stops the responder and closes its socket. NULL is fine. */
void vnfha_lbagent_close(struct vnfha_lbagent *agent);

/* The TCP port the agent listens on (> 0). */
int vnfha_lbagent_port(const struct vnfha_lbagent *agent);

/* Proves liveness; call more often than heartbeat_timeout_ms. */
int vnfha_lbagent_heartbeat(struct vnfha_lbagent *agent);

/*
 * Reports health. FAILED reads "down" with text as the description HAProxy
 * logs; DEGRADED and OK read "up" (DEGRADED shows text). text may be NULL;
 * only printable ASCII is kept, at most 200 bytes.
 * Errors: -EINVAL unknown health.
 */
int vnfha_lbagent_health(struct vnfha_lbagent *agent, enum vnfha_health health, const char *text);

/* Sets ready, drain or maint. Errors: -EINVAL unknown value. */
int vnfha_lbagent_admin(struct vnfha_lbagent *agent, enum vnfha_lbagent_admin admin);

/*
 * Sets the weight HAProxy gives the server, in percent of its configured
 * weight: 1 to 100; 0 stops sending a weight (HAProxy keeps the last one).
 * Errors: -EINVAL above 100.
 */
int vnfha_lbagent_weight(struct vnfha_lbagent *agent, unsigned int percent);

#ifdef __cplusplus
}
#endif

#endif
