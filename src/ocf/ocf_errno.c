// SPDX-License-Identifier: LGPL-2.1-or-later
/* The errno -> OCF exit code table (ocf.h has it as a picture). */
#include <errno.h>
#include <stddef.h>

#include "ocf/ocf.h"

/* OCF_ERR_GENERIC for the errnos not listed. */
static const struct {
	int err; /* positive errno */
	int ocf[3]; /* by enum vnfha__ocf_errno_ctx: HOST, INSTALL, CONFIG */
} table[] = {
	{ EACCES, { OCF_ERR_PERM, OCF_ERR_PERM, OCF_ERR_PERM } },
	{ EPERM, { OCF_ERR_PERM, OCF_ERR_PERM, OCF_ERR_PERM } },
	{ ENOENT, { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC } },
	{ ENOEXEC, { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC } },
	{ ENOTDIR, { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC } },
	{ ELOOP, { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC } },
	{ ELIBBAD, { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC } },
	{ ELIBACC, { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC } },
	{ EINVAL, { OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED } },
	{ ERANGE, { OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED } },
	{ EDOM, { OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED } },
	{ E2BIG, { OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED } },
	{ ENAMETOOLONG, { OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED } },
	{ EILSEQ, { OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED } },
};

int vnfha__ocf_from_errno(int rc, enum vnfha__ocf_errno_ctx ctx)
{
	if (rc == 0) {
		return OCF_SUCCESS;
	}
	if (rc > 0 || (unsigned int)ctx > VNFHA__OCF_CONFIG) {
		return OCF_ERR_GENERIC;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (rc == -table[i].err) {
			return table[i].ocf[ctx];
		}
	}
	return OCF_ERR_GENERIC;
}
