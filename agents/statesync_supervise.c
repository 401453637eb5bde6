// SPDX-License-Identifier: GPL-2.0-or-later
/* statesync's supervisor of vnfha-ckptd; see statesync_supervise.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/parse.h"
#include "ocf/ocf.h"
#include "statesync_host.h"
#include "statesync_supervise.h"

#define REPORT_TIMEOUT_MS 10000
#define TICK_MS 1000 /* how often an armed supervisor looks after its connection */

static int write_pidfile(const char *path, pid_t pid)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)pid);

	return vnfha__write_file_atomic(path, text, (size_t)n, 0644, false);
}

static void describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status)) {
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	} else {
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	}
}

/* The supervisor's life: wait for arming and for the daemon's end; once
 * armed, hold a connection to the controller for the report. */
static int supervise(const struct ss_supervise_cfg *cfg, pid_t pid, int arm_fd)
{
	struct reporter reporter;
	struct pollfd p[2];
	bool armed = false;
	bool died;
	int pidfd = pidfd_open(pid, 0);
	int status = 0;
	char why[64];

	if (pidfd < 0) {
		return 1;
	}
	reporter_init(&reporter, &cfg->report, 0);
	p[0] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = arm_fd, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, armed ? TICK_MS : -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			return 1;
		}
		if (p[1].revents != 0) {
			char c;

			armed = armed || read(arm_fd, &c, 1) == 1;
			p[1].fd = -1; /* one byte, or EOF: nothing more comes */
		}
		if (p[0].revents != 0) {
			break;
		}
		if (armed) {
			reporter_tick(&reporter);
		}
	}
	waitpid(pid, &status, 0);
	describe(status, why, sizeof(why));
	/* stopped by statesync when the pidfile no longer names it */
	died = armed && ss_host_pidfile(cfg->pidfile) == pid;
	if (died && reporter.remote) {
		/* A refresh (the only report a Remote node may send) makes the DC
		 * probe ss, find it stopped and promote it again; in the lab that
		 * left the promoted VNFC's recurring monitor unscheduled until the
		 * DC's next transition (remote-vnf.bats, 1 run in 4). The monitor
		 * reports the death instead, as a plain failure. */
		vnfha_log(VNFHA_LOG_ERR, "vnfha-ckptd (pid %ld) %s; on a Pacemaker Remote node the "
			  "next monitor reports it", (long)pid, why);
	} else if (died) {
		vnfha_log(VNFHA_LOG_ERR, "vnfha-ckptd (pid %ld) %s; reporting to Pacemaker",
			  (long)pid, why);
		(void)reporter_fail(&reporter, REPORT_TIMEOUT_MS); /* logs; else the monitor */
	} else {
		vnfha_log(VNFHA_LOG_INFO, "vnfha-ckptd (pid %ld) %s%s", (long)pid, why,
			  armed ? " (stopped by statesync)" : " before it was started");
	}
	reporter_free(&reporter);
	return 0;
}

/* In the supervisor: the daemon's stdio is the log; exec it. */
static void exec_daemon(const struct ss_supervise_cfg *cfg)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(cfg->argv[0], cfg->argv);
	_exit(127);
}

int ss_supervise_spawn(const struct ss_supervise_cfg *cfg, pid_t *ret_pid, int *ret_arm_fd)
{
	int info[2] = { -1, -1 }; /* supervisor -> agent: the daemon's PID */
	int arm[2] = { -1, -1 };  /* agent -> supervisor: armed */
	pid_t sup;
	pid_t pid = 0;
	ssize_t n;

	if (pipe2(info, O_CLOEXEC) != 0 || pipe2(arm, O_CLOEXEC) != 0) {
		int err = -errno;

		if (info[0] >= 0) {
			close(info[0]);
			close(info[1]);
		}
		return err;
	}
	sup = fork();
	if (sup < 0) {
		int err = -errno;

		close(info[0]);
		close(info[1]);
		close(arm[0]);
		close(arm[1]);
		return err;
	}
	if (sup == 0) {
		int log_fd = open(cfg->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		pid_t d;

		close(info[0]);
		close(arm[1]);
		/* execd waits for EOF on the agent's stdout/stderr: the
		 * supervisor and the daemon write to their own log. */
		if (log_fd < 0 || null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
		    dup2(log_fd, 2) < 0) {
			_exit(127);
		}
		setsid();
		d = fork();
		if (d == 0) {
			exec_daemon(cfg);
		}
		if (d < 0 || write_pidfile(cfg->pidfile, d) != 0 ||
		    write(info[1], &d, sizeof(d)) != (ssize_t)sizeof(d)) {
			if (d > 0) {
				kill(d, SIGTERM);
			}
			_exit(1);
		}
		close(info[1]);
		_exit(supervise(cfg, d, arm[0]));
	}
	close(info[1]);
	close(arm[0]);
	do {
		n = read(info[0], &pid, sizeof(pid));
	} while (n < 0 && errno == EINTR);
	close(info[0]);
	if (n != (ssize_t)sizeof(pid) || pid <= 0) {
		close(arm[1]);
		waitpid(sup, NULL, 0);
		return -ECHILD;
	}
	*ret_pid = pid;
	*ret_arm_fd = arm[1];
	return 0;
}
