// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ocf:vnfha:statesync - the checkpoint service as a promotable clone.
 *
 * Every node runs vnfha-ckptd: primary where promoted, replica elsewhere.
 * Each node publishes the newest complete checkpoint version it holds as the
 * private node attribute vnfha-version-<rsc> ("EPOCH.GEN", attrd_updater -Q);
 * promotion scores rank nodes by it, and promote refuses to run on a node
 * while a reachable node holds a fresher version, so in sync mode a
 * failover never loses an acknowledged commit (the way PAF guards
 * PostgreSQL's LSN).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include "ckpt/ckpt_admin.h"
#include "common/clock.h"
#include "common/parse.h"
#include "ocf/ocf.h"
#include "ocf/ocf_clone.h"
#include "ocf/ocf_cluster.h"
#include "common/account.h"
#include "common/fs.h"
#include "statesync_host.h"
#include "statesync_obs.h"
#include "statesync_peers.h"
#include "statesync_params.h"
#include "statesync_score.h"
#include "statesync_supervise.h"
#include "vnfha/ckpt.h"

#define MAX_PEERS 8 /* vnfha-ckptd replicates to 8 replicas at most (VNFHA_CKPT_MAX_PEERS) */
#define ATTR_OUT_MAX 4096

/* shared_dir: every node sees the same data, so every node ranks equal. */
#define SHARED_SCORE 100

struct ss {
	struct vnfha_ocf *ocf;
	char rsc[128];
	char attr[160];
	char pidfile[256];
	char logfile[256];
	char peersfile[256];
	char markfile[256]; /* shared_dir: this node is a (daemon-less) standby */
};

static void ss_init(struct ss *s, struct vnfha_ocf *ocf)
{
	s->ocf = ocf;
	vnfha_ocf_primitive(vnfha_ocf_resource(ocf), s->rsc, sizeof(s->rsc));
	snprintf(s->attr, sizeof(s->attr), "vnfha-version-%s", s->rsc);
	snprintf(s->pidfile, sizeof(s->pidfile), "/run/vnfha/statesync-%s.pid", s->rsc);
	snprintf(s->logfile, sizeof(s->logfile), "/run/vnfha/statesync-%s.log", s->rsc);
	snprintf(s->peersfile, sizeof(s->peersfile), "/run/vnfha/statesync-%s.peers", s->rsc);
	snprintf(s->markfile, sizeof(s->markfile), "/run/vnfha/statesync-%s.standby", s->rsc);
}

static const char *str(const struct ss *s, const char *name)
{
	return vnfha_ocf_str(s->ocf, name);
}

static bool is_word_in(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = strstr(list, word); p != NULL; p = strstr(p + 1, word)) {
		bool starts = p == list || p[-1] == ' ' || p[-1] == '\t';
		bool ends = p[len] == '\0' || p[len] == ' ' || p[len] == '\t';

		if (starts && ends) {
			return true;
		}
	}
	return false;
}

static bool is_shared(const struct ss *s)
{
	return strcmp(str(s, "sync_method"), "shared_dir") == 0;
}

static bool is_cpg(const struct ss *s)
{
	return strcmp(str(s, "sync_method"), "cpg") == 0;
}

static int cpg_check_here(const struct ss *s)
{
	return is_cpg(s) ? ss_host_cpg_ready(vnfha_ocf_node_name()) : OCF_SUCCESS;
}

static bool is_repository(const struct ss *s, const char *node)
{
	return is_word_in(str(s, "repository_nodes"), node);
}

/* The daemon's PID from our pidfile, if that process still runs it. */
static pid_t daemon_pid(const struct ss *s)
{
	return ss_host_daemon_pid(s->pidfile, "vnfha-ckptd");
}

/* The daemon is reached over its local socket only, through the library
 * (ckpt_admin.h for what is not an application's business): no vnfha-ckpt
 * to fork, no text to parse. Each call is one short connection. */
static int ckpt_connect(const struct ss *s, struct vnfha_ckpt_client **ret)
{
	return vnfha_ckpt_connect(str(s, "socket"), ret);
}

