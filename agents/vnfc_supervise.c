// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vnfc supervisor: the VNFC's parent for its whole life. It serves the
 * control socket (role_proto.h), watches the VNFC through a pidfd and its
 * heartbeats, and the moment the VNFC dies or stops heartbeating it tells
 * Pacemaker (the request of `crm_resource --fail`, over a connection to the
 * controller it holds: report.c), so recovery does not wait for the
 * next monitor (Pacemaker advises no monitor interval under 2 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/unix_sock.h"
#include "common/clock.h"
#include "ocf/ocf.h"
#include "ocf/ocf_cluster.h"
#include "ocf/ocf_node.h"
#include "common/parse.h"
#include "role/lbagent_proto.h"
#include "role/role_proto.h"
#include "common/fs.h"
#include "common/spawn.h"
#include "vnfc.h"
#include "report.h"
#include "vnfha/role.h"

#define MAX_CONNS 16
#define TICK_MS 50
#define REPORT_TIMEOUT_MS 10000
#define SCORE_TIMEOUT_MS 10000
#define PIDFILE_POLL_MS 20
/* The controller connection is made this long after the start, off the
 * recovery's own path (loading libcrmcommon and connecting take ~10-20 ms of
 * CPU); a failure before it is reported with crm_resource. */
#define CTL_CONNECT_DELAY_MS 1000

enum conn_kind { CONN_FREE = 0, CONN_NEW, CONN_VNFC, CONN_AGENT };

struct conn {
	int fd;
	enum conn_kind kind;
};

struct pending {
	int fd;			 /* agent waiting for an answer; -1: none */
	enum vnfha__ctl_role role; /* answer when the VNFC is ready in this role */
	int64_t deadline;
};

struct sup {
	const struct vnfc_supervise_cfg *cfg;
	int listen_fd, sig_fd, pidfd;
	int agent_fd; /* HAProxy agent-check listener; -1: none */
	pid_t pid;
	bool is_child; /* our own child (no pidfile): we reap it */
	enum vnfha__ctl_state state;
	enum vnfha__ctl_role want, ready;
	enum vnfha__ctl_health health;
	int64_t last_hb;
	int64_t reported_at; /* when the failure report was sent (then taken) */
	struct reporter reporter; /* the report thread's while reporting */
	pthread_t report_thread;
	int report_fd[2]; /* the report thread's result; -1: not reporting */
	pid_t score_pid;     /* crm_attribute setting the promotion score; 0: none */
	int score_fd;	     /* its pidfd; -1: none */
	int64_t score_deadline;
	int64_t score_at;    /* when to run crm_attribute; 0: not due */
	int score_tries;     /* runs that could not reach the cluster (ocf_cluster.h) */
	bool score_started;
	struct conn conns[MAX_CONNS];
	int vnfc_fd;
	struct pending pending;
	int stop_fd; /* agent waiting for the stop to finish; -1: none */
	int64_t stop_deadline;
	bool killed;
	bool done;
};

static void send_msg(int fd, const struct vnfha__ctl_msg *m)
{
	char buf[VNFHA__CTL_MAX + 1];
	int n = vnfha__ctl_format(m, buf, sizeof(buf));

	if (fd >= 0 && n > 0) {
		(void)send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
}

static void reply_ok(int fd)
{
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_OK };

	send_msg(fd, &m);
}

static void reply_err(int fd, const char *text)
{
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_ERR };

	snprintf(m.text, sizeof(m.text), "%s", text);
	send_msg(fd, &m);
}

static void send_role(struct sup *s)
{
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_ROLE, .role = s->want };

	send_msg(s->vnfc_fd, &m);
}

/*
 * Tells Pacemaker at once; the agent's next monitor reports the same.
 * The controller (report.c) or crm_resource --fail records the failure
 * directly. On a Pacemaker Remote node the controller refuses it: requests
 * through pacemaker-remoted's proxy run as the node's name, an unprivileged
 * user ("does not have permission to fail", Pacemaker 2.1.5 and later), and
 * crm_resource still exits 0. There, a refresh (the controller's, or
 * crm_resource --refresh): Pacemaker forgets the resource's state on this
 * node and probes it at once, and the probe finds the failure (recorded as
 * a failed probe, which adds nothing to the fail count).
 *
 * The report runs on a thread of its own, beside this loop: a controller
 * slow to answer (up to REPORT_TIMEOUT_MS, then crm_resource) must not keep
 * the supervisor from answering HAProxy's agent checks ("down" at once, so
 * the load balancer drops the member) or the agent's monitors. Meanwhile
 * the state reads REPORTED, so a monitor leaves the report to this one (as
 * once taken: vnfc.c's await_recovery); a report that fails turns it back to
 * FAILED, and the next monitor reports the failure itself.
 */
