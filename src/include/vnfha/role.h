/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha roles: how a VNF component hears its role from ocf:vnfha:vnfc
 * and reports readiness, heartbeats and health (part of <vnfha/vnfha.h>).
 *
 * The agent starts the VNFC with VNFHA_CONTROL_SOCKET in its environment.
 * The VNFC connects, answers each role change once it really serves in
 * that role (after restoring its checkpoint, for "active"), and sends a
 * heartbeat more often than the resource's heartbeat_timeout. Typical loop:
 *
 *	vnfha_role_open(NULL, &r);
 *	vnfha_role_ready(r, VNFHA_ROLE_STANDBY);
 *	poll vnfha_role_fd(r) with the service's own fds; when readable:
 *	vnfha_role_recv(r, &role) -> restore/serve, then vnfha_role_ready(r, role)
 *	every second: vnfha_role_heartbeat(r)
 *
 * Every function returns 0 or a negative errno and never aborts.
 */
#ifndef VNFHA_ROLE_H
#define VNFHA_ROLE_H

/* The environment variable that carries the control socket's path. */
#define VNFHA_ROLE_SOCKET_ENV "VNFHA_CONTROL_SOCKET"

enum vnfha_role {
	VNFHA_ROLE_STANDBY = 1, /* unpromoted: keep state current, serve nobody */
	VNFHA_ROLE_ACTIVE = 2,	/* promoted: serve clients */
};

enum vnfha_health {
	VNFHA_HEALTH_OK = 0,
	VNFHA_HEALTH_DEGRADED = 1, /* still serving; monitor reports degraded */
	VNFHA_HEALTH_FAILED = 2,   /* cannot serve: the cluster recovers it now */
};

struct vnfha_role_conn;

/*
 * Connects to the supervisor's control socket.
 * [in] socket_path  NULL: $VNFHA_CONTROL_SOCKET
 * [out] ret_conn    free with vnfha_role_close()
 * Errors: -ENOENT no path given and none in the environment, -ENAMETOOLONG,
 * -ECONNREFUSED/-ENOENT no supervisor, -ENOMEM.
 */
int vnfha_role_open(const char *socket_path, struct vnfha_role_conn **ret_conn);
/* Closes the connection (the supervisor then sees no heartbeats). NULL is fine. */
void vnfha_role_close(struct vnfha_role_conn *conn);

/* The descriptor to poll for POLLIN: a role change is waiting. */
int vnfha_role_fd(const struct vnfha_role_conn *conn);

/*
 * Reads one role change without blocking.
 * [out] ret_role  the role the cluster wants now
 * Errors: -EAGAIN nothing waiting, -EPIPE supervisor gone, -EPROTO bad message.
 */
int vnfha_role_recv(struct vnfha_role_conn *conn, enum vnfha_role *ret_role);

/* Says the VNFC now serves in role (answers a role change). */
int vnfha_role_ready(struct vnfha_role_conn *conn, enum vnfha_role role);
/* Proves liveness; send more often than heartbeat_timeout. */
int vnfha_role_heartbeat(struct vnfha_role_conn *conn);
/* Reports health; text (may be NULL) is shown in the cluster log. */
int vnfha_role_health(struct vnfha_role_conn *conn, enum vnfha_health health, const char *text);

#endif
