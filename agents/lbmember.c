// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ocf:vnfha:lbmember — puts this node's VNFC into a HAProxy backend and
 * takes it out again, through HAProxy's runtime API (management guide §9.3).
 *
 * Run as a clone, one instance per node, colocated with (and ordered after)
 * the VNFC clone instance it fronts, and ordered after the HAProxy resource:
 *
 *   start    add the server to the backend (`add server`, or reuse one the
 *            configuration declares), point it at this node's VNFC, set its
 *            weight, `set server ... state ready`; on any error undo what it
 *            did, so nothing is left half-changed.
 *   stop     `state drain`, wait until HAProxy counts no session on it (up to
 *            drain_timeout, then close the rest), `state maint`; `del server`
 *            only with remove=true (HAProxy 2.6 may crash on it: see "remove").
 *   monitor  reads the server's row in `show servers state`: absent or in
 *            maintenance = not running; draining or pointing elsewhere =
 *            drift (failure); health check says DOWN = degraded.
 *
 * Pool state lives in the HAProxy process, so when HAProxy moves or
 * restarts its pool is rebuilt from the cluster: the mandatory order
 * "haproxy then lbmember-clone" restarts every member after HAProxy starts,
 * and a member missing from a running HAProxy reads as not running, which
 * Pacemaker recovers by starting it again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "common/clock.h"
#include "haproxy/haproxy_api.h"
#include "lbmember.h"
#include "ocf/ocf.h"
#include "ocf/ocf_cluster.h"
#include "common/parse.h"

/* Drain is watched by asking HAProxy; it has no event for "sessions = 0". */
#define DRAIN_POLL_MS 100
/* Runtime API exchanges a stop makes besides the drain's polls (state
 * drain before it; maintenance, closing sessions, delete after it), each
 * up to api_timeout: counted as two, which real ones (milliseconds) never
 * reach together. */
#define STOP_API_CALLS 2

struct member {
	struct vnfha_haproxy_addr sock;
	const char *sock_text;
	unsigned timeout_ms;
	const char *backend;
	char server[VNFHA_HAPROXY_NAME_MAX + 1];
	char address[INET6_ADDRSTRLEN];
	int family;
	long port;
	long weight;
	bool check;
	uint64_t check_interval_ms;
	uint64_t drain_ms;
	uint64_t start_wait_ms;
	bool remove;
	bool quiet; /* retrying: do not log each refused connect */
	char *reply;
	size_t reply_len;
};

static int reject(char *why, size_t why_len, const char *fix)
{
	snprintf(why, why_len, "%s", fix);
	return -EINVAL;
}

static int check_socket(const char *value, char *why, size_t why_len)
{
	struct vnfha_haproxy_addr a;

	if (vnfha_haproxy_addr_parse(value, &a) == 0) {
		return 0;
	}
	return reject(why, why_len,
		      "use an absolute Unix socket path or a numeric ADDRESS:PORT (IPv6 as "
		      "[ADDRESS]:PORT) of a stats socket at level admin");
}

static int check_name(const char *value, char *why, size_t why_len)
{
	if (vnfha_haproxy_name_is_valid(value)) {
		return 0;
	}
	return reject(why, why_len, "use 1 to 63 of the characters A-Z a-z 0-9 _ . : -");
}

static int check_address(const char *value, char *why, size_t why_len)
{
	if (vnfha__lbmember_address_check(value) == 0) {
		return 0;
	}
	return reject(why, why_len,
		      "use one numeric IPv4/IPv6 address, or NODE=ADDRESS pairs separated by "
		      "spaces or commas (one per node)");
}

static int check_duration(const char *value, char *why, size_t why_len)
{
	uint64_t ms = 0;

	if (vnfha__parse_duration_ms(value, 3600 * 1000, &ms) == 0) {
		return 0;
	}
	return reject(why, why_len, "use a duration such as 500ms, 10s or 1min (up to 1h)");
}

