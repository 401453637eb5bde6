// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ocf:vnfha:vnfc - a VNF component as a Pacemaker promotable clone.
 *
 * start runs the VNFC unpromoted under a supervisor (vnfc_supervise.c) that
 * reports its death to Pacemaker at once; promote/demote carry the role into
 * the VNFC over the libvnfha control socket (or promote_cmd/demote_cmd hooks
 * for unmodified programs) and wait until it says it is ready; monitor asks
 * the supervisor, never the process table, so a reused PID cannot fool it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/account.h"
#include "common/clock.h"
#include "common/argv_split.h"
#include "common/fs.h"
#include "ocf/ocf.h"
#include "ocf/ocf_account.h"
#include "ocf/ocf_clone.h"
#include "ocf/ocf_cluster.h"
#include "common/parse.h"
#include "role/lbagent_proto.h"
#include "role/role_proto.h"
#include "common/spawn.h"
#include "vnfc.h"

#define MARGIN_MS 1000
#define VNFC_LOG_DIR "/var/log/vnfha" /* log_file's default directory */
#define CTL_TIMEOUT_MS 5000
/* How long after the supervisor's report a recurring monitor leaves the
 * failure to Pacemaker's recovery (see await_recovery()). */
#define REPORT_GRACE_MS 5000

static const char *const protocols[] = { "libvnfha", "hooks", NULL };

static int check_log_file(const char *value, char *why, size_t why_len)
{
	size_t len = strlen(value);

	if (len > 0 && (value[0] != '/' || value[len - 1] == '/' || len > 200)) {
		snprintf(why, why_len, "use an absolute file path of at most 200 bytes, or leave it "
			 "empty for " VNFC_LOG_DIR "/vnfc-RESOURCE.log");
		return -EINVAL;
	}
	return 0;
}

static int check_argv(const char *value, char *why, size_t why_len)
{
	char **argv = NULL;
	size_t argc = 0;
	int rc = vnfha__argv_split(value, &argv, &argc);

	if (rc == -EINVAL) {
		snprintf(why, why_len, "a quote is not closed");
	} else if (rc == -E2BIG) {
		snprintf(why, why_len, "more than %d words", VNFHA__ARGV_MAX);
	}
	vnfha__argv_free(argv);
	return rc;
}

static int check_command(const char *value, char *why, size_t why_len)
{
	int rc = check_argv(value, why, why_len);

	if (rc == 0 && value[strspn(value, " \t")] != '/') {
		snprintf(why, why_len, "start the command with its absolute path");
		rc = -EINVAL;
	}
	return rc;
}

static int check_env(const char *value, char *why, size_t why_len)
{
	char **argv = NULL;
	int rc = check_argv(value, why, why_len);

	if (rc < 0 || vnfha__argv_split(value, &argv, NULL) < 0) {
		return rc < 0 ? rc : -ENOMEM;
	}
	for (char **e = argv; *e != NULL && rc == 0; e++) {
		size_t name_len = strspn(*e, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					     "0123456789_");

		if (name_len == 0 || (*e)[name_len] != '=' || (**e >= '0' && **e <= '9')) {
			snprintf(why, why_len, "'%s' is not NAME=VALUE", *e);
			rc = -EINVAL;
		}
	}
	vnfha__argv_free(argv);
	return rc;
}

static int check_agent_address(const char *value, char *why, size_t why_len)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;

	if (*value != '\0' && vnfha__lbagent_parse_address(value, &ss, &len) < 0) {
		snprintf(why, why_len, "use a numeric A.B.C.D:PORT or [IPv6]:PORT");
		return -EINVAL;
	}
	return 0;
}

