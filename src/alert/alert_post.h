/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Delivery of one event to the VNFM, shared by vnfha-alert and
 * vnfha-lbwatch: an HTTP(S) POST by libcurl (no shell, no child), a
 * timeout on every attempt, at most `retries` more attempts with a pause
 * that doubles from 200 ms, no redirects, no other protocols. A dead
 * receiver costs at most (retries + 1) x timeout plus the pauses.
 * The caller runs curl_global_init() once before any thread starts.
 */
#ifndef VNFHA_ALERT_POST_H
#define VNFHA_ALERT_POST_H

#include <stdint.h>

#define VNFHA__POST_RETRIES_MAX 5
#define VNFHA__POST_TIMEOUT_MAX_MS 10000

struct vnfha__post {
	const char *url;	 /* http:// or https:// */
	const char *user_agent;
	uint64_t timeout_ms;	 /* per attempt */
	long retries;
	const char *log_what;	 /* for the log lines: which event */
};

/* True for an http:// or https:// URL. */
int vnfha__post_url_check(const char *url);

/*
 * POSTs body (application/json). 0: a 2xx answer; -EPERM: a 4xx answer
 * (the same request would be refused again); -EAGAIN: no 2xx within the
 * attempts; -ENOMEM. Logs each failed attempt.
 */
int vnfha__post_json(const struct vnfha__post *p, const char *body);

#endif