static const struct vnfha_param lbmember_params[] = {
	{ .name = "socket", .type = VNFHA_PARAM_STRING, .required = true, .check = check_socket,
	  .shortdesc = "HAProxy runtime API address",
	  .longdesc = "Where HAProxy's stats socket (level admin) listens: an absolute Unix "
		      "socket path, or a numeric IPv4:PORT or [IPv6]:PORT, e.g. the floating IP "
		      "HAProxy runs on. No name resolution is done." },
	{ .name = "backend", .type = VNFHA_PARAM_STRING, .required = true, .check = check_name,
	  .shortdesc = "HAProxy backend",
	  .longdesc = "The backend (pool) this node's VNFC joins, as named in haproxy.cfg." },
	{ .name = "server", .type = VNFHA_PARAM_STRING, .check = check_name,
	  .shortdesc = "server name in the backend",
	  .longdesc = "Name of this node's server in the backend. Default: the Pacemaker node "
		      "name, so each clone instance has its own server." },
	{ .name = "address", .type = VNFHA_PARAM_STRING, .required = true, .check = check_address,
	  .shortdesc = "address of this node's VNFC",
	  .longdesc = "The numeric IPv4/IPv6 address HAProxy connects to for this node's VNFC. "
		      "A clone has one parameter set for every node, so give one address per "
		      "node as NODE=ADDRESS pairs, e.g. \"n1=198.51.100.11 n2=198.51.100.12\"; "
		      "a single address serves every node." },
	{ .name = "port", .type = VNFHA_PARAM_INTEGER, .required = true, .min = 1, .max = 65535,
	  .shortdesc = "port of this node's VNFC",
	  .longdesc = "The TCP port HAProxy connects to on address." },
	{ .name = "weight", .type = VNFHA_PARAM_INTEGER, .dflt = "100", .min = 0, .max = 256,
	  .shortdesc = "server weight",
	  .longdesc = "HAProxy weight of this server (0 to 256); 0 takes no new traffic." },
	{ .name = "check", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "HAProxy health checks",
	  .longdesc = "true: the server is added with HAProxy's own health check (TCP connect "
		      "every check_interval) as a second line of defence; monitor then reports a "
		      "DOWN check as degraded. false: the cluster alone decides." },
	{ .name = "check_interval", .type = VNFHA_PARAM_STRING, .dflt = "2s",
	  .check = check_duration, .shortdesc = "health check interval",
	  .longdesc = "HAProxy's check interval (inter) when check is true." },
	{ .name = "drain_timeout", .type = VNFHA_PARAM_STRING, .dflt = "10s",
	  .check = check_duration, .shortdesc = "how long stop lets sessions finish",
	  .longdesc = "On stop the server takes no new sessions (drain) and its open sessions "
		      "get this long to finish; then the rest are closed and the server leaves "
		      "the pool. With two api_timeout and a second it must fit the stop "
		      "timeout: validate-all refuses one that does not, and a stop shortens "
		      "the drain to finish in time (a stop that times out gets the node "
		      "fenced)." },
	{ .name = "api_timeout", .type = VNFHA_PARAM_STRING, .dflt = "2s",
	  .check = check_duration, .shortdesc = "runtime API timeout",
	  .longdesc = "Deadline for each runtime API exchange (connect, send, answer)." },
	{ .name = "start_wait", .type = VNFHA_PARAM_STRING, .dflt = "5s",
	  .check = check_duration, .shortdesc = "how long start waits for HAProxy",
	  .longdesc = "When nothing answers at socket yet (HAProxy is starting on its node at the "
		      "same time), start retries for this long before it fails. 0: fail at once." },
	{ .name = "remove", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "delete the server on stop",
	  .longdesc = "false: stop leaves the server in maintenance (out of the pool; the next "
		      "start on this node reuses it). true: stop also deletes it (`del server`). "
		      "Deleting is not the default because HAProxy up to at least 2.6.12 (Debian "
		      "12) frees a deleted server that a stream waiting to retry a refused "
		      "connection still points to, and crashes in sess_change_server() when "
		      "that stream retries (HAProxy issues 2298, 2378 and 3455; fixed upstream "
		      "by \"BUG/MEDIUM: server: Properly check for streams before deletion\"): "
		      "exactly what a VNFC that just died leaves behind. Set true only with a "
		      "HAProxy that has that fix." },
};

static const char *node_name(char *buf, size_t len)
{
	const char *node = getenv("OCF_RESKEY_CRM_meta_on_node");
	struct utsname u;

	if (node != NULL && *node != '\0') {
		return node;
	}
	if (uname(&u) < 0) {
		return NULL;
	}
	snprintf(buf, len, "%s", u.nodename);
	return buf;
}