static const struct vnfha_param params[] = {
	{ .name = "binary", .type = VNFHA_PARAM_STRING, .required = true,
	  .check = vnfha_ocf_check_absolute_path, .shortdesc = "VNFC program",
	  .longdesc = "Absolute path of the VNFC program. It is executed directly, never "
		      "through a shell." },
	{ .name = "args", .type = VNFHA_PARAM_STRING, .dflt = "", .check = check_argv,
	  .shortdesc = "Program arguments",
	  .longdesc = "Arguments, separated by blanks; '...' or \"...\" keep blanks inside one "
		      "argument. No variables, globs or escapes are expanded." },
	{ .name = "protocol", .type = VNFHA_PARAM_SELECT, .dflt = "libvnfha", .options = protocols,
	  .shortdesc = "How the agent talks to the VNFC",
	  .longdesc = "libvnfha: the VNFC links libvnfha and answers role changes on the "
		      "socket named by $VNFHA_CONTROL_SOCKET (see <vnfha/role.h>). hooks: an "
		      "unmodified program; promote_cmd, demote_cmd and health_cmd are run." },
	{ .name = "user", .type = VNFHA_PARAM_STRING, .check = vnfha__check_account_name,
	  .shortdesc = "User to run the VNFC as",
	  .longdesc = "User to run the VNFC as (default: root), with its groups from "
		      "/etc/group (e.g. ocf:vnfha:statesync's socket_group, to reach the "
		      "checkpoint socket). The control socket is owned by this user, mode 0660, "
		      "so the VNFC answers its role changes and no other local user can. The "
		      "user must exist on every node that runs the VNFC." },
	{ .name = "group", .type = VNFHA_PARAM_STRING, .check = vnfha__check_account_name,
	  .shortdesc = "Group to run the VNFC as",
	  .longdesc = "The VNFC's group and the control socket's group (default: the user's "
		      "login group; root's without user). Must exist on every node that runs "
		      "the VNFC." },
	{ .name = "workdir", .type = VNFHA_PARAM_STRING, .dflt = "/",
	  .check = vnfha_ocf_check_absolute_path,
	  .shortdesc = "Working directory", .longdesc = "Working directory of the VNFC." },
	{ .name = "env", .type = VNFHA_PARAM_STRING, .dflt = "", .check = check_env,
	  .shortdesc = "Extra environment",
	  .longdesc = "NAME=VALUE words added to the VNFC's environment (quoting as for args)." },
	{ .name = "pidfile", .type = VNFHA_PARAM_STRING, .check = vnfha_ocf_check_absolute_path,
	  .shortdesc = "Pidfile of a daemonizing VNFC",
	  .longdesc = "Set only when the program forks into the background: the supervisor "
		      "then follows the PID written here. Unset: the program stays in the "
		      "foreground (preferred)." },
	{ .name = "promote_cmd", .type = VNFHA_PARAM_STRING, .check = check_command,
	  .shortdesc = "Command that makes the VNFC active (hooks)",
	  .longdesc = "protocol=hooks: command (absolute path and arguments, no shell) run by "
		      "promote; exit 0 means the VNFC now serves as active." },
	{ .name = "demote_cmd", .type = VNFHA_PARAM_STRING, .check = check_command,
	  .shortdesc = "Command that returns the VNFC to standby (hooks)",
	  .longdesc = "protocol=hooks: command run by demote; exit 0 means standby." },
	{ .name = "health_cmd", .type = VNFHA_PARAM_STRING, .check = check_command,
	  .shortdesc = "Health check command (hooks)",
	  .longdesc = "protocol=hooks: command run by monitor; non-zero exit is a failure." },
	{ .name = "hook_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "10000", .min = 100,
	  .max = 600000, .reloadable = true, .shortdesc = "Hook timeout (ms)",
	  .longdesc = "Milliseconds a hook command may run before it is killed and counted "
		      "as failed." },
	{ .name = "heartbeat_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "0", .min = 0,
	  .max = 600000, .shortdesc = "Heartbeat timeout (ms)",
	  .longdesc = "protocol=libvnfha: a VNFC silent for longer than this many milliseconds "
		      "is killed and reported failed at once. 0 disables the check." },
	{ .name = "stop_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "10000", .min = 100,
	  .max = 600000, .reloadable = true, .shortdesc = "SIGTERM grace (ms)",
	  .longdesc = "Milliseconds between SIGTERM and SIGKILL when stopping." },
	{ .name = "promotion_score", .type = VNFHA_PARAM_INTEGER, .dflt = "10", .min = 1,
	  .max = 1000000, .shortdesc = "Promotion score of a healthy instance",
	  .longdesc = "Score set with crm_attribute --promotion once the instance is ready, "
		      "and kept when it stops (so a recovery in place is one transition); "
		      "equal on every node, so colocation (e.g. with ocf:vnfha:statesync) "
		      "decides where to promote." },
	{ .name = "agent_address", .type = VNFHA_PARAM_STRING, .dflt = "",
	  .check = check_agent_address, .shortdesc = "HAProxy agent-check address",
	  .longdesc = "When set (e.g. 0.0.0.0:9001), the supervisor answers HAProxy's "
		      "agent-check here from the VNFC's state: \"up ready\" while it is "
		      "promoted, ready, heartbeating and healthy; \"down\" the moment it has "
		      "died, stopped heartbeating, reported itself failed or is not ready yet; "
		      "\"up drain\" while it is unpromoted (it serves nobody) or being stopped. "
		      "The supervisor outlives the VNFC, so a dead VNFC reads down at the next "
		      "agent check, even while its report to Pacemaker is still under way. "
		      "Empty: no agent." },
	{ .name = "state_dir", .type = VNFHA_PARAM_STRING, .dflt = "/run/vnfha/vnfc",
	  .check = vnfha_ocf_check_absolute_path, .shortdesc = "Runtime directory",
	  .longdesc = "Where the control socket lives." },
	{ .name = "log_file", .type = VNFHA_PARAM_STRING, .dflt = "", .check = check_log_file,
	  .shortdesc = "The VNFC's log file",
	  .longdesc = "File that receives the VNFC's stdout and stderr (appended, mode 0640, "
		      "owned by user when set; its directory is created). Empty: "
		      VNFC_LOG_DIR "/vnfc-RESOURCE.log, RESOURCE the primitive's name." },
};

