/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha roles: how a VNF component hears its role from ocf:vnfha:vnfc
 * and reports readiness, heartbeats and health (part of <vnfha/vnfha.h>;
 * each function has a man page, e.g. vnfha_role_recv(3)).
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
 * Every function that returns int returns 0 or a negative errno
 * (vnfha_lib_strerror() explains it) and never aborts. One connection is
 * used from one thread at a time.
 *
 * Supervisor errors: every call that sends may also return
 *   -EPIPE, -ECONNRESET  the supervisor closed the connection (the agent
 *                        stopped the resource, or the supervisor died);
 *   -ENOBUFS, -ENOMEM    the kernel had no memory for the message.
 * After -EPIPE or -ECONNRESET the connection is dead: vnfha_role_close() it.
 */
#ifndef VNFHA_ROLE_H
#define VNFHA_ROLE_H

#ifdef __cplusplus
extern "C" {
#endif

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

/* Opaque: the library's own layout. */
struct vnfha_role_conn;

/*
 * Connects to the supervisor's control socket and says hello (with this
 * process's PID).
 * [in]  socket_path  NULL: $VNFHA_CONTROL_SOCKET (set by ocf:vnfha:vnfc)
 * [out] ret_conn     the connection; free it with vnfha_role_close()
 * Errors: -EINVAL ret_conn is NULL; -ENOENT no path given and none (or an
 * empty one) in the environment, or no socket at the path; -ENAMETOOLONG
 * the path does not fit a Unix socket address (107 bytes); -ECONNREFUSED a
 * socket but no supervisor listening; -EACCES not allowed to connect;
 * -EMFILE/-ENFILE out of file descriptors; -ENOMEM; another errno
 * connect(2) gives for the path (-ENOTDIR, -ELOOP); the supervisor errors.
 */
int vnfha_role_open(const char *socket_path, struct vnfha_role_conn **ret_conn);

/* Closes the connection (the supervisor then sees no heartbeats) and frees
 * it. NULL is fine. */
void vnfha_role_close(struct vnfha_role_conn *conn);

/*
 * The descriptor to poll for POLLIN: a role change is waiting (POLLHUP:
 * the supervisor is gone). It belongs to conn: do not read, write or close
 * it. Returns the descriptor, or -EINVAL for conn NULL.
 */
int vnfha_role_fd(const struct vnfha_role_conn *conn);

/*
 * Reads one role change, without blocking.
 * [out] ret_role  the role the cluster wants now; written only on success
 * Errors: -EINVAL conn or ret_role is NULL; -EAGAIN nothing waiting; -EPIPE
 * the supervisor closed the connection; -EPROTO a message that is not a
 * role change; -ECONNRESET.
 */
int vnfha_role_recv(struct vnfha_role_conn *conn, enum vnfha_role *ret_role);

/*
 * Says the VNFC now serves in role: the answer to a role change (and, as
 * VNFHA_ROLE_STANDBY, to the start), sent once the VNFC really serves so.
 * Errors: -EINVAL conn is NULL or role is neither VNFHA_ROLE_STANDBY nor
 * VNFHA_ROLE_ACTIVE; the supervisor errors.
 */
int vnfha_role_ready(struct vnfha_role_conn *conn, enum vnfha_role role);

/*
 * Proves liveness. Send it more often than the resource's
 * heartbeat_timeout, or the cluster recovers the VNFC.
 * Errors: -EINVAL conn is NULL; the supervisor errors.
 */
int vnfha_role_heartbeat(struct vnfha_role_conn *conn);

/*
 * Reports the VNFC's health; the agent's monitor turns it into
 * running/degraded/failed.
 * [in] text  NULL or a reason for the cluster log: its printable ASCII
 *            characters are sent (others dropped), the first 200 of them
 * Errors: -EINVAL conn is NULL or health is none of enum vnfha_health; the
 * supervisor errors.
 */
int vnfha_role_health(struct vnfha_role_conn *conn, enum vnfha_health health, const char *text);

#ifdef __cplusplus
}
#endif

#endif
