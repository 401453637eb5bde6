// SPDX-License-Identifier: GPL-2.0-or-later
/* The vnfc control protocol: round trips and hostile input. */
#include <errno.h>

#include "role/role_proto.h"
#include "unit.h"

static int parse(const char *text, struct vnfha__ctl_msg *m)
{
	return vnfha__ctl_parse(text, strlen(text), m);
}

static void test_round_trip(void)
{
	const struct vnfha__ctl_msg msgs[] = {
		{ .type = VNFHA__CTL_HELLO, .pid = 4242 },
		{ .type = VNFHA__CTL_READY, .role = VNFHA__ROLE_ACTIVE },
		{ .type = VNFHA__CTL_HEARTBEAT },
		{ .type = VNFHA__CTL_HEALTH, .health = VNFHA__HEALTH_DEGRADED, .text = "disk 91% full" },
		{ .type = VNFHA__CTL_ROLE, .role = VNFHA__ROLE_STANDBY },
		{ .type = VNFHA__CTL_PROMOTE, .ms = 19000 },
		{ .type = VNFHA__CTL_STOP, .ms = 0 },
		{ .type = VNFHA__CTL_SETROLE, .role = VNFHA__ROLE_ACTIVE },
		{ .type = VNFHA__CTL_STATE, .state = VNFHA__STATE_FAILED, .role = VNFHA__ROLE_ACTIVE,
		  .ready = VNFHA__ROLE_NONE, .ms = 1234, .health = VNFHA__HEALTH_OK, .pid = 77 },
		{ .type = VNFHA__CTL_STATE, .state = VNFHA__STATE_REPORTED, .role = VNFHA__ROLE_ACTIVE,
		  .ready = VNFHA__ROLE_ACTIVE, .ms = 40, .health = VNFHA__HEALTH_OK, .pid = 0 },
		{ .type = VNFHA__CTL_OK },
		{ .type = VNFHA__CTL_ERR, .text = "the VNFC did not report ready" },
	};

	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		char buf[VNFHA__CTL_MAX + 1];
		struct vnfha__ctl_msg got;
		int n = vnfha__ctl_format(&msgs[i], buf, sizeof(buf));

		CHECK(n > 0);
		CHECK_INT(vnfha__ctl_parse(buf, (size_t)n, &got), 0);
		CHECK_INT(got.type, msgs[i].type);
		CHECK_INT(got.role, msgs[i].role);
		CHECK_INT(got.ready, msgs[i].ready);
		CHECK_INT(got.health, msgs[i].health);
		CHECK_INT(got.state, msgs[i].state);
		CHECK_INT(got.ms, msgs[i].ms);
		CHECK_INT(got.pid, msgs[i].pid);
		CHECK(strcmp(got.text, msgs[i].text) == 0);
	}
}

static void test_hostile(void)
{
	static const char *const bad[] = {
		"", "HELLO", "HELLO 0", "HELLO -1", "HELLO 12x", "HELLO 1 2", "READY", "READY none",
		"READY boss", "HEARTBEAT now", "PROMOTE", "PROMOTE -5", "PROMOTE 999999999999",
		"STATE running active active 5 ok", "STATE up active active 5 ok 1",
		"STATE running active active 5 ok 1 extra", "ROLE  active", "ROLE active ",
		" STATUS", "status", "HEALTH", "HEALTH fine", "OK then", "A B C D E F G H I J",
	};
	struct vnfha__ctl_msg m = { .type = VNFHA__CTL_OK, .pid = 99 };
	char big[VNFHA__CTL_MAX + 2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &m) != -EINVAL) {
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
			unit_failures++;
		}
	}
	CHECK_INT(m.pid, 99); /* never written on failure */
	CHECK_INT(vnfha__ctl_parse("READY\nactive", 12, &m), -EINVAL);
	CHECK_INT(vnfha__ctl_parse("OK\0", 3, &m), -EINVAL);
	memset(big, 'A', sizeof(big));
	CHECK_INT(vnfha__ctl_parse(big, sizeof(big), &m), -EMSGSIZE);
	/* Free text keeps its spaces; over-long text is cut, not overflowed. */
	CHECK_INT(parse("HEALTH failed db  down", &m), 0);
	CHECK(strcmp(m.text, "db  down") == 0);
	memcpy(big, "ERR ", 4);
	CHECK_INT(vnfha__ctl_parse(big, VNFHA__CTL_MAX, &m), 0);
	CHECK_INT(strlen(m.text), VNFHA__CTL_TEXT_MAX);
}

int main(void)
{
	test_round_trip();
	test_hostile();
	return UNIT_DONE();
}