static int socket_path(const struct vnfha_ocf *ocf, char *buf, size_t len)
{
	char name[128];
	int n;

	vnfha_ocf_primitive(vnfha_ocf_resource(ocf), name, sizeof(name));
	n = snprintf(buf, len, "%s/%s.sock", vnfha_ocf_str(ocf, "state_dir"), name);
	return n < 0 || (size_t)n >= len || (size_t)n >= 108 ? -ENAMETOOLONG : 0;
}

/* One request, one answer, on a fresh connection to the supervisor. */
static int ctl_request(const struct vnfha_ocf *ocf, const struct vnfha__ctl_msg *req,
		       unsigned int wait_ms, struct vnfha__ctl_msg *ret_reply)
{
	char path[256], buf[VNFHA__CTL_MAX + 1];
	struct pollfd pfd = { .events = POLLIN };
	int rc, n, fd;

	rc = socket_path(ocf, path, sizeof(path));
	if (rc < 0) {
		return rc;
	}
	fd = vnfha__ctl_connect(path);
	if (fd < 0) {
		return fd;
	}
	n = vnfha__ctl_format(req, buf, sizeof(buf));
	if (n < 0 || send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
		rc = n < 0 ? n : -EPIPE;
		goto close_fd;
	}
	pfd.fd = fd;
	rc = poll(&pfd, 1, (int)wait_ms);
	if (rc <= 0) {
		rc = rc == 0 ? -ETIMEDOUT : -errno;
		goto close_fd;
	}
	n = (int)recv(fd, buf, sizeof(buf), 0);
	if (n <= 0) {
		rc = -EPIPE;
		goto close_fd;
	}
	rc = vnfha__ctl_parse(buf, (size_t)n, ret_reply);
close_fd:
	close(fd);
	return rc;
}

static int ctl_status(const struct vnfha_ocf *ocf, struct vnfha__ctl_msg *ret_state)
{
	struct vnfha__ctl_msg req = { .type = VNFHA__CTL_STATUS };
	int rc = ctl_request(ocf, &req, CTL_TIMEOUT_MS, ret_state);

	if (rc == 0 && ret_state->type != VNFHA__CTL_STATE) {
		rc = -EPROTO;
	}
	return rc;
}

