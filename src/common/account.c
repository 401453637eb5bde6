// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "common/account.h"

int vnfha__check_account_name(const char *value, char *why, size_t why_len)
{
	size_t len = strlen(value);
	size_t body = len > 0 && value[len - 1] == '$' ? len - 1 : len;

	if (len == 0 || len > VNFHA__ACCOUNT_NAME_MAX || value[0] == '-' ||
	    (value[0] >= '0' && value[0] <= '9') ||
	    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    body) {
		snprintf(why, why_len,
			 "use a name of 1 to %d letters, digits, '.', '_' or '-' that starts with "
			 "a letter or '_' (as useradd and groupadd take it)",
			 VNFHA__ACCOUNT_NAME_MAX);
		return -EINVAL;
	}
	return 0;
}

int vnfha__user_lookup(const char *name, uid_t *ret_uid, gid_t *ret_gid)
{
	const struct passwd *pw = getpwnam(name);

	if (pw == NULL) {
		return -ENOENT;
	}
	*ret_uid = pw->pw_uid;
	*ret_gid = pw->pw_gid;
	return 0;
}

int vnfha__group_lookup(const char *name, gid_t *ret_gid)
{
	const struct group *gr = getgrnam(name);

	if (gr == NULL) {
		return -ENOENT;
	}
	*ret_gid = gr->gr_gid;
	return 0;
}
