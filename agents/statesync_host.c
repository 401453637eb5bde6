// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "ckpt/ckpt_tls.h"
#include "common/parse.h"
#include "ocf/ocf.h"
#include "ocf/ocf_account.h"
#include "ocf/ocf_node.h"
#include "statesync_host.h"

int ss_host_cpg_ready(const char *node)
{
	enum vnfha__node_kind kind = VNFHA__NODE_UNKNOWN;

	if (vnfha__node_kind("/proc", &kind) < 0 || kind != VNFHA__NODE_REMOTE) {
		return OCF_SUCCESS;
	}
	vnfha_log(VNFHA_LOG_ERR, "pacemaker-remoted runs here and corosync does not: sync_method=cpg "
		  "works on cluster nodes only; keep such a clone there with a location rule "
		  "(pcs constraint location CLONE rule score=-INFINITY '#kind' ne cluster)");
	/* Pacemaker keeps 128 bytes of an exit reason: the reason and the fix fit. */
	return vnfha_ocf_fail(OCF_ERR_INSTALLED,
			      "sync_method=cpg needs Corosync, which Pacemaker Remote node %s lacks: "
			      "use sync_method=tcp",
			      node);
}

int ss_host_ready(const char *key_file, const char *socket_group)
{
	struct vnfha__ckpt_tls_key key;
	char why[512];
	gid_t gid;
	int rc;

	rc = socket_group != NULL ? vnfha_ocf_group_id("socket_group", socket_group, &gid)
				  : OCF_SUCCESS;
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	if (key_file == NULL) {
		return OCF_SUCCESS;
	}
	/* The daemon's own check, so the reason reaches crm_mon. */
	rc = vnfha__ckpt_tls_load_key(key_file, &key, why, sizeof(why));
	explicit_bzero(&key, sizeof(key));
	if (rc == -ENOENT) {
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_INSTALL),
				      "parameter key_file='%s' does not exist on this node: copy the "
				      "cluster's key there (the same file on every node; pcs cluster "
				      "setup and crm cluster init make /etc/pacemaker/authkey) or set "
				      "plaintext=true", key_file);
	}
	if (rc < 0) {
		/* -EPERM/-EACCES: OCF_ERR_PERM; empty or not a file: GENERIC */
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_INSTALL),
				      "parameter key_file: %s", why);
	}
	return OCF_SUCCESS;
}

pid_t ss_host_spawn(char *const argv[], const char *logfile, const char *pidfile)
{
	char pid_text[24];
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		return -errno;
	}
	if (pid == 0) {
		int log_fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* execd waits for EOF on our stdout/stderr: give the daemon its own. */
		if (log_fd < 0 || null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
		    dup2(log_fd, 2) < 0) {
			_exit(127);
		}
		setsid();
		execvp(argv[0], argv);
		_exit(127);
	}
	fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int rc = -errno;

		kill(pid, SIGTERM);
		return rc;
	}
	snprintf(pid_text, sizeof(pid_text), "%ld\n", (long)pid);
	(void)!write(fd, pid_text, strlen(pid_text));
	close(fd);
	return pid;
}

pid_t ss_host_daemon_pid(const char *pidfile, const char *name)
{
	char text[32] = "", exe[64], target[256];
	long pid = 0;
	FILE *f = fopen(pidfile, "re");
	ssize_t n;

	if (f == NULL) {
		return 0;
	}
	if (fgets(text, sizeof(text), f) == NULL) {
		text[0] = '\0';
	}
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	if (vnfha__parse_long(text, 2, INT32_MAX, &pid) < 0) {
		return 0;
	}
	/* A reused PID runs another program: not ours. */
	snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
	n = readlink(exe, target, sizeof(target) - 1);
	if (n <= 0) {
		return 0;
	}
	target[n] = '\0';
	return strstr(target, name) != NULL ? (pid_t)pid : 0;
}
