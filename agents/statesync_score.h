/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Promotion scores from checkpoint freshness (ocf:vnfha:statesync). Pure
 * functions, unit-tested: the agent feeds them what attrd holds.
 */
#ifndef VNFHA_STATESYNC_SCORE_H
#define VNFHA_STATESYNC_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ss_version {
	uint64_t epoch;
	uint64_t gen;
};

struct ss_peer {
	char node[64];
	struct ss_version version;
};

#define SS_SCORE_NO_DATA 1
#define SS_SCORE_FRESHEST 1000
#define SS_SCORE_STEP 100

/* -1, 0, 1 as a is older than, equal to, fresher than b. */
int ss_version_cmp(struct ss_version a, struct ss_version b);
bool ss_version_is_none(struct ss_version v);

/* "EPOCH.GEN" -> version; 0 or -EINVAL. */
int ss_version_parse(const char *text, struct ss_version *ret_version);

/*
 * The score for a node holding own among peers: the freshest gets
 * SS_SCORE_FRESHEST, each strictly fresher peer costs SS_SCORE_STEP (never
 * below 2), no data at all gets SS_SCORE_NO_DATA. Equal freshness gives
 * equal scores, so Pacemaker's stickiness keeps the current placement.
 */
long ss_score(struct ss_version own, const struct ss_peer *peers, size_t n_peers);

/*
 * Parses `attrd_updater -Q -A -n NAME` output (lines of name="" host=""
 * value="") into peers, skipping host == self. Returns the number parsed,
 * -EINVAL on a malformed line, or -E2BIG when there are more than max.
 */
int ss_parse_attrd(const char *text, const char *self, struct ss_peer *peers, size_t max);

#endif