static int run_hook(const struct vnfha_ocf *ocf, const char *param)
{
	const char *cmd = vnfha_ocf_str(ocf, param);
	char **argv = NULL;
	int status = 0;
	int rc;

	if (cmd == NULL || *cmd == '\0') {
		return 0;
	}
	rc = vnfha__argv_split(cmd, &argv, NULL);
	if (rc == 0) {
		rc = vnfha__run(argv, (unsigned int)vnfha_ocf_int(ocf, "hook_timeout"), &status,
				NULL, 0);
	}
	vnfha__argv_free(argv);
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "%s '%s' could not run: %s", param, cmd, strerror(-rc));
		return rc;
	}
	if (status != 0) {
		vnfha_log(VNFHA_LOG_ERR, "%s '%s' exited with status %d", param, cmd, status);
		return -EIO;
	}
	return 0;
}

static bool is_hooks(const struct vnfha_ocf *ocf)
{
	return strcmp(vnfha_ocf_str(ocf, "protocol"), "hooks") == 0;
}

static bool is_failed(enum vnfha__ctl_state state)
{
	return state == VNFHA__STATE_FAILED || state == VNFHA__STATE_REPORTED;
}

/* Maps the supervisor's view to an OCF code (OCF 1.1 "monitor"). */
static int status_to_rc(const struct vnfha_ocf *ocf, const struct vnfha__ctl_msg *st)
{
	bool active = st->role == VNFHA__ROLE_ACTIVE;
	long hb_timeout = vnfha_ocf_int(ocf, "heartbeat_timeout");

	if (is_failed(st->state)) {
		vnfha_log(VNFHA_LOG_ERR, "the VNFC has failed while %s (see the log above)",
			  active ? "promoted" : "unpromoted");
		return active ? OCF_FAILED_PROMOTED : OCF_ERR_GENERIC;
	}
	if (st->state == VNFHA__STATE_STOPPING) {
		return OCF_NOT_RUNNING;
	}
	if (!is_hooks(ocf) && hb_timeout > 0 && st->ms > (uint32_t)hb_timeout) {
		vnfha_log(VNFHA_LOG_ERR, "no heartbeat from the VNFC for %u ms", st->ms);
		return active ? OCF_FAILED_PROMOTED : OCF_ERR_GENERIC;
	}
	if (st->health == VNFHA__HEALTH_FAILED) {
		return active ? OCF_FAILED_PROMOTED : OCF_ERR_GENERIC;
	}
	if (st->health == VNFHA__HEALTH_DEGRADED) {
		return active ? OCF_DEGRADED_PROMOTED : OCF_DEGRADED;
	}
	return active && st->ready == VNFHA__ROLE_ACTIVE ? OCF_RUNNING_PROMOTED : OCF_SUCCESS;
}

/*
 * The supervisor has told Pacemaker already (report.c). A recurring
 * monitor that reports the same death again adds a second failure while the
 * controller computes the recovery, and when it lands on the DC's own node
 * the controller stalls a whole second: Pacemaker 2.1's do_pe_invoke_callback()
 * sleep()s 1 s when the scheduler's CIB query returns while one of the
 * controller's own CIB updates (here: this monitor's result) is pending. So a
 * recurring monitor waits for the recovery, whose first action cancels it
 * (pacemaker-execd kills an in-flight recurring monitor on cancel, and a
 * cancelled result is not recorded), and reports the failure itself only if
 * no recovery came within REPORT_GRACE_MS of the report. A probe never waits.
 * Returns true when it waited (the caller asks the supervisor again).
 */
static bool await_recovery(const struct vnfha_ocf *ocf, const struct vnfha__ctl_msg *st)
{
	unsigned int budget = vnfha_ocf_budget_ms();
	unsigned int wait;

	if (st->state != VNFHA__STATE_REPORTED || vnfha_ocf_is_probe(ocf) ||
	    st->ms >= REPORT_GRACE_MS) {
		return false;
	}
	wait = REPORT_GRACE_MS - st->ms;
	if (wait > budget / 2) {
		wait = budget / 2; /* a short timeout: still answer in time */
	}
	vnfha_log(VNFHA_LOG_INFO, "the VNFC's failure was reported %u ms ago; leaving it to "
		  "Pacemaker's recovery for %u ms", st->ms, wait);
	poll(NULL, 0, (int)wait);
	return true;
}