static void *report_main(void *arg)
{
	struct sup *s = arg;
	int rc = reporter_fail(&s->reporter, REPORT_TIMEOUT_MS);

	(void)!write(s->report_fd[1], &rc, sizeof(rc));
	return NULL;
}

static void report_failure(struct sup *s, const char *why)
{
	if (s->state != VNFHA__STATE_RUNNING) {
		return;
	}
	s->state = VNFHA__STATE_FAILED;
	vnfha_log(VNFHA_LOG_ERR, "VNFC failed while %s: %s; reporting to Pacemaker%s",
		  vnfha__ctl_role_name(s->want), why, reporter_how(&s->reporter));
	if (s->pending.fd >= 0) {
		reply_err(s->pending.fd, why);
		s->pending.fd = -1;
	}
	if (pipe2(s->report_fd, O_CLOEXEC) != 0) {
		s->report_fd[0] = s->report_fd[1] = -1;
		vnfha_log(VNFHA_LOG_ERR, "cannot report: %s; the next monitor reports it",
			  strerror(errno));
		return;
	}
	if (pthread_create(&s->report_thread, NULL, report_main, s) != 0) {
		close(s->report_fd[0]);
		close(s->report_fd[1]);
		s->report_fd[0] = s->report_fd[1] = -1;
		vnfha_log(VNFHA_LOG_ERR, "cannot start the report; the next monitor reports it");
		return;
	}
	s->state = VNFHA__STATE_REPORTED;
	s->reported_at = vnfha__now_ms();
}

/* The report thread's outcome: read when it is done (at the exit, waited
 * for; it ends within its timeouts). */
static void end_report(struct sup *s)
{
	int rc = -EIO;

	if (s->report_fd[0] < 0) {
		return;
	}
	(void)!read(s->report_fd[0], &rc, sizeof(rc));
	pthread_join(s->report_thread, NULL);
	close(s->report_fd[0]);
	close(s->report_fd[1]);
	s->report_fd[0] = s->report_fd[1] = -1;
	if (s->state != VNFHA__STATE_REPORTED) {
		return; /* stopping meanwhile */
	}
	if (rc < 0) {
		s->state = VNFHA__STATE_FAILED; /* the next monitor reports it */
	} else {
		s->reported_at = vnfha__now_ms(); /* taken: the monitor's grace starts */
	}
}

/*
 * The promotion score, once the VNFC is first ready, without holding up the
 * start: the agent's start has its answer already and this runs beside it.
 * The score outlives a stop (vnfc.c), so in a recovery in place it is there
 * already (score_mark says so: vnfc.c's score_delay()) and Pacemaker goes on
 * to the promote at once; then the refresh waits score_delay_ms, so that
 * crm_attribute (~30 libraries, a CIB connection, an attrd update: 10-30 ms
 * of CPU on the lab) does not compete with the promote and the VNFC's
 * restore. On a node's first start it runs at once, and Pacemaker promotes
 * a moment later.
 */
static void start_score(struct sup *s)
{
	if (s->score_started || s->cfg->promotion_score <= 0) {
		return;
	}
	s->score_started = true;
	s->score_at = vnfha__now_ms() + s->cfg->score_delay_ms;
	if (s->cfg->score_delay_ms > 0) {
		vnfha_log(VNFHA_LOG_DEBUG, "the promotion score of %s is set already; refreshing "
			  "it in %u ms", s->cfg->report.id, s->cfg->score_delay_ms);
	}
}

static void spawn_score(struct sup *s)
{
	char value[32];
	char *argv[] = { "crm_attribute", "--promotion", "-v", value, "-q", NULL };
	int rc;

	s->score_at = 0;
	snprintf(value, sizeof(value), "%ld", s->cfg->promotion_score);
	rc = vnfha__spawn(argv, -1, &s->score_pid, &s->score_fd);
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_WARNING, "cannot set the promotion score of %s: %s",
			  s->cfg->report.id, strerror(-rc));
		s->score_pid = 0;
		s->score_fd = -1;
		return;
	}
	s->score_deadline = vnfha__now_ms() + SCORE_TIMEOUT_MS;
}

