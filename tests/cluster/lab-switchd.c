// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lab-switchd — the lab's network power switch. It runs in the root
 * namespace for the lifetime of one lab, listens on a Unix socket in a
 * directory every node sees, and powers lab nodes off and on when
 * fence_vnfhalab asks (protocol: lab_switch.h). The power itself is the
 * lab script's job ("lab _power-off K" etc.), exec'd with a fixed argv: no
 * shell, and nothing from the request reaches it but a validated node id
 * ("3" for node3, "r2" for remote2).
 *
 * It also holds the lab's exclusive lock (an inherited fd, --lock-fd) and,
 * given --owner PID, tears the lab down ("lab down") when that process dies,
 * so a killed test run never leaves a cluster behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab_switch.h"
#include "common/parse.h"

#define REQUEST_TIMEOUT_MS 5000

struct switchd {
	const char *socket_path;
	const char *lab_script;
	struct lab_switch_size size;
	long reboot_delay_ms;
	int lock_fd;
	int listen_fd;
	int signal_fd;
	int owner_fd;
	sigset_t blocked;
	int64_t boot_at_ms[LAB_SLOTS_MAX + 1]; /* per slot: pending boot after "reboot"; 0: none */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line per event, epoch milliseconds first: the tests compare these
 * with the times they see the address move. */
static void event_log(const char *action, long slot, int rc)
{
	char name[32];

	if (slot > 0 && lab_switch_slot_name(slot, name, sizeof(name)) == 0) {
		printf("%" PRId64 " %s %s rc=%d\n", now_ms(), action, name, rc);
	} else {
		printf("%" PRId64 " %s - rc=%d\n", now_ms(), action, rc);
	}
	fflush(stdout);
}

/* Runs "<lab script> <verb> <node id>" and returns its exit status, or -errno. */
static int lab_run(const struct switchd *sw, const char *verb, long slot)
{
	char arg[16];
	char *argv[4];
	int status = 0;
	pid_t pid;

	if (lab_switch_slot_id(slot, arg, sizeof(arg)) < 0) {
		return -ERANGE;
	}
	argv[0] = (char *)sw->lab_script;
	argv[1] = (char *)verb;
	argv[2] = arg;
	argv[3] = NULL;
	pid = fork();
	if (pid < 0) {
		return -errno;
	}
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &sw->blocked, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return -errno;
		}
	}
	if (!WIFEXITED(status)) {
		return -ECHILD;
	}
	return WEXITSTATUS(status);
}

static int power(const struct switchd *sw, const char *verb, long slot)
{
	int rc = lab_run(sw, verb, slot);
	char name[32] = "?";

	if (rc < 0) {
		lab_switch_slot_name(slot, name, sizeof(name));
		fprintf(stderr, "lab-switchd: %s %s: %s\n", verb, name, strerror(-rc));
	}
	return rc;
}

/* "0 node1 ... remoteJ\n": every plug, or a failure when they do not fit. */
static void list_reply(const struct switchd *sw, char *reply, size_t reply_len)
{
	size_t used = (size_t)snprintf(reply, reply_len, "0");
	char name[32];

	for (long i = lab_switch_slot_first(&sw->size); i != 0;
	     i = lab_switch_slot_next(&sw->size, i)) {
		lab_switch_slot_name(i, name, sizeof(name));
		if (used + 1 + strlen(name) + 2 > reply_len) {
			fprintf(stderr, "lab-switchd: the plug list does not fit in %zu bytes\n",
				reply_len);
			snprintf(reply, reply_len, "%d\n", LAB_SWITCH_RC_FAILED);
			return;
		}
		used += (size_t)snprintf(reply + used, reply_len - used, " %s", name);
	}
	snprintf(reply + used, reply_len - used, "\n");
}