static int vnfc_monitor(struct vnfha_ocf *ocf)
{
	struct vnfha__ctl_msg st;
	int rc = ctl_status(ocf, &st);

	if (rc == 0 && await_recovery(ocf, &st)) {
		rc = ctl_status(ocf, &st);
	}
	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		return OCF_NOT_RUNNING;
	}
	if (rc < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "the VNFC's supervisor does not answer: %s",
				      strerror(-rc));
	}
	rc = status_to_rc(ocf, &st);
	if ((rc == OCF_SUCCESS || rc == OCF_RUNNING_PROMOTED) && is_hooks(ocf) &&
	    run_hook(ocf, "health_cmd") < 0) {
		rc = st.role == VNFHA__ROLE_ACTIVE ? OCF_FAILED_PROMOTED : OCF_ERR_GENERIC;
	}
	/* A probe finds what runs after a restart of Pacemaker: keep it wanted. */
	if (vnfha_ocf_is_probe(ocf) && (rc == OCF_SUCCESS || rc == OCF_RUNNING_PROMOTED)) {
		vnfha_ocf_set_promotion_score(vnfha_ocf_int(ocf, "promotion_score"));
	}
	return rc;
}

/* The VNFC's uid and gid from user and group, as this node knows them: a
 * name missing here is this node's problem (OCF_ERR_INSTALLED), never a
 * configuration error. */
static int identity(const struct vnfha_ocf *ocf, uid_t *ret_uid, gid_t *ret_gid)
{
	const char *user = vnfha_ocf_str(ocf, "user");
	const char *group = vnfha_ocf_str(ocf, "group");
	uid_t uid = 0;
	gid_t gid = 0;
	int rc = user != NULL ? vnfha_ocf_user_ids("user", user, &uid, &gid) : OCF_SUCCESS;

	if (rc == OCF_SUCCESS && group != NULL) {
		rc = vnfha_ocf_group_id("group", group, &gid);
	}
	if (rc == OCF_SUCCESS) {
		*ret_uid = uid;
		*ret_gid = gid;
	}
	return rc;
}

/* log_file (or its default) into path; creates its directory (0750 when
 * new, like Debian's /var/log/<daemon>) and the file (0640). */
static int open_log(const struct vnfha_ocf *ocf, const char *name, char *path, size_t len)
{
	const char *file = vnfha_ocf_str(ocf, "log_file");
	char dir[256];
	char *slash;
	int fd;

	if (file[0] != '\0') {
		snprintf(path, len, "%s", file);
	} else {
		snprintf(path, len, VNFC_LOG_DIR "/vnfc-%s.log", name);
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		int rc;

		*slash = '\0';
		rc = vnfha__mkdir_p(dir, 0755, 0750);
		if (rc < 0) {
			return rc;
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0) {
		return -errno;
	}
	close(fd);
	return 0;
}

/* The clone instance ("vnf:0") when Pacemaker names one, as crm_resource
 * sends it beside the primitive's id; NULL otherwise. */
/* Detaches the supervisor (double fork, new session). 0 once it started
 * the VNFC, or -errno (its own, or what it reported). */
static int spawn_supervisor(const struct vnfc_supervise_cfg *cfg)
{
	int ready[2];
	int reported = -EIO;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0) {
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return -errno;
	}
	if (pid == 0) {
		int log_fd = open(cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* execd waits for EOF on our stdout/stderr: hand them over. */
		if (log_fd < 0 || null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
		    dup2(null_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0) {
			_exit(1);
		}
		close(ready[0]);
		setsid();
		if (fork() != 0) {
			_exit(0);
		}
		_exit(vnfc_supervise(cfg, ready[1]));
	}
	close(ready[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
	}
	if (read(ready[0], &reported, sizeof(reported)) != sizeof(reported) || reported > 0) {
		reported = -EIO;
	}
	close(ready[0]);
	return reported;
}

/* Waits until the supervisor says the VNFC serves unpromoted: asks for the
 * standby role, which the supervisor answers the moment the VNFC reports
 * ready in it (or dies, or runs out of time), so a start returns as soon
 * as it can, not at the next turn of a polling loop. */
static int wait_standby(struct vnfha_ocf *ocf, const char *log_path)
{
	struct vnfha__ctl_msg req = { .type = VNFHA__CTL_DEMOTE }, reply;
	unsigned int budget = vnfha_ocf_budget_ms();
	int rc;

	req.ms = budget > MARGIN_MS ? budget - MARGIN_MS : budget;
	rc = ctl_request(ocf, &req, budget, &reply);
	if (rc < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "the VNFC's supervisor does not answer: %s; "
				      "see %s", strerror(-rc), log_path);
	}
	if (reply.type == VNFHA__CTL_OK) {
		return OCF_SUCCESS;
	}
	if (strstr(reply.text, "in time") != NULL) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "%s (does it call vnfha_role_ready()? see %s)",
				      reply.text, log_path);
	}
	return vnfha_ocf_fail(OCF_ERR_GENERIC, "the VNFC ended during start: %s; see %s",
			      reply.text, log_path);
}

