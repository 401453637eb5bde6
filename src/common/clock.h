/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one monotonic clock of the tree: deadlines and intervals in
 * milliseconds (and nanoseconds) of CLOCK_MONOTONIC (never the wall clock,
 * which jumps).
 * Header-only, so every library, agent, unit test and fuzz target gets it
 * without a link dependency.
 */
#ifndef VNFHA_COMMON_CLOCK_H
#define VNFHA_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC. */
static inline int64_t vnfha__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Nanoseconds of CLOCK_MONOTONIC (short intervals: a poll's bound). */
static inline uint64_t vnfha__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* t plus ms, normalised. */
static inline void vnfha__timespec_add_ms(struct timespec *t, unsigned int ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* CLOCK_MONOTONIC now, plus ms: an absolute deadline for clock_nanosleep()
 * or pthread_cond_timedwait() on a condition using CLOCK_MONOTONIC. */
static inline void vnfha__deadline_ms(struct timespec *t, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	vnfha__timespec_add_ms(t, ms);
}

#endif
