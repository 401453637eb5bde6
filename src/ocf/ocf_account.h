/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The user and group an agent's parameters name, as this node knows them.
 * A name missing here is this node's problem, not the configuration's: the
 * agent fails with OCF_ERR_INSTALLED (Pacemaker tries another node) and a
 * reason that names the parameter and the command that makes the account.
 */
#ifndef VNFHA_OCF_ACCOUNT_H
#define VNFHA_OCF_ACCOUNT_H

#include <sys/types.h>

/* user (parameter param): its uid and login group. OCF_SUCCESS, or the
 * code vnfha_ocf_fail() returned after saying why. */
int vnfha_ocf_user_ids(const char *param, const char *user, uid_t *ret_uid, gid_t *ret_gid);

/* group (parameter param): its gid. OCF_SUCCESS, or the code
 * vnfha_ocf_fail() returned after saying why. */
int vnfha_ocf_group_id(const char *param, const char *group, gid_t *ret_gid);

#endif