/* Loads the member from validated parameters; OCF_SUCCESS or OCF_ERR_CONFIGURED. */
static int member_load(struct vnfha_ocf *ocf, struct member *m)
{
	char host[256];
	const char *node = node_name(host, sizeof(host));
	const char *server = vnfha_ocf_str(ocf, "server");
	int rc;

	memset(m, 0, sizeof(*m));
	m->sock_text = vnfha_ocf_str(ocf, "socket");
	m->backend = vnfha_ocf_str(ocf, "backend");
	m->port = vnfha_ocf_int(ocf, "port");
	m->weight = vnfha_ocf_int(ocf, "weight");
	m->check = vnfha_ocf_bool(ocf, "check");
	m->remove = vnfha_ocf_bool(ocf, "remove");
	if (vnfha_haproxy_addr_parse(m->sock_text, &m->sock) < 0 ||
	    vnfha__parse_duration_ms(vnfha_ocf_str(ocf, "check_interval"), 3600000,
				     &m->check_interval_ms) < 0 ||
	    vnfha__parse_duration_ms(vnfha_ocf_str(ocf, "drain_timeout"), 3600000,
				     &m->drain_ms) < 0 ||
	    vnfha__parse_duration_ms(vnfha_ocf_str(ocf, "start_wait"), 3600000,
				     &m->start_wait_ms) < 0) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED, "parameters did not validate");
	}
	{
		uint64_t t = 0;

		if (vnfha__parse_duration_ms(vnfha_ocf_str(ocf, "api_timeout"), 3600000, &t) < 0 ||
		    t == 0) {
			return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
					      "parameter api_timeout must be above 0: use e.g. 2s");
		}
		m->timeout_ms = (unsigned)t;
	}
	if (server == NULL) {
		server = node;
	}
	if (server == NULL || !vnfha_haproxy_name_is_valid(server)) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "node name '%s' is not a valid HAProxy server name: set "
				      "parameter server",
				      server ? server : "(unknown)");
	}
	memcpy(m->server, server, strlen(server) + 1); /* valid names fit */
	rc = vnfha__lbmember_address_for(vnfha_ocf_str(ocf, "address"), node ? node : "",
					 m->address, sizeof(m->address), &m->family);
	if (rc < 0) {
		/* No entry for this node is a fact of this node, not of the whole
		 * configuration: OCF_ERR_ARGS keeps the instance off this node
		 * only (CONFIGURED would stop the clone everywhere). */
		return vnfha_ocf_fail(rc == -ENOENT ? OCF_ERR_ARGS : OCF_ERR_CONFIGURED,
				      "parameter address='%s' has no address for node '%s': add "
				      "%s=ADDRESS",
				      vnfha_ocf_str(ocf, "address"), node ? node : "", node ? node : "NODE");
	}
	m->reply = malloc(VNFHA_HAPROXY_REPLY_MAX);
	if (m->reply == NULL) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "out of memory");
	}
	return OCF_SUCCESS;
}

static void member_free(struct member *m)
{
	free(m->reply);
	m->reply = NULL;
}

/* First line of HAProxy's answer, for messages. */
static const char *reply_line(struct member *m)
{
	char *nl = memchr(m->reply, '\n', m->reply_len);

	if (nl != NULL) {
		*nl = '\0';
	}
	return m->reply_len > 0 ? m->reply : "(empty answer)";
}

static int member_exchange(struct member *m, const char *cmd)
{
	int rc = vnfha_haproxy_exchange(&m->sock, m->timeout_ms, cmd, m->reply,
					VNFHA_HAPROXY_REPLY_MAX, &m->reply_len);

	if (rc < 0) {
		m->reply_len = 0;
		m->reply[0] = '\0';
		if (m->quiet) {
			return rc;
		}
		vnfha_log(VNFHA_LOG_ERR, "HAProxy runtime API at '%s': '%s' failed: %s",
			  m->sock_text, cmd, strerror(-rc));
	}
	return rc;
}

/*
 * Runs a command whose success answer is empty, or contains ok_prefix.
 * -EPROTO (and logs HAProxy's words) when HAProxy refused it.
 */
static int member_cmd(struct member *m, const char *ok_prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int member_cmd(struct member *m, const char *ok_prefix, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int n;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		return -ENAMETOOLONG;
	}
	rc = member_exchange(m, cmd);
	if (rc < 0) {
		return rc;
	}
	if (ok_prefix == NULL ? vnfha_haproxy_reply_is_empty(m->reply, m->reply_len)
			      : strstr(m->reply, ok_prefix) != NULL) {
		vnfha_log(VNFHA_LOG_DEBUG, "HAProxy: %s: ok", cmd);
		return 0;
	}
	vnfha_log(VNFHA_LOG_ERR, "HAProxy refused '%s': %s", cmd, reply_line(m));
	return -EPROTO;
}

