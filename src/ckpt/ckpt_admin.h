/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Administering the local vnfha-ckptd over its Unix socket, for our own
 * programs (vnfha-ckpt, the statesync agent); not part of libvnfha's API.
 * Each call sends one request on a connection from vnfha_ckpt_connect()
 * and reads its whole answer, so the connection stays usable. Every call
 * returns 0 or a negative errno: the daemon's status (-EROFS, -EINVAL,
 * -E2BIG, -EOPNOTSUPP...) or the connection's (-EPIPE, -ECONNRESET,
 * -EPROTO on a reply that does not decode).
 */
#ifndef VNFHA_CKPT_ADMIN_H
#define VNFHA_CKPT_ADMIN_H

#include <stddef.h>

#include "ckpt/ckpt_wire.h"
#include "vnfha/ckpt.h"

/* Who the daemon is: its role (enum vnfha__ckpt_role) and node name
 * (VNFHA_CKPT_NAME_MAX + 1 bytes at ret_node, or NULL). */
int vnfha__ckpt_admin_whoami(struct vnfha_ckpt_client *client, int *ret_role, char *ret_node);

/* Switches the role (a promotion starts a new epoch). */
int vnfha__ckpt_admin_set_role(struct vnfha_ckpt_client *client, int role);

/* Replaces the replica list (HOST:PORT each, at most VNFHA_CKPT_MAX_PEERS).
 * On a refusal the daemon's reason is copied to why (why_len bytes; may be
 * NULL). */
int vnfha__ckpt_admin_set_peers(struct vnfha_ckpt_client *client, char *const *addrs, size_t n,
				char *why, size_t why_len);

/* The daemon's status text, one "key value..." fact per line.
 * [out] ret_text  malloc'ed, NUL-terminated; the caller frees it */
int vnfha__ckpt_admin_status(struct vnfha_ckpt_client *client, char **ret_text);

#endif
