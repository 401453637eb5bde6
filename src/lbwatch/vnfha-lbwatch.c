// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-lbwatch — follows the servers of HAProxy backends through the
 * runtime API and tells the VNF manager when HAProxy takes a member out of
 * the pool or puts it back (our JSON, or VES 7.x fault events), and can run
 * a recovery hook when a member goes down: the load balancer as the cluster
 * manager of an active/active pool (see vnfha-lbwatch(8)).
 *
 * The watch loop asks `show stat <backend> 4 -1` every interval and turns
 * each change into one event (lbwatch_state.c); the event is on disk before
 * a delivery thread POSTs it (alert_post.c: timeouts, bounded retries,
 * libcurl, no shell), and leaves the disk only once the VNFM took it.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/argv_split.h"
#include "common/clock.h"
#include "common/parse.h"
#include "lbwatch/lbwatch.h"
#include "lbwatch/lbwatch_event.h"
#include "ocf/ocf.h"

enum exit_code { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

#define REPLY_MAX VNFHA_HAPROXY_REPLY_MAX

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s --socket ADDR --backend NAME [--backend NAME...] --url URL\n"
		"       [--vnf NAME] [--format json|ves] [--interval DUR] [--api-timeout DUR]\n"
		"       [--timeout DUR] [--retries N] [--state-file PATH]\n"
		"       [--hook 'CMD ARGS'] [--hook-timeout DUR]\n"
		"Follows HAProxy's backend servers and tells the VNFM at URL when one leaves\n"
		"or rejoins the pool. See vnfha-lbwatch(8).\n",
		prog);
}

static int bad(const char *opt, const char *value, const char *fix)
{
	vnfha_log(VNFHA_LOG_ERR, "--%s='%s' is invalid: %s", opt, value, fix);
	return -EINVAL;
}

static int duration(const char *opt, const char *value, uint64_t min, uint64_t max,
		    uint64_t *ret, const char *fix)
{
	uint64_t ms = 0;

	if (vnfha__parse_duration_ms(value, max, &ms) < 0 || ms < min) {
		return bad(opt, value, fix);
	}
	*ret = ms;
	return 0;
}

static int add_backend(struct lbw *w, const char *name)
{
	char **b;

	if (!vnfha_haproxy_name_is_valid(name)) {
		return bad("backend", name, "a HAProxy backend name: letters, digits, '_.:-'");
	}
	b = realloc(w->backends, (w->n_backends + 1) * sizeof(*b));
	if (b == NULL) {
		return -ENOMEM;
	}
	w->backends = b;
	w->backends[w->n_backends++] = (char *)name;
	return 0;
}

