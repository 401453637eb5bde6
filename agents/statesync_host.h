/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:vnfha:statesync on this node: what it must hold before vnfha-ckptd can
 * start, checked by start so the admin reads the reason and the fix in
 * crm_mon instead of "did not come up"; and the daemon's process. Every failure here is this node's
 * (OCF_ERR_INSTALLED or OCF_ERR_PERM: Pacemaker tries another node), never
 * OCF_ERR_CONFIGURED (which would stop the resource everywhere).
 */
#ifndef VNFHA_STATESYNC_HOST_H
#define VNFHA_STATESYNC_HOST_H

#include <sys/types.h>

/*
 * key_file: NULL when no key is used (plaintext, cpg); else it must exist
 * and be as safe as vnfha-ckptd wants it. socket_group: NULL for none, else
 * a group that exists here. Returns OCF_SUCCESS, or the OCF code after
 * vnfha_ocf_fail() gave the reason.
 */
int ss_host_ready(const char *key_file, const char *socket_group);

/*
 * sync_method=cpg needs Corosync on this node, and a Pacemaker Remote node
 * (ocf_node.h) has none: OCF_ERR_INSTALLED with the reason and the fix
 * (node: this node's name), so Pacemaker keeps the instance off this node
 * and runs it on the cluster nodes; OCF_SUCCESS elsewhere.
 */
int ss_host_cpg_ready(const char *node);

/* The PID pidfile names (0: none or unreadable), whether it runs or not.
 * The daemon is started by statesync_supervise.c, which writes it. */
pid_t ss_host_pidfile(const char *pidfile);

/* The PID in pidfile when that process still runs a program whose path
 * holds name (a reused PID runs another program); 0 otherwise. */
pid_t ss_host_daemon_pid(const char *pidfile, const char *name);

#endif