/* 0 (row in *ret), -ENODATA (no such server), -ESRCH (no backend), or an error. */
static int member_query(struct member *m, struct vnfha_haproxy_server *ret)
{
	char cmd[128];
	int rc;

	snprintf(cmd, sizeof(cmd), "show servers state %s", m->backend);
	rc = member_exchange(m, cmd);
	if (rc < 0) {
		return rc;
	}
	rc = vnfha_haproxy_parse_servers_state(m->reply, m->reply_len, m->server, ret);
	if (rc == -EBADMSG) {
		vnfha_log(VNFHA_LOG_ERR, "HAProxy at '%s' gave an answer to '%s' that is not a "
					 "server state table: %s",
			  m->sock_text, cmd, reply_line(m));
	}
	return rc;
}

/*
 * member_query, retried while nothing answers, for up to start_wait: HAProxy
 * and its address may be starting on another node in the same transition.
 * HAProxy offers no event to wait on, hence the bounded polling.
 */
static int member_query_wait(struct member *m, struct vnfha_haproxy_server *ret)
{
	int64_t deadline = vnfha__now_ms() + (int64_t)m->start_wait_ms;
	int rc;

	for (;;) {
		struct timespec pause = { .tv_nsec = DRAIN_POLL_MS * 1000000L };

		m->quiet = vnfha__now_ms() < deadline;
		rc = member_query(m, ret);
		if (!vnfha_haproxy_err_is_unreachable(rc) || !m->quiet) {
			m->quiet = false;
			return rc;
		}
		nanosleep(&pause, NULL);
	}
}

static bool member_addr_matches(const struct member *m, const struct vnfha_haproxy_server *s)
{
	unsigned char want[16], got[16];

	if ((long)s->port != m->port) {
		return false;
	}
	return inet_pton(m->family, m->address, want) == 1 &&
	       inet_pton(m->family, s->addr, got) == 1 &&
	       memcmp(want, got, m->family == AF_INET ? 4 : 16) == 0;
}

/* "ADDR:PORT" as HAProxy's address parser wants it ([v6]:port). */
static void member_endpoint(const struct member *m, char *buf, size_t len)
{
	if (m->family == AF_INET6) {
		snprintf(buf, len, "[%s]:%ld", m->address, m->port);
	} else {
		snprintf(buf, len, "%s:%ld", m->address, m->port);
	}
}

static int unreachable_fail(const struct member *m, int rc)
{
	return vnfha_ocf_fail(OCF_ERR_GENERIC,
			      "cannot reach HAProxy runtime API at '%s': %s (is HAProxy running, "
			      "with a stats socket at level admin there?)",
			      m->sock_text, strerror(-rc));
}

/* Undo a failed start: leave the server as it was found (absent, or in maintenance). */
static void member_rollback(struct member *m, bool added)
{
	int rc = member_cmd(m, NULL, "set server %s/%s state maint", m->backend, m->server);

	if (rc == 0 && added) {
		rc = member_cmd(m, "Server deleted.", "del server %s/%s", m->backend, m->server);
	}
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "could not undo the partial start of %s/%s: %s",
			  m->backend, m->server, strerror(-rc));
	} else {
		vnfha_log(VNFHA_LOG_INFO, "undid the partial start of %s/%s", m->backend,
			  m->server);
	}
}

static int member_configure(struct member *m, const struct vnfha_haproxy_server *s,
			    bool *ret_added)
{
	char ep[INET6_ADDRSTRLEN + 10];
	int rc;

	member_endpoint(m, ep, sizeof(ep));
	if (s == NULL) {
		char check[64] = "";

		if (m->check) {
			snprintf(check, sizeof(check), " check inter %llu",
				 (unsigned long long)(m->check_interval_ms ? m->check_interval_ms
									    : 1));
		}
		/* A new server starts in maintenance: no traffic before "ready". */
		rc = member_cmd(m, "New server registered.", "add server %s/%s %s weight %ld%s",
				m->backend, m->server, ep, m->weight, check);
		if (rc < 0) {
			return rc;
		}
		*ret_added = true;
	}
	/* For a server found in place, what can be refused comes before any change. */
	if (m->check) {
		rc = member_cmd(m, NULL, "enable health %s/%s", m->backend, m->server);
		if (rc < 0) {
			return rc;
		}
	}
	if (s != NULL && !member_addr_matches(m, s)) {
		/* "IP changed from ..." / "no need to change the addr, port changed from ..." */
		rc = member_cmd(m, "changed from", "set server %s/%s addr %s port %ld", m->backend,
				m->server, m->address, m->port);
		if (rc < 0) {
			return rc;
		}
	}
	if (s != NULL && (long)s->uweight != m->weight) {
		rc = member_cmd(m, NULL, "set server %s/%s weight %ld", m->backend, m->server,
				m->weight);
		if (rc < 0) {
			return rc;
		}
	}
	return member_cmd(m, NULL, "set server %s/%s state ready", m->backend, m->server);
}

