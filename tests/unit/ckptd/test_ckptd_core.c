// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha-ckptd's shared helpers: status text that says when it was cut,
 * growable arrays, the per-object commit mode, HOST:PORT splitting. */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "vnfha-ckptd.h"

static void test_text(void)
{
	char buf[32];
	struct ckptd_text t = { .buf = buf, .cap = sizeof(buf) };

	ckptd_text_add(&t, "role %s\n", "primary");
	ckptd_text_finish(&t);
	CHECK(!t.cut && strcmp(buf, "role primary\n") == 0);
	ckptd_text_add(&t, "epoch %d\n", 12345678);
	ckptd_text_add(&t, "checkpoint %s\n", "a-long-name");
	CHECK(t.cut && t.len == sizeof(buf) - 1 && strlen(buf) == t.len);
	/* too small for the mark: left as cut, never overrun */
	ckptd_text_finish(&t);
	CHECK_INT(t.len, strlen(buf));
	CHECK(t.len < sizeof(buf));
	{
		char big[128];
		struct ckptd_text u = { .buf = big, .cap = sizeof(big) };

		for (int i = 0; i < 20; i++) {
			ckptd_text_add(&u, "line %d\n", i);
		}
		ckptd_text_finish(&u);
		CHECK(u.cut);
		CHECK(strncmp(big, "line 0\nline 1\n", 14) == 0);
		CHECK(strcmp(big + u.len - strlen("truncated: the rest does not fit one reply\n"),
			     "truncated: the rest does not fit one reply\n") == 0);
		CHECK(u.len < sizeof(big) && strlen(big) == u.len);
	}
}

static void test_wants(void)
{
	struct ckptd d = { .n_wants = 0 };
	char name[16];
	int failed = 0;

	/* more objects than the 4096 the daemon once had room for */
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		failed += ckptd_set_wants(&d, name, i % 2 == 1) != 0;
	}
	CHECK_INT(failed, 0);
	CHECK_INT(d.n_wants, 5000);
	CHECK(ckptd_wants_durable(&d, "o4999"));
	CHECK(!ckptd_wants_durable(&d, "o4998"));
	CHECK_INT(ckptd_set_wants(&d, "o4999", false), 0);
	CHECK(!ckptd_wants_durable(&d, "o4999"));
	CHECK(!ckptd_wants_durable(&d, "never"));
	CHECK_INT(d.n_wants, 5000);
	free(d.wants);
}

static void test_split_addr(void)
{
	char host[16];
	const char *port = NULL;

	CHECK_INT(ckptd_split_addr("192.0.2.1:7410", host, sizeof(host), &port), 0);
	CHECK(strcmp(host, "192.0.2.1") == 0 && strcmp(port, "7410") == 0);
	CHECK_INT(ckptd_split_addr("[2001:db8::1]:7410", host, sizeof(host), &port), 0);
	CHECK(strcmp(host, "2001:db8::1") == 0 && strcmp(port, "7410") == 0);
	CHECK_INT(ckptd_split_addr("noport", host, sizeof(host), &port), -EINVAL);
	CHECK_INT(ckptd_split_addr("host:", host, sizeof(host), &port), -EINVAL);
	CHECK_INT(ckptd_split_addr("a-very-long-host-name:1", host, sizeof(host), &port),
		  -ENAMETOOLONG);
}

int main(void)
{
	test_text();
	test_wants();
	test_split_addr();
	return UNIT_DONE();
}
