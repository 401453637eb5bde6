// SPDX-License-Identifier: LGPL-2.1-or-later
/* When a waiting thread polls before it sleeps (ckpt_spin.h). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "ckpt/ckpt_spin.h"

static unsigned int polling; /* threads of this process polling now */

int vnfha__ckpt_spin_init(struct vnfha__ckpt_spin *s, const char *env)
{
	unsigned long us = VNFHA_CKPT_SPIN_DEFAULT_US;

	if (env != NULL) {
		char *end = NULL;

		errno = 0;
		us = strtoul(env, &end, 10);
		if (env[0] < '0' || env[0] > '9' || errno != 0 || end == env || *end != '\0' ||
		    us > VNFHA_CKPT_SPIN_MAX_US) {
			return -EINVAL;
		}
	}
	s->cap_ns = (uint64_t)us * 1000;
	s->ewma_ns = 0;
	return 0;
}

uint64_t vnfha__ckpt_spin_budget(uint64_t cap_ns, uint64_t ewma_ns)
{
	/* Results that usually take much longer than the poll would rarely
	 * be caught by it: it would only burn the CPU. */
	return ewma_ns > 2 * cap_ns ? 0 : cap_ns;
}

void vnfha__ckpt_spin_note(struct vnfha__ckpt_spin *s, uint64_t waited_ns)
{
	uint64_t old = __atomic_load_n(&s->ewma_ns, __ATOMIC_RELAXED);

	/* Racing threads may lose each other's update: an average is enough. */
	__atomic_store_n(&s->ewma_ns, old - old / 8 + waited_ns / 8, __ATOMIC_RELAXED);
}

bool vnfha__ckpt_spin_enter(void)
{
	static unsigned int cpus;
	unsigned int max = __atomic_load_n(&cpus, __ATOMIC_RELAXED);

	if (max == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		/* One CPU is left to the threads with work to do. */
		max = n > 2 ? (unsigned int)n - 1 : 1;
		__atomic_store_n(&cpus, max, __ATOMIC_RELAXED);
	}
	if (__atomic_add_fetch(&polling, 1, __ATOMIC_RELAXED) > max) {
		__atomic_sub_fetch(&polling, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

void vnfha__ckpt_spin_leave(void)
{
	__atomic_sub_fetch(&polling, 1, __ATOMIC_RELAXED);
}