/* Whether the daemon is primary; <0 when it does not answer. */
static int daemon_is_primary(const struct ss *s, bool *ret_primary)
{
	struct vnfha_ckpt_client *c = NULL;
	int role = VNFHA_CKPT_ROLE_REPLICA;
	int rc = ckpt_connect(s, &c);

	if (rc == 0) {
		rc = vnfha__ckpt_admin_whoami(c, &role, NULL);
	}
	vnfha_ckpt_disconnect(c);
	if (rc == 0) {
		*ret_primary = role == VNFHA_CKPT_ROLE_PRIMARY;
	}
	return rc;
}

static int daemon_set_role(const struct ss *s, int role)
{
	struct vnfha_ckpt_client *c = NULL;
	int rc = ckpt_connect(s, &c);

	if (rc == 0) {
		rc = vnfha__ckpt_admin_set_role(c, role);
	}
	vnfha_ckpt_disconnect(c);
	return rc;
}

static int daemon_set_peers(const struct ss *s, char *const *addrs, size_t n, char *why,
			    size_t why_len)
{
	struct vnfha_ckpt_client *c = NULL;
	int rc = ckpt_connect(s, &c);

	if (rc == 0) {
		rc = vnfha__ckpt_admin_set_peers(c, addrs, n, why, why_len);
	}
	vnfha_ckpt_disconnect(c);
	return rc;
}

static int local_version(const struct ss *s, struct ss_version *ret)
{
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_version v = { 0, 0 };
	int rc = ckpt_connect(s, &c);

	if (rc == 0) {
		rc = vnfha_ckpt_latest(c, NULL, &v);
		if (rc == -ENOENT) {
			rc = 0; /* no checkpoint yet */
		}
	}
	vnfha_ckpt_disconnect(c);
	if (rc == 0) {
		ret->epoch = v.epoch;
		ret->gen = v.gen;
	}
	return rc;
}

/* Every other node's published version, repository nodes included. */
static int peer_versions(const struct ss *s, struct ss_peer *peers, size_t max)
{
	char out[ATTR_OUT_MAX];
	int n = vnfha_ocf_attr_query_all(s->attr, out, sizeof(out));

	n = n < 0 ? n : ss_parse_attrd(out, vnfha_ocf_node_name(), peers, max);
	if (n == -E2BIG) {
		vnfha_log(VNFHA_LOG_ERR, "more than %zu other nodes hold %s: vnfha-ckptd replicates "
			  "to at most %d replicas; set the clone's clone-max to %d or fewer", max,
			  s->attr, MAX_PEERS, MAX_PEERS + 1);
	}
	return n;
}

/* The peers that may be promoted: peers without the repository nodes. */
static int candidates(const struct ss *s, const struct ss_peer *peers, int n,
		      struct ss_peer *out)
{
	int kept = 0;

	for (int i = 0; i < n; i++) {
		if (!is_repository(s, peers[i].node)) {
			out[kept++] = peers[i];
		}
	}
	return n < 0 ? n : kept;
}

/* Publishes our version. attrd keeps it private: it moves with every
 * commit, and each CIB write of it would abort the transition in flight,
 * a failover's too. */
static void publish_version(const struct ss *s, struct ss_version own)
{
	char value[48];

	snprintf(value, sizeof(value), "%llu.%llu", (unsigned long long)own.epoch,
		 (unsigned long long)own.gen);
	vnfha_ocf_attr_set_private(s->attr, value);
}

/* The promotion score our version earns against the peers' (n of them, or
 * a failed query: then the last score stays rather than a guess). */
static void publish_score(const struct ss *s, struct ss_version own, const struct ss_peer *peers,
			  int n)
{
	struct ss_peer cand[MAX_PEERS];

	if (is_repository(s, vnfha_ocf_node_name())) {
		vnfha_ocf_set_promotion_score(-1);
		return;
	}
	n = candidates(s, peers, n, cand);
	if (n >= 0) {
		long score = ss_score(own, cand, (size_t)n);
		char why[200];
		enum ss_health h = ss_obs_reason(own, cand, (size_t)n, 0, why, sizeof(why));

		if (vnfha_ocf_set_promotion_score(score) == 0) { /* else the next monitor's */
			ss_obs_note(s->rsc, score, why, h);
		}
	}
}

