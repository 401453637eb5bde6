/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict parsers for untrusted text (STYLE.md rule 10). Each returns 0 or a
 * negative errno: -EINVAL for "not a number/word", -ERANGE for "out of
 * range". Out-parameters are written only on success.
 */
#ifndef VNFHA_PARSE_H
#define VNFHA_PARSE_H

#include <stdbool.h>
#include <stdint.h>

int vnfha__parse_long(const char *text, long min, long max, long *ret_value);
int vnfha__parse_bool(const char *text, bool *ret_value);
/* "500", "500ms", "2s", "1min": milliseconds, as Pacemaker writes durations. */
int vnfha__parse_duration_ms(const char *text, uint64_t max_ms, uint64_t *ret_ms);

#endif
