/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha: the API a VNF component links to take part in vnfha failover.
 *   vnfha_role.h - role changes from ocf:vnfha:vnfc, ready, heartbeat, health
 *   vnfha_ckpt.h - checkpoint commit and restore through vnfha-ckptd
 * Link with `pkg-config --libs libvnfha`. Every function returns 0 or a
 * negative errno and never aborts; vnfha_lib_strerror() explains a code.
 */
#ifndef VNFHA_H
#define VNFHA_H

#include "vnfha_lib.h"
#include "vnfha_role.h"
#include "vnfha_ckpt.h"

#endif
