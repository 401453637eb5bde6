/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who may own and read the cluster key file. The key is Pacemaker
 * Remote's /etc/pacemaker/authkey by default, which the cluster tools
 * write in their own ways on Debian 12:
 *   crm cluster init    0640 hacluster:haclient (and /etc/pacemaker 0750)
 *   pcs cluster setup   0400 hacluster:haclient
 *   by hand (the docs)  0600 or 0400 root:root
 * Accepted: owner root, the Pacemaker user (hacluster) or this process's
 * user; group read only for root, haclient or this process's group; no
 * group write and nothing at all for others.
 */
#ifndef VNFHA_CKPT_KEY_H
#define VNFHA_CKPT_KEY_H

#include <stddef.h>
#include <sys/types.h>

#define VNFHA_CKPT_KEY_USER "hacluster"	/* CRM_DAEMON_USER */
#define VNFHA_CKPT_KEY_GROUP "haclient" /* CRM_DAEMON_GROUP */

/*
 * 0 when a key file with this owner, group and mode is safe to use;
 * otherwise -EPERM and why gets one sentence naming the problem and the
 * command that fixes it.
 */
int vnfha__ckpt_key_check_mode(const char *path, uid_t uid, gid_t gid, mode_t mode, char *why,
			       size_t why_len);

#endif
