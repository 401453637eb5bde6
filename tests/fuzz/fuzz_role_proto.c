// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the vnfc control protocol decoder; what parses must format back
 * to something that parses to the same message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "role/role_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnfha__ctl_msg m, again;
	char buf[VNFHA__CTL_MAX + 1];
	int n;

	if (vnfha__ctl_parse((const char *)data, size, &m) != 0) {
		return 0;
	}
	n = vnfha__ctl_format(&m, buf, sizeof(buf));
	if (n < 0) {
		return 0; /* e.g. ERR text that does not fit back with its prefix */
	}
	if (vnfha__ctl_parse(buf, (size_t)n, &again) != 0 || again.type != m.type ||
	    again.role != m.role || again.ms != m.ms || again.pid != m.pid) {
		abort();
	}
	return 0;
}
