/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocf:vnfha:vnfc internals shared by the agent and its supervisor. */
#ifndef VNFHA_VNFC_H
#define VNFHA_VNFC_H

#include <stdbool.h>
#include <sys/types.h>

#include "report.h"

/* What the supervisor runs and how it reports. Strings are not copied. */
struct vnfc_supervise_cfg {
	char **argv;		  /* the VNFC program, argv[0] an absolute path */
	char **env;		  /* extra NAME=VALUE entries, NULL-terminated, or NULL */
	const char *user;	  /* NULL: stay root */
	uid_t uid;		  /* user's uid (0 without user) */
	gid_t gid;		  /* the VNFC's group: group=, else user's login group */
	const char *workdir;	  /* chdir here before exec */
	const char *pidfile;	  /* NULL: the program does not daemonize */
	const char *socket_path;  /* control socket the supervisor serves, uid:gid 0660 */
	const char *log_path;	  /* the VNFC's stdout and stderr */
	struct report_rsc report; /* what the failure report names (report.h) */
	const char *agent_address; /* HAProxy agent-check answered here; NULL: none */
	unsigned int heartbeat_timeout_ms; /* 0: heartbeats not required */
	unsigned int start_timeout_ms;	   /* pidfile wait */
	long promotion_score;	  /* set once the VNFC is ready; <= 0: never */
	unsigned int score_delay_ms; /* set it this long after ready (0: at once) */
	const char *score_mark;	  /* file saying it was set, and by which executor */
	const char *executor;	  /* "PID STARTTIME" of the executor that ran start */
	bool role_api;		  /* the VNFC speaks libvnfha (else: hooks) */
};

/* The executor running this action as "PID STARTTIME" (vnfc_score.c); 0 or
 * -errno. */
int vnfc_executor_id(char *buf, size_t len);
/* The supervisor's score_delay_ms: > 0 when mark says executor set score. */
unsigned int vnfc_score_delay(const char *mark, const char *executor, long score);
/* What the mark holds once executor set score: "EXECUTOR SCORE\n" in buf;
 * its length, or -ENAMETOOLONG. */
int vnfc_score_mark_text(char *buf, size_t len, const char *executor, long score);

/*
 * Runs the supervisor in this process (the caller has detached it). Binds
 * the socket, starts the VNFC, then writes one int to ready_fd: 0, or the
 * negative errno that stopped it, and closes ready_fd. Returns the exit status for
 * _exit() when it is done.
 */
int vnfc_supervise(const struct vnfc_supervise_cfg *cfg, int ready_fd);

#endif
