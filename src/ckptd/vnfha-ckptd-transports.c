// SPDX-License-Identifier: GPL-2.0-or-later
/* The transports vnfha-ckptd knows, by peer address scheme (see
 * struct ckptd_transport in vnfha-ckptd.h). TCP is also the default. */
#include <stddef.h>

#include "vnfha-ckptd.h"

const struct ckptd_transport *const ckptd_transports[] = {
	&ckptd_transport_tcp,
	NULL,
};
