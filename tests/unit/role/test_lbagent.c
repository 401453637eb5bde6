// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent-check responder: its answer lines, and the real thread asked
 * over loopback TCP as HAProxy asks it (connect, read one line, EOF).
 * Every export of <vnfha/lbagent.h> is exercised here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "role/lbagent_proto.h"
#include "unit.h"
#include "vnfha/lbagent.h"

static void check_answer(const struct vnfha__lbagent_view *v, const char *want)
{
	char buf[VNFHA__LBAGENT_ANSWER_MAX + 1];
	int n = vnfha__lbagent_answer(v, buf, sizeof(buf));

	CHECK_INT(n, (long long)strlen(want));
	if (n > 0 && strcmp(buf, want) != 0) {
		fprintf(stderr, "answer '%s', want '%s'\n", buf, want);
		unit_failures++;
	}
}

static void test_answers(void)
{
	char big[400], out[400], buf[16];
	struct vnfha__lbagent_view v = { .up = true };

	check_answer(&v, "up ready\n");
	v.weight_pct = 40;
	check_answer(&v, "up ready 40%\n");
	v.admin = VNFHA__LBA_DRAIN;
	check_answer(&v, "up drain 40%\n");
	v.admin = VNFHA__LBA_MAINT;
	check_answer(&v, "up maint\n"); /* a weight means nothing in maintenance */
	v = (struct vnfha__lbagent_view){ .up = false, .why = "db #3 lost\r\nup ready" };
	check_answer(&v, "down ready #db 3 lostup ready\n"); /* one line, one '#' */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	v.why = big;
	CHECK_INT(vnfha__lbagent_answer(&v, out, sizeof(out)), 13 + VNFHA__LBAGENT_WHY_MAX);
	v.why = NULL;
	v.weight_pct = 101;
	CHECK_INT(vnfha__lbagent_answer(&v, buf, sizeof(buf)), -EINVAL);
	v.weight_pct = 0;
	v.admin = (enum vnfha__lbagent_admin)7;
	CHECK_INT(vnfha__lbagent_answer(&v, buf, sizeof(buf)), -EINVAL);
	v.admin = VNFHA__LBA_READY;
	CHECK_INT(vnfha__lbagent_answer(&v, buf, 5), -ENOSPC);
}

/* Asks the agent on 127.0.0.1:port as HAProxy does; the line, or "" on error. */
static void ask(int port, char *out, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t used = 0;

	out[0] = '\0';
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0) {
			close(fd);
		}
		return;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 2000) != 1 || used + 1 >= len) {
			break;
		}
		n = read(fd, out + used, len - 1 - used);
		if (n <= 0) {
			break;
		}
		used += (size_t)n;
	}
	out[used] = '\0';
	close(fd);
}

static void check_ask(struct vnfha_lbagent *a, const char *want)
{
	char got[512];

	ask(vnfha_lbagent_port(a), got, sizeof(got));
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "agent said '%s', want '%s'\n", got, want);
		unit_failures++;
	}
}

static void test_responder(void)
{
	struct vnfha_lbagent *a = NULL;
	char got[64];
	int port;

	CHECK_INT(vnfha_lbagent_open("127.0.0.1:0", 150, &a), 0);
	if (a == NULL) {
		return;
	}
	port = vnfha_lbagent_port(a);
	CHECK(port > 0);
	check_ask(a, "up ready\n");
	/* heartbeats keep it up past the timeout; silence takes it down */
	for (int i = 0; i < 4; i++) {
		usleep(60 * 1000);
		CHECK_INT(vnfha_lbagent_heartbeat(a), 0);
	}
	check_ask(a, "up ready\n");
	usleep(250 * 1000);
	ask(port, got, sizeof(got));
	CHECK(strncmp(got, "down ready #vnfha: no heartbeat for ", 36) == 0);
	CHECK_INT(vnfha_lbagent_heartbeat(a), 0);
	check_ask(a, "up ready\n");
	CHECK_INT(vnfha_lbagent_health(a, VNFHA_HEALTH_DEGRADED, "disk 91%"), 0);
	check_ask(a, "up ready #vnfha: degraded: disk 91%\n");
	CHECK_INT(vnfha_lbagent_health(a, VNFHA_HEALTH_FAILED, "db lost\n"), 0);
	check_ask(a, "down ready #vnfha: failed: db lost\n");
	CHECK_INT(vnfha_lbagent_health(a, VNFHA_HEALTH_OK, NULL), 0);
	CHECK_INT(vnfha_lbagent_health(a, (enum vnfha_health)3, NULL), -EINVAL);
	CHECK_INT(vnfha_lbagent_weight(a, 25), 0);
	CHECK_INT(vnfha_lbagent_weight(a, 101), -EINVAL);
	check_ask(a, "up ready 25%\n");
	CHECK_INT(vnfha_lbagent_admin(a, VNFHA_LBAGENT_DRAIN), 0);
	check_ask(a, "up drain 25%\n");
	CHECK_INT(vnfha_lbagent_admin(a, VNFHA_LBAGENT_MAINT), 0);
	check_ask(a, "up maint\n");
	CHECK_INT(vnfha_lbagent_admin(a, (enum vnfha_lbagent_admin)-1), -EINVAL);
	CHECK_INT(vnfha_lbagent_admin(a, VNFHA_LBAGENT_READY), 0);
	CHECK_INT(vnfha_lbagent_weight(a, 0), 0);
	check_ask(a, "up ready\n");
	vnfha_lbagent_close(a);
	/* closed: nobody answers on the port any more */
	ask(port, got, sizeof(got));
	CHECK(got[0] == '\0');
	vnfha_lbagent_close(NULL);
}

static void test_open_errors(void)
{
	static const char *const bad[] = { "", "9001", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
					   "127.0.0.1:-1", "localhost:9001", "[::1:9001",
					   "[zz]:9001", ":9001" };
	struct vnfha_lbagent *a = NULL, *b = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vnfha_lbagent_open(bad[i], 0, &a) != -EINVAL) {
			fprintf(stderr, "address '%s' was not refused\n", bad[i]);
			unit_failures++;
		}
	}
	CHECK_INT(vnfha_lbagent_open(NULL, 0, &a), -EINVAL);
	CHECK_INT(vnfha_lbagent_open("[::1]:0", 0, &a), 0);
	if (a != NULL) {
		char addr[32];

		snprintf(addr, sizeof(addr), "[::1]:%d", vnfha_lbagent_port(a));
		CHECK_INT(vnfha_lbagent_open(addr, 0, &b), -EADDRINUSE);
		vnfha_lbagent_close(a);
	}
}

int main(void)
{
	test_answers();
	test_responder();
	test_open_errors();
	return UNIT_DONE();
}
