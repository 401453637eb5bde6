// SPDX-License-Identifier: GPL-2.0-or-later
/* ckpt_spin: VNFHA_CKPT_SPIN_US is read or refused, the poll budget
 * follows the recent waits, and no more threads poll than the rule says. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "ckpt/ckpt_spin.h"
#include "unit.h"

static void env_values(void)
{
	struct vnfha__ckpt_spin s;

	/* unset: the default */
	CHECK_INT(vnfha__ckpt_spin_init(&s, NULL), 0);
	CHECK(s.cap_ns == (uint64_t)VNFHA_CKPT_SPIN_DEFAULT_US * 1000);
	CHECK(s.ewma_ns == 0);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "0"), 0);
	CHECK(s.cap_ns == 0);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "50"), 0);
	CHECK(s.cap_ns == 50000);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "10000"), 0);
	CHECK(s.cap_ns == 10000000);
	/* refused: past the bound, signs, units, blanks, nothing */
	CHECK_INT(vnfha__ckpt_spin_init(&s, "10001"), -EINVAL);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "-1"), -EINVAL);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "+5"), -EINVAL);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "200us"), -EINVAL);
	CHECK_INT(vnfha__ckpt_spin_init(&s, " 200"), -EINVAL);
	CHECK_INT(vnfha__ckpt_spin_init(&s, ""), -EINVAL);
	CHECK_INT(vnfha__ckpt_spin_init(&s, "99999999999999999999999"), -EINVAL);
}

static void budget_follows_waits(void)
{
	struct vnfha__ckpt_spin s;

	CHECK(vnfha__ckpt_spin_budget(200000, 0) == 200000);
	CHECK(vnfha__ckpt_spin_budget(200000, 400000) == 200000);
	CHECK(vnfha__ckpt_spin_budget(200000, 400001) == 0); /* results take longer */
	CHECK(vnfha__ckpt_spin_budget(0, 0) == 0);	      /* turned off */

	/* Slow results (5 ms each) switch the poll off within a few waits... */
	CHECK_INT(vnfha__ckpt_spin_init(&s, NULL), 0);
	for (int i = 0; i < 3; i++) {
		vnfha__ckpt_spin_note(&s, 5000000);
	}
	CHECK(vnfha__ckpt_spin_budget(s.cap_ns, s.ewma_ns) == 0);
	/* ... and quick ones (80 us) switch it on again. */
	for (int i = 0; i < 40; i++) {
		vnfha__ckpt_spin_note(&s, 80000);
	}
	CHECK(vnfha__ckpt_spin_budget(s.cap_ns, s.ewma_ns) == s.cap_ns);
}

static void pollers_bounded(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int max = cpus > 2 ? (unsigned int)cpus - 1 : 1;
	unsigned int got = 0;

	while (got < max + 3 && vnfha__ckpt_spin_enter()) {
		got++;
	}
	CHECK_INT((int)got, (int)max);
	for (unsigned int i = 0; i < got; i++) {
		vnfha__ckpt_spin_leave();
	}
	CHECK(vnfha__ckpt_spin_enter()); /* free again */
	vnfha__ckpt_spin_leave();
}

int main(void)
{
	env_values();
	budget_follows_waits();
	pollers_bounded();
	return UNIT_DONE();
}