/* Publishes our version and the score it earns. */
static void publish(const struct ss *s, struct ss_version own)
{
	struct ss_peer peers[MAX_PEERS];

	publish_version(s, own);
	publish_score(s, own, peers,
		      is_repository(s, vnfha_ocf_node_name()) ? 0 : peer_versions(s, peers, MAX_PEERS));
}

/* Points the primary at every node that runs a replica (the n peers attrd
 * knows, new ones included); the daemon is told only when the list changed.
 * The same peers as last time cost nothing: no address lookup (a remote
 * node's costs a CIB query), no daemon call. */
static void set_peers(const struct ss *s, const struct ss_peer *peers, int n)
{
	char addrs[MAX_PEERS][80];
	char list[MAX_PEERS * 80 + 1] = "", last[MAX_PEERS * 80 + 1];
	char names[MAX_PEERS * 65 + 1] = "", found[MAX_PEERS * 65 + 1] = "";
	char *args[MAX_PEERS];
	char why[256] = "";
	size_t n_args = 0, used = 0, n_used = 0, f_used = 0;
	FILE *f;
	int rc;

	if (is_cpg(s) || n < 0) {
		/* the CPG group's membership is the replica list; a failed attrd
		 * query keeps the list the daemon has */
		return;
	}
	for (int i = 0; i < n && i < MAX_PEERS; i++) {
		n_used += (size_t)snprintf(names + n_used, sizeof(names) - n_used, "%s ",
					   peers[i].node);
	}
	ss_peers_last(s->peersfile, 0, last, sizeof(last));
	if (strcmp(last, names) == 0) {
		return;
	}
	for (int i = 0; i < n && n_args < MAX_PEERS; i++) {
		char *addr = addrs[n_args];

		if (ss_peer_address(str(s, "peer_addresses"), peers[i].node,
				    vnfha_ocf_int(s->ocf, "port"), addr, sizeof(addrs[0])) < 0) {
			vnfha_log(VNFHA_LOG_WARNING, "no address for node %s (not in peer_addresses, "
				  "no connection address in the CIB, the name does not resolve): "
				  "set peer_addresses", peers[i].node);
			continue;
		}
		args[n_args++] = addr;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s ", addr);
		f_used += (size_t)snprintf(found + f_used, sizeof(found) - f_used, "%s ",
					   peers[i].node);
	}
	ss_peers_last(s->peersfile, 1, last, sizeof(last));
	if (strcmp(last, list) != 0) {
		rc = daemon_set_peers(s, args, n_args, why, sizeof(why));
		if (rc < 0) {
			vnfha_log(VNFHA_LOG_WARNING, "could not set the replica list: %s",
				  why[0] != '\0' ? why : strerror(-rc));
			return;
		}
		vnfha_log(VNFHA_LOG_INFO, "replicas: %s", list[0] ? list : "none");
	}
	/* A peer without an address is looked up again next time. */
	f = fopen(s->peersfile, "we");
	if (f != NULL) {
		fprintf(f, "%s\n%s\n", found, list);
		fclose(f);
	}
}

/* vnfha-ckptd under statesync_supervise.c's watch; its PID, or -errno. */
static pid_t spawn_daemon(const struct ss *s, int *ret_arm_fd)
{
	char listen_addr[32];
	char group[128]; /* Corosync group names: under 128 bytes */
	char *argv[20] = { (char *)str(s, "ckptd"), "--role", "replica", "--listen", listen_addr,
			   "--store", (char *)str(s, "store_dir"), "--socket",
			   (char *)str(s, "socket"), "--node", (char *)vnfha_ocf_node_name() };
	struct ss_supervise_cfg cfg = { .argv = argv, .logfile = s->logfile, .pidfile = s->pidfile,
					.report = report_rsc_of(s->ocf, s->rsc, "statesync") };
	size_t n = 11;
	pid_t pid = 0;
	int rc;

	snprintf(listen_addr, sizeof(listen_addr), "0.0.0.0:%ld", vnfha_ocf_int(s->ocf, "port"));
	snprintf(group, sizeof(group), "vnfha-ckpt-%.100s", s->rsc);
	if (is_cpg(s)) {
		argv[n++] = "--cpg";
		argv[n++] = group;
	} else if (is_shared(s)) {
		argv[n++] = "--shared"; /* no replica: sync and durable are about the store */
	} else if (vnfha_ocf_bool(s->ocf, "plaintext")) {
		argv[n++] = "--plaintext";
	} else {
		argv[n++] = "--key";
		argv[n++] = (char *)str(s, "key_file");
	}
	if (str(s, "metrics_listen")[0] != '\0') {
		argv[n++] = "--metrics-listen";
		argv[n++] = (char *)str(s, "metrics_listen");
	}
	if (str(s, "socket_group") != NULL) {
		argv[n++] = "--socket-group";
		argv[n++] = (char *)str(s, "socket_group");
	}
	argv[n] = NULL;
	vnfha__mkdir_p("/run/vnfha", 0755, 0755);
	rc = ss_supervise_spawn(&cfg, &pid, ret_arm_fd);
	return rc < 0 ? rc : pid;
}

