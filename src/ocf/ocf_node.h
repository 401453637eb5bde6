/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What kind of Pacemaker node an agent runs on, and where the cluster
 * reaches a Pacemaker Remote node. A remote node (pacemaker-remoted, no
 * Corosync) has no CPG and no cmap, and its name need not resolve: agents
 * that need Corosync refuse there with a reason, and agents that must reach
 * another node by address ask the CIB how Pacemaker itself reaches it.
 */
#ifndef VNFHA_OCF_NODE_H
#define VNFHA_OCF_NODE_H

#include <stddef.h>

enum vnfha__node_kind {
	VNFHA__NODE_UNKNOWN = 0, /* neither corosync nor pacemaker-remoted runs here */
	VNFHA__NODE_CLUSTER,	 /* corosync runs here: a full cluster node */
	VNFHA__NODE_REMOTE,	 /* pacemaker-remoted runs here and corosync does not */
};

/* "cluster node", "Pacemaker Remote node", "node of unknown kind". */
const char *vnfha__node_kind_name(enum vnfha__node_kind kind);

/*
 * The kind of this host, from the processes under proc_root (normally
 * "/proc") that share our PID namespace (a container's or a lab node's
 * daemons, listed in the host's /proc too, are another node's), by their
 * comm: a full node runs
 * corosync (and never pacemaker-remoted: the packages conflict), a remote
 * node runs pacemaker-remoted (its executor, the agents' parent) and no
 * corosync. Local and cheap (no IPC, no Pacemaker tool): validate-all and
 * start can afford it. 0 with ret_kind, or -errno when proc_root cannot be
 * read.
 */
int vnfha__node_kind(const char *proc_root, enum vnfha__node_kind *ret_kind);

/*
 * The address Pacemaker connects to for the remote node or guest node
 * `node`, as the CIB says: the server parameter of its ocf:pacemaker:remote
 * connection resource, or the remote-addr meta-attribute of the resource
 * that makes it a guest node (one cibadmin query, through pacemaker-remoted
 * on a remote node). 0 with the address in buf; -ENOENT when node is not a
 * remote or guest node or sets no address (its name is its address, as for
 * Pacemaker); -EINVAL for a node name outside [A-Za-z0-9._-] (never put in
 * an XPath); -ENOSPC, -EIO (cibadmin failed), -errno.
 */
int vnfha__ocf_remote_addr(const char *node, char *buf, size_t len);

/*
 * Pure parser of cibadmin --query --xpath output: the value of the first
 * <nvpair> element whose name attribute is `name`. Attribute values are
 * taken literally up to the closing quote; a value holding an XML entity
 * ('&') is refused (an address never needs one). 0, -ENOENT (no such
 * nvpair), -EINVAL (malformed element), -ENOSPC (the value does not fit).
 */
int vnfha__cib_nvpair_value(const char *xml, const char *name, char *buf, size_t len);

#endif