static int lbmember_start(struct vnfha_ocf *ocf)
{
	struct member m;
	struct vnfha_haproxy_server s;
	bool added = false;
	int rc = member_load(ocf, &m);

	if (rc != OCF_SUCCESS) {
		goto out;
	}
	rc = member_query_wait(&m, &s);
	if (vnfha_haproxy_err_is_unreachable(rc)) {
		rc = unreachable_fail(&m, rc);
		goto out;
	}
	if (rc == -ESRCH) {
		rc = vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				    "HAProxy at '%s' has no backend '%s': set parameter backend to "
				    "a backend of haproxy.cfg",
				    m.sock_text, m.backend);
		goto out;
	}
	if (rc < 0 && rc != -ENODATA) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "cannot read the state of %s/%s: %s",
				    m.backend, m.server, strerror(-rc));
		goto out;
	}
	rc = member_configure(&m, rc == -ENODATA ? NULL : &s, &added);
	if (rc == 0) {
		rc = member_query(&m, &s);
	}
	if (rc == 0 && (s.admin_state & VNFHA_HAPROXY_ADMF_CMAINT)) {
		vnfha_log(VNFHA_LOG_ERR, "%s/%s is 'disabled' in haproxy.cfg, which the runtime API "
					 "cannot undo: remove 'disabled' from its server line",
			  m.backend, m.server);
		rc = -EPERM;
	} else if (rc == 0 &&
		   (s.admin_state & (VNFHA_HAPROXY_ADMF_MAINT | VNFHA_HAPROXY_ADMF_DRAIN))) {
		vnfha_log(VNFHA_LOG_ERR, "%s/%s is still not ready (admin state 0x%lx)",
			  m.backend, m.server, s.admin_state);
		rc = -EAGAIN;
	}
	if (rc < 0) {
		member_rollback(&m, added);
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC,
				    "could not put %s/%s into HAProxy's pool at '%s': %s",
				    m.backend, m.server, m.sock_text, strerror(-rc));
		goto out;
	}
	vnfha_log(VNFHA_LOG_INFO, "%s/%s (%s:%ld, weight %ld) is in the pool", m.backend,
		  m.server, m.address, m.port, m.weight);
	rc = OCF_SUCCESS;
out:
	member_free(&m);
	return rc;
}

/* scur of the server; -errno on failure. */
static int member_sessions(struct member *m, unsigned long id, unsigned long *ret)
{
	char cmd[128];
	int rc;

	snprintf(cmd, sizeof(cmd), "show stat %s 4 %lu", m->backend, id);
	rc = member_exchange(m, cmd);
	if (rc < 0) {
		return rc;
	}
	return vnfha_haproxy_parse_stat_scur(m->reply, m->reply_len, m->backend, m->server, ret);
}

/* Drain: no new sessions; wait (bounded) for the open ones to finish. */
static int member_drain(struct member *m, const struct vnfha_haproxy_server *s)
{
	int64_t deadline = vnfha__now_ms() + (int64_t)m->drain_ms;
	unsigned long scur = 0;
	int rc = 0;

	if (!(s->admin_state & VNFHA_HAPROXY_ADMF_FDRAIN)) {
		rc = member_cmd(m, NULL, "set server %s/%s state drain", m->backend, m->server);
		if (rc < 0) {
			return rc;
		}
	}
	for (;;) {
		struct timespec pause = { .tv_nsec = DRAIN_POLL_MS * 1000000L };

		rc = member_sessions(m, s->id, &scur);
		if (rc == -ENODATA) {
			scur = 0; /* no row, no sessions */
			rc = 0;
		}
		if (rc < 0 || scur == 0 || vnfha__now_ms() >= deadline) {
			break;
		}
		nanosleep(&pause, NULL);
	}
	if (rc < 0) {
		return rc;
	}
	rc = member_cmd(m, NULL, "set server %s/%s state maint", m->backend, m->server);
	if (rc == 0 && scur > 0) {
		vnfha_log(VNFHA_LOG_WARNING,
			  "%lu session(s) on %s/%s still open after drain_timeout: closing them",
			  scur, m->backend, m->server);
		rc = member_cmd(m, NULL, "shutdown sessions server %s/%s", m->backend, m->server);
	}
	return rc;
}

