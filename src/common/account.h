/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * User and group names from agent parameters: their syntax (judged
 * anywhere, so validate-all at depth 0 can), and their ids on this node
 * (a name missing here is this node's problem, never a configuration
 * error: the caller says OCF_ERR_INSTALLED).
 */
#ifndef VNFHA_ACCOUNT_H
#define VNFHA_ACCOUNT_H

#include <stddef.h>
#include <sys/types.h>

#define VNFHA__ACCOUNT_NAME_MAX 32 /* useradd's and groupadd's limit */

/*
 * A user or group name as useradd and groupadd take it: 1 to 32 of
 * [A-Za-z0-9._-], not starting with '-' or a digit, an optional final '$'.
 * 0, or -EINVAL with the rule in why (a vnfha_param_check_fn).
 */
int vnfha__check_account_name(const char *value, char *why, size_t why_len);

/* The user's uid and login group. -ENOENT when this node has no such user. */
int vnfha__user_lookup(const char *name, uid_t *ret_uid, gid_t *ret_gid);

/* The group's gid. -ENOENT when this node has no such group. */
int vnfha__group_lookup(const char *name, gid_t *ret_gid);

#endif
