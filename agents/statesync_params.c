// SPDX-License-Identifier: GPL-2.0-or-later
/* ocf:vnfha:statesync's parameters: their meta-data (the man page is
 * generated from it) and their checks. */
#include <errno.h>
#include <stdio.h>

#include "common/account.h"
#include "ocf/ocf.h"
#include "statesync_obs.h"
#define SS_PARAMS_DEFINITION
#include "statesync_params.h"

static const char *const methods[] = { "tcp", "cpg", "shared_dir", NULL };

static int check_key_file(const char *value, char *why, size_t why_len)
{
	return vnfha_ocf_check_absolute_path(value, why, why_len);
}

const struct vnfha_param ss_params[] = {
	{ .name = "sync_method", .type = VNFHA_PARAM_SELECT, .dflt = "tcp", .options = methods,
	  .shortdesc = "How checkpoints travel",
	  .longdesc = "tcp: the primary sends each commit to the replicas directly over TLS "
		      "1.3 (PSK). A repository node is a tcp replica that is never promoted: "
		      "list it in repository_nodes and keep the VNFC off it with a location "
		      "constraint. cpg: checkpoints travel on Corosync's own message bus "
		      "(a CPG group named after the resource), for small frequent state of at "
		      "most 1 MiB per checkpoint; protected by Corosync's totem crypto "
		      "(crypto_cipher/crypto_hash in corosync.conf), so no key_file is used "
		      "and no port opened. The cost of cpg: when any member is lost (a "
		      "replica node killed, cut off or frozen), totem delivers no message "
		      "to anyone from the missed token until the new ring is formed, token "
		      "plus consensus (1.2 x token by default; corosync logs 'token timed "
		      "out (1000ms), waiting 1200ms for consensus'), so every sync and "
		      "durable commit stalls that long although it waits for one replica's "
		      "acknowledgement, as with tcp, and the other replica is alive (with "
		      "tcp the other replica's session is not held up by the lost one). "
		      "Measured in the lab (3 nodes, token 1000 ms, the demo VNF in sync mode; "
		      "tests/bench/failover-vnf-vs-stateful.sh --faults replica-kill with "
		      "VNF_SYNC_METHOD=cpg, 5 runs): a replica node killed, Corosync's new "
		      "ring at +2.27 s (median; 2.23-2.30 s), sync commits answered again at "
		      "+2.30 s (2.25-2.33 s), 16-59 ms after the new ring; "
		      "tests/cluster/vnf-cpg.bats checks the same with 4 client threads. "
		      "A shorter token in corosync.conf shortens the stall and makes the "
		      "cluster quicker to declare a slow node dead. "
		      "shared_dir: store_dir is on storage every node mounts "
		      "(and fencing guards); only the promoted node runs vnfha-ckptd, and a "
		      "newly promoted one finds the last complete version in place; there is "
		      "no replica, so a sync commit returns once the version is in the shared "
		      "store and a durable one once it is on stable storage there (data or "
		      "log, and directory, fsync'ed); no key_file is used and no port opened." },
	{ .name = "port", .type = VNFHA_PARAM_INTEGER, .dflt = "7410", .min = 1, .max = 65535,
	  .shortdesc = "Replication port", .longdesc = "TCP port every replica listens on." },
	{ .name = "store_dir", .type = VNFHA_PARAM_STRING, .dflt = "/var/lib/vnfha/ckpt",
	  .check = vnfha_ocf_check_absolute_path, .shortdesc = "Checkpoint store",
	  .longdesc = "Directory where this node keeps its checkpoints (survives restarts)." },
	{ .name = "socket", .type = VNFHA_PARAM_STRING, .dflt = "/run/vnfha/ckpt.sock",
	  .check = vnfha_ocf_check_absolute_path, .shortdesc = "Local socket for VNFCs",
	  .longdesc = "Unix socket where VNFCs reach the daemon (libvnfha's default)." },
	{ .name = "socket_group", .type = VNFHA_PARAM_STRING,
	  .check = vnfha__check_account_name, .shortdesc = "Group that may use the socket",
	  .longdesc = "The local socket is mode 0660, owner root, group root or this group: a "
		      "VNFC run as an unprivileged user (ocf:vnfha:vnfc user=, group=) in this "
		      "group may commit and restore; every other local user is refused. The "
		      "group must exist on every node. Unset: root only." },
	{ .name = "key_file", .type = VNFHA_PARAM_STRING, .dflt = "/etc/pacemaker/authkey",
	  .check = check_key_file, .shortdesc = "Pre-shared key file",
	  .longdesc = "TLS pre-shared key, the same on every node (Pacemaker Remote's key by "
		      "default). Accepted as pcs (0400 hacluster:haclient) and crmsh (0640 "
		      "hacluster:haclient) write it, or 0600 root; refused when others may "
		      "read it or a group other than haclient may, with the chmod that fixes "
		      "it." },
	{ .name = "plaintext", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "Replicate without TLS",
	  .longdesc = "Send checkpoints unencrypted and unauthenticated. Only for isolated "
		      "test networks." },
	{ .name = "peer_addresses", .type = VNFHA_PARAM_STRING, .dflt = "",
	  .shortdesc = "Node addresses",
	  .longdesc = "NODE=ADDRESS words for replication. A node not listed: a Pacemaker "
		      "Remote or guest node at the address its connection resource gives in "
		      "the CIB (server, remote-addr), any other node by resolving its name." },
	{ .name = "repository_nodes", .type = VNFHA_PARAM_STRING, .dflt = "",
	  .shortdesc = "Nodes that keep replicas but are never promoted",
	  .longdesc = "Blank-separated node names: replicas there store every checkpoint "
		      "but get no promotion score and are not compared for freshness." },
	{ .name = "metrics_listen", .type = VNFHA_PARAM_STRING, .dflt = "",
	  .check = ss_check_metrics_listen, .shortdesc = "Prometheus metrics address",
	  .longdesc = "ADDR:PORT (e.g. 0.0.0.0:9410, [::]:9410) where vnfha-ckptd serves "
		      "Prometheus metrics (GET /metrics); empty: none." },
	{ .name = "ckptd", .type = VNFHA_PARAM_STRING, .dflt = "vnfha-ckptd",
	  .shortdesc = "Daemon program", .longdesc = "vnfha-ckptd, by name (PATH) or path." },
};

_Static_assert(sizeof(ss_params) / sizeof(ss_params[0]) == SS_N_PARAMS,
	       "SS_N_PARAMS (statesync_params.h) is the number of entries of ss_params");