/* What score_mark holds once the score is set: the executor that ran the
 * start (its restart, or the node's reboot, may have cleared the transient
 * attribute) and the score. */
static void mark_score(const struct sup *s, bool set)
{
	const struct vnfc_supervise_cfg *cfg = s->cfg;
	char text[96];
	int n;

	if (cfg->score_mark == NULL) {
		return;
	}
	n = set && cfg->executor != NULL ?
		    vnfc_score_mark_text(text, sizeof(text), cfg->executor, cfg->promotion_score) :
		    -ENOENT;
	/* replaced whole (a reader never sees half a mark), never written
	 * through a link; no mark: the next start sets the score at once */
	if (n < 0 || vnfha__write_file_atomic(cfg->score_mark, text, (size_t)n, 0644, false) < 0) {
		unlink(cfg->score_mark);
	}
}

static void end_score(struct sup *s)
{
	int status = 0;
	bool ok;

	while (waitpid(s->score_pid, &status, 0) < 0 && errno == EINTR) {
	}
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	close(s->score_fd);
	s->score_fd = -1;
	s->score_pid = 0;
	if (!ok && WIFEXITED(status) && vnfha_ocf_tool_unreachable(WEXITSTATUS(status)) &&
	    ++s->score_tries < VNFHA_OCF_TOOL_TRIES) {
		vnfha_log(VNFHA_LOG_WARNING, "crm_attribute --promotion for %s could not reach the "
			  "cluster (status %d); trying again", s->cfg->report.id, WEXITSTATUS(status));
		s->score_at = vnfha__now_ms() + (int64_t)VNFHA_OCF_TOOL_PAUSE_MS * s->score_tries;
		return;
	}
	if (!ok) {
		vnfha_log(VNFHA_LOG_WARNING, "crm_attribute --promotion for %s failed (status %d); "
			  "Pacemaker promotes it after its next start or probe",
			  s->cfg->report.id, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	s->score_tries = 0;
	mark_score(s, ok);
}

static void kill_vnfc(struct sup *s, int sig)
{
	if (s->pidfd >= 0) {
		pidfd_send_signal(s->pidfd, sig, NULL, 0);
	}
}

/* Once the socket is gone a new monitor sees "not running", never us. */
static void finish_stop(struct sup *s)
{
	unlink(s->cfg->socket_path);
	reply_ok(s->stop_fd);
	s->done = true;
}

/* The VNFC is gone: finish a stop, or report the failure. */
static void on_vnfc_exit(struct sup *s)
{
	char why[128];
	int status = 0;

	if (s->is_child) {
		waitpid(s->pid, &status, WNOHANG);
	}
	close(s->pidfd);
	s->pidfd = -1;
	if (s->state == VNFHA__STATE_STOPPING) {
		finish_stop(s);
		return;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why), "process %ld killed by signal %d", (long)s->pid,
			 WTERMSIG(status));
	} else {
		snprintf(why, sizeof(why), "process %ld exited with status %d", (long)s->pid,
			 WEXITSTATUS(status));
	}
	report_failure(s, why);
}

static void begin_stop(struct sup *s, int agent_fd, unsigned int timeout_ms)
{
	s->state = VNFHA__STATE_STOPPING;
	s->stop_fd = agent_fd;
	s->stop_deadline = vnfha__now_ms() + timeout_ms;
	if (s->pidfd < 0) {
		finish_stop(s);
		return;
	}
	kill_vnfc(s, SIGTERM);
}

static void answer_status(struct sup *s, int fd)
{
	struct vnfha__ctl_msg m = {
		.type = VNFHA__CTL_STATE, .state = s->state, .role = s->want, .ready = s->ready,
		.health = s->health, .pid = s->pidfd >= 0 ? s->pid : 0,
	};
	int64_t since = s->state == VNFHA__STATE_REPORTED ? s->reported_at : s->last_hb;
	int64_t age = since ? vnfha__now_ms() - since : 0;

	m.ms = age > UINT32_MAX ? UINT32_MAX : (uint32_t)age;
	send_msg(fd, &m);
}

