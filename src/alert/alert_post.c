// SPDX-License-Identifier: GPL-2.0-or-later
/* One event POSTed to the VNFM with bounded retries (see alert_post.h). */
#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "alert_post.h"
#include "ocf/ocf.h"

#define PAUSE_FIRST_MS 200 /* doubles after each failed attempt */

int vnfha__post_url_check(const char *url)
{
	return url != NULL && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)
		       ? 0
		       : -EINVAL;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	return size * nmemb;
}

/* One POST: 0 on a 2xx answer; -EAGAIN worth retrying; -EPERM not. */
static int post_once(CURL *curl, const struct vnfha__post *p)
{
	long code = 0;
	CURLcode cc = curl_easy_perform(curl);

	if (cc != CURLE_OK) {
		vnfha_log(VNFHA_LOG_WARNING, "POST of %s to %s failed: %s", p->log_what, p->url,
			  curl_easy_strerror(cc));
		return -EAGAIN;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		return 0;
	}
	vnfha_log(VNFHA_LOG_WARNING, "VNFM at %s answered HTTP %ld to %s", p->url, code,
		  p->log_what);
	/* 4xx: the same request will be refused again; 5xx may pass later. */
	return code >= 400 && code < 500 ? -EPERM : -EAGAIN;
}

int vnfha__post_json(const struct vnfha__post *p, const char *body)
{
	struct curl_slist *headers = NULL;
	CURL *curl = curl_easy_init();
	long pause_ms = PAUSE_FIRST_MS;
	int rc = -ENOMEM;

	headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (curl == NULL || headers == NULL) {
		goto cleanup;
	}
	curl_easy_setopt(curl, CURLOPT_URL, p->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)p->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, p->user_agent);
	for (long attempt = 0; attempt <= p->retries; attempt++) {
		struct timespec pause = { .tv_sec = pause_ms / 1000,
					  .tv_nsec = (pause_ms % 1000) * 1000000L };

		if (attempt > 0) {
			/* back off: a restarting receiver gets a moment */
			nanosleep(&pause, NULL);
			pause_ms *= 2;
		}
		rc = post_once(curl, p);
		if (rc != -EAGAIN) {
			break;
		}
	}
cleanup:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return rc;
}