static int vnfc_start(struct vnfha_ocf *ocf)
{
	struct vnfc_supervise_cfg cfg = { 0 };
	char path[256], log_path[256], name[128], mark[256], executor[64];
	char **args = NULL, **env = NULL, **argv = NULL;
	const char *binary = vnfha_ocf_str(ocf, "binary");
	struct vnfha__ctl_msg st;
	size_t n_args = 0;
	uid_t uid = 0;
	gid_t gid = 0;
	int rc = vnfha_ocf_clone_check("vnfc", VNFHA_CLONE_PROMOTABLE, NULL);

	if (rc != OCF_SUCCESS) {
		return rc;
	}
	rc = ctl_status(ocf, &st);
	if (rc == 0) {
		if (st.state != VNFHA__STATE_RUNNING) {
			return vnfha_ocf_fail(OCF_ERR_GENERIC, "a failed VNFC is still supervised");
		}
		vnfha_ocf_set_promotion_score(vnfha_ocf_int(ocf, "promotion_score"));
		return OCF_SUCCESS;
	}
	if (access(binary, X_OK) < 0) {
		return vnfha_ocf_fail(OCF_ERR_INSTALLED,
				      "parameter binary='%s' is not an executable file on this node: "
				      "install the VNFC or fix the path", binary);
	}
	rc = socket_path(ocf, path, sizeof(path));
	if (rc < 0) {
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_CONFIG),
				      "parameter state_dir='%s' is too long for a socket path: use a "
				      "shorter directory",
				      vnfha_ocf_str(ocf, "state_dir"));
	}
	vnfha_ocf_primitive(vnfha_ocf_resource(ocf), name, sizeof(name));
	/* /run is empty after a reboot; 0755 so an unprivileged VNFC reaches
	 * its socket. */
	rc = vnfha__mkdir_p(vnfha_ocf_str(ocf, "state_dir"), 0755, 0755);
	if (rc < 0) {
		/* This node's file system: PERM when not allowed, else GENERIC. */
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST),
				      "cannot create state_dir='%s': %s",
				      vnfha_ocf_str(ocf, "state_dir"), strerror(-rc));
	}
	rc = identity(ocf, &uid, &gid);
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	rc = open_log(ocf, name, log_path, sizeof(log_path));
	if (rc < 0) {
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST),
				      "cannot open log_file='%s' for the VNFC's output: %s; fix the "
				      "path or its directory's permissions",
				      log_path, strerror(-rc));
	}
	/* Both were validated: only memory can fail here. */
	if (vnfha__argv_split(vnfha_ocf_str(ocf, "args"), &args, &n_args) < 0 ||
	    vnfha__argv_split(vnfha_ocf_str(ocf, "env"), &env, NULL) < 0) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "out of memory");
		goto free_argv;
	}
	argv = calloc(n_args + 2, sizeof(*argv));
	if (argv == NULL) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "out of memory");
		goto free_argv;
	}
	argv[0] = (char *)binary;
	memcpy(argv + 1, args, n_args * sizeof(*argv));
	/* beside the socket, whose length socket_path() checked */
	snprintf(mark, sizeof(mark), "%.*s.score", (int)(strlen(path) - 5), path);
	cfg = (struct vnfc_supervise_cfg){
		.argv = argv, .env = env, .user = vnfha_ocf_str(ocf, "user"), .uid = uid, .gid = gid,
		.workdir = vnfha_ocf_str(ocf, "workdir"), .pidfile = vnfha_ocf_str(ocf, "pidfile"),
		.socket_path = path, .log_path = log_path,
		.report = report_rsc_of(ocf, name, "vnfc"),
		.heartbeat_timeout_ms = (unsigned int)vnfha_ocf_int(ocf, "heartbeat_timeout"),
		.start_timeout_ms = vnfha_ocf_budget_ms(), .role_api = !is_hooks(ocf),
		.promotion_score = vnfha_ocf_int(ocf, "promotion_score"),
		.score_mark = mark, .executor = vnfc_executor_id(executor, sizeof(executor)) == 0 ? executor : NULL,
		.agent_address = vnfha_ocf_str(ocf, "agent_address"),
	};
	cfg.score_delay_ms = vnfc_score_delay(mark, cfg.executor, cfg.promotion_score);
	if (cfg.agent_address != NULL && *cfg.agent_address == '\0') {
		cfg.agent_address = NULL;
	}
	rc = spawn_supervisor(&cfg);
	if (rc < 0) {
		/* exec of the VNFC: missing or not a program is "not installed". */
		rc = vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_INSTALL),
				    "cannot start '%s': %s", binary, strerror(-rc));
		goto free_argv;
	}
	rc = wait_standby(ocf, log_path);
	if (rc == OCF_SUCCESS) {
		/* the supervisor sets the promotion score (start_score()) */
		vnfha_log(VNFHA_LOG_INFO, "VNFC '%s' runs unpromoted", binary);
	}
