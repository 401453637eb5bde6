// SPDX-License-Identifier: LGPL-2.1-or-later
#include "common/account.h"
#include "ocf/ocf.h"
#include "ocf/ocf_account.h"

int vnfha_ocf_user_ids(const char *param, const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
	int rc = vnfha__user_lookup(user, ret_uid, ret_gid);

	if (rc < 0) {
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_INSTALL),
				      "parameter %s='%s': no such user on this node; create it on "
				      "every node the resource may run on (adduser --system %s) or "
				      "fix the parameter", param, user, user);
	}
	return OCF_SUCCESS;
}

int vnfha_ocf_group_id(const char *param, const char *group, gid_t *ret_gid)
{
	int rc = vnfha__group_lookup(group, ret_gid);

	if (rc < 0) {
		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_INSTALL),
				      "parameter %s='%s': no such group on this node; create it on "
				      "every node the resource may run on (addgroup --system %s) or "
				      "fix the parameter", param, group, group);
	}
	return OCF_SUCCESS;
}