/* Executes one validated request; writes the reply line into reply. */
static void request_do(struct switchd *sw, enum lab_switch_action action, long slot,
		       char *reply, size_t reply_len)
{
	int rc = LAB_SWITCH_RC_FAILED;

	switch (action) {
	case LAB_SWITCH_OFF:
		sw->boot_at_ms[slot] = 0;
		rc = power(sw, "_power-off", slot) == 0 ? LAB_SWITCH_RC_OK : LAB_SWITCH_RC_FAILED;
		break;
	case LAB_SWITCH_ON:
		sw->boot_at_ms[slot] = 0;
		rc = power(sw, "_power-on", slot) == 0 ? LAB_SWITCH_RC_OK : LAB_SWITCH_RC_FAILED;
		break;
	case LAB_SWITCH_REBOOT:
		/* Like a real power cycle: off now, on again a moment later. The
		 * reply goes out once the node is off, which is what fencing needs. */
		rc = power(sw, "_power-off", slot) == 0 ? LAB_SWITCH_RC_OK : LAB_SWITCH_RC_FAILED;
		sw->boot_at_ms[slot] = rc == LAB_SWITCH_RC_OK ? now_ms() + sw->reboot_delay_ms : 0;
		break;
	case LAB_SWITCH_STATUS:
		switch (power(sw, "_power-status", slot)) {
		case 0:
			rc = LAB_SWITCH_RC_OK;
			break;
		case 2:
			rc = LAB_SWITCH_RC_OFF;
			break;
		default:
			rc = LAB_SWITCH_RC_FAILED;
			break;
		}
		break;
	case LAB_SWITCH_LIST:
		list_reply(sw, reply, reply_len);
		event_log("list", 0, 0);
		return;
	case LAB_SWITCH_MONITOR:
		rc = LAB_SWITCH_RC_OK;
		break;
	}
	event_log(lab_switch_action_name(action), slot, rc);
	snprintf(reply, reply_len, "%d\n", rc);
}

static void connection_serve(struct switchd *sw, int fd)
{
	char line[LAB_SWITCH_LINE_MAX];
	char reply[LAB_SWITCH_LINE_MAX];
	enum lab_switch_action action;
	long slot = 0;
	int rc;

	rc = lab_switch_line_read(fd, line, sizeof(line), REQUEST_TIMEOUT_MS);
	if (rc == 0) {
		rc = lab_switch_request_parse(line, &sw->size, &action, &slot);
	}
	if (rc < 0) {
		/* Quote nothing of the request: it is untrusted input. */
		fprintf(stderr, "lab-switchd: bad request: %s\n", strerror(-rc));
		snprintf(reply, sizeof(reply), "%d\n", LAB_SWITCH_RC_FAILED);
	} else {
		request_do(sw, action, slot, reply, sizeof(reply));
	}
	if (write(fd, reply, strlen(reply)) < 0) {
		fprintf(stderr, "lab-switchd: reply: %s\n", strerror(errno));
	}
}

static void boots_run_due(struct switchd *sw)
{
	int64_t now = now_ms();

	for (long i = lab_switch_slot_first(&sw->size); i != 0;
	     i = lab_switch_slot_next(&sw->size, i)) {
		if (sw->boot_at_ms[i] != 0 && sw->boot_at_ms[i] <= now) {
			sw->boot_at_ms[i] = 0;
			event_log("boot", i, power(sw, "_power-on", i) == 0 ? 0 : 1);
		}
	}
}

static int poll_timeout(const struct switchd *sw)
{
	int64_t next = 0;

	for (long i = lab_switch_slot_first(&sw->size); i != 0;
	     i = lab_switch_slot_next(&sw->size, i)) {
		if (sw->boot_at_ms[i] != 0 && (next == 0 || sw->boot_at_ms[i] < next)) {
			next = sw->boot_at_ms[i];
		}
	}
	if (next == 0) {
		return -1;
	}
	next -= now_ms();
	return next < 0 ? 0 : (int)next;
}

/* The owner is gone: become "lab down", keeping the lock until it is done. */
static void teardown_exec(const struct switchd *sw)
{
	char *argv[] = { (char *)sw->lab_script, (char *)"down", NULL };

	event_log("owner-gone", 0, 0);
	unlink(sw->socket_path);
	if (sw->lock_fd >= 0) {
		fcntl(sw->lock_fd, F_SETFD, 0);
	}
	sigprocmask(SIG_UNBLOCK, &sw->blocked, NULL);
	execv(argv[0], argv);
	fprintf(stderr, "lab-switchd: exec %s down: %s\n", sw->lab_script, strerror(errno));
}

static int socket_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 8) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int serve(struct switchd *sw)
{
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = sw->listen_fd, .events = POLLIN },
			{ .fd = sw->signal_fd, .events = POLLIN },
			{ .fd = sw->owner_fd, .events = POLLIN },
		};
		int n = poll(pfd, sw->owner_fd >= 0 ? 3 : 2, poll_timeout(sw));

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sw->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				event_log("exit", 0, 0);
				return 0;
			}
		}
		if (sw->owner_fd >= 0 && (pfd[2].revents & POLLIN)) {
			teardown_exec(sw);
			return -ECHILD;
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(sw->listen_fd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				connection_serve(sw, fd);
				close(fd);
			}
		}
		boots_run_due(sw);
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lab-switchd --socket PATH --nodes N [--remotes R] --lab SCRIPT\n"
		     "                   [--owner PID] [--lock-fd FD] [--reboot-delay-ms MS]\n");
}

