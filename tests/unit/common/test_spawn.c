// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha__run: exit status, captured output, deadline, missing program;
 * vnfha__spawn: no waiting, a pidfd to poll. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/spawn.h"
#include "unit.h"

int main(void)
{
	char out[8];
	int status = -1;
	struct timespec t0, t1;

	CHECK_INT(vnfha__run((char *const[]){ "true", NULL }, 5000, &status, NULL, 0), 0);
	CHECK_INT(status, 0);
	CHECK_INT(vnfha__run((char *const[]){ "sh", "-c", "exit 3", NULL }, 5000, &status, NULL, 0), 0);
	CHECK_INT(status, 3);
	/* Output longer than the buffer is refused (-EMSGSIZE), never silently
	 * cut; the first bytes and the status still come back. One byte less
	 * fits exactly. */
	status = -1;
	CHECK_INT(vnfha__run((char *const[]){ "echo", "hello world", NULL }, 5000, &status, out,
			     sizeof(out)), -EMSGSIZE);
	CHECK(strcmp(out, "hello w") == 0);
	CHECK_INT(status, 0);
	CHECK_INT(vnfha__run((char *const[]){ "printf", "1234567", NULL }, 5000, &status, out,
			     sizeof(out)), 0);
	CHECK(strcmp(out, "1234567") == 0);
	CHECK_INT(vnfha__run((char *const[]){ "printf", "12345678", NULL }, 5000, &status, out,
			     sizeof(out)), -EMSGSIZE);
	/* far more than a pipe holds: drained, the child is not blocked */
	CHECK_INT(vnfha__run((char *const[]){ "head", "-c", "1000000", "/dev/zero", NULL }, 5000,
			     &status, out, sizeof(out)), -EMSGSIZE);
	CHECK_INT(vnfha__run((char *const[]){ "/nonexistent/prog", NULL }, 5000, &status, NULL, 0),
		  -ENOENT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(vnfha__run((char *const[]){ "sleep", "10", NULL }, 200, &status, NULL, 0),
		  -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(t1.tv_sec - t0.tv_sec < 3);

	/* The caller's blocked signals (a signalfd reader's) are not the child's. */
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	CHECK_INT(vnfha__run((char *const[]){ "sh", "-c", "kill -TERM $$; exit 0", NULL }, 5000,
			     &status, NULL, 0), 0);
	CHECK_INT(status, 128 + SIGTERM);
	sigprocmask(SIG_UNBLOCK, &term, NULL);

	pid_t pid = 0;
	int pidfd = -1, wstatus = 0;
	struct pollfd p = { .events = POLLIN };

	CHECK_INT(vnfha__spawn((char *const[]){ "sh", "-c", "sleep 0.2; exit 4", NULL }, -1, &pid,
			       &pidfd), 0);
	p.fd = pidfd;
	CHECK_INT(poll(&p, 1, 0), 0); /* returned before the child ended */
	CHECK_INT(poll(&p, 1, 5000), 1);
	CHECK_INT(waitpid(pid, &wstatus, 0), pid);
	CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 4);
	close(pidfd);
	CHECK_INT(vnfha__spawn((char *const[]){ "/nonexistent/prog", NULL }, -1, &pid, &pidfd),
		  -ENOENT);
	return UNIT_DONE();
}
