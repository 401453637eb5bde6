/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnfha-lbwatch's memory, pure and unit-tested: what it last told the VNFM
 * about each pool member, the events not yet acknowledged, and their text
 * form on disk (the state file), so a restart neither loses nor invents
 * events.
 *
 * A member is in the pool, or out of it as down, drain or maint (from
 * HAProxy's `show stat`). Each change of that seen in HAProxy makes one
 * event: raise (in -> out), change (out -> out, another reason) or clear
 * (out -> in). Raise, its changes and its clear share one event id and the
 * moment the member left ("since"); every event has its own sequence
 * number, one counter for the whole daemon, kept across restarts.
 * A row HAProxy has not judged yet (a check still "INI", or a status
 * "UP 1/3" half-way through rise/fall) changes nothing, so a restarted
 * HAProxy does not clear an alarm that is still true, nor raise one twice.
 *
 * State file, version 1, one record per line, fields separated by one space:
 *   vnfha-lbwatch-state 1
 *   next_seq <n>
 *   member <backend> <server> <in|down|drain|maint> <event id|-> <since us>
 *   event <seq> <raise|change|clear> <cond> <backend> <server> <addr|->
 *         <event id> <since us> <at us> <why...>            (one line)
 */
#ifndef VNFHA_LBWATCH_STATE_H
#define VNFHA_LBWATCH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "haproxy/haproxy_api.h"

#define LBW_NAME_MAX VNFHA_HAPROXY_NAME_MAX
#define LBW_ID_MAX 191
#define LBW_WHY_MAX 400
#define LBW_LINE_MAX 1024 /* longest state file line we write or read */

enum lbw_cond { LBW_IN = 0, LBW_DOWN, LBW_DRAIN, LBW_MAINT, LBW_UNKNOWN };
enum lbw_kind { LBW_RAISE = 0, LBW_CHANGE, LBW_CLEAR };

struct lbw_member {
	char backend[LBW_NAME_MAX + 1];
	char server[LBW_NAME_MAX + 1];
	enum lbw_cond cond;		/* as last reported */
	char event_id[LBW_ID_MAX + 1];	/* the open alarm; "" when in the pool */
	int64_t since_us;		/* when it left the pool */
};

struct lbw_event {
	uint64_t seq;
	enum lbw_kind kind;
	enum lbw_cond cond; /* raise/change: the new reason; clear: the last one */
	char backend[LBW_NAME_MAX + 1];
	char server[LBW_NAME_MAX + 1];
	char addr[64];
	char event_id[LBW_ID_MAX + 1];
	int64_t since_us, at_us;
	char why[LBW_WHY_MAX + 1];
};

struct lbw_state {
	uint64_t next_seq;
	struct lbw_member *members;
	size_t n_members, cap_members;
	struct lbw_event *queue; /* not yet acknowledged, oldest first */
	size_t n_queue, cap_queue;
};

const char *vnfha__lbw_cond_name(enum lbw_cond cond);
const char *vnfha__lbw_kind_name(enum lbw_kind kind);

/* What HAProxy's row says: in, down, drain, maint, or unknown (not judged yet). */
enum lbw_cond vnfha__lbw_classify(const struct vnfha_haproxy_stat *row);

/*
 * Compares backend's row with what was reported. A change queues one event
 * (the queue grows as needed) and updates the member. vnf goes into new
 * event ids. Returns 1 when an event was queued (*ret_event points at it
 * until the queue changes), 0 when nothing changed, -ENOMEM.
 */
int vnfha__lbw_observe(struct lbw_state *s, const char *vnf, const char *backend,
		       const struct vnfha_haproxy_stat *row, int64_t now_us,
		       const struct lbw_event **ret_event);

/* Drops the oldest queued event (it was delivered). */
void vnfha__lbw_pop(struct lbw_state *s);

/* The state file text (malloc'd, NUL-terminated, free()), or NULL (errno ENOMEM). */
char *vnfha__lbw_format(const struct lbw_state *s);

/*
 * Parses a state file. 0 and *ret filled (free with vnfha__lbw_free);
 * -EBADMSG with the line number in *ret_line for anything malformed, -ENOMEM.
 */
int vnfha__lbw_parse(const char *text, size_t len, struct lbw_state *ret, size_t *ret_line);

void vnfha__lbw_free(struct lbw_state *s);

#endif