static void want_role(struct sup *s, int fd, enum vnfha__ctl_role role, unsigned int ms)
{
	if (s->state != VNFHA__STATE_RUNNING) {
		reply_err(fd, "the VNFC has failed; stop it first");
		return;
	}
	s->want = role;
	if (!s->cfg->role_api || s->ready == role) {
		s->ready = role;
		reply_ok(fd);
		return;
	}
	if (s->pending.fd >= 0) {
		reply_err(s->pending.fd, "superseded by a newer role change");
	}
	s->pending = (struct pending){ .fd = fd, .role = role, .deadline = vnfha__now_ms() + ms };
	send_role(s);
}

static void on_vnfc_msg(struct sup *s, const struct vnfha__ctl_msg *m)
{
	switch (m->type) {
	case VNFHA__CTL_READY:
		s->ready = m->role;
		s->last_hb = vnfha__now_ms();
		/* The agent first: its start returns while the score is set. */
		if (s->pending.fd >= 0 && s->pending.role == m->role) {
			reply_ok(s->pending.fd);
			s->pending.fd = -1;
		}
		start_score(s);
		break;
	case VNFHA__CTL_HEARTBEAT:
		s->last_hb = vnfha__now_ms();
		break;
	case VNFHA__CTL_HEALTH:
		s->health = m->health;
		if (m->health == VNFHA__HEALTH_FAILED) {
			report_failure(s, m->text[0] ? m->text : "the VNFC reported itself failed");
		} else if (m->health == VNFHA__HEALTH_DEGRADED) {
			vnfha_log(VNFHA_LOG_WARNING, "VNFC degraded: %s", m->text);
		}
		break;
	default:
		break;
	}
}

static void on_agent_msg(struct sup *s, int fd, const struct vnfha__ctl_msg *m)
{
	switch (m->type) {
	case VNFHA__CTL_STATUS:
		answer_status(s, fd);
		break;
	case VNFHA__CTL_PROMOTE:
		want_role(s, fd, VNFHA__ROLE_ACTIVE, m->ms);
		break;
	case VNFHA__CTL_DEMOTE:
		want_role(s, fd, VNFHA__ROLE_STANDBY, m->ms);
		break;
	case VNFHA__CTL_SETROLE:
		if (s->state == VNFHA__STATE_RUNNING) {
			s->want = m->role;
			s->ready = m->role;
		}
		reply_ok(fd);
		break;
	case VNFHA__CTL_STOP:
		begin_stop(s, fd, m->ms);
		break;
	default:
		reply_err(fd, "unexpected message");
	}
}

static void drop_conn(struct sup *s, struct conn *c)
{
	if (c->fd == s->vnfc_fd) {
		s->vnfc_fd = -1;
	}
	if (c->fd == s->pending.fd) {
		s->pending.fd = -1;
	}
	if (c->fd == s->stop_fd) {
		s->stop_fd = -1;
	}
	close(c->fd);
	c->fd = -1;
	c->kind = CONN_FREE;
}

static void on_conn_readable(struct sup *s, struct conn *c)
{
	char buf[VNFHA__CTL_MAX + 1];
	struct vnfha__ctl_msg m;
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n <= 0) {
		drop_conn(s, c);
		return;
	}
	if (vnfha__ctl_parse(buf, (size_t)n, &m) < 0) {
		vnfha_log(VNFHA_LOG_WARNING, "dropping a malformed control message");
		drop_conn(s, c);
		return;
	}
	if (c->kind == CONN_NEW) {
		c->kind = m.type == VNFHA__CTL_HELLO ? CONN_VNFC : CONN_AGENT;
		if (c->kind == CONN_VNFC) {
			if (s->vnfc_fd >= 0) {
				close(s->vnfc_fd); /* the VNFC reconnected */
				for (int i = 0; i < MAX_CONNS; i++) {
					if (s->conns[i].fd == s->vnfc_fd) {
						s->conns[i] = (struct conn){ .fd = -1 };
					}
				}
			}
			s->vnfc_fd = c->fd;
			s->last_hb = vnfha__now_ms();
			send_role(s);
			return;
		}
	}
	if (c->kind == CONN_VNFC) {
		on_vnfc_msg(s, &m);
	} else {
		on_agent_msg(s, c->fd, &m);
	}
}