/* set_peers with what attrd knows now. */
static void refresh_peers(const struct ss *s)
{
	struct ss_peer peers[MAX_PEERS];

	if (!is_cpg(s)) {
		set_peers(s, peers, peer_versions(s, peers, MAX_PEERS));
	}
}

static int ss_monitor_rc(struct ss *s, bool publish_now)
{
	struct ss_peer peers[MAX_PEERS];
	struct ss_version own = { 0, 0 };
	bool primary = false, have_own;
	int rc, n;

	rc = daemon_is_primary(s, &primary);
	if (is_shared(s)) {
		if (rc == 0) {
			return primary ? OCF_RUNNING_PROMOTED : OCF_SUCCESS;
		}
		if (daemon_pid(s) > 0) {
			return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd runs but does not answer");
		}
		return access(s->markfile, F_OK) == 0 ? OCF_SUCCESS : OCF_NOT_RUNNING;
	}
	if (rc < 0) {
		if (daemon_pid(s) > 0) {
			return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd runs but does not answer "
					      "on %s", str(s, "socket"));
		}
		return OCF_NOT_RUNNING;
	}
	if (publish_now) {
		/* One attrd query serves a replica's score and the primary's
		 * replica list (a repository replica and a CPG primary need
		 * neither). */
		n = (primary ? !is_cpg(s) : !is_repository(s, vnfha_ocf_node_name())) ?
			    peer_versions(s, peers, MAX_PEERS) : 0;
		have_own = local_version(s, &own) == 0;
		if (have_own) {
			publish_version(s, own);
		}
		if (primary) {
			/* The primary makes the versions: none is fresher, even while
			 * a replica shows the first commit before its next monitor
			 * publishes it here (a lower score would move the promotion). */
			if (vnfha_ocf_set_promotion_score(SS_SCORE_FRESHEST) == 0) {
				ss_obs_note(s->rsc, SS_SCORE_FRESHEST, "primary",
					    have_own ? SS_HEALTH_IN_SYNC : SS_HEALTH_NO_DATA);
			}
			set_peers(s, peers, n); /* picks up replicas that started since */
		} else if (have_own) {
			publish_score(s, own, peers, n);
		}
	}
	return primary ? OCF_RUNNING_PROMOTED : OCF_SUCCESS;
}

static int ss_monitor(struct vnfha_ocf *ocf)
{
	struct ss s;

	ss_init(&s, ocf);
	return ss_monitor_rc(&s, true);
}

/* Starts vnfha-ckptd as replica and waits until it answers; from then on
 * its death is reported to Pacemaker at once (statesync_supervise.h). */
