/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Splits a parameter such as "args" or "promote_cmd" into an argv without a
 * shell: words separated by blanks; '...' and "..." group words literally
 * (no escapes, no expansion, no globbing). What the user writes is what the
 * program receives.
 */
#ifndef VNFHA_ARGV_SPLIT_H
#define VNFHA_ARGV_SPLIT_H

#include <stddef.h>

#define VNFHA__ARGV_MAX 64

/*
 * [out] ret_argv  NULL-terminated, free with vnfha__argv_free()
 * Errors: -EINVAL unterminated quote (why says which), -E2BIG more than
 * VNFHA__ARGV_MAX words, -ENOMEM.
 */
int vnfha__argv_split(const char *text, char ***ret_argv, size_t *ret_argc);
void vnfha__argv_free(char **argv);

#endif
