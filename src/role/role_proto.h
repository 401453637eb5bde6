/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vnfc control protocol: one message per SOCK_SEQPACKET datagram on the
 * Unix socket the supervisor of a VNFC listens on. Messages are ASCII
 * words separated by single spaces, at most VNFHA__CTL_MAX bytes:
 *
 *   version 1 (vnfha 0.1); state "reported" added in vnfha 0.2 (a newer agent
 *   reads an older supervisor: it just never says "reported")
 *   VNFC -> supervisor   HELLO <pid> | READY <role> | HEARTBEAT |
 *                        HEALTH <health> [text...]
 *   supervisor -> VNFC   ROLE <role>
 *   agent -> supervisor  STATUS | PROMOTE <ms> | DEMOTE <ms> | STOP <ms> |
 *                        SETROLE <role>   (hooks mode: the agent ran the hook)
 *   supervisor -> agent  STATE <state> <want> <ready> <hb_age_ms> <health> <pid> |
 *                        OK | ERR <text...>
 *
 * role: standby | active;  health: ok | degraded | failed;
 * state: running | failed | stopping | reported (failed, and Pacemaker has been
 * told with crm_resource --fail; <hb_age_ms> is then the ms since that report).
 * <ready> is the role the VNFC last said it is ready in, or "none".
 * Everything read is untrusted: the parser
 * checks every word and length and never trusts a count from the peer.
 */
#ifndef VNFHA_ROLE_PROTO_H
#define VNFHA_ROLE_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VNFHA__CTL_MAX 512
#define VNFHA__CTL_TEXT_MAX 200

enum vnfha__ctl_type {
	VNFHA__CTL_HELLO,
	VNFHA__CTL_READY,
	VNFHA__CTL_HEARTBEAT,
	VNFHA__CTL_HEALTH,
	VNFHA__CTL_ROLE,
	VNFHA__CTL_STATUS,
	VNFHA__CTL_PROMOTE,
	VNFHA__CTL_DEMOTE,
	VNFHA__CTL_STOP,
	VNFHA__CTL_SETROLE,
	VNFHA__CTL_STATE,
	VNFHA__CTL_OK,
	VNFHA__CTL_ERR,
};

enum vnfha__ctl_role { VNFHA__ROLE_NONE = 0, VNFHA__ROLE_STANDBY, VNFHA__ROLE_ACTIVE };
enum vnfha__ctl_health { VNFHA__HEALTH_OK = 0, VNFHA__HEALTH_DEGRADED, VNFHA__HEALTH_FAILED };
enum vnfha__ctl_state {
	VNFHA__STATE_RUNNING = 0,
	VNFHA__STATE_FAILED,
	VNFHA__STATE_STOPPING,
	VNFHA__STATE_REPORTED,
};

struct vnfha__ctl_msg {
	enum vnfha__ctl_type type;
	enum vnfha__ctl_role role;	/* READY, ROLE, SETROLE; STATE: wanted */
	enum vnfha__ctl_role ready;	/* STATE */
	enum vnfha__ctl_health health;	/* HEALTH, STATE */
	enum vnfha__ctl_state state;	/* STATE */
	uint32_t ms;			/* PROMOTE/DEMOTE/STOP timeout; STATE hb age or report age */
	int64_t pid;			/* HELLO, STATE (0: none) */
	char text[VNFHA__CTL_TEXT_MAX + 1]; /* HEALTH, ERR */
};

/* Parses one datagram. 0, or -EINVAL (malformed) / -EMSGSIZE (too long). */
int vnfha__ctl_parse(const char *buf, size_t len, struct vnfha__ctl_msg *ret_msg);
/* Formats msg into buf (no NUL needed by the reader); the length or -errno. */
int vnfha__ctl_format(const struct vnfha__ctl_msg *msg, char *buf, size_t len);

const char *vnfha__ctl_role_name(enum vnfha__ctl_role role);

/* Connects a SOCK_SEQPACKET socket to path (role.c); the fd or -errno. */
int vnfha__ctl_connect(const char *path);

#endif