static int start_daemon(struct ss *s)
{
	int64_t deadline = vnfha__now_ms() + vnfha_ocf_budget_ms();
	bool keyless = vnfha_ocf_bool(s->ocf, "plaintext") || is_cpg(s) || is_shared(s);
	int rc = ss_host_ready(keyless ? NULL : str(s, "key_file"), str(s, "socket_group"));
	int arm_fd = -1;
	int pidfd;
	pid_t pid;

	if (rc != OCF_SUCCESS) {
		return rc;
	}
	pid = spawn_daemon(s, &arm_fd);
	if (pid < 0) {
		return vnfha_ocf_fail(vnfha__ocf_from_errno((int)pid, VNFHA__OCF_HOST),
				      "cannot start vnfha-ckptd: %s", strerror((int)-pid));
	}
	/* Not our child (the supervisor's): its pidfd says when it ends. */
	pidfd = pidfd_open(pid, 0);
	for (;;) {
		struct ss_version own;
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		if (local_version(s, &own) == 0) {
			vnfha_log(VNFHA_LOG_INFO, "vnfha-ckptd runs, newest version %llu.%llu",
				  (unsigned long long)own.epoch, (unsigned long long)own.gen);
			(void)!write(arm_fd, "1", 1);
			close(arm_fd);
			close(pidfd);
			return OCF_SUCCESS;
		}
		if (pidfd < 0 || poll(&p, 1, 20) != 0 || vnfha__now_ms() >= deadline) {
			close(arm_fd); /* unarmed: this start fails, no report besides */
			if (pidfd >= 0) {
				close(pidfd);
			}
			return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd did not come up; see %s",
					      s->logfile);
		}
	}
}

static int ss_start(struct vnfha_ocf *ocf)
{
	struct ss_version own;
	struct ss s;
	int rc, fd;

	/* promote compares versions from its notifications: a promotable clone
	 * with notify=true and one promoted instance, or no guarantee. */
	rc = vnfha_ocf_clone_check("statesync", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL);
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	ss_init(&s, ocf);
	rc = ss_monitor_rc(&s, false);
	if (rc == OCF_SUCCESS || rc == OCF_RUNNING_PROMOTED) {
		if (rc == OCF_RUNNING_PROMOTED) {
			daemon_set_role(&s, VNFHA_CKPT_ROLE_REPLICA);
		}
		return ss_monitor_rc(&s, true) == OCF_NOT_RUNNING ? OCF_ERR_GENERIC : OCF_SUCCESS;
	}
	rc = cpg_check_here(&s);
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	if (is_shared(&s)) {
		/* A standby holds nothing of its own: the data waits on shared storage. */
		vnfha__mkdir_p("/run/vnfha", 0755, 0755);
		fd = open(s.markfile, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			rc = -errno;
			return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST),
					      "cannot create %s: %s", s.markfile, strerror(-rc));
		}
		close(fd);
		vnfha_ocf_set_promotion_score(SHARED_SCORE);
		return OCF_SUCCESS;
	}
	rc = start_daemon(&s);
	if (rc == OCF_SUCCESS && local_version(&s, &own) == 0) {
		publish(&s, own);
	}
	return rc;
}

/* SIGTERM, then SIGKILL if the daemon outlives the action's budget. */
static void stop_daemon(struct ss *s)
{
	int64_t deadline = vnfha__now_ms() + vnfha_ocf_budget_ms();
	pid_t pid = daemon_pid(s);
	int pidfd = pid > 0 ? pidfd_open(pid, 0) : -1;

	/* First: the supervisor reads a death without its pidfile as asked for. */
	unlink(s->pidfile);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		int64_t left;

		pidfd_send_signal(pidfd, SIGTERM, NULL, 0);
		left = deadline - vnfha__now_ms() - 1000;
		if (poll(&p, 1, left > 0 ? (int)left : 0) != 1) {
			vnfha_log(VNFHA_LOG_WARNING, "vnfha-ckptd ignored SIGTERM; killing it");
			pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			poll(&p, 1, 1000);
		}
		close(pidfd);
	}
	unlink(s->pidfile);
	unlink(s->peersfile);
}

static int ss_stop(struct vnfha_ocf *ocf)
{
	struct ss s;

	ss_init(&s, ocf);
	stop_daemon(&s);
	unlink(s.markfile);
	/* Data that is not served any more must not block a promotion elsewhere. */
	if (!is_shared(&s)) {
		vnfha_ocf_attr_delete(s.attr);
	}
	vnfha_ocf_set_promotion_score(-1);
	ss_obs_forget(s.rsc);
	return OCF_SUCCESS;
}

