/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocf:vnfha:statesync's parameters (statesync_params.c): meta-data and checks. */
#ifndef VNFHA_STATESYNC_PARAMS_H
#define VNFHA_STATESYNC_PARAMS_H

#include "ocf/ocf.h"

/* How many; statesync_params.c asserts that its table has exactly these. */
#define SS_N_PARAMS 11

#ifndef SS_PARAMS_DEFINITION /* the definition counts its own entries */
extern const struct vnfha_param ss_params[SS_N_PARAMS];
#endif

#endif