free_argv:
	free(argv);
	vnfha__argv_free(args);
	vnfha__argv_free(env);
	return rc;
}

static int vnfc_stop(struct vnfha_ocf *ocf)
{
	struct vnfha__ctl_msg req = { .type = VNFHA__CTL_STOP }, reply;
	unsigned int budget = vnfha_ocf_budget_ms();
	char path[256];
	int rc;

	req.ms = (uint32_t)vnfha_ocf_int(ocf, "stop_timeout");
	if (req.ms + MARGIN_MS > budget) {
		req.ms = budget > MARGIN_MS ? budget - MARGIN_MS : budget / 2;
	}
	/*
	 * The promotion score stays: it says this node may run the promoted
	 * VNFC (the same constant on every node; colocation with statesync
	 * picks the node), which a stop does not change. Removing it here and
	 * setting it again at start made each change abort the transition of
	 * a recovery in place: two more scheduler runs between its stop and
	 * its promote.
	 */
	rc = ctl_request(ocf, &req, budget, &reply);
	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		if (socket_path(ocf, path, sizeof(path)) == 0) {
			unlink(path); /* left by a supervisor that was killed */
		}
		return OCF_SUCCESS;
	}
	if (rc < 0 || reply.type != VNFHA__CTL_OK) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "the VNFC did not stop: %s",
				      rc < 0 ? strerror(-rc) : reply.text);
	}
	vnfha_log(VNFHA_LOG_INFO, "VNFC stopped");
	return OCF_SUCCESS;
}

static int change_role(struct vnfha_ocf *ocf, enum vnfha__ctl_role role)
{
	bool promote = role == VNFHA__ROLE_ACTIVE;
	struct vnfha__ctl_msg req = { .type = promote ? VNFHA__CTL_PROMOTE : VNFHA__CTL_DEMOTE };
	struct vnfha__ctl_msg st, reply;
	unsigned int budget = vnfha_ocf_budget_ms();
	int rc = ctl_status(ocf, &st);

	if (rc < 0) {
		return promote ? vnfha_ocf_fail(OCF_NOT_RUNNING, "the VNFC is not running")
			       : OCF_NOT_RUNNING;
	}
	if (st.state != VNFHA__STATE_RUNNING) {
		/* A dead VNFC is no longer active: let the stop that follows run. */
		return promote ? vnfha_ocf_fail(OCF_ERR_GENERIC, "the VNFC has failed")
			       : OCF_SUCCESS;
	}
	if (is_hooks(ocf)) {
		if (run_hook(ocf, promote ? "promote_cmd" : "demote_cmd") < 0) {
			return vnfha_ocf_fail(OCF_ERR_GENERIC,
					      "%s failed", promote ? "promote_cmd" : "demote_cmd");
		}
		req = (struct vnfha__ctl_msg){ .type = VNFHA__CTL_SETROLE, .role = role };
	} else {
		req.ms = budget > MARGIN_MS ? budget - MARGIN_MS : budget;
	}
	rc = ctl_request(ocf, &req, budget, &reply);
	if (rc < 0 || reply.type != VNFHA__CTL_OK) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "%s failed: %s",
				      promote ? "promote" : "demote",
				      rc < 0 ? strerror(-rc) : reply.text);
	}
	vnfha_log(VNFHA_LOG_INFO, "VNFC is %s", promote ? "promoted (active)" : "unpromoted (standby)");
	return OCF_SUCCESS;
}