static void on_accept(struct sup *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		return;
	}
	for (int i = 0; i < MAX_CONNS; i++) {
		if (s->conns[i].kind == CONN_FREE) {
			s->conns[i] = (struct conn){ .fd = fd, .kind = CONN_NEW };
			return;
		}
	}
	close(fd); /* full: the agent retries */
}

/*
 * One HAProxy agent check (lbagent_proto.h), answered from what the
 * supervisor knows: it outlives the VNFC, so a VNFC that died, hung or
 * failed reads "down" at the next check; one that is unpromoted (it serves
 * nobody) or being stopped reads "drain".
 */
static void on_agent_check(struct sup *s)
{
	char buf[VNFHA__LBAGENT_ANSWER_MAX + 1], why[128] = "";
	struct vnfha__lbagent_view v = { .up = true, .why = why };
	int fd = accept4(s->agent_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int64_t age = s->last_hb ? vnfha__now_ms() - s->last_hb : 0;
	unsigned int hb = s->cfg->heartbeat_timeout_ms;
	int n;

	if (fd < 0) {
		return;
	}
	if (s->state == VNFHA__STATE_STOPPING) {
		v.admin = VNFHA__LBA_DRAIN;
		snprintf(why, sizeof(why), "vnfha: stopping");
	} else if (s->state != VNFHA__STATE_RUNNING || s->pidfd < 0) { /* failed or reported */
		v.up = false;
		snprintf(why, sizeof(why), "vnfha: the VNFC has failed");
	} else if (s->cfg->role_api && hb > 0 && age > hb) {
		v.up = false;
		snprintf(why, sizeof(why), "vnfha: no heartbeat for %lld ms", (long long)age);
	} else if (s->health == VNFHA__HEALTH_FAILED) {
		v.up = false;
		snprintf(why, sizeof(why), "vnfha: the VNFC reports itself failed");
	} else if (s->cfg->role_api && s->ready == VNFHA__ROLE_NONE) {
		v.up = false;
		snprintf(why, sizeof(why), "vnfha: the VNFC is not ready yet");
	} else if (s->ready != VNFHA__ROLE_ACTIVE || s->want != VNFHA__ROLE_ACTIVE) {
		/* unpromoted: alive, but it serves nobody (vnfha/role.h) */
		v.admin = VNFHA__LBA_DRAIN;
		snprintf(why, sizeof(why), "vnfha: unpromoted");
	}
	n = vnfha__lbagent_answer(&v, buf, sizeof(buf));
	if (n > 0) {
		(void)!send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	close(fd);
}

static void on_tick(struct sup *s)
{
	int64_t now = vnfha__now_ms();
	unsigned int hb = s->cfg->heartbeat_timeout_ms;

	if (s->pending.fd >= 0 && now >= s->pending.deadline) {
		char why[128];

		snprintf(why, sizeof(why), "the VNFC did not report ready as %s in time",
			 vnfha__ctl_role_name(s->pending.role));
		reply_err(s->pending.fd, why);
		s->pending.fd = -1;
	}
	if (s->score_at > 0 && now >= s->score_at && s->state != VNFHA__STATE_STOPPING) {
		spawn_score(s);
	}
	if (s->score_fd >= 0 && now >= s->score_deadline) {
		kill(s->score_pid, SIGKILL); /* reaped when its pidfd turns readable */
		s->score_deadline = INT64_MAX;
	}
	if (s->state == VNFHA__STATE_STOPPING && !s->killed && now >= s->stop_deadline) {
		vnfha_log(VNFHA_LOG_WARNING, "VNFC did not end on SIGTERM in time; sending SIGKILL");
		kill_vnfc(s, SIGKILL);
		s->killed = true;
	}
	if (s->state == VNFHA__STATE_RUNNING && s->cfg->role_api && hb > 0 && s->last_hb > 0 &&
	    now - s->last_hb > hb) {
		char why[128];

		snprintf(why, sizeof(why), "no heartbeat for %lld ms (heartbeat_timeout=%u)",
			 (long long)(now - s->last_hb), hb);
		kill_vnfc(s, SIGKILL); /* a hung VNFC must not keep serving */
		report_failure(s, why);
	}
	if (s->state == VNFHA__STATE_RUNNING && s->pending.fd < 0) {
		reporter_tick(&s->reporter);
	}
}

/* The control socket: mode 0660, owned by the VNFC's user and group, so a
 * VNFC that runs unprivileged answers its role changes; any other local
 * user's connect is refused (EACCES). Root (the agent) always gets in. */
static int bind_socket(const char *path, uid_t uid, gid_t gid)
{
	return vnfha__unix_listen_owned(path, SOCK_SEQPACKET | SOCK_NONBLOCK, 0660, uid, gid,
					MAX_CONNS);
}

/* In the child, before exec: identity, directory, output, environment.
 * Returns only on failure, with the errno to report. */
static int exec_vnfc(const struct vnfc_supervise_cfg *cfg)
{
	int log_fd = open(cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (log_fd < 0 || null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0) {
		return errno;
	}
	/* The group first (and the user's other groups from /etc/group, such
	 * as statesync's socket_group), then the user. */
	if (cfg->user != NULL) {
		if (fchown(log_fd, cfg->uid, cfg->gid) < 0 || initgroups(cfg->user, cfg->gid) < 0 ||
		    setgid(cfg->gid) < 0 || setuid(cfg->uid) < 0) {
			return errno;
		}
	} else if (cfg->gid != 0 && setgid(cfg->gid) < 0) {
		return errno;
	}
	if (chdir(cfg->workdir) < 0) {
		return errno;
	}
	if (setenv(VNFHA_ROLE_SOCKET_ENV, cfg->socket_path, 1) < 0 ||
	    setenv("VNFHA_RESOURCE", cfg->report.id, 1) < 0) {
		return errno;
	}
	for (char **e = cfg->env; e != NULL && *e != NULL; e++) {
		if (putenv(*e) < 0) {
			return errno;
		}
	}
	execv(cfg->argv[0], cfg->argv);
	return errno;
}

/* Starts the VNFC; with a pidfile, follows the daemon it leaves behind. */
static int start_vnfc(struct sup *s)
{
	const struct vnfc_supervise_cfg *cfg = s->cfg;
	int err_pipe[2];
	int child_err = 0;
	pid_t pid;

	if (cfg->pidfile != NULL) {
		unlink(cfg->pidfile);
	}
	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		close(err_pipe[0]);
		close(err_pipe[1]);
		return -errno;
	}
	if (pid == 0) {
		child_err = exec_vnfc(cfg);
		(void)!write(err_pipe[1], &child_err, sizeof(child_err));
		_exit(127);
	}
	close(err_pipe[1]);
	if (read(err_pipe[0], &child_err, sizeof(child_err)) == sizeof(child_err)) {
		close(err_pipe[0]);
		waitpid(pid, NULL, 0);
		return -child_err;
	}
	close(err_pipe[0]);
	s->pid = pid;
	s->is_child = true;
	if (cfg->pidfile != NULL) {
		/* The launcher exits after writing the pidfile; follow the daemon. */
		int64_t deadline = vnfha__now_ms() + cfg->start_timeout_ms;
		char text[32] = "";
		long daemon_pid = 0;

		for (;;) {
			FILE *f = fopen(cfg->pidfile, "re");

			if (f != NULL) {
				bool got = fgets(text, sizeof(text), f) != NULL;

				fclose(f);
				text[strcspn(text, "\n")] = '\0';
				if (got && vnfha__parse_long(text, 2, INT32_MAX, &daemon_pid) == 0) {
					break;
				}
			}
			if (vnfha__now_ms() >= deadline) {
				kill(pid, SIGKILL);
				waitpid(pid, NULL, 0);
				return -ETIMEDOUT;
			}
			poll(NULL, 0, PIDFILE_POLL_MS);
		}
		waitpid(pid, NULL, WNOHANG);
		s->pid = (pid_t)daemon_pid;
		s->is_child = daemon_pid == pid;
	}
	/* A pidfd names this very process: a reused PID cannot fool us later. */
	s->pidfd = pidfd_open(s->pid, 0);
	if (s->pidfd < 0) {
		return -errno;
	}
	return 0;
}

static void serve(struct sup *s)
{
	while (!s->done) {
		struct pollfd fds[6 + MAX_CONNS];
		int n = 0;

		fds[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = s->sig_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = s->pidfd, .events = POLLIN };
		for (int i = 0; i < MAX_CONNS; i++) {
			fds[n++] = (struct pollfd){ .fd = s->conns[i].kind ? s->conns[i].fd : -1,
						    .events = POLLIN };
		}
		fds[n++] = (struct pollfd){ .fd = s->score_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = s->agent_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = s->report_fd[0], .events = POLLIN };
		if (poll(fds, (nfds_t)n, TICK_MS) < 0 && errno != EINTR) {
			break;
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(s->sig_fd, &si, sizeof(si)) == sizeof(si) &&
			    s->state != VNFHA__STATE_STOPPING) {
				begin_stop(s, -1, 10000);
			}
		}
		if (s->pidfd >= 0 && (fds[2].revents & POLLIN)) {
			on_vnfc_exit(s);
		}
		for (int i = 0; i < MAX_CONNS; i++) {
			if (s->conns[i].kind && (fds[3 + i].revents & (POLLIN | POLLHUP))) {
				on_conn_readable(s, &s->conns[i]);
			}
		}
		if (fds[0].revents & POLLIN) {
			on_accept(s);
		}
		if (s->score_fd >= 0 && (fds[3 + MAX_CONNS].revents & POLLIN)) {
			end_score(s);
		}
		if (fds[4 + MAX_CONNS].revents & POLLIN) {
			on_agent_check(s);
		}
		if (s->report_fd[0] >= 0 && (fds[5 + MAX_CONNS].revents & POLLIN)) {
			end_report(s);
		}
		on_tick(s);
	}
}

static int open_agent(struct sup *s)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int port = 0;
	int rc;

	if (s->cfg->agent_address == NULL) {
		return 0;
	}
	rc = vnfha__lbagent_parse_address(s->cfg->agent_address, &ss, &len);
	if (rc == 0) {
		rc = vnfha__lbagent_listen(&ss, len, &port);
	}
	if (rc < 0) {
		return rc;
	}
	s->agent_fd = rc;
	return 0;
}

