// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvnfha role API: the VNFC side of the control socket (<vnfha/role.h>). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/unix_sock.h"
#include "role/role_proto.h"
#include "vnfha/role.h"

struct vnfha_role_conn {
	int fd;
};

int vnfha__ctl_connect(const char *path)
{
	return vnfha__unix_connect(path, SOCK_SEQPACKET);
}

static int send_msg(int fd, const struct vnfha__ctl_msg *m)
{
	char buf[VNFHA__CTL_MAX + 1];
	int n = vnfha__ctl_format(m, buf, sizeof(buf));

	if (n < 0) {
		return n;
	}
	/* SOCK_SEQPACKET: a message goes whole or not at all. */
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
		return -errno;
	}
	return 0;
}

int vnfha_role_open(const char *socket_path, struct vnfha_role_conn **ret_conn)
{
	struct vnfha__ctl_msg hello = { .type = VNFHA__CTL_HELLO, .pid = getpid() };
	struct vnfha_role_conn *conn = NULL;
	const char *path = socket_path ? socket_path : getenv(VNFHA_ROLE_SOCKET_ENV);
	int fd, rc;

	if (ret_conn == NULL) {
		return -EINVAL;
	}
	if (path == NULL || *path == '\0') {
		return -ENOENT;
	}
	fd = vnfha__ctl_connect(path);
	if (fd < 0) {
		return fd;
	}
	rc = send_msg(fd, &hello);
	if (rc < 0) {
		goto close_fd;
	}
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		rc = -ENOMEM;
		goto close_fd;
	}
	conn->fd = fd;
	*ret_conn = conn;
	return 0;

close_fd:
	close(fd);
	return rc;
}

void vnfha_role_close(struct vnfha_role_conn *conn)
{
	if (conn == NULL) {
		return;
	}
	close(conn->fd);
	free(conn);
}

int vnfha_role_fd(const struct vnfha_role_conn *conn)
{
	return conn != NULL ? conn->fd : -EINVAL;
}

int vnfha_role_recv(struct vnfha_role_conn *conn, enum vnfha_role *ret_role)
{
	char buf[VNFHA__CTL_MAX + 1];
	struct vnfha__ctl_msg m;
	ssize_t n;

	if (conn == NULL || ret_role == NULL) {
		return -EINVAL;
	}
	n = recv(conn->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	if (n == 0) {
		return -EPIPE;
	}
	if (vnfha__ctl_parse(buf, (size_t)n, &m) < 0 || m.type != VNFHA__CTL_ROLE ||
	    m.role == VNFHA__ROLE_NONE) {
		return -EPROTO;
	}
	*ret_role = m.role == VNFHA__ROLE_ACTIVE ? VNFHA_ROLE_ACTIVE : VNFHA_ROLE_STANDBY;
	return 0;
}

int vnfha_role_ready(struct vnfha_role_conn *conn, enum vnfha_role role)
{
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_READY };

	if (conn == NULL || (role != VNFHA_ROLE_STANDBY && role != VNFHA_ROLE_ACTIVE)) {
		return -EINVAL;
	}
	m.role = role == VNFHA_ROLE_ACTIVE ? VNFHA__ROLE_ACTIVE : VNFHA__ROLE_STANDBY;
	return send_msg(conn->fd, &m);
}

int vnfha_role_heartbeat(struct vnfha_role_conn *conn)
{
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_HEARTBEAT };

	if (conn == NULL) {
		return -EINVAL;
	}
	return send_msg(conn->fd, &m);
}

int vnfha_role_health(struct vnfha_role_conn *conn, enum vnfha_health health, const char *text)
{
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_HEALTH };

	if (conn == NULL || health < VNFHA_HEALTH_OK || health > VNFHA_HEALTH_FAILED) {
		return -EINVAL;
	}
	m.health = (enum vnfha__ctl_health)health;
	/* Keep only printable ASCII: the text ends up in cluster logs. */
	for (size_t i = 0, j = 0; text != NULL && text[i] != '\0' && j < VNFHA__CTL_TEXT_MAX; i++) {
		if (text[i] >= 0x20 && text[i] <= 0x7e) {
			m.text[j++] = text[i];
		}
	}
	return send_msg(conn->fd, &m);
}
