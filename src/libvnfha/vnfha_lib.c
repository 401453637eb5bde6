// SPDX-License-Identifier: LGPL-2.1-or-later
#include <string.h>

#include "vnfha/lib.h"

const char *vnfha_lib_version(void)
{
	return PACKAGE_VERSION;
}

const char *vnfha_lib_strerror(int code)
{
	/* strerrordesc_np is thread-safe and static, unlike strerror. */
	const char *text = strerrordesc_np(code < 0 ? -code : code);

	return text != NULL ? text : "unknown error";
}