/* shared_dir: the promoted node alone runs the daemon, on the shared store. */
static int promote_shared(struct ss *s)
{
	int rc = ss_monitor_rc(s, false) == OCF_NOT_RUNNING ? OCF_NOT_RUNNING : start_daemon(s);

	if (rc != OCF_SUCCESS) {
		return rc == OCF_NOT_RUNNING ? vnfha_ocf_fail(rc, "not started") : rc;
	}
	if (daemon_set_role(s, VNFHA_CKPT_ROLE_PRIMARY) < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd refused the primary role");
	}
	vnfha_log(VNFHA_LOG_INFO, "promoted: vnfha-ckptd is primary on the shared store %s",
		  str(s, "store_dir"));
	return OCF_SUCCESS;
}

static int ss_promote(struct vnfha_ocf *ocf)
{
	struct ss_peer peers[MAX_PEERS], cand[MAX_PEERS];
	struct ss_version own;
	struct ss s;
	int n, n_cand;

	ss_init(&s, ocf);
	if (is_shared(&s)) {
		return promote_shared(&s);
	}
	if (is_repository(&s, vnfha_ocf_node_name())) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED, "node %s is listed in repository_nodes "
				      "and must never be promoted", vnfha_ocf_node_name());
	}
	if (local_version(&s, &own) < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd does not answer");
	}
	/* Never promote stale data while a node with fresher data is reachable,
	 * nor when the versions cannot be compared. */
	n = peer_versions(&s, peers, MAX_PEERS);
	if (n < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "cannot read the other nodes' checkpoint "
				      "versions (%s): not promoting here", strerror(-n));
	}
	n_cand = candidates(&s, peers, n, cand);
	for (int i = 0; i < n_cand; i++) {
		if (ss_version_cmp(cand[i].version, own) > 0) {
			publish_version(&s, own);
			publish_score(&s, own, peers, n);
			return vnfha_ocf_fail(OCF_ERR_GENERIC,
					      "node %s holds a fresher checkpoint (%llu.%llu) than this "
					      "node (%llu.%llu): not promoting here",
					      cand[i].node, (unsigned long long)cand[i].version.epoch,
					      (unsigned long long)cand[i].version.gen,
					      (unsigned long long)own.epoch, (unsigned long long)own.gen);
		}
	}
	/* The replica list first: the role change starts a sender for each
	 * listed peer, and a list left from an earlier term may name a node
	 * that is gone. */
	unlink(s.peersfile);
	set_peers(&s, peers, n);
	if (daemon_set_role(&s, VNFHA_CKPT_ROLE_PRIMARY) < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd refused the primary role");
	}
	/* The new version and its score: published by the promoted monitor
	 * Pacemaker runs right after this, off the failover's path. */
	vnfha_log(VNFHA_LOG_INFO, "promoted: vnfha-ckptd is primary");
	return OCF_SUCCESS;
}

static int ss_demote(struct vnfha_ocf *ocf)
{
	struct ss s;
	int rc;

	ss_init(&s, ocf);
	rc = ss_monitor_rc(&s, false);
	if (rc == OCF_NOT_RUNNING || rc == OCF_SUCCESS) {
		return rc;
	}
	if (is_shared(&s)) {
		stop_daemon(&s); /* standbys keep no daemon on the shared store */
		return OCF_SUCCESS;
	}
	if (daemon_set_role(&s, VNFHA_CKPT_ROLE_REPLICA) < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "vnfha-ckptd refused the replica role");
	}
	unlink(s.peersfile);
	return OCF_SUCCESS;
}

static const char *notify_var(const char *name, const char *legacy)
{
	const char *v = getenv(name);

	return v != NULL ? v : getenv(legacy);
}

/* pre-promote: every node publishes the version it holds right now, so the
 * promote that follows compares current versions (the scores stay as the
 * monitors left them: a change now would abort the transition that is
 * failing over). post-start: the primary points itself at the replicas
 * (new ones included); promote has done so for a post-promote. */
