// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The streams under the sessions, by peer address scheme (see struct
 * ckptd_transport in vnfha-ckptd-tcp.h): TCP, TLS 1.3 PSK unless --plaintext,
 * is built in and the default. A primary's sender dials its replica here.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vnfha-ckptd-tcp.h"

#define DIAL_TIMEOUT_MS 3000
#define DIAL_SLICE_MS 50

/* connect() that gives up when the peer is dropped or the role changes: a
 * blocking connect to a node that is gone would hold up whoever stops this
 * sender (a promotion, a new replica list) for the whole timeout. */
static int dial_connect(struct ckptd *d, struct peer *p, int fd, const struct sockaddr *sa,
			socklen_t len)
{
	int flags = fcntl(fd, F_GETFL);
	int err = 0;
	socklen_t err_len = sizeof(err);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		return -errno;
	}
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS) {
			return -errno;
		}
		for (int waited = 0;; waited += DIAL_SLICE_MS) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int n = poll(&pfd, 1, DIAL_SLICE_MS);

			if (n < 0 && errno != EINTR) {
				return -errno;
			}
			if (n > 0) {
				break;
			}
			if (ckptd_peer_stopped(d, p)) {
				return -ECANCELED;
			}
			if (waited + DIAL_SLICE_MS >= DIAL_TIMEOUT_MS) {
				return -ETIMEDOUT;
			}
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0) {
			return -errno;
		}
		if (err != 0) {
			return -err;
		}
	}
	return fcntl(fd, F_SETFL, flags) < 0 ? -errno : 0;
}

static int dial_tcp(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char host[256];
	char why[256];
	const char *port;
	int one = 1;
	int fd;
	const char *addr = strncmp(p->addr, "tcp:", 4) == 0 ? p->addr + 4 : p->addr;
	int rc = ckptd_split_addr(addr, host, sizeof(host), &port);

	if (rc != 0 || getaddrinfo(host, port, &hints, &res) != 0) {
		snprintf(p->last_error, sizeof(p->last_error), "cannot resolve '%s'", p->addr);
		return -EINVAL;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(res);
		return -errno;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	vnfha__ckpt_io_timeout(fd, DIAL_TIMEOUT_MS);
	rc = dial_connect(d, p, fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc != 0) {
		snprintf(p->last_error, sizeof(p->last_error), "connect: %s", strerror(-rc));
		close(fd);
		return rc;
	}
	if (d->opts.plaintext) {
		vnfha__ckpt_conn_init_fd(c, fd);
	} else {
		rc = vnfha__ckpt_tls_client(c, fd, &d->key, why, sizeof(why));
		if (rc != 0) {
			snprintf(p->last_error, sizeof(p->last_error), "%s", why);
			pthread_mutex_lock(&d->lock);
			p->tls_failures++;
			pthread_mutex_unlock(&d->lock);
			close(fd);
			return rc;
		}
	}
	/* Replica acks of large durable versions take a while (fsync). */
	vnfha__ckpt_io_timeout(fd, 120000);
	return 0;
}

/* The default transport: TCP, TLS unless --plaintext. */
const struct ckptd_transport ckptd_transport_tcp = {
	.scheme = "tcp",
	.dial = dial_tcp,
};

const struct ckptd_transport *const ckptd_transports[] = {
	&ckptd_transport_tcp,
	NULL,
};

const struct ckptd_transport *ckptd_transport_for(const char *addr)
{
	for (size_t i = 0; ckptd_transports[i] != NULL; i++) {
		size_t n = strlen(ckptd_transports[i]->scheme);

		if (strncmp(addr, ckptd_transports[i]->scheme, n) == 0 && addr[n] == ':') {
			return ckptd_transports[i];
		}
	}
	return &ckptd_transport_tcp;
}
