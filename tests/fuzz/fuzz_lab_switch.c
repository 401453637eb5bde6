// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the lab power switch's request parser (tests/cluster/lab_switch.c):
 * what lab-switchd reads from its socket. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab_switch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct lab_switch_size lab = { .nodes = 3, .remotes = 4 };
	enum lab_switch_action action;
	char *line = malloc(size + 1);
	char name[32];
	long slot = -1;

	if (line == NULL) {
		return 0;
	}
	memcpy(line, data, size);
	line[size] = '\0';
	if (lab_switch_request_parse(line, &lab, &action, &slot) == 0 &&
	    lab_switch_action_has_plug(action)) {
		/* a parsed plug is one of the lab's, and has a name */
		if (slot < 1 || slot > LAB_SLOTS_MAX || lab_switch_slot_name(slot, name, sizeof(name)) != 0) {
			abort();
		}
	}
	free(line);
	return 0;
}
