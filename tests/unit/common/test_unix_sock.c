// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/unix_sock.h"
#include "unit.h"

static void test_addr(void)
{
	struct sockaddr_un sa;
	socklen_t len = 0;
	char path[sizeof(sa.sun_path) + 1];

	CHECK_INT(vnfha__unix_addr("/run/x.sock", &sa, &len), 0);
	CHECK(sa.sun_family == AF_UNIX && strcmp(sa.sun_path, "/run/x.sock") == 0);
	CHECK_INT(len, offsetof(struct sockaddr_un, sun_path) + strlen("/run/x.sock") + 1);
	CHECK_INT(vnfha__unix_addr("", &sa, &len), -EINVAL);
	CHECK_INT(vnfha__unix_addr(NULL, &sa, &len), -EINVAL);
	/* 107 bytes and the NUL fit; 108 do not */
	memset(path, 'a', sizeof(path));
	path[sizeof(sa.sun_path) - 1] = '\0';
	CHECK_INT(vnfha__unix_addr(path, &sa, &len), 0);
	path[sizeof(sa.sun_path) - 1] = 'a';
	path[sizeof(sa.sun_path)] = '\0';
	CHECK_INT(vnfha__unix_addr(path, &sa, &len), -ENAMETOOLONG);
	CHECK_INT(vnfha__unix_connect(path, SOCK_STREAM), -ENAMETOOLONG);
	CHECK_INT(vnfha__unix_listen(path, SOCK_STREAM, 0600, 1), -ENAMETOOLONG);
}

/* Listen (over a stale file), connect, accept, and the mode asked for. */
static void test_listen_connect(void)
{
	char dir[] = "/tmp/vnfha-unix-XXXXXX";
	char path[64];
	struct stat st;
	int l, c, a;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s", dir);
	CHECK_INT(vnfha__unix_connect(path, SOCK_STREAM), -ENOENT);
	l = vnfha__unix_listen(path, SOCK_SEQPACKET, 0600, 4);
	CHECK(l >= 0);
	close(l);
	l = vnfha__unix_listen(path, SOCK_SEQPACKET, 0640, 4); /* the old file is stale */
	CHECK(l >= 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	c = vnfha__unix_connect(path, SOCK_SEQPACKET);
	CHECK(c >= 0);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK(send(c, "hi", 2, 0) == 2);
	{
		char buf[4] = "";

		CHECK(recv(a, buf, sizeof(buf), 0) == 2 && memcmp(buf, "hi", 2) == 0);
	}
	close(a);
	close(c);
	close(l);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_addr();
	test_listen_connect();
	return UNIT_DONE();
}
