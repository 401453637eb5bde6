/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One lbwatch event as the VNFM gets it: our JSON (vnfha-alert's fields,
 * kind "lb") or a VES 7.2.1 fault event (alarmCondition lbMemberOutOfPool:
 * raise CRITICAL for down, MINOR for maint, WARNING for drain; clear NORMAL).
 * The text depends on the event alone, so a resent event is byte for byte
 * the one sent before.
 */
#ifndef VNFHA_LBWATCH_EVENT_H
#define VNFHA_LBWATCH_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "lbwatch/lbwatch_state.h"

/* "member-down", "member-drain", "member-maint", "member-up" */
const char *vnfha__lbw_event_name(const struct lbw_event *e);

/* The length (buf NUL-terminated), or -ENOSPC/-EINVAL. */
int vnfha__lbw_render(const struct lbw_event *e, const char *vnf, const char *reporter, bool ves,
		      char *buf, size_t len);

#endif
