// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-lbwatch's side effects: the state file on disk, the delivery
 * thread that POSTs queued events to the VNFM, and the recovery hook.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lbwatch/lbwatch.h"
#include "lbwatch/lbwatch_event.h"
#include "common/clock.h"
#include "common/spawn.h"
#include "ocf/ocf.h"

#define STATE_FILE_MAX (64 * 1024 * 1024)
#define BODY_MAX 16384
#define PAUSE_MIN_MS 1000  /* after a failed delivery round; doubles */
#define PAUSE_MAX_MS 30000

int64_t vnfha__lbw_realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int vnfha__lbw_load(struct lbw *w, char *why, size_t why_len)
{
	struct stat sb;
	char *text = NULL;
	size_t line = 0;
	ssize_t n = 0;
	int fd = open(w->state_file, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0 && errno == ENOENT) {
		return 0; /* first start */
	}
	if (fd < 0 || fstat(fd, &sb) < 0) {
		rc = -errno;
		snprintf(why, why_len, "cannot read %s: %s", w->state_file, strerror(-rc));
		goto out;
	}
	if (sb.st_size > STATE_FILE_MAX) {
		rc = -EFBIG;
		snprintf(why, why_len, "%s is larger than %d bytes", w->state_file, STATE_FILE_MAX);
		goto out;
	}
	text = malloc((size_t)sb.st_size + 1);
	if (text == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t got = 0; got < (size_t)sb.st_size; got += (size_t)n) {
		n = read(fd, text + got, (size_t)sb.st_size - got);
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(why, why_len, "cannot read %s", w->state_file);
			goto out;
		}
	}
	rc = vnfha__lbw_parse(text, (size_t)sb.st_size, &w->st, &line);
	if (rc < 0) {
		snprintf(why, why_len,
			 "state file %s is malformed at line %zu: move it away to start afresh "
			 "(the alarms it holds open are then forgotten)",
			 w->state_file, line);
	}
out:
	free(text);
	if (fd >= 0) {
		close(fd);
	}
	return rc;
}

int vnfha__lbw_save(struct lbw *w)
{
	char tmp[4096], dir[4096];
	char *text = vnfha__lbw_format(&w->st);
	size_t len, done = 0;
	int fd = -1, rc = 0;

	if (text == NULL) {
		return -ENOMEM;
	}
	len = strlen(text);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", w->state_file) >= sizeof(tmp)) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0) {
			rc = -errno;
			goto out;
		}
		done += (size_t)n;
	}
	/* The new state is on disk before it replaces the old one. */
	if (fsync(fd) < 0 || rename(tmp, w->state_file) < 0) {
		rc = -errno;
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", w->state_file);
	if (strrchr(dir, '/') != NULL) {
		int dfd;

		*strrchr(dir, '/') = '\0';
		dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
out:
	if (fd >= 0) {
		close(fd);
	}
	free(text);
	return rc;
}

static void pause_ms(struct lbw *w, int64_t ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until); /* the condition variable's clock (main) */
	vnfha__timespec_add_ms(&until, (unsigned int)ms);
	pthread_cond_timedwait(&w->wake, &w->lock, &until);
}

