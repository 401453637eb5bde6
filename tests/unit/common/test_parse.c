// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>

#include "common/parse.h"
#include "unit.h"

static void test_long(void)
{
	long v = 42;

	CHECK_INT(vnfha__parse_long("17", 0, 100, &v), 0);
	CHECK_INT(v, 17);
	CHECK_INT(vnfha__parse_long("-3", -5, 5, &v), 0);
	CHECK_INT(v, -3);
	v = 42;
	CHECK_INT(vnfha__parse_long("", 0, 100, &v), -EINVAL);
	CHECK_INT(vnfha__parse_long(" 1", 0, 100, &v), -EINVAL);
	CHECK_INT(vnfha__parse_long("1 ", 0, 100, &v), -EINVAL);
	CHECK_INT(vnfha__parse_long("12abc", 0, 100, &v), -EINVAL);
	CHECK_INT(vnfha__parse_long(NULL, 0, 100, &v), -EINVAL);
	CHECK_INT(vnfha__parse_long("101", 0, 100, &v), -ERANGE);
	CHECK_INT(vnfha__parse_long("99999999999999999999999", 0, LONG_MAX, &v), -ERANGE);
	CHECK_INT(v, 42); /* untouched on failure */
}

static void test_bool(void)
{
	bool b = false;

	CHECK_INT(vnfha__parse_bool("yes", &b), 0);
	CHECK(b);
	CHECK_INT(vnfha__parse_bool("FALSE", &b), 0);
	CHECK(!b);
	CHECK_INT(vnfha__parse_bool("1", &b), 0);
	CHECK(b);
	CHECK_INT(vnfha__parse_bool("maybe", &b), -EINVAL);
	CHECK_INT(vnfha__parse_bool("", &b), -EINVAL);
}

static void test_duration(void)
{
	uint64_t ms = 7;

	CHECK_INT(vnfha__parse_duration_ms("2", 1000000, &ms), 0);
	CHECK_INT(ms, 2000);
	CHECK_INT(vnfha__parse_duration_ms("250ms", 1000000, &ms), 0);
	CHECK_INT(ms, 250);
	CHECK_INT(vnfha__parse_duration_ms("3min", 1000000, &ms), 0);
	CHECK_INT(ms, 180000);
	CHECK_INT(vnfha__parse_duration_ms("1h", 1000000, &ms), -ERANGE);
	CHECK_INT(vnfha__parse_duration_ms("5 s", 1000000, &ms), -EINVAL);
	CHECK_INT(vnfha__parse_duration_ms("-1", 1000000, &ms), -EINVAL);
	CHECK_INT(vnfha__parse_duration_ms("1x", 1000000, &ms), -EINVAL);
	CHECK_INT(ms, 180000);
}

int main(void)
{
	test_long();
	test_bool();
	test_duration();
	return UNIT_DONE();
}
