/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How long the thread that reads a region's results (one of those waiting
 * for a ticket, ckpt_results.c) polls the connection before it sleeps in
 * poll(2). A result that comes within the poll is read without a sleep and
 * a wake-up: on a virtual machine the CPU of a sleeping thread halts, and
 * waking it is an exit to the host that costs tens of microseconds on each
 * hop of a commit (the kernel's cpuidle-haltpoll polls before halting a
 * virtual CPU for that reason, where the host lets it). The poll yields the
 * CPU to any other runnable thread at each look, is bounded per wait
 * (VNFHA_CKPT_SPIN_US), is skipped while the region's results usually take
 * longer than twice that, and leaves one CPU unpolled: at most one thread
 * per online CPU but one (at least one) polls at a time. The other waiting
 * threads sleep: polling them too made the writers wait for a CPU.
 */
#ifndef VNFHA_CKPT_SPIN_H
#define VNFHA_CKPT_SPIN_H

#include <stdbool.h>
#include <stdint.h>

#define VNFHA_CKPT_SPIN_DEFAULT_US 200
#define VNFHA_CKPT_SPIN_MAX_US 10000

struct vnfha__ckpt_spin {
	uint64_t cap_ns;  /* 0: never poll */
	uint64_t ewma_ns; /* recent waits for a result (atomic) */
};

/* The cap from VNFHA_CKPT_SPIN_US (microseconds, 0 to VNFHA_CKPT_SPIN_MAX_US;
 * unset: VNFHA_CKPT_SPIN_DEFAULT_US); -EINVAL if it is not such a number. */
int vnfha__ckpt_spin_init(struct vnfha__ckpt_spin *s, const char *env);
/* How long a wait starting now may poll, in ns (0: sleep at once). Pure:
 * cap_ns unless the recent waits averaged more than twice it. */
uint64_t vnfha__ckpt_spin_budget(uint64_t cap_ns, uint64_t ewma_ns);
/* A wait for a result took waited_ns: folded into the average (1/8). */
void vnfha__ckpt_spin_note(struct vnfha__ckpt_spin *s, uint64_t waited_ns);
/* A thread may poll now (false: as many poll already as there are online
 * CPUs but one, at least one); each true is paired with
 * vnfha__ckpt_spin_leave(). */
bool vnfha__ckpt_spin_enter(void);
void vnfha__ckpt_spin_leave(void);

#endif