void *vnfha__lbw_deliver(void *arg)
{
	struct lbw *w = arg;
	int64_t pause = PAUSE_MIN_MS;
	char body[BODY_MAX];

	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct lbw_event e;
		struct vnfha__post post = w->post;
		char what[2 * LBW_NAME_MAX + 64];
		int n, rc;

		if (w->st.n_queue == 0) {
			pthread_cond_wait(&w->wake, &w->lock);
			continue;
		}
		e = w->st.queue[0];
		pthread_mutex_unlock(&w->lock);
		snprintf(what, sizeof(what), "%s %s/%s (seq %llu)", vnfha__lbw_event_name(&e),
			 e.backend, e.server, (unsigned long long)e.seq);
		post.log_what = what;
		n = vnfha__lbw_render(&e, w->vnf, w->reporter, w->ves, body, sizeof(body));
		rc = n < 0 ? -EPERM : vnfha__post_json(&post, body);
		pthread_mutex_lock(&w->lock);
		if (rc == 0 || rc == -EPERM) {
			if (rc == 0) {
				vnfha_log(VNFHA_LOG_INFO, "told VNFM at %s: %s", post.url, what);
			} else {
				/* kept, it would block every later event for ever */
				vnfha_log(VNFHA_LOG_ERR, "VNFM at %s refused %s; dropped", post.url,
					  what);
			}
			if (w->st.n_queue > 0 && w->st.queue[0].seq == e.seq) {
				int save_rc;

				vnfha__lbw_pop(&w->st);
				save_rc = vnfha__lbw_save(w);
				if (save_rc < 0) {
					vnfha_log(VNFHA_LOG_ERR, "cannot write %s: %s", w->state_file,
						  strerror(-save_rc));
				}
			}
			pause = PAUSE_MIN_MS;
			continue;
		}
		vnfha_log(VNFHA_LOG_WARNING, "VNFM at %s did not take %s; trying again in %lld ms",
			  post.url, what, (long long)pause);
		if (!w->stopping) {
			pause_ms(w, pause);
		}
		pause = pause * 2 > PAUSE_MAX_MS ? PAUSE_MAX_MS : pause * 2;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

void vnfha__lbw_hook_reap(struct lbw *w, bool wait_all)
{
	for (size_t i = 0; i < w->n_hooks;) {
		struct lbw_hook *h = &w->hooks[i];
		int status = 0;
		pid_t r = waitpid(h->pid, &status, wait_all ? 0 : WNOHANG);

		if (r == 0 && vnfha__now_ms() >= h->deadline_ms) {
			vnfha_log(VNFHA_LOG_ERR, "recovery hook %ld still runs after %llu ms: killed",
				  (long)h->pid, (unsigned long long)w->hook_timeout_ms);
			kill(h->pid, SIGKILL);
			r = waitpid(h->pid, &status, 0);
			status = -1;
		}
		if (r == 0) {
			i++;
			continue;
		}
		if (status != 0) {
			vnfha_log(VNFHA_LOG_WARNING, "recovery hook %ld ended with status %d",
				  (long)h->pid, status < 0 ? -1 : WIFEXITED(status)
								    ? WEXITSTATUS(status)
								    : 128 + WTERMSIG(status));
		}
		w->hooks[i] = w->hooks[--w->n_hooks];
	}
}

void vnfha__lbw_hook_start(struct lbw *w, const struct lbw_event *e)
{
	size_t n = 0;
	char **argv;
	pid_t pid = 0;
	int pidfd = -1, rc;

	while (w->hook_argv[n] != NULL) {
		n++;
	}
	if (w->n_hooks == w->cap_hooks) {
		size_t cap = w->cap_hooks ? 2 * w->cap_hooks : 4;
		struct lbw_hook *h = realloc(w->hooks, cap * sizeof(*h));

		if (h == NULL) {
			vnfha_log(VNFHA_LOG_ERR, "no memory to start the recovery hook");
			return;
		}
		w->hooks = h;
		w->cap_hooks = cap;
	}
	argv = calloc(n + 7, sizeof(*argv));
	if (argv == NULL) {
		return;
	}
	/* The hook's argv is fixed; the event's details follow it as words. */
	memcpy(argv, w->hook_argv, n * sizeof(*argv));
	argv[n] = (char *)vnfha__lbw_event_name(e);
	argv[n + 1] = (char *)e->backend;
	argv[n + 2] = (char *)e->server;
	argv[n + 3] = (char *)(e->addr[0] ? e->addr : "-");
	argv[n + 4] = (char *)e->event_id;
	argv[n + 5] = (char *)w->vnf;
	rc = vnfha__spawn(argv, -1, &pid, &pidfd);
	free(argv);
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot start the recovery hook %s: %s", w->hook_argv[0],
			  strerror(-rc));
		return;
	}
	close(pidfd); /* reaped by waitpid() in vnfha__lbw_hook_reap() */
	vnfha_log(VNFHA_LOG_INFO, "recovery hook %ld started for %s/%s", (long)pid, e->backend,
		  e->server);
	w->hooks[w->n_hooks++] = (struct lbw_hook){ .pid = pid,
						    .deadline_ms = vnfha__now_ms() +
								   (int64_t)w->hook_timeout_ms };
}