int vnfc_supervise(const struct vnfc_supervise_cfg *cfg, int ready_fd)
{
	struct sup s = {
		.cfg = cfg, .listen_fd = -1, .sig_fd = -1, .pidfd = -1, .vnfc_fd = -1, .agent_fd = -1,
		.pending = { .fd = -1 }, .stop_fd = -1, .score_fd = -1, .report_fd = { -1, -1 },
		.want = VNFHA__ROLE_STANDBY,
		.ready = cfg->role_api ? VNFHA__ROLE_NONE : VNFHA__ROLE_STANDBY,
	};
	sigset_t mask;
	int rc, report;

	for (int i = 0; i < MAX_CONNS; i++) {
		s.conns[i].fd = -1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s.sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	rc = s.sig_fd < 0 ? -errno : bind_socket(cfg->socket_path, cfg->uid, cfg->gid);
	if (rc >= 0) {
		s.listen_fd = rc;
		rc = open_agent(&s);
	}
	if (rc >= 0) {
		rc = start_vnfc(&s);
	}
	report = rc < 0 ? rc : 0;
	(void)!write(ready_fd, &report, sizeof(report));
	close(ready_fd);
	if (rc < 0) {
		goto out;
	}
	vnfha_log(VNFHA_LOG_INFO, "supervising VNFC pid %ld (%s)", (long)s.pid, cfg->argv[0]);
	/* A controller gone mid-write must give EPIPE, not end the supervisor
	 * (the VNFC is started already: it keeps its own disposition). */
	signal(SIGPIPE, SIG_IGN);
	reporter_init(&s.reporter, &cfg->report, CTL_CONNECT_DELAY_MS);
	if (s.ready != VNFHA__ROLE_NONE) {
		start_score(&s); /* hooks: ready as soon as it runs */
	}
	serve(&s);
	if (s.score_fd >= 0) {
		end_score(&s);
	}
	end_report(&s);
	reporter_free(&s.reporter);
	vnfha_log(VNFHA_LOG_INFO, "VNFC stopped; supervisor exits");
out:
	if (s.agent_fd >= 0) {
		close(s.agent_fd);
	}
	if (s.listen_fd >= 0) {
		if (!s.done) {
			unlink(cfg->socket_path); /* finish_stop() did it otherwise */
		}
		close(s.listen_fd);
	}
	return rc < 0 ? 1 : 0;
}