static int ss_notify(struct vnfha_ocf *ocf)
{
	const char *type = getenv("OCF_RESKEY_CRM_meta_notify_type");
	const char *op = getenv("OCF_RESKEY_CRM_meta_notify_operation");
	const char *promoted = notify_var("OCF_RESKEY_CRM_meta_notify_promoted_uname",
					  "OCF_RESKEY_CRM_meta_notify_master_uname");
	struct ss_version own;
	struct ss s;

	if (type == NULL || op == NULL) {
		return OCF_SUCCESS;
	}
	ss_init(&s, ocf);
	if (strcmp(type, "pre") == 0 && strcmp(op, "promote") == 0) {
		if (local_version(&s, &own) == 0) {
			publish_version(&s, own);
		}
	} else if (strcmp(type, "post") == 0 && strcmp(op, "start") == 0 &&
		   ss_monitor_rc(&s, false) == OCF_RUNNING_PROMOTED) {
		refresh_peers(&s);
	}
	vnfha_log(VNFHA_LOG_DEBUG, "notify %s-%s; promoted: %s", type, op,
		  promoted ? promoted : "none");
	return OCF_SUCCESS;
}

static int ss_validate(struct vnfha_ocf *ocf)
{
	struct ss s;
	/* Beyond the table's checks, depth 0 judges only the clone Pacemaker
	 * says; depth 10 also what this host adds. */
	int rc = vnfha_ocf_clone_check("statesync", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL);

	if (rc != OCF_SUCCESS || vnfha_ocf_check_level(ocf) < 10) {
		return rc;
	}
	ss_init(&s, ocf);
	return cpg_check_here(&s);
}

static int ss_reload(struct vnfha_ocf *ocf)
{
	return OCF_SUCCESS;
}

static const struct vnfha_action actions[] = {
	{ "start", ss_start, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "stop", ss_stop, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_SUCCESS },
	{ "promote", ss_promote, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "demote", ss_demote, "30s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "monitor", ss_monitor, "20s", "7s", "0", "Unpromoted", VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ "monitor", ss_monitor, "20s", "6s", "0", "Promoted", VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ "notify", ss_notify, "10s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CALL },
	{ "validate-all", ss_validate, "10s", NULL, "0", NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "reload-agent", ss_reload, "10s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
};

static const struct vnfha_agent agent = {
	.name = "statesync",
	.version = PACKAGE_VERSION,
	.shortdesc = "Checkpoint replication for stateful VNFCs",
	.longdesc = "Runs vnfha-ckptd on every node of the clone: primary on the promoted node, "
		    "replica elsewhere. Promotion scores follow how fresh each node's newest "
		    "complete checkpoint is, and promote refuses a node while a reachable one "
		    "holds fresher data, so a failover never loses a commit acknowledged in "
		    "sync or durable mode. Use it as a promotable clone with notify=true and "
		    "colocate the VNFC's promoted role with its promoted role. Each node's "
		    "version is the private node attribute vnfha-version-RESOURCE: "
		    "`attrd_updater -Q -A -n vnfha-version-RESOURCE` shows them all. On Pacemaker "
		    "Remote and guest nodes tcp and shared_dir work (versions and scores go "
		    "through the node's connection); cpg needs Corosync, which such a node does "
		    "not run, and is refused there with OCF_ERR_INSTALLED (start, and "
		    "validate-all at OCF_CHECK_LEVEL 10). vnfha-ckptd replicates to 8 replicas "
		    "at most: keep clone-max at 9 or fewer. "
		    "The daemon runs under a small supervisor: if it dies without a stop, the "
		    "supervisor reports it to Pacemaker at once, as the vnfc agent does for a "
		    "VNFC (the request crm_resource --fail sends, on a connection to the "
		    "controller it holds), instead of waiting for the next monitor (on a "
		    "Pacemaker Remote node, where Pacemaker refuses that report, the monitor "
		    "finds it); "
		    "Pacemaker restarts and promotes it again, and a VNFC using libvnfha "
		    "opens its checkpoint again on the new daemon (as vnfha-counterd does). "
		    "In the lab (tests/bench/failover-vnf-vs-stateful.sh -i 10 --sides vnfha "
		    "--faults daemon-kill: kill -9 of the promoted daemon under the demo VNF, "
		    "sync mode, 5 runs) the failure reached Pacemaker in 1 ms and the VNF "
		    "answered again after 0.94 s (median; 0.83-0.98 s), with no acknowledged "
		    "update lost.",
	.params = ss_params,
	.n_params = SS_N_PARAMS,
	.actions = actions,
	.n_actions = sizeof(actions) / sizeof(actions[0]),
};

int main(int argc, char **argv)
{
	return vnfha_ocf_main(&agent, argc, argv);
}
