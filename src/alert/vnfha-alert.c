// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-alert — a Pacemaker alert agent that tells a VNF manager (an HTTP
 * webhook, the alert recipient) about resource failures, recoveries, node
 * loss and fencing, as one JSON object per event, or as a VES 7.x fault
 * event with vnfha_format=ves (see vnfha-alert(8)).
 *
 * Pacemaker runs it with the event in CRM_alert_* variables and the alert's
 * options as variables of their own names (vnfha_vnf, vnfha_format,
 * vnfha_timeout, vnfha_retries). Every attempt has a timeout and the
 * retries are bounded, so a dead receiver costs at most (retries + 1) x
 * timeout plus the pauses between attempts, well inside Pacemaker's alert
 * timeout. No shell, no child process: the POST is libcurl's.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_event.h"
#include "alert_post.h"
#include "ocf/ocf.h"
#include "common/parse.h"

#define BODY_MAX 16384

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1, /* the VNFM never acknowledged */
	EXIT_USAGE = 2,	 /* bad variables or options */
};

struct options {
	struct vnfha__post post;
	const char *vnf;
	bool ves;
};

static const char *env_get(const char *name, void *ctx)
{
	return getenv(name);
}

static int read_options(struct options *o)
{
	const char *timeout = getenv("vnfha_timeout");
	const char *retries = getenv("vnfha_retries");
	const char *format = getenv("vnfha_format");

	o->post.url = getenv("CRM_alert_recipient");
	o->post.user_agent = "vnfha-alert/" PACKAGE_VERSION;
	o->post.timeout_ms = 2000;
	o->post.retries = 2;
	o->vnf = getenv("vnfha_vnf");
	if (vnfha__post_url_check(o->post.url) < 0) {
		vnfha_log(VNFHA_LOG_ERR,
			  "recipient '%s' is not an http:// or https:// URL: give the VNFM's URL "
			  "as the alert recipient (pcs alert recipient add ... value=URL)",
			  o->post.url ? o->post.url : "");
		return -EINVAL;
	}
	if (o->vnf == NULL || *o->vnf == '\0') {
		o->vnf = "vnf";
	}
	if (format != NULL && strcmp(format, "ves") != 0 && strcmp(format, "json") != 0) {
		vnfha_log(VNFHA_LOG_ERR, "option vnfha_format='%s' is invalid: use json or ves",
			  format);
		return -EINVAL;
	}
	o->ves = format != NULL && strcmp(format, "ves") == 0;
	if (timeout != NULL &&
	    (vnfha__parse_duration_ms(timeout, VNFHA__POST_TIMEOUT_MAX_MS, &o->post.timeout_ms) < 0 ||
	     o->post.timeout_ms < 100)) {
		vnfha_log(VNFHA_LOG_ERR, "option vnfha_timeout='%s' is invalid: use 100ms to 10s",
			  timeout);
		return -EINVAL;
	}
	if (retries != NULL &&
	    vnfha__parse_long(retries, 0, VNFHA__POST_RETRIES_MAX, &o->post.retries) < 0) {
		vnfha_log(VNFHA_LOG_ERR, "option vnfha_retries='%s' is invalid: use 0 to %d",
			  retries, VNFHA__POST_RETRIES_MAX);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vnfha_alert a;
	struct options o;
	char why[256], host[256] = "";
	char body[BODY_MAX];
	int n;
	int rc;

	vnfha_log_init("vnfha-alert", getenv("CRM_alert_rsc") ? getenv("CRM_alert_rsc") : "-");
	if (argc > 1) {
		fprintf(stderr, "usage: %s (run by Pacemaker with CRM_alert_* set; see "
				"vnfha-alert(8))\n",
			argv[0]);
		return EXIT_USAGE;
	}
	if (vnfha_alert_read(env_get, NULL, &a, why, sizeof(why)) < 0) {
		vnfha_log(VNFHA_LOG_ERR, "not a valid Pacemaker alert: %s", why);
		return EXIT_USAGE;
	}
	if (a.event == VNFHA_ALERT_SKIP) {
		return EXIT_OK;
	}
	if (read_options(&o) < 0) {
		return EXIT_USAGE;
	}
	if (o.ves) {
		gethostname(host, sizeof(host) - 1);
		n = vnfha_alert_ves(&a, o.vnf, host[0] ? host : "vnfha-alert", body, sizeof(body));
	} else {
		n = vnfha_alert_json(&a, o.vnf, body, sizeof(body));
	}
	if (n < 0) {
		vnfha_log(VNFHA_LOG_ERR, "event too large for one message");
		return EXIT_USAGE;
	}
	o.post.log_what = vnfha_alert_event_name(a.event);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		return EXIT_FAILED;
	}
	rc = vnfha__post_json(&o.post, body);
	curl_global_cleanup();
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "VNFM at %s did not take the %s event for %s on %s",
			  o.post.url, vnfha_alert_event_name(a.event), a.rsc ? a.rsc : "-", a.node);
		return EXIT_FAILED;
	}
	vnfha_log(VNFHA_LOG_INFO, "told VNFM at %s: %s %s on %s", o.post.url,
		  vnfha_alert_event_name(a.event), a.rsc ? a.rsc : "-", a.node);
	return EXIT_OK;
}
