/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha: the API a VNF component links to take part in vnfha failover
 * (overview: libvnfha(3)).
 *   <vnfha/role.h>    - role changes from ocf:vnfha:vnfc, ready, heartbeat, health
 *   <vnfha/ckpt.h>    - checkpoint commit and restore through vnfha-ckptd
 *   <vnfha/lbagent.h> - HAProxy agent checks answered from the VNFC's own state
 *   <vnfha/lib.h>     - the library's version, error texts
 *   <vnfha/version.h> - the headers' version (VNFHA_VERSION_*)
 * Build with `pkg-config --cflags --libs libvnfha`. Every function returns 0
 * or a negative errno and never aborts; vnfha_lib_strerror() explains a code.
 */
#ifndef VNFHA_H
#define VNFHA_H

#include <vnfha/version.h>
#include <vnfha/lib.h>
#include <vnfha/role.h>
#include <vnfha/ckpt.h>
#include <vnfha/lbagent.h>

#endif
