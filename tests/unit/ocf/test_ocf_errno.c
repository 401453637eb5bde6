// SPDX-License-Identifier: GPL-2.0-or-later
/* The errno -> OCF exit code table, row by row, as ocf.h pictures it. */
#include <errno.h>
#include <limits.h>

#include "ocf/ocf.h"
#include "unit.h"

#define HOST VNFHA__OCF_HOST
#define INSTALL VNFHA__OCF_INSTALL
#define CONFIG VNFHA__OCF_CONFIG

static void check_row(int rc, int host, int install, int config)
{
	CHECK_INT(vnfha__ocf_from_errno(rc, HOST), host);
	CHECK_INT(vnfha__ocf_from_errno(rc, INSTALL), install);
	CHECK_INT(vnfha__ocf_from_errno(rc, CONFIG), config);
}

int main(void)
{
	check_row(0, OCF_SUCCESS, OCF_SUCCESS, OCF_SUCCESS);
	check_row(-EACCES, OCF_ERR_PERM, OCF_ERR_PERM, OCF_ERR_PERM);
	check_row(-EPERM, OCF_ERR_PERM, OCF_ERR_PERM, OCF_ERR_PERM);
	/* missing: "not installed" only for what the resource needs installed;
	 * a missing interface, namespace or directory is this node's state */
	check_row(-ENOENT, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC);
	check_row(-ENOEXEC, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC);
	check_row(-ENOTDIR, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC);
	check_row(-ELOOP, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC);
	check_row(-ELIBBAD, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC);
	check_row(-ELIBACC, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_GENERIC);
	/* bad input is CONFIGURED only when the input is the configuration */
	check_row(-EINVAL, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED);
	check_row(-ERANGE, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED);
	check_row(-EDOM, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED);
	check_row(-E2BIG, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED);
	check_row(-ENAMETOOLONG, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED);
	check_row(-EILSEQ, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_CONFIGURED);
	/* host-dependent conditions are never CONFIGURED, in any context */
	check_row(-ENODEV, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-ENETUNREACH, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-EXDEV, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-ETIMEDOUT, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-ECONNREFUSED, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-ENOMEM, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-ENOSPC, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-EIO, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	/* not a 0/-errno: the caller's bug, never a misleading code */
	check_row(ENOENT, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(INT_MIN, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	check_row(-100000, OCF_ERR_GENERIC, OCF_ERR_GENERIC, OCF_ERR_GENERIC);
	CHECK_INT(vnfha__ocf_from_errno(-EINVAL, (enum vnfha__ocf_errno_ctx)7), OCF_ERR_GENERIC);
	return UNIT_DONE();
}
