/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The order of checkpoint versions (DESIGN.md "Checkpoints"): a version is
 * (epoch, gen); the epoch grows at each promotion, gen at each commit, so
 * versions order by epoch first, then gen. The one comparison of the tree
 * (daemon, store, statesync); header-only, no link dependency.
 */
#ifndef VNFHA_CKPT_VERSION_H
#define VNFHA_CKPT_VERSION_H

#include <stdint.h>

/* <0, 0, >0 as (e1, g1) is older than, the same as, newer than (e2, g2). */
static inline int vnfha__ckpt_version_cmp(uint64_t e1, uint64_t g1, uint64_t e2, uint64_t g2)
{
	if (e1 != e2) {
		return e1 < e2 ? -1 : 1;
	}
	if (g1 != g2) {
		return g1 < g2 ? -1 : 1;
	}
	return 0;
}

#endif