static int options_parse(struct switchd *sw, int argc, char **argv, long *ret_owner)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "remotes", required_argument, NULL, 'R' },
		{ "lab", required_argument, NULL, 'l' },
		{ "owner", required_argument, NULL, 'o' },
		{ "lock-fd", required_argument, NULL, 'L' },
		{ "reboot-delay-ms", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long value = 0;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:R:l:o:L:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			sw->socket_path = optarg;
			break;
		case 'l':
			sw->lab_script = optarg;
			break;
		case 'n':
			if (vnfha__parse_long(optarg, 1, LAB_NODES_MAX, &sw->size.nodes) < 0) {
				fprintf(stderr, "lab-switchd: bad --nodes \"%s\" (1..%d)\n", optarg,
					LAB_NODES_MAX);
				return -EINVAL;
			}
			break;
		case 'R':
			if (vnfha__parse_long(optarg, 0, LAB_REMOTES_MAX, &sw->size.remotes) < 0) {
				fprintf(stderr, "lab-switchd: bad --remotes \"%s\" (0..%d)\n", optarg,
					LAB_REMOTES_MAX);
				return -EINVAL;
			}
			break;
		case 'o':
			if (vnfha__parse_long(optarg, 1, INT32_MAX, ret_owner) < 0) {
				fprintf(stderr, "lab-switchd: bad --owner \"%s\"\n", optarg);
				return -EINVAL;
			}
			break;
		case 'L':
			if (vnfha__parse_long(optarg, 3, 1023, &value) < 0) {
				fprintf(stderr, "lab-switchd: bad --lock-fd \"%s\"\n", optarg);
				return -EINVAL;
			}
			sw->lock_fd = (int)value;
			break;
		case 'r':
			if (vnfha__parse_long(optarg, 0, 600000, &sw->reboot_delay_ms) < 0) {
				fprintf(stderr, "lab-switchd: bad --reboot-delay-ms \"%s\"\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (sw->socket_path == NULL || sw->lab_script == NULL || sw->size.nodes == 0 ||
	    optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct switchd sw = {
		.reboot_delay_ms = 1000,
		.lock_fd = -1,
		.listen_fd = -1,
		.signal_fd = -1,
		.owner_fd = -1,
	};
	long owner = 0;
	int rc;

	if (options_parse(&sw, argc, argv, &owner) < 0) {
		return 2;
	}
	/* Keep the lock for ourselves (not for the nodes we boot). */
	if (sw.lock_fd >= 0 && fcntl(sw.lock_fd, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "lab-switchd: lock fd %d: %s\n", sw.lock_fd, strerror(errno));
		return 1;
	}
	sigemptyset(&sw.blocked);
	sigaddset(&sw.blocked, SIGTERM);
	sigaddset(&sw.blocked, SIGINT);
	sigaddset(&sw.blocked, SIGHUP);
	sigprocmask(SIG_BLOCK, &sw.blocked, NULL);
	signal(SIGPIPE, SIG_IGN);
	sw.signal_fd = signalfd(-1, &sw.blocked, SFD_CLOEXEC);
	if (sw.signal_fd < 0) {
		fprintf(stderr, "lab-switchd: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if (owner > 0) {
		sw.owner_fd = (int)syscall(SYS_pidfd_open, (pid_t)owner, 0);
		if (sw.owner_fd < 0) {
			fprintf(stderr, "lab-switchd: owner %ld: %s\n", owner, strerror(errno));
			rc = 1;
			goto out_signal;
		}
		fcntl(sw.owner_fd, F_SETFD, FD_CLOEXEC);
	}
	sw.listen_fd = socket_listen(sw.socket_path);
	if (sw.listen_fd < 0) {
		fprintf(stderr, "lab-switchd: %s: %s\n", sw.socket_path, strerror(-sw.listen_fd));
		rc = 1;
		goto out_owner;
	}
	event_log("ready", 0, 0);
	rc = serve(&sw) < 0 ? 1 : 0;
	close(sw.listen_fd);
	unlink(sw.socket_path);
out_owner:
	if (sw.owner_fd >= 0) {
		close(sw.owner_fd);
	}
out_signal:
	close(sw.signal_fd);
	return rc;
}
