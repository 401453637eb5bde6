// SPDX-License-Identifier: LGPL-2.1-or-later
#include <limits.h>
#include <string.h>

#include "vnfha/lib.h"
#include "vnfha/version.h"

const char *vnfha_lib_version(void)
{
	return VNFHA_VERSION_STRING;
}

const char *vnfha_lib_strerror(int code)
{
	/* strerrordesc_np is thread-safe and static, unlike strerror.
	 * INT_MIN has no positive twin: no errno either. */
	const char *text = code == INT_MIN ? NULL : strerrordesc_np(code < 0 ? -code : code);

	return text != NULL ? text : "unknown error";
}
