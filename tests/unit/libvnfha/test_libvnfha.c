// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libvnfha as a program links it (the built shared library, through its
 * version script): the version calls and macros, error texts, and the role
 * API against a control socket this test serves with the supervisor's own
 * protocol code (src/role/role_proto.c).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <vnfha/vnfha.h>

#include "role/role_proto.h"
#include "unit.h"

#if !VNFHA_VERSION_AT_LEAST(VNFHA_VERSION_MAJOR, VNFHA_VERSION_MINOR, VNFHA_VERSION_PATCH)
#error "VNFHA_VERSION_AT_LEAST is false for the headers' own version"
#endif
#if VNFHA_VERSION_AT_LEAST(VNFHA_VERSION_MAJOR + 1, 0, 0)
#error "VNFHA_VERSION_AT_LEAST is true for the next major release"
#endif

static void test_version(void)
{
	char want[64];

	snprintf(want, sizeof(want), "%d.%d.%d", VNFHA_VERSION_MAJOR, VNFHA_VERSION_MINOR,
		 VNFHA_VERSION_PATCH);
	CHECK(strcmp(VNFHA_VERSION_STRING, want) == 0);
	CHECK(strcmp(vnfha_lib_version(), VNFHA_VERSION_STRING) == 0);
	CHECK(strcmp(vnfha_lib_version(), PACKAGE_VERSION) == 0);
	CHECK(VNFHA_VERSION_AT_LEAST(0, 0, 0));
	CHECK(VNFHA_VERSION_AT_LEAST(VNFHA_VERSION_MAJOR, VNFHA_VERSION_MINOR, 0));
	CHECK(!VNFHA_VERSION_AT_LEAST(VNFHA_VERSION_MAJOR, VNFHA_VERSION_MINOR,
				      VNFHA_VERSION_PATCH + 1));
	CHECK(!VNFHA_VERSION_AT_LEAST(VNFHA_VERSION_MAJOR, VNFHA_VERSION_MINOR + 1, 0));
}

static void test_strerror(void)
{
	CHECK(strcmp(vnfha_lib_strerror(-ENOENT), "No such file or directory") == 0);
	CHECK(strcmp(vnfha_lib_strerror(ENOENT), "No such file or directory") == 0);
	CHECK(strcmp(vnfha_lib_strerror(-ETIMEDOUT), "Connection timed out") == 0);
	CHECK(strcmp(vnfha_lib_strerror(-100000), "unknown error") == 0);
	CHECK(strcmp(vnfha_lib_strerror(INT_MIN), "unknown error") == 0);
	CHECK(vnfha_lib_strerror(0) != NULL);
}

/* The supervisor's end: a listening SOCK_SEQPACKET socket at path. */
static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		perror("listen_at");
		exit(1);
	}
	return fd;
}

static int recv_msg(int fd, struct vnfha__ctl_msg *m)
{
	char buf[VNFHA__CTL_MAX + 1];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	return n <= 0 ? -EPIPE : vnfha__ctl_parse(buf, (size_t)n, m);
}

static void send_text(int fd, const char *text)
{
	CHECK_INT(send(fd, text, strlen(text), 0), (long long)strlen(text));
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 1000) == 1 && (p.revents & POLLIN);
}

static void test_role_open_errors(const char *dir)
{
	struct vnfha_role_conn *conn = NULL;
	char path[200], longpath[300];
	int fd;

	unsetenv(VNFHA_ROLE_SOCKET_ENV);
	CHECK_INT(vnfha_role_open(NULL, &conn), -ENOENT);
	setenv(VNFHA_ROLE_SOCKET_ENV, "", 1);
	CHECK_INT(vnfha_role_open(NULL, &conn), -ENOENT);
	snprintf(path, sizeof(path), "%s/none.sock", dir);
	CHECK_INT(vnfha_role_open(path, &conn), -ENOENT);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_INT(vnfha_role_open(longpath, &conn), -ENAMETOOLONG);
	CHECK_INT(vnfha_role_open(path, NULL), -EINVAL);
	/* a socket file nobody listens on any more */
	snprintf(path, sizeof(path), "%s/dead.sock", dir);
	fd = listen_at(path);
	close(fd);
	CHECK_INT(vnfha_role_open(path, &conn), -ECONNREFUSED);
	CHECK(conn == NULL); /* written only on success */
	/* NULL handles */
	CHECK_INT(vnfha_role_fd(NULL), -EINVAL);
	CHECK_INT(vnfha_role_recv(NULL, NULL), -EINVAL);
	CHECK_INT(vnfha_role_ready(NULL, VNFHA_ROLE_ACTIVE), -EINVAL);
	CHECK_INT(vnfha_role_heartbeat(NULL), -EINVAL);
	CHECK_INT(vnfha_role_health(NULL, VNFHA_HEALTH_OK, NULL), -EINVAL);
	vnfha_role_close(NULL);
}

