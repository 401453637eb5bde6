// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * HAProxy runtime API transport (see haproxy_api.h): a non-blocking socket,
 * one deadline for connect, send and read, a bounded answer buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/unix_sock.h"
#include "common/clock.h"
#include "haproxy/haproxy_api.h"
#include "common/parse.h"

static int parse_port(const char *text, in_port_t *ret_port)
{
	long port = 0;

	if (vnfha__parse_long(text, 1, 65535, &port) < 0) {
		return -EINVAL;
	}
	*ret_port = htons((uint16_t)port);
	return 0;
}

int vnfha_haproxy_addr_parse(const char *text, struct vnfha_haproxy_addr *ret_addr)
{
	struct vnfha_haproxy_addr a;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	size_t host_len;

	if (text == NULL || *text == '\0') {
		return -EINVAL;
	}
	memset(&a, 0, sizeof(a));
	if (strncmp(text, "unix:", 5) == 0) {
		text += 5;
	}
	if (text[0] == '/') {
		int rc = vnfha__unix_addr(text, (struct sockaddr_un *)&a.sa, &a.sa_len);

		if (rc == 0) {
			*ret_addr = a;
		}
		return rc;
	}
	colon = strrchr(text, ':');
	if (colon == NULL) {
		return -EINVAL;
	}
	host_len = (size_t)(colon - text);
	if (host_len == 0 || host_len >= sizeof(host)) {
		return -EINVAL;
	}
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (host[0] == '[') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.sa;

		if (host_len < 3 || host[host_len - 1] != ']') {
			return -EINVAL;
		}
		host[host_len - 1] = '\0';
		in6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1 ||
		    parse_port(colon + 1, &in6->sin6_port) < 0) {
			return -EINVAL;
		}
		a.sa_len = sizeof(*in6);
	} else {
		struct sockaddr_in *in4 = (struct sockaddr_in *)&a.sa;

		in4->sin_family = AF_INET;
		if (inet_pton(AF_INET, host, &in4->sin_addr) != 1 ||
		    parse_port(colon + 1, &in4->sin_port) < 0) {
			return -EINVAL;
		}
		a.sa_len = sizeof(*in4);
	}
	*ret_addr = a;
	return 0;
}

bool vnfha_haproxy_err_is_unreachable(int err)
{
	return err == -ECONNREFUSED || err == -ENOENT || err == -EHOSTUNREACH ||
	       err == -ENETUNREACH || err == -ETIMEDOUT;
}

/* Waits for events on fd until the deadline; 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int64_t left = deadline - vnfha__now_ms();
		int n;

		if (left <= 0) {
			return -ETIMEDOUT;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return -errno;
		}
		if (n > 0) {
			return 0;
		}
	}
}

static int connect_deadline(const struct vnfha_haproxy_addr *addr, int64_t deadline, int *ret_fd)
{
	int fd = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t err_len = sizeof(err);
	int rc;

	if (fd < 0) {
		return -errno;
	}
	if (connect(fd, (const struct sockaddr *)&addr->sa, addr->sa_len) == 0) {
		*ret_fd = fd;
		return 0;
	}
	if (errno != EINPROGRESS && errno != EAGAIN) {
		rc = -errno;
		goto close_fd;
	}
	rc = wait_fd(fd, POLLOUT, deadline);
	if (rc < 0) {
		goto close_fd;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0) {
		rc = -errno;
		goto close_fd;
	}
	if (err != 0) {
		rc = -err;
		goto close_fd;
	}
	*ret_fd = fd;
	return 0;

close_fd:
	close(fd);
	return rc;
}

static int send_all(int fd, const char *data, size_t len, int64_t deadline)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, data + done, len - done, MSG_NOSIGNAL);
		int rc;

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -errno;
		}
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* Reads until EOF (HAProxy closes after answering). */
static int read_all(int fd, char *buf, size_t buf_len, int64_t deadline, size_t *ret_len)
{
	size_t used = 0;

	for (;;) {
		ssize_t n;
		int rc;

		if (used + 1 >= buf_len) {
			return -EMSGSIZE;
		}
		n = recv(fd, buf + used, buf_len - 1 - used, 0);
		if (n == 0) {
			break;
		}
		if (n > 0) {
			used += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR) {
			return -errno;
		}
		rc = wait_fd(fd, POLLIN, deadline);
		if (rc < 0) {
			return rc;
		}
	}
	buf[used] = '\0';
	*ret_len = used;
	return 0;
}

int vnfha_haproxy_exchange(const struct vnfha_haproxy_addr *addr, unsigned timeout_ms,
			   const char *cmd, char *buf, size_t buf_len, size_t *ret_len)
{
	int64_t deadline = vnfha__now_ms() + timeout_ms;
	char line[1024];
	size_t cmd_len = strlen(cmd);
	int fd = -1;
	int rc;

	if (buf_len == 0 || cmd_len + 2 > sizeof(line) || memchr(cmd, '\n', cmd_len) != NULL) {
		return -EINVAL;
	}
	memcpy(line, cmd, cmd_len);
	line[cmd_len] = '\n';
	rc = connect_deadline(addr, deadline, &fd);
	if (rc < 0) {
		return rc;
	}
	rc = send_all(fd, line, cmd_len + 1, deadline);
	if (rc < 0) {
		goto close_fd;
	}
	/* Half-close: HAProxy ends the session once the command is answered. */
	shutdown(fd, SHUT_WR);
	rc = read_all(fd, buf, buf_len, deadline, ret_len);
close_fd:
	if (rc == -ETIMEDOUT) {
		rc = -ETIME; /* connected, but HAProxy did not answer in time */
	}
	close(fd);
	return rc;
}
