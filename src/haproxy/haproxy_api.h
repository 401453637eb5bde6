/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small client for HAProxy's runtime API (the "stats socket" CLI, HAProxy
 * management guide §9.3), over a Unix or TCP socket, and pure parsers for
 * the two answers lbmember reads: `show servers state <backend>` and
 * `show stat <backend> 4 <sid>` (CSV).
 *
 * One command per connection: HAProxy answers a non-interactive command
 * and closes, so the end of the answer is the end of the stream. Every
 * exchange has one deadline (connect + send + read) and a bounded buffer.
 *
 * Errors are negative errnos. -ECONNREFUSED/-ENOENT/-EHOSTUNREACH/
 * -ENETUNREACH/-ETIMEDOUT come only from the connect step and mean "nobody
 * answers at that address"; -ETIME means HAProxy accepted the connection
 * but did not answer within the deadline.
 */
#ifndef VNFHA_HAPROXY_API_H
#define VNFHA_HAPROXY_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* HAProxy's server names and backend names: [A-Za-z0-9_.:-], this long. */
#define VNFHA_HAPROXY_NAME_MAX 63
/* An answer larger than this is refused (-EMSGSIZE), never truncated. */
#define VNFHA_HAPROXY_REPLY_MAX (256 * 1024)

/* srv_admin_state bits (HAProxy src/server.h, SRV_ADMF_*). */
#define VNFHA_HAPROXY_ADMF_FMAINT 0x01u /* forced maintenance (CLI/config) */
#define VNFHA_HAPROXY_ADMF_IMAINT 0x02u /* inherited from a tracked server */
#define VNFHA_HAPROXY_ADMF_CMAINT 0x04u /* "disabled" in the configuration */
#define VNFHA_HAPROXY_ADMF_FDRAIN 0x08u /* forced drain (CLI) */
#define VNFHA_HAPROXY_ADMF_IDRAIN 0x10u /* inherited drain */
#define VNFHA_HAPROXY_ADMF_RMAINT 0x20u /* DNS resolution failed */
#define VNFHA_HAPROXY_ADMF_HMAINT 0x40u /* "set server ... addr" pending */
#define VNFHA_HAPROXY_ADMF_MAINT                                                                   \
	(VNFHA_HAPROXY_ADMF_FMAINT | VNFHA_HAPROXY_ADMF_IMAINT | VNFHA_HAPROXY_ADMF_CMAINT |       \
	 VNFHA_HAPROXY_ADMF_RMAINT | VNFHA_HAPROXY_ADMF_HMAINT)
#define VNFHA_HAPROXY_ADMF_DRAIN (VNFHA_HAPROXY_ADMF_FDRAIN | VNFHA_HAPROXY_ADMF_IDRAIN)

/* srv_op_state (HAProxy enum srv_state). */
enum vnfha_haproxy_op_state {
	VNFHA_HAPROXY_OP_STOPPED = 0,
	VNFHA_HAPROXY_OP_STARTING = 1,
	VNFHA_HAPROXY_OP_RUNNING = 2,
	VNFHA_HAPROXY_OP_STOPPING = 3,
};

/* Where the stats socket is: a Unix path, or a numeric IPv4/IPv6 address and port. */
struct vnfha_haproxy_addr {
	struct sockaddr_storage sa;
	socklen_t sa_len;
};

/* One row of `show servers state`. */
struct vnfha_haproxy_server {
	char name[VNFHA_HAPROXY_NAME_MAX + 1];
	char addr[64];	      /* srv_addr as HAProxy prints it */
	unsigned long id;     /* srv_id: `show stat <be> 4 <id>` selects it */
	unsigned long port;   /* srv_port */
	unsigned long op_state;
	unsigned long admin_state;
	unsigned long uweight;
};

/* True for a name HAProxy accepts and that cannot smuggle a second command. */
bool vnfha_haproxy_name_is_valid(const char *name);

/*
 * Parses "/abs/path" (Unix), "unix:/abs/path", "A.B.C.D:PORT" or
 * "[v6]:PORT" (numeric only: no resolver that could block).
 * 0, -EINVAL (malformed) or -ENAMETOOLONG (path too long).
 */
int vnfha_haproxy_addr_parse(const char *text, struct vnfha_haproxy_addr *ret_addr);

/*
 * Sends one command line (no newline in cmd) and reads the whole answer
 * into buf (NUL-terminated; *ret_len excludes the NUL), within timeout_ms.
 * Connect errors are returned as they are (see the top of this file);
 * -ETIME if the answer does not end by the deadline; -EMSGSIZE if it does
 * not fit; -EINVAL for a command with a newline.
 */
int vnfha_haproxy_exchange(const struct vnfha_haproxy_addr *addr, unsigned timeout_ms,
			   const char *cmd, char *buf, size_t buf_len, size_t *ret_len);

/* True when err comes from a connect that nobody answered. */
bool vnfha_haproxy_err_is_unreachable(int err);

/*
 * Pure parsers: text is len bytes, need not be NUL-terminated.
 *
 * servers_state: finds server in the `show servers state` answer.
 * 0 and *ret filled; -ENODATA when the backend has no such server; -ESRCH
 * when HAProxy says it has no such backend; -EBADMSG for anything else.
 */
int vnfha_haproxy_parse_servers_state(const char *text, size_t len, const char *server,
				      struct vnfha_haproxy_server *ret);

/*
 * stat_scur: current sessions (scur) of backend/server in a `show stat`
 * CSV answer. 0; -ENODATA no such row; -ESRCH no such proxy; -EBADMSG.
 */
int vnfha_haproxy_parse_stat_scur(const char *text, size_t len, const char *backend,
				  const char *server, unsigned long *ret_scur);

/* One server row of `show stat <backend> 4 -1` (CSV), the fields vnfha-lbwatch reads. */
struct vnfha_haproxy_stat {
	char server[VNFHA_HAPROXY_NAME_MAX + 1];
	char status[48];       /* "UP", "DOWN (agent)", "DRAIN", "MAINT", "UP 1/3", "no check" */
	char check_status[16]; /* "L4OK", "L4CON", "INI", "" (no check) ... */
	char agent_status[16]; /* the same for the agent check */
	char addr[64];	       /* "ADDR:PORT", "" when HAProxy 2.x leaves it out */
	char last_chk[128];    /* last check's details; longer text is cut here */
	char last_agt[128];    /* last agent answer's details ("via agent : down (why)") */
	unsigned long lastchg; /* seconds since the last status change (0: not given) */
	unsigned long chkdown; /* UP to DOWN transitions so far (0: not given) */
};

/*
 * stat_servers: calls row_fn for each server row of backend in a `show
 * stat` CSV answer (FRONTEND/BACKEND rows skipped), in order. A non-zero
 * return of row_fn stops the walk and is returned. 0; -ESRCH no such
 * proxy; -EBADMSG malformed (a missing column, a bad number, a name or
 * status too long: names and states are never cut, only the details are).
 */
int vnfha_haproxy_parse_stat_servers(const char *text, size_t len, const char *backend,
				     int (*row_fn)(const struct vnfha_haproxy_stat *row, void *ctx),
				     void *ctx);

/* True when a command answer is empty (HAProxy's "done" for set/enable). */
bool vnfha_haproxy_reply_is_empty(const char *text, size_t len);

#endif