static void test_role_session(const char *dir)
{
	struct vnfha_role_conn *conn = NULL;
	struct vnfha__ctl_msg m;
	enum vnfha_role role = VNFHA_ROLE_STANDBY;
	char path[200], text[400], buf[VNFHA__CTL_MAX + 1];
	int lfd, sfd, n;

	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	lfd = listen_at(path);
	/* the path from the environment, as ocf:vnfha:vnfc passes it */
	setenv(VNFHA_ROLE_SOCKET_ENV, path, 1);
	CHECK_INT(vnfha_role_open(NULL, &conn), 0);
	sfd = accept(lfd, NULL, NULL);
	CHECK(sfd >= 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.type, VNFHA__CTL_HELLO);
	CHECK_INT(m.pid, getpid());

	CHECK(vnfha_role_fd(conn) >= 0);
	CHECK_INT(vnfha_role_recv(conn, &role), -EAGAIN);
	CHECK_INT(vnfha_role_recv(conn, NULL), -EINVAL);

	/* a role change: the fd turns readable, recv reads it once */
	n = vnfha__ctl_format(&(struct vnfha__ctl_msg){ .type = VNFHA__CTL_ROLE,
							 .role = VNFHA__ROLE_ACTIVE },
			      buf, sizeof(buf));
	CHECK_INT(send(sfd, buf, (size_t)n, 0), n);
	CHECK(readable(vnfha_role_fd(conn)));
	CHECK_INT(vnfha_role_recv(conn, &role), 0);
	CHECK_INT(role, VNFHA_ROLE_ACTIVE);
	CHECK_INT(vnfha_role_recv(conn, &role), -EAGAIN);

	CHECK_INT(vnfha_role_ready(conn, VNFHA_ROLE_ACTIVE), 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.type, VNFHA__CTL_READY);
	CHECK_INT(m.role, VNFHA__ROLE_ACTIVE);
	CHECK_INT(vnfha_role_ready(conn, VNFHA_ROLE_STANDBY), 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.role, VNFHA__ROLE_STANDBY);
	CHECK_INT(vnfha_role_ready(conn, (enum vnfha_role)0), -EINVAL);
	CHECK_INT(vnfha_role_ready(conn, (enum vnfha_role)3), -EINVAL);

	CHECK_INT(vnfha_role_heartbeat(conn), 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.type, VNFHA__CTL_HEARTBEAT);

	/* health text: printable ASCII only, the first 200 characters */
	CHECK_INT(vnfha_role_health(conn, VNFHA_HEALTH_DEGRADED, "disk\n 91%\x01 full"), 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.type, VNFHA__CTL_HEALTH);
	CHECK_INT(m.health, VNFHA__HEALTH_DEGRADED);
	CHECK(strcmp(m.text, "disk 91% full") == 0);
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CHECK_INT(vnfha_role_health(conn, VNFHA_HEALTH_FAILED, text), 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.health, VNFHA__HEALTH_FAILED);
	CHECK_INT(strlen(m.text), VNFHA__CTL_TEXT_MAX);
	CHECK_INT(vnfha_role_health(conn, VNFHA_HEALTH_OK, NULL), 0);
	CHECK_INT(recv_msg(sfd, &m), 0);
	CHECK_INT(m.health, VNFHA__HEALTH_OK);
	CHECK_INT(vnfha_role_health(conn, (enum vnfha_health)3, NULL), -EINVAL);
	CHECK_INT(vnfha_role_health(conn, (enum vnfha_health)-1, NULL), -EINVAL);

	/* what is no role change is refused */
	send_text(sfd, "HEARTBEAT");
	CHECK(readable(vnfha_role_fd(conn)));
	CHECK_INT(vnfha_role_recv(conn, &role), -EPROTO);
	send_text(sfd, "ROLE sideways");
	CHECK(readable(vnfha_role_fd(conn)));
	CHECK_INT(vnfha_role_recv(conn, &role), -EPROTO);
	send_text(sfd, "ROLE none"); /* parses, but is no role to serve in */
	CHECK(readable(vnfha_role_fd(conn)));
	CHECK_INT(vnfha_role_recv(conn, &role), -EPROTO);
	CHECK_INT(role, VNFHA_ROLE_ACTIVE); /* untouched */

	/* the supervisor goes away */
	close(sfd);
	CHECK(readable(vnfha_role_fd(conn)));
	CHECK_INT(vnfha_role_recv(conn, &role), -EPIPE);
	CHECK_INT(vnfha_role_heartbeat(conn), -EPIPE);
	vnfha_role_close(conn);
	close(lfd);
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/vnfha-libtest.XXXXXX";
	char dead[sizeof(dir) + 16];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_version();
	test_strerror();
	test_role_open_errors(dir);
	test_role_session(dir);
	snprintf(dead, sizeof(dead), "%s/dead.sock", dir);
	unlink(dead);
	rmdir(dir);
	return UNIT_DONE();
}