/* The longest drain a stop can hold inside the timeout Pacemaker gives it
 * (OCF_RESKEY_CRM_meta_timeout, less the agent's own second). */
static uint64_t drain_budget_ms(const struct member *m)
{
	uint64_t budget = vnfha_ocf_budget_ms();
	uint64_t calls = (uint64_t)STOP_API_CALLS * m->timeout_ms;

	return budget > calls ? budget - calls : 0;
}

static bool drain_fits(const struct member *m)
{
	return getenv("OCF_RESKEY_CRM_meta_timeout") == NULL || m->drain_ms <= drain_budget_ms(m);
}

static int lbmember_stop(struct vnfha_ocf *ocf)
{
	struct member m;
	struct vnfha_haproxy_server s;
	int rc = member_load(ocf, &m);

	if (rc != OCF_SUCCESS) {
		/* A stop must not fail for parameters that never let this node
		 * join (a failed stop gets the node fenced): nothing was added. */
		rc = OCF_SUCCESS;
		goto out;
	}
	if (!drain_fits(&m)) {
		/* A stop that times out gets the node fenced: drain less, finish. */
		vnfha_log(VNFHA_LOG_ERR,
			  "drain_timeout=%s cannot finish inside this stop's timeout: draining "
			  "%llu ms only; lower drain_timeout or raise the stop timeout",
			  vnfha_ocf_str(ocf, "drain_timeout"),
			  (unsigned long long)drain_budget_ms(&m));
		m.drain_ms = drain_budget_ms(&m);
	}
	rc = member_query(&m, &s);
	if (vnfha_haproxy_err_is_unreachable(rc)) {
		/* The pool lives in the HAProxy process: none answers, none holds us. */
		vnfha_log(VNFHA_LOG_WARNING,
			  "no HAProxy answers at '%s' (%s): %s/%s is in no pool there", m.sock_text,
			  strerror(-rc), m.backend, m.server);
		rc = OCF_SUCCESS;
		goto out;
	}
	if (rc == -ENODATA || rc == -ESRCH) {
		vnfha_log(VNFHA_LOG_INFO, "%s/%s is not in HAProxy's pool", m.backend, m.server);
		rc = OCF_SUCCESS;
		goto out;
	}
	if (rc == 0 && !(s.admin_state & VNFHA_HAPROXY_ADMF_FMAINT)) {
		rc = member_drain(&m, &s);
	}
	if (rc == 0 && m.remove) {
		rc = member_cmd(&m, "Server deleted.", "del server %s/%s", m.backend, m.server);
	}
	if (rc < 0) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "could not take %s/%s out of HAProxy's pool: %s",
				    m.backend, m.server, strerror(-rc));
		goto out;
	}
	vnfha_log(VNFHA_LOG_INFO, "%s/%s left the pool%s", m.backend, m.server,
		  m.remove ? " and was deleted" : " (maintenance)");
	rc = OCF_SUCCESS;
out:
	member_free(&m);
	return rc;
}

