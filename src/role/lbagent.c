// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvnfha's agent-check responder (<vnfha/lbagent.h>): one thread per
 * agent that accepts HAProxy's check connections, writes one answer and
 * closes. It holds the state lock only to copy the state, never while it
 * does I/O, so nothing the VNFC does can stall it; the VNFC's calls only
 * take the lock for a few stores.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "role/lbagent_proto.h"
#include "vnfha/lbagent.h"

struct vnfha_lbagent {
	int listen_fd;
	int wake[2]; /* close() writes here to end the thread */
	int port;
	pthread_t thread;
	pthread_mutex_t lock;
	/* under lock */
	unsigned int hb_timeout_ms;
	int64_t last_hb_ms;
	enum vnfha_health health;
	enum vnfha__lbagent_admin admin;
	unsigned int weight_pct;
	char text[VNFHA__LBAGENT_WHY_MAX + 1];
};

/* The answer for now, from a copy of the state taken under the lock. */
static int current_answer(struct vnfha_lbagent *a, char *buf, size_t len)
{
	char why[VNFHA__LBAGENT_WHY_MAX + 64];
	struct vnfha__lbagent_view v = { .up = true };
	int64_t age;

	pthread_mutex_lock(&a->lock);
	age = vnfha__now_ms() - a->last_hb_ms;
	v.admin = a->admin;
	v.weight_pct = a->weight_pct;
	if (a->hb_timeout_ms > 0 && age > (int64_t)a->hb_timeout_ms) {
		v.up = false;
		snprintf(why, sizeof(why), "vnfha: no heartbeat for %lld ms (timeout %u ms)",
			 (long long)age, a->hb_timeout_ms);
	} else if (a->health == VNFHA_HEALTH_FAILED) {
		v.up = false;
		snprintf(why, sizeof(why), "vnfha: failed: %s", a->text);
	} else if (a->health == VNFHA_HEALTH_DEGRADED) {
		snprintf(why, sizeof(why), "vnfha: degraded: %s", a->text);
	} else {
		why[0] = '\0';
	}
	pthread_mutex_unlock(&a->lock);
	v.why = why;
	return vnfha__lbagent_answer(&v, buf, len);
}

static void answer_one(struct vnfha_lbagent *a, int fd)
{
	char buf[VNFHA__LBAGENT_ANSWER_MAX + 1];
	int n = current_answer(a, buf, sizeof(buf));

	/* A fresh socket's send buffer takes a line; never wait for HAProxy. */
	if (n > 0) {
		(void)!send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	close(fd);
}

static void *serve(void *arg)
{
	struct vnfha_lbagent *a = arg;

	for (;;) {
		struct pollfd p[2] = { { .fd = a->listen_fd, .events = POLLIN },
				       { .fd = a->wake[0], .events = POLLIN } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			break;
		}
		if (p[1].revents != 0) {
			break;
		}
		for (;;) {
			int fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd < 0) {
				break; /* EAGAIN, or a connection reset before accept */
			}
			answer_one(a, fd);
		}
	}
	return NULL;
}

int vnfha_lbagent_open(const char *address, unsigned int heartbeat_timeout_ms,
		       struct vnfha_lbagent **ret_agent)
{
	struct sockaddr_storage ss;
	struct vnfha_lbagent *a = NULL;
	sigset_t all, old;
	socklen_t len = 0;
	int rc;

	rc = vnfha__lbagent_parse_address(address, &ss, &len);
	if (rc < 0) {
		return rc;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		return -ENOMEM;
	}
	a->wake[0] = a->wake[1] = -1;
	a->hb_timeout_ms = heartbeat_timeout_ms;
	a->last_hb_ms = vnfha__now_ms();
	a->health = VNFHA_HEALTH_OK;
	a->listen_fd = vnfha__lbagent_listen(&ss, len, &a->port);
	if (a->listen_fd < 0) {
		rc = a->listen_fd;
		goto free_agent;
	}
	if (pipe2(a->wake, O_CLOEXEC) < 0) {
		rc = -errno;
		goto close_listen;
	}
	pthread_mutex_init(&a->lock, NULL);
	/* The VNFC's signals are its own: the thread takes none of them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&a->thread, NULL, serve, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0) {
		goto destroy;
	}
	*ret_agent = a;
	return 0;

destroy:
	pthread_mutex_destroy(&a->lock);
	close(a->wake[0]);
	close(a->wake[1]);
close_listen:
	close(a->listen_fd);
free_agent:
	free(a);
	return rc;
}

void vnfha_lbagent_close(struct vnfha_lbagent *agent)
{
	if (agent == NULL) {
		return;
	}
	(void)!write(agent->wake[1], "x", 1);
	pthread_join(agent->thread, NULL);
	close(agent->listen_fd);
	close(agent->wake[0]);
	close(agent->wake[1]);
	pthread_mutex_destroy(&agent->lock);
	free(agent);
}

int vnfha_lbagent_port(const struct vnfha_lbagent *agent)
{
	return agent->port;
}

int vnfha_lbagent_heartbeat(struct vnfha_lbagent *agent)
{
	pthread_mutex_lock(&agent->lock);
	agent->last_hb_ms = vnfha__now_ms();
	pthread_mutex_unlock(&agent->lock);
	return 0;
}

int vnfha_lbagent_health(struct vnfha_lbagent *agent, enum vnfha_health health, const char *text)
{
	size_t j = 0;

	if (health < VNFHA_HEALTH_OK || health > VNFHA_HEALTH_FAILED) {
		return -EINVAL;
	}
	pthread_mutex_lock(&agent->lock);
	agent->health = health;
	for (size_t i = 0; text != NULL && text[i] != '\0' && j < VNFHA__LBAGENT_WHY_MAX; i++) {
		if (text[i] >= 0x20 && text[i] <= 0x7e) {
			agent->text[j++] = text[i];
		}
	}
	agent->text[j] = '\0';
	pthread_mutex_unlock(&agent->lock);
	return 0;
}

int vnfha_lbagent_admin(struct vnfha_lbagent *agent, enum vnfha_lbagent_admin admin)
{
	if (admin < VNFHA_LBAGENT_READY || admin > VNFHA_LBAGENT_MAINT) {
		return -EINVAL;
	}
	pthread_mutex_lock(&agent->lock);
	agent->admin = (enum vnfha__lbagent_admin)admin;
	pthread_mutex_unlock(&agent->lock);
	return 0;
}

int vnfha_lbagent_weight(struct vnfha_lbagent *agent, unsigned int percent)
{
	if (percent > 100) {
		return -EINVAL;
	}
	pthread_mutex_lock(&agent->lock);
	agent->weight_pct = percent;
	pthread_mutex_unlock(&agent->lock);
	return 0;
}