static int parse_options(struct lbw *w, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'b' },
		{ "url", required_argument, NULL, 'u' },
		{ "vnf", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "api-timeout", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retries", required_argument, NULL, 'r' },
		{ "state-file", required_argument, NULL, 'S' },
		{ "hook", required_argument, NULL, 'H' },
		{ "hook-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, rc = 0;

	while (rc == 0 && (ch = getopt_long(argc, argv, "s:b:u:n:f:i:a:t:r:S:H:T:h", longopts,
					    NULL)) != -1) {
		switch (ch) {
		case 's':
			w->api_text = optarg;
			if (vnfha_haproxy_addr_parse(optarg, &w->api) < 0) {
				rc = bad("socket", optarg,
					 "the runtime API socket: /path, unix:/path, A.B.C.D:PORT "
					 "or [IPv6]:PORT");
			}
			break;
		case 'b':
			rc = add_backend(w, optarg);
			break;
		case 'u':
			w->post.url = optarg;
			if (vnfha__post_url_check(optarg) < 0) {
				rc = bad("url", optarg, "the VNFM's http:// or https:// URL");
			}
			break;
		case 'n':
			w->vnf = optarg;
			if (*optarg == '\0' || strlen(optarg) > LBW_NAME_MAX) {
				rc = bad("vnf", optarg, "a name of 1 to 63 bytes");
			}
			break;
		case 'f':
			if (strcmp(optarg, "ves") != 0 && strcmp(optarg, "json") != 0) {
				rc = bad("format", optarg, "json (default) or ves");
			}
			w->ves = strcmp(optarg, "ves") == 0;
			break;
		case 'i':
			rc = duration("interval", optarg, 10, 10000, &w->interval_ms, "use 10ms to 10s");
			break;
		case 'a':
			rc = duration("api-timeout", optarg, 50, 10000, &w->api_timeout_ms,
				      "use 50ms to 10s");
			break;
		case 't':
			rc = duration("timeout", optarg, 100, VNFHA__POST_TIMEOUT_MAX_MS,
				      &w->post.timeout_ms, "use 100ms to 10s");
			break;
		case 'r':
			if (vnfha__parse_long(optarg, 0, VNFHA__POST_RETRIES_MAX, &w->post.retries) < 0) {
				rc = bad("retries", optarg, "use 0 to 5");
			}
			break;
		case 'S':
			w->state_file = optarg;
			if (optarg[0] != '/') {
				rc = bad("state-file", optarg, "use an absolute path");
			}
			break;
		case 'H':
			if (vnfha__argv_split(optarg, &w->hook_argv, NULL) < 0 || w->hook_argv[0] == NULL ||
			    w->hook_argv[0][0] != '/') {
				rc = bad("hook", optarg,
					 "the command's absolute path and its arguments (no shell)");
			}
			break;
		case 'T':
			rc = duration("hook-timeout", optarg, 100, 600000, &w->hook_timeout_ms,
				      "use 100ms to 10min");
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(EXIT_OK);
		default:
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (rc == 0 && optind < argc) {
		vnfha_log(VNFHA_LOG_ERR, "unexpected argument '%s'", argv[optind]);
		rc = -EINVAL;
	}
	if (rc == 0 && (w->api_text == NULL || w->n_backends == 0 || w->post.url == NULL)) {
		vnfha_log(VNFHA_LOG_ERR, "--socket, --backend and --url are required (see --help)");
		rc = -EINVAL;
	}
	return rc;
}

struct poll_ctx {
	struct lbw *w;
	const char *backend;
	int64_t now_us;
};

static int on_row(const struct vnfha_haproxy_stat *row, void *arg)
{
	struct poll_ctx *c = arg;
	struct lbw *w = c->w;
	const struct lbw_event *e = NULL;
	struct lbw_event copy;
	int rc, save_rc;

	pthread_mutex_lock(&w->lock);
	rc = vnfha__lbw_observe(&w->st, w->vnf, c->backend, row, c->now_us, &e);
	if (rc == 1) {
		copy = *e;
		/* On disk before anyone hears of it: a crash now resends, never loses. */
		save_rc = vnfha__lbw_save(w);
		if (save_rc < 0) {
			vnfha_log(VNFHA_LOG_ERR, "cannot write %s: %s (event kept in memory)",
				  w->state_file, strerror(-save_rc));
		}
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	if (rc < 0) {
		return rc;
	}
	if (rc == 1) {
		vnfha_log(copy.kind == LBW_CLEAR ? VNFHA_LOG_INFO : VNFHA_LOG_WARNING,
			  "%s/%s %s (%s, seq %llu): %s", copy.backend, copy.server,
			  vnfha__lbw_event_name(&copy), vnfha__lbw_kind_name(copy.kind),
			  (unsigned long long)copy.seq, copy.why);
		if (w->hook_argv != NULL && copy.kind != LBW_CLEAR && copy.cond == LBW_DOWN) {
			vnfha__lbw_hook_start(w, &copy);
		}
	}
	return 0;
}

static void poll_backend(struct lbw *w, const char *backend, char *reply)
{
	char cmd[VNFHA_HAPROXY_NAME_MAX + 32];
	struct poll_ctx c = { .w = w, .backend = backend };
	size_t len = 0;
	int rc;

	snprintf(cmd, sizeof(cmd), "show stat %s 4 -1", backend);
	rc = vnfha_haproxy_exchange(&w->api, (unsigned)w->api_timeout_ms, cmd, reply, REPLY_MAX,
				    &len);
	if (rc < 0) {
		/* HAProxy restarting, or gone: keep what we know, report nothing. */
		if (!w->api_down) {
			vnfha_log(VNFHA_LOG_WARNING, "HAProxy's runtime API at %s: %s; keeping the "
				  "last known states until it answers", w->api_text, strerror(-rc));
		}
		w->api_down = true;
		return;
	}
	if (w->api_down) {
		vnfha_log(VNFHA_LOG_INFO, "HAProxy's runtime API at %s answers again", w->api_text);
		w->api_down = false;
	}
	c.now_us = vnfha__lbw_realtime_us();
	rc = vnfha_haproxy_parse_stat_servers(reply, len, backend, on_row, &c);
	if (rc == -ESRCH) {
		vnfha_log(VNFHA_LOG_WARNING, "HAProxy has no backend '%s'", backend);
	} else if (rc < 0) {
		vnfha_log(VNFHA_LOG_WARNING, "cannot read HAProxy's answer for '%s': %s", backend,
			  strerror(-rc));
	}
}

static int watch(struct lbw *w, int sig_fd)
{
	char *reply = malloc(REPLY_MAX);

	if (reply == NULL) {
		return -ENOMEM;
	}
	for (;;) {
		int64_t next = vnfha__now_ms() + (int64_t)w->interval_ms;
		struct pollfd p = { .fd = sig_fd, .events = POLLIN };
		int64_t left;

		for (size_t i = 0; i < w->n_backends; i++) {
			poll_backend(w, w->backends[i], reply);
		}
		vnfha__lbw_hook_reap(w, false);
		left = next - vnfha__now_ms();
		if (poll(&p, 1, left > 0 ? (int)left : 0) > 0) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				vnfha_log(VNFHA_LOG_INFO, "signal %u: stopping", si.ssi_signo);
				break;
			}
		}
	}
	free(reply);
	return 0;
}

/* The default /var/lib/vnfha may not exist yet on a fresh system: make it (one level). */
static void make_state_dir(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
	}
}

int main(int argc, char **argv)
{
	struct lbw w = {
		.vnf = "vnf", .state_file = "/var/lib/vnfha/lbwatch.state", .interval_ms = 100,
		.api_timeout_ms = 1000, .hook_timeout_ms = 10000,
		.post = { .user_agent = "vnfha-lbwatch/" PACKAGE_VERSION, .timeout_ms = 2000,
			  .retries = 2 },
	};
	pthread_condattr_t cattr;
	pthread_t sender;
	sigset_t mask;
	char why[512];
	int sig_fd, rc;

	vnfha_log_init("vnfha-lbwatch", "-");
	if (parse_options(&w, argc, argv) < 0) {
		return EXIT_USAGE;
	}
	if (gethostname(w.reporter, sizeof(w.reporter) - 1) < 0 || w.reporter[0] == '\0') {
		snprintf(w.reporter, sizeof(w.reporter), "vnfha-lbwatch");
	}
	make_state_dir(w.state_file);
	rc = vnfha__lbw_load(&w, why, sizeof(why));
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "%s", why);
		return EXIT_FAILED;
	}
	rc = vnfha__lbw_save(&w);
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot write the state file %s: %s (give --state-file a "
			  "writable place that survives a restart)", w.state_file, strerror(-rc));
		return EXIT_FAILED;
	}
	vnfha_log(VNFHA_LOG_INFO, "watching %zu backend(s) at %s every %llu ms; %zu member(s) "
		  "known, %zu event(s) to deliver to %s", w.n_backends, w.api_text,
		  (unsigned long long)w.interval_ms, w.st.n_members, w.st.n_queue, w.post.url);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sig_fd < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		return EXIT_FAILED;
	}
	pthread_mutex_init(&w.lock, NULL);
	/* Delivery pauses are measured on the monotonic clock: a wall clock step
	 * neither stretches nor skips them. */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&w.wake, &cattr);
	pthread_condattr_destroy(&cattr);
	if (pthread_create(&sender, NULL, vnfha__lbw_deliver, &w) != 0) {
		return EXIT_FAILED;
	}
	rc = watch(&w, sig_fd);
	pthread_mutex_lock(&w.lock);
	w.stopping = true;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
	pthread_join(sender, NULL);
	vnfha__lbw_hook_reap(&w, true);
	pthread_mutex_lock(&w.lock);
	if (vnfha__lbw_save(&w) < 0) {
		rc = -EIO;
	}
	pthread_mutex_unlock(&w.lock);
	if (w.st.n_queue > 0) {
		vnfha_log(VNFHA_LOG_WARNING, "%zu event(s) not yet delivered stay in %s for the next "
			  "start", w.st.n_queue, w.state_file);
	}
	vnfha__lbw_free(&w.st);
	vnfha__argv_free(w.hook_argv);
	free(w.backends);
	free(w.hooks);
	close(sig_fd);
	curl_global_cleanup();
	return rc < 0 ? EXIT_FAILED : EXIT_OK;
}
