// SPDX-License-Identifier: GPL-2.0-or-later
/* The lab power switch protocol (tests/cluster/lab_switch.h): plugs of
 * full and remote nodes, slots, request lines. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "lab_switch.h"

static void test_plug_parse(void)
{
	const struct lab_switch_size size = { .nodes = 3, .remotes = 4 };
	const struct lab_switch_size none = { .nodes = 3, .remotes = 0 };
	long slot = -1;

	CHECK_INT(lab_switch_plug_parse("node1", &size, &slot), 0);
	CHECK_INT(slot, 1);
	CHECK_INT(lab_switch_plug_parse("node3", &size, &slot), 0);
	CHECK_INT(slot, 3);
	CHECK_INT(lab_switch_plug_parse("remote1", &size, &slot), 0);
	CHECK_INT(slot, LAB_NODES_MAX + 1);
	CHECK_INT(lab_switch_plug_parse("remote4", &size, &slot), 0);
	CHECK_INT(slot, LAB_NODES_MAX + 4);
	CHECK(lab_switch_slot_is_remote(slot));
	CHECK(!lab_switch_slot_is_remote(3));

	slot = -1;
	CHECK_INT(lab_switch_plug_parse("node4", &size, &slot), -ERANGE);
	CHECK_INT(lab_switch_plug_parse("remote5", &size, &slot), -ERANGE);
	CHECK_INT(lab_switch_plug_parse("remote1", &none, &slot), -ERANGE);
	CHECK_INT(slot, -1); /* written only on success */
	CHECK_INT(lab_switch_plug_parse("remote0", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("remote01", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("remote+1", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("remote", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("remote1x", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("r1", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("Node1", &size, &slot), -EINVAL);
	CHECK_INT(lab_switch_plug_parse("", &size, &slot), -EINVAL);
	CHECK_INT(slot, -1);
}

static void test_slot_names(void)
{
	char buf[16];
	char tiny[4];

	CHECK_INT(lab_switch_slot_name(2, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "node2") == 0);
	CHECK_INT(lab_switch_slot_name(LAB_NODES_MAX + 12, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "remote12") == 0);
	CHECK_INT(lab_switch_slot_id(2, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "2") == 0);
	CHECK_INT(lab_switch_slot_id(LAB_NODES_MAX + 12, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "r12") == 0);
	CHECK_INT(lab_switch_slot_name(0, buf, sizeof(buf)), -ERANGE);
	CHECK_INT(lab_switch_slot_name(LAB_SLOTS_MAX + 1, buf, sizeof(buf)), -ERANGE);
	CHECK_INT(lab_switch_slot_name(LAB_NODES_MAX + 1, tiny, sizeof(tiny)), -ENOSPC);
}

static void test_slot_walk(void)
{
	const struct lab_switch_size size = { .nodes = 2, .remotes = 3 };
	const struct lab_switch_size full = { .nodes = 3, .remotes = 0 };
	const struct lab_switch_size most = { .nodes = LAB_NODES_MAX, .remotes = LAB_REMOTES_MAX };
	long want[] = { 1, 2, LAB_NODES_MAX + 1, LAB_NODES_MAX + 2, LAB_NODES_MAX + 3 };
	size_t n = 0;

	for (long i = lab_switch_slot_first(&size); i != 0; i = lab_switch_slot_next(&size, i)) {
		CHECK(n < sizeof(want) / sizeof(want[0]));
		if (n < sizeof(want) / sizeof(want[0])) {
			CHECK_INT(i, want[n]);
		}
		n++;
	}
	CHECK_INT(n, 5);
	n = 0;
	for (long i = lab_switch_slot_first(&full); i != 0; i = lab_switch_slot_next(&full, i)) {
		n++;
	}
	CHECK_INT(n, 3);
	n = 0;
	for (long i = lab_switch_slot_first(&most); i != 0; i = lab_switch_slot_next(&most, i)) {
		CHECK(i >= 1 && i <= LAB_SLOTS_MAX);
		n++;
	}
	CHECK_INT(n, LAB_SLOTS_MAX);
}

static void test_request_parse(void)
{
	const struct lab_switch_size size = { .nodes = 3, .remotes = 2 };
	enum lab_switch_action action = LAB_SWITCH_MONITOR;
	long slot = -1;

	CHECK_INT(lab_switch_request_parse("reboot remote2", &size, &action, &slot), 0);
	CHECK_INT(action, LAB_SWITCH_REBOOT);
	CHECK_INT(slot, LAB_NODES_MAX + 2);
	CHECK_INT(lab_switch_request_parse("off node3", &size, &action, &slot), 0);
	CHECK_INT(action, LAB_SWITCH_OFF);
	CHECK_INT(slot, 3);
	CHECK_INT(lab_switch_request_parse("list -", &size, &action, &slot), 0);
	CHECK_INT(action, LAB_SWITCH_LIST);
	CHECK_INT(slot, 0);
	CHECK_INT(lab_switch_request_parse("off remote3", &size, &action, &slot), -ERANGE);
	CHECK_INT(lab_switch_request_parse("off remote2 ", &size, &action, &slot), -EINVAL);
	CHECK_INT(lab_switch_request_parse("list remote1", &size, &action, &slot), -EINVAL);
	CHECK_INT(lab_switch_request_parse("offx node1", &size, &action, &slot), -EINVAL);
	CHECK_INT(lab_switch_request_parse("off", &size, &action, &slot), -EINVAL);
}

int main(void)
{
	test_plug_parse();
	test_slot_names();
	test_slot_walk();
	test_request_parse();
	return UNIT_DONE();
}