static int lbmember_monitor(struct vnfha_ocf *ocf)
{
	struct member m;
	struct vnfha_haproxy_server s;
	bool probe = vnfha_ocf_is_probe(ocf);
	int rc = member_load(ocf, &m);

	if (rc != OCF_SUCCESS) {
		rc = OCF_NOT_RUNNING;
		goto out;
	}
	rc = member_query(&m, &s);
	if (rc == -ENODATA) {
		if (!probe) {
			vnfha_log(VNFHA_LOG_WARNING,
				  "%s/%s is missing from HAProxy's pool (HAProxy restarted?)",
				  m.backend, m.server);
		}
		rc = OCF_NOT_RUNNING;
		goto out;
	}
	if (rc < 0) {
		if (probe) {
			/* Without a reachable pool this member cannot be in one. */
			rc = OCF_NOT_RUNNING;
		} else if (vnfha_haproxy_err_is_unreachable(rc)) {
			rc = unreachable_fail(&m, rc);
		} else {
			rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "cannot read the state of %s/%s: %s",
					    m.backend, m.server,
					    rc == -ESRCH ? "no such backend" : strerror(-rc));
		}
		goto out;
	}
	if (s.admin_state & VNFHA_HAPROXY_ADMF_MAINT) {
		rc = OCF_NOT_RUNNING;
		goto out;
	}
	if (s.admin_state & VNFHA_HAPROXY_ADMF_DRAIN) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC,
				    "drift: %s/%s is draining in HAProxy but should take traffic",
				    m.backend, m.server);
		goto out;
	}
	if (!member_addr_matches(&m, &s)) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC,
				    "drift: %s/%s points at %s:%lu in HAProxy, not at %s:%ld",
				    m.backend, m.server, s.addr, s.port, m.address, m.port);
		goto out;
	}
	if ((long)s.uweight != m.weight) {
		vnfha_log(VNFHA_LOG_WARNING, "%s/%s has weight %lu in HAProxy, not %ld",
			  m.backend, m.server, s.uweight, m.weight);
	}
	if (m.check && s.op_state == VNFHA_HAPROXY_OP_STOPPED) {
		vnfha_log(VNFHA_LOG_WARNING, "HAProxy's health check says %s/%s is DOWN",
			  m.backend, m.server);
		rc = OCF_DEGRADED;
		goto out;
	}
	rc = OCF_SUCCESS;
out:
	member_free(&m);
	return rc;
}

static int lbmember_validate(struct vnfha_ocf *ocf)
{
	struct member m;
	int rc = member_load(ocf, &m);

	if (rc == OCF_SUCCESS && !drain_fits(&m)) {
		uint64_t need = m.drain_ms + (uint64_t)STOP_API_CALLS * m.timeout_ms + 1000;

		rc = vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				    "parameter drain_timeout='%s' cannot finish inside the %s ms stop "
				    "timeout: the drain, %d runtime API calls of api_timeout and a "
				    "second need %llu ms; lower drain_timeout to %llu ms or less, or "
				    "raise the stop timeout (pcs resource update <resource> op stop "
				    "timeout=%llus)",
				    vnfha_ocf_str(ocf, "drain_timeout"),
				    getenv("OCF_RESKEY_CRM_meta_timeout"), STOP_API_CALLS,
				    (unsigned long long)need, (unsigned long long)drain_budget_ms(&m),
				    (unsigned long long)(need + 999) / 1000);
	}
	member_free(&m);
	return rc;
}

static const struct vnfha_action lbmember_actions[] = {
	{ .name = "start", .handler = lbmember_start, .timeout = "20s" },
	{ .name = "stop", .handler = lbmember_stop, .timeout = "30s",
	  .bad_params = VNFHA_BAD_PARAMS_SUCCESS },
	{ .name = "monitor", .handler = lbmember_monitor, .timeout = "10s", .interval = "5s",
	  .bad_params = VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ .name = "validate-all", .handler = lbmember_validate, .timeout = "10s" },
};

static const struct vnfha_agent lbmember_agent = {
	.name = "lbmember",
	.version = PACKAGE_VERSION,
	.shortdesc = "this node's VNFC as a member of a HAProxy pool",
	.longdesc = "Run as a clone colocated with the VNFC clone. start adds this node's VNFC to "
		    "a HAProxy backend through the runtime API (add server, state ready) and "
		    "undoes its changes if any step fails; stop drains it (open sessions get "
		    "drain_timeout to finish), puts it in maintenance and deletes it; monitor "
		    "checks HAProxy really has it, ready and pointing at the right address. Order "
		    "the clone after the HAProxy resource so HAProxy's pool is rebuilt whenever "
		    "HAProxy starts on another node. A member whose node dies is never stopped "
		    "(Pacemaker takes the fencing for its stop): set check=true so HAProxy's own "
		    "check takes it out of the pool, as for members on Pacemaker Remote nodes "
		    "(VMs).",
	.params = lbmember_params,
	.n_params = sizeof(lbmember_params) / sizeof(lbmember_params[0]),
	.actions = lbmember_actions,
	.n_actions = sizeof(lbmember_actions) / sizeof(lbmember_actions[0]),
};

int main(int argc, char **argv)
{
	return vnfha_ocf_main(&lbmember_agent, argc, argv);
}
