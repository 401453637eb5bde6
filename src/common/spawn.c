// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/spawn.h"

/* In the child: no blocked signals (a caller reading them through a
 * signalfd blocks them), stdin and (unless captured) stdout to /dev/null,
 * then exec. Only async-signal-safe calls here. */
static void exec_child(char *const argv[], int out_fd, int err_pipe)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;
	int err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(out_fd >= 0 ? out_fd : null, STDOUT_FILENO);
	}
	execvp(argv[0], argv);
	err = errno;
	(void)!write(err_pipe, &err, sizeof(err));
	_exit(127);
}

static int reap(pid_t pid, int *ret_status)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return -errno;
		}
	}
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

int vnfha__spawn(char *const argv[], int out_fd, pid_t *ret_pid, int *ret_pidfd)
{
	int err_pipe[2] = { -1, -1 };
	int child_errno = 0, status = 0, pidfd, rc = 0;
	pid_t pid;

	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto close_pipe;
	}
	if (pid == 0) {
		exec_child(argv, out_fd, err_pipe[1]);
	}
	close(err_pipe[1]);
	err_pipe[1] = -1;
	/* The exec failure (if any) arrives before EOF on the CLOEXEC pipe. */
	if (read(err_pipe[0], &child_errno, sizeof(child_errno)) == sizeof(child_errno)) {
		reap(pid, &status);
		rc = -child_errno;
		goto close_pipe;
	}
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0) {
		rc = -errno;
		kill(pid, SIGKILL);
		reap(pid, &status);
		goto close_pipe;
	}
	*ret_pid = pid;
	*ret_pidfd = pidfd;
close_pipe:
	for (int i = 0; i < 2; i++) {
		if (err_pipe[i] >= 0) {
			close(err_pipe[i]);
		}
	}
	return rc;
}

int vnfha__run(char *const argv[], unsigned int timeout_ms, int *ret_status, char *out,
	       size_t out_len)
{
	int out_pipe[2] = { -1, -1 };
	int pidfd = -1, status = 0, rc;
	size_t got = 0;
	int64_t deadline = vnfha__now_ms() + timeout_ms;
	bool out_open, exited = false, cut = false;
	pid_t pid;

	if (out != NULL && pipe2(out_pipe, O_CLOEXEC) < 0) {
		return -errno;
	}
	rc = vnfha__spawn(argv, out_pipe[1], &pid, &pidfd);
	if (out_pipe[1] >= 0) {
		close(out_pipe[1]);
		out_pipe[1] = -1;
	}
	if (rc < 0) {
		goto close_pipes;
	}
	out_open = out_pipe[0] >= 0;
	/* Until the child has exited and its stdout is drained. */
	while (!exited || out_open) {
		struct pollfd fds[2] = { { .fd = exited ? -1 : pidfd, .events = POLLIN },
					 { .fd = out_open ? out_pipe[0] : -1, .events = POLLIN } };
		int64_t left = deadline - vnfha__now_ms();

		if (left <= 0 || (poll(fds, 2, (int)left) < 0 && errno != EINTR)) {
			kill(pid, SIGKILL);
			reap(pid, &status);
			rc = -ETIMEDOUT;
			goto close_pipes;
		}
		exited = exited || (fds[0].revents & POLLIN);
		if (out_open && (fds[1].revents & (POLLIN | POLLHUP))) {
			char sink[256];
			bool keep = got + 1 < out_len;
			ssize_t n = read(out_pipe[0], keep ? out + got : sink,
					 keep ? out_len - 1 - got : sizeof(sink));

			if (n <= 0) {
				out_open = false;
			} else if (keep) {
				got += (size_t)n;
			} else {
				cut = true; /* drained so the child never blocks, then refused */
			}
		}
	}
	rc = reap(pid, &status);
	if (rc == 0) {
		*ret_status = status;
		rc = cut ? -EMSGSIZE : 0;
	}
close_pipes:
	if (out != NULL && out_len > 0) {
		out[got] = '\0';
	}
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0) {
			close(out_pipe[i]);
		}
	}
	if (pidfd >= 0) {
		close(pidfd);
	}
	return rc;
}