static int vnfc_promote(struct vnfha_ocf *ocf)
{
	return change_role(ocf, VNFHA__ROLE_ACTIVE);
}

static int vnfc_demote(struct vnfha_ocf *ocf)
{
	return change_role(ocf, VNFHA__ROLE_STANDBY);
}

/* Notifications change nothing here; log who is promoted and return fast. */
static int vnfc_notify(struct vnfha_ocf *ocf)
{
	const char *type = getenv("OCF_RESKEY_CRM_meta_notify_type");
	const char *op = getenv("OCF_RESKEY_CRM_meta_notify_operation");
	const char *promoted = getenv("OCF_RESKEY_CRM_meta_notify_promoted_uname");

	if (promoted == NULL) {
		promoted = getenv("OCF_RESKEY_CRM_meta_notify_master_uname"); /* Pacemaker < 2.1 */
	}
	vnfha_log(VNFHA_LOG_DEBUG, "notify %s-%s; promoted: %s", type ? type : "?", op ? op : "?",
		  promoted ? promoted : "none");
	return OCF_SUCCESS;
}

static int vnfc_validate(struct vnfha_ocf *ocf)
{
	if (is_hooks(ocf) && vnfha_ocf_int(ocf, "heartbeat_timeout") > 0) {
		vnfha_log(VNFHA_LOG_WARNING, "heartbeat_timeout has no effect with protocol=hooks");
	}
	return vnfha_ocf_clone_check("vnfc", VNFHA_CLONE_PROMOTABLE, NULL);
}

static int vnfc_reload(struct vnfha_ocf *ocf)
{
	return OCF_SUCCESS; /* hook_timeout and stop_timeout are read by each action */
}

static const struct vnfha_action actions[] = {
	{ "start", vnfc_start, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "stop", vnfc_stop, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_SUCCESS },
	{ "promote", vnfc_promote, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "demote", vnfc_demote, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "monitor", vnfc_monitor, "20s", "11s", "0", "Unpromoted", VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ "monitor", vnfc_monitor, "20s", "10s", "0", "Promoted", VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ "notify", vnfc_notify, "5s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CALL },
	{ "validate-all", vnfc_validate, "10s", NULL, "0", NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "reload-agent", vnfc_reload, "10s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
};

static const struct vnfha_agent agent = {
	.name = "vnfc",
	.version = PACKAGE_VERSION,
	.shortdesc = "VNF component with active/standby roles",
	.longdesc = "Runs a VNF component (VNFC) as a promotable clone: unpromoted instances are "
		    "standbys, the promoted one serves. A supervisor reports the VNFC's death "
		    "or silence to Pacemaker the moment it happens, so failover does not wait "
		    "for a monitor. The VNFC either links libvnfha (<vnfha/role.h>) or is driven "
		    "by promote/demote/health commands. The report is the request crm_resource "
		    "--fail sends, on a connection to the controller held open (crm_resource "
		    "--fail itself when there is none); on a Pacemaker Remote node, where "
		    "Pacemaker refuses that (the node's requests run as an unprivileged user), "
		    "the request crm_resource --refresh sends, for this node only: Pacemaker "
		    "probes the resource at once and the probe finds the failure, which then "
		    "adds nothing to the fail count (migration-threshold counts the monitors' "
		    "failures there).",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.actions = actions,
	.n_actions = sizeof(actions) / sizeof(actions[0]),
};

int main(int argc, char **argv)
{
	return vnfha_ocf_main(&agent, argc, argv);
}
