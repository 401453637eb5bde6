// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-alert — a Pacemaker alert agent that tells a VNF manager (an HTTP
 * webhook, the alert recipient) about resource failures, recoveries, node
 * loss and fencing, as one JSON object per event (see vnfha-alert(8)).
 *
 * Pacemaker runs it with the event in CRM_alert_* variables and the alert's
 * options as variables of their own names (vnfha_vnf, vnfha_timeout,
 * vnfha_retries). Every attempt has a timeout and the retries are bounded,
 * so a dead receiver costs at most (retries + 1) x timeout plus the pauses
 * between attempts, well inside Pacemaker's alert timeout. No shell, no
 * child process: the POST is libcurl's.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_event.h"
#include "ocf/ocf.h"
#include "common/parse.h"

#define BODY_MAX 8192
#define RETRIES_MAX 5
#define TIMEOUT_MAX_MS 10000
#define PAUSE_FIRST_MS 200 /* doubles after each failed attempt */

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1, /* the VNFM never acknowledged */
	EXIT_USAGE = 2,	 /* bad variables or options */
};

struct options {
	const char *url;
	const char *vnf;
	uint64_t timeout_ms;
	long retries;
};

static const char *env_get(const char *name, void *ctx)
{
	return getenv(name);
}

static int read_options(struct options *o)
{
	const char *timeout = getenv("vnfha_timeout");
	const char *retries = getenv("vnfha_retries");

	o->url = getenv("CRM_alert_recipient");
	o->vnf = getenv("vnfha_vnf");
	o->timeout_ms = 2000;
	o->retries = 2;
	if (o->url == NULL || (strncmp(o->url, "http://", 7) != 0 &&
			       strncmp(o->url, "https://", 8) != 0)) {
		vnfha_log(VNFHA_LOG_ERR,
			  "recipient '%s' is not an http:// or https:// URL: give the VNFM's URL "
			  "as the alert recipient (pcs alert recipient add ... value=URL)",
			  o->url ? o->url : "");
		return -EINVAL;
	}
	if (o->vnf == NULL || *o->vnf == '\0') {
		o->vnf = "vnf";
	}
	if (timeout != NULL &&
	    (vnfha__parse_duration_ms(timeout, TIMEOUT_MAX_MS, &o->timeout_ms) < 0 ||
	     o->timeout_ms < 100)) {
		vnfha_log(VNFHA_LOG_ERR, "option vnfha_timeout='%s' is invalid: use 100ms to 10s",
			  timeout);
		return -EINVAL;
	}
	if (retries != NULL && vnfha__parse_long(retries, 0, RETRIES_MAX, &o->retries) < 0) {
		vnfha_log(VNFHA_LOG_ERR, "option vnfha_retries='%s' is invalid: use 0 to %d",
			  retries, RETRIES_MAX);
		return -EINVAL;
	}
	return 0;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	return size * nmemb;
}

/* One POST: 0 on a 2xx answer; -EAGAIN worth retrying; -EPERM not. */
static int post_once(CURL *curl, const struct options *o, const char *body)
{
	long code = 0;
	CURLcode cc = curl_easy_perform(curl);

	if (cc != CURLE_OK) {
		vnfha_log(VNFHA_LOG_WARNING, "POST to %s failed: %s", o->url,
			  curl_easy_strerror(cc));
		return -EAGAIN;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		return 0;
	}
	vnfha_log(VNFHA_LOG_WARNING, "VNFM at %s answered HTTP %ld", o->url, code);
	/* 4xx: the same request will be refused again; 5xx may pass later. */
	return code >= 400 && code < 500 ? -EPERM : -EAGAIN;
}

static int post(const struct options *o, const char *body)
{
	struct curl_slist *headers = NULL;
	CURL *curl = NULL;
	long pause_ms = PAUSE_FIRST_MS;
	int rc = -ENOMEM;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		return -ENOMEM;
	}
	curl = curl_easy_init();
	headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (curl == NULL || headers == NULL) {
		goto cleanup;
	}
	curl_easy_setopt(curl, CURLOPT_URL, o->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "vnfha-alert/" PACKAGE_VERSION);
	for (long attempt = 0; attempt <= o->retries; attempt++) {
		struct timespec pause = { .tv_sec = pause_ms / 1000,
					  .tv_nsec = (pause_ms % 1000) * 1000000L };

		if (attempt > 0) {
			/* back off: a restarting receiver gets a moment */
			nanosleep(&pause, NULL);
			pause_ms *= 2;
		}
		rc = post_once(curl, o, body);
		if (rc != -EAGAIN) {
			break;
		}
	}
cleanup:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return rc;
}

int main(int argc, char **argv)
{
	struct vnfha_alert a;
	struct options o;
	char why[256];
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
	n = vnfha_alert_json(&a, o.vnf, body, sizeof(body));
	if (n < 0) {
		vnfha_log(VNFHA_LOG_ERR, "event too large for one message");
		return EXIT_USAGE;
	}
	rc = post(&o, body);
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "VNFM at %s did not take the %s event for %s on %s",
			  o.url, vnfha_alert_event_name(a.event), a.rsc ? a.rsc : "-", a.node);
		return EXIT_FAILED;
	}
	vnfha_log(VNFHA_LOG_INFO, "told VNFM at %s: %s %s on %s", o.url,
		  vnfha_alert_event_name(a.event), a.rsc ? a.rsc : "-", a.node);
	return EXIT_OK;
}
