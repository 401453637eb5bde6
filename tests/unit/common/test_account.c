// SPDX-License-Identifier: GPL-2.0-or-later
/* User and group names: the syntax rule and the lookups on this host. */
#include <errno.h>
#include <string.h>

#include "common/account.h"
#include "unit.h"

int main(void)
{
	char why[256] = "";
	uid_t uid = 1;
	gid_t gid = 1;

	CHECK_INT(vnfha__check_account_name("vnf", why, sizeof(why)), 0);
	CHECK_INT(vnfha__check_account_name("_vnf-app.1", why, sizeof(why)), 0);
	CHECK_INT(vnfha__check_account_name("Machine$", why, sizeof(why)), 0);
	CHECK_INT(vnfha__check_account_name("abcdefghijklmnopqrstuvwxyzabcdef", why, sizeof(why)),
		  0);
	CHECK_INT(vnfha__check_account_name("abcdefghijklmnopqrstuvwxyzabcdefg", why, sizeof(why)),
		  -EINVAL);
	CHECK_INT(vnfha__check_account_name("", why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha__check_account_name("-rf", why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha__check_account_name("1000", why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha__check_account_name("vnf user", why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha__check_account_name("vnf$x", why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha__check_account_name("a/b", why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "starts with a letter or '_'") != NULL);
	CHECK_INT(vnfha__user_lookup("root", &uid, &gid), 0);
	CHECK_INT(uid, 0);
	CHECK_INT(gid, 0);
	gid = 1;
	CHECK_INT(vnfha__group_lookup("root", &gid), 0);
	CHECK_INT(gid, 0);
	CHECK_INT(vnfha__user_lookup("vnfha-no-such-user", &uid, &gid), -ENOENT);
	CHECK_INT(vnfha__group_lookup("vnfha-no-such-group", &gid), -ENOENT);
	return UNIT_DONE();
}
