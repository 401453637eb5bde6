// SPDX-License-Identifier: LGPL-2.1-or-later
/* HAProxy agent-check answers (see lbagent_proto.h). */
#include <errno.h>
#include <stdio.h>

#include "role/lbagent_proto.h"

static const char *const admin_words[] = { "ready", "drain", "maint" };

int vnfha__lbagent_answer(const struct vnfha__lbagent_view *view, char *buf, size_t len)
{
	char why[VNFHA__LBAGENT_WHY_MAX + 1];
	char weight[8] = "";
	size_t j = 0;
	int n;

	if ((unsigned int)view->admin > VNFHA__LBA_MAINT || view->weight_pct > 100) {
		return -EINVAL;
	}
	for (const char *c = view->why; c != NULL && *c != '\0' && j < VNFHA__LBAGENT_WHY_MAX;
	     c++) {
		/* HAProxy ends the answer at the first CR or LF; keep it one line. */
		if (*c >= 0x20 && *c <= 0x7e && *c != '#') {
			why[j++] = *c;
		}
	}
	why[j] = '\0';
	if (view->weight_pct > 0 && view->admin != VNFHA__LBA_MAINT) {
		snprintf(weight, sizeof(weight), " %u%%", view->weight_pct);
	}
	n = snprintf(buf, len, "%s %s%s%s%s\n", view->up ? "up" : "down", admin_words[view->admin],
		     weight, j > 0 ? " #" : "", why);
	if (n < 0 || (size_t)n >= len) {
		return -ENOSPC;
	}
	return n;
}
