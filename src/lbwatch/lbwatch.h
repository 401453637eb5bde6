/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnfha-lbwatch internals shared by its files (the daemon, delivery, disk). */
#ifndef VNFHA_LBWATCH_H
#define VNFHA_LBWATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "alert/alert_post.h"
#include "haproxy/haproxy_api.h"
#include "lbwatch/lbwatch_state.h"

struct lbw_hook {
	pid_t pid;
	int64_t deadline_ms;
};

struct lbw {
	/* options, fixed after start */
	struct vnfha_haproxy_addr api;
	const char *api_text;
	char **backends;
	size_t n_backends;
	struct vnfha__post post;
	const char *vnf;
	const char *state_file;
	char reporter[256];
	bool ves;
	uint64_t interval_ms, api_timeout_ms, hook_timeout_ms;
	char **hook_argv; /* NULL: no hook */
	/* shared with the delivery thread, under lock */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct lbw_state st;
	bool stopping;
	/* the watch loop's own */
	struct lbw_hook *hooks;
	size_t n_hooks, cap_hooks;
	bool api_down; /* logged once per outage */
};

int64_t vnfha__lbw_realtime_us(void);

/* Reads the state file into w->st; a missing file is a fresh start. 0 or -errno, why set. */
int vnfha__lbw_load(struct lbw *w, char *why, size_t why_len);
/* Writes w->st atomically (temporary file, fsync, rename); call under lock. 0 or -errno. */
int vnfha__lbw_save(struct lbw *w);

/* The delivery thread: POSTs queued events oldest first until stopping. */
void *vnfha__lbw_deliver(void *arg);

/* Starts the recovery hook for event e (no wait); reaps and times out earlier ones. */
void vnfha__lbw_hook_start(struct lbw *w, const struct lbw_event *e);
void vnfha__lbw_hook_reap(struct lbw *w, bool wait_all);

#endif
