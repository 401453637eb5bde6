/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an operator sees of ocf:vnfha:statesync (statesync_obs.c): every
 * promotion-score change logged with its reason, and a coarse public
 * health attribute (vnfha-ckpt-RESOURCE = in-sync | lagging | no-data)
 * written only when it changes, at most every SS_HEALTH_MIN_S seconds
 * (the first data at once) and dampened in attrd, so crm_mon -A shows it without its writes aborting
 * the transitions of a failover.
 */
#ifndef VNFHA_STATESYNC_OBS_H
#define VNFHA_STATESYNC_OBS_H

#include <stddef.h>

#include "statesync_score.h"

#define SS_HEALTH_MIN_S 60    /* between two writes of the health attribute */
#define SS_HEALTH_DAMPEN "5s" /* attrd_updater -d */

enum ss_health { SS_HEALTH_NO_DATA, SS_HEALTH_IN_SYNC, SS_HEALTH_LAGGING };

const char *ss_health_name(enum ss_health h);

/* Pure: why own scores what it does among the n candidates (a primary
 * passes primary), into buf: "freshest", "behind node N by K versions",
 * "no data", "primary". Returns the health that goes with it. */
enum ss_health ss_obs_reason(struct ss_version own, const struct ss_peer *cand, size_t n,
			     int primary, char *buf, size_t len);

/* Logs a change of this node's score (state kept in /run/vnfha) and
 * publishes the health attribute when it changed. */
void ss_obs_note(const char *rsc, long score, const char *reason, enum ss_health health);

/* On stop: the score is gone; the next start logs and publishes afresh
 * (the health attribute keeps its last value: removing it would be a CIB
 * write in the middle of the stop's transition). */
void ss_obs_forget(const char *rsc);

/* Parameter check of metrics_listen: empty, or a literal "ADDR:PORT" /
 * "[V6]:PORT" (no name to resolve at validate time). */
int ss_check_metrics_listen(const char *value, char *why, size_t why_len);

#endif
