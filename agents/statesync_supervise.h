/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statesync's watch over vnfha-ckptd: the daemon runs as the child of a
 * small supervisor process (detached, its own session) that waits on it and,
 * when it dies without statesync having asked it to stop, tells Pacemaker
 * at once as vnfc's supervisor does for a VNFC (report.h: the controller's
 * "fail" request, a refresh on a Pacemaker Remote node), instead of leaving
 * it to the next monitor or a commit timeout.
 *
 * "Asked to stop" is statesync's pidfile: stop removes it before it signals
 * the daemon; the supervisor reports only while the pidfile still names the
 * daemon. It reports only once armed: start arms it when the daemon
 * answers, so a daemon that never came up fails the start, not a
 * second report.
 */
#ifndef VNFHA_STATESYNC_SUPERVISE_H
#define VNFHA_STATESYNC_SUPERVISE_H

#include <sys/types.h>

#include "report.h"

struct ss_supervise_cfg {
	char *const *argv;	 /* the daemon's, argv[0] searched in PATH */
	const char *logfile;	 /* the daemon's and the supervisor's stdout/stderr */
	const char *pidfile;	 /* written here with the daemon's PID */
	struct report_rsc report; /* what the failure report names */
};

/*
 * Starts the supervisor and the daemon under it; writes the pidfile
 * (ss_host_pidfile() reads it).
 * [out] ret_pid     the daemon's PID
 * [out] ret_arm_fd  write one byte to arm the report, then close it; closing
 *                   it unwritten leaves the supervisor unarmed
 * Errors: -errno (nothing left running).
 */
int ss_supervise_spawn(const struct ss_supervise_cfg *cfg, pid_t *ret_pid, int *ret_arm_fd);

#endif
