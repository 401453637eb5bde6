/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP-free unit test harness: failures print file:line and make
 * the program exit 1, which automake's test driver reports as FAIL. */
#ifndef VNFHA_UNIT_H
#define VNFHA_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failures;

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,     \
				#cond);                                                      \
			unit_failures++;                                                     \
		}                                                                            \
	} while (0)

#define CHECK_INT(got, want)                                                                 \
	do {                                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);                    \
		if (g_ != w_) {                                                              \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, \
				#got, g_, w_);                                               \
			unit_failures++;                                                     \
		}                                                                            \
	} while (0)

#define UNIT_DONE() (unit_failures == 0 ? 0 : 1)

#endif
