# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the remote-node scenarios (tests/cluster/remote-*.bats) and of
# tests/bench/remote-*.sh, on a lab with remote nodes (lab up -r R). Needs
# `lab` (lab.bash) and VNFHA_LAB.
#
# Node ids as the lab takes them: "2" is node2 (a full cluster node), "r1"
# is remote1 (a Pacemaker Remote node, pacemaker-remoted, no Corosync).

# The connection resources' monitor in the scenarios, seconds (interval and
# timeout alike): a remote node's loss is seen by this monitor, not by
# Corosync's token (README.md, "Remote nodes"); the agent's default is 60 s
# interval, 30 s timeout.
REMOTE_MONITOR=${REMOTE_MONITOR:-3}
# A fenced remote node's connection is retried this often (reconnect_interval).
REMOTE_RECONNECT=${REMOTE_RECONNECT:-5}

# remote_setup_file NODES REMOTES [lab up options]: a lab with fencing.
remote_setup_file() {
	local n=$1 r=$2
	shift 2
	lab_setup_file -n "$n" -r "$r" -t 1000 --fencing --remote-monitor "$REMOTE_MONITOR" \
		--remote-reconnect "$REMOTE_RECONNECT" "$@"
}

# The lab id ("r2", "3") of a Pacemaker node name ("remote2", "node3").
remote_id() {
	case $1 in
	remote*) echo "r${1#remote}" ;;
	node*) echo "${1#node}" ;;
	*) return 1 ;;
	esac
}

# remote_conn_host ID: the full node (number) hosting remote node ID's
# connection resource, as a node with quorum sees it; empty when stopped.
remote_conn_host() {
	lab on any crm_resource --locate --resource "$(lab_node_name "$1")" 2>/dev/null |
		sed -n 's/.*running on: node\([0-9]*\).*/\1/p' | head -n 1
}

# remote_wait_conn ID NOT_K SECONDS: until remote node ID's connection runs
# on a full node other than NOT_K and the node is online; prints that node.
remote_wait_conn() {
	local id=$1 not=$2 deadline=$((SECONDS + $3)) h
	while [ $SECONDS -lt $deadline ]; do
		h=$(remote_conn_host "$id")
		if [ -n "$h" ] && [ "$h" != "$not" ] && remote_is_online "$id"; then
			echo "$h"
			return 0
		fi
		sleep 0.2
	done
	echo "remote_wait_conn: $(lab_node_name "$id")'s connection not on a node other than $not" >&2
	return 1
}

# True when remote node ID is online (its connection up) for the cluster.
remote_is_online() {
	lab on any crm_mon -1 --output-as=xml 2>/dev/null |
		xmllint --xpath "//nodes/node[@name='$(lab_node_name "$1")' and @online='true']" - \
			>/dev/null 2>&1
}

# remote_rsc_where RSC [ROLE]: the lab ids of the nodes where RSC runs (in
# ROLE: Promoted, Unpromoted, Started), as a node with quorum sees it.
remote_rsc_where() {
	local role=${2:-} out k
	# shellcheck disable=SC2016 # XPath quotes, not shell
	out=$(lab on any crm_mon -1 --output-as=xml 2>/dev/null |
		xmllint --xpath "//resource[@id='$1' and @active='true' and @failed='false'${role:+ and @role='$role'}]/node/@name" - 2>/dev/null |
		sed 's/ name="\([^"]*\)"/\1\n/g')
	for k in $out; do remote_id "$k"; done | sort | tr '\n' ' '
}

# remote_failed_op RSC NODE_ID: RSC's failed operation recorded for that
# node, as TASK_INTERVAL: "asyncmon_0" is crm_resource --fail (the VNFC
# supervisor's report on a full node), "monitor_0" a probe (the supervisor's
# crm_resource --refresh on a remote node, or the probe after a remote
# node's connection came back), "monitor_10000" a recurring monitor; empty
# when there is none.
remote_failed_op() {
	local key
	key=$(lab on any crm_mon -1 --output-as=xml 2>/dev/null |
		xmllint --xpath "string(//failures/failure[starts-with(@op_key,'$1_') and @node='$(lab_node_name "$2")']/@op_key)" - 2>/dev/null)
	echo "${key#"$1"_}"
}

# remote_wait_failed_op RSC NODE_ID SECONDS: until a failure of RSC on the
# node is recorded; prints it (remote_failed_op).
remote_wait_failed_op() {
	local deadline=$((SECONDS + $3)) t
	while [ $SECONDS -lt $deadline ]; do
		t=$(remote_failed_op "$1" "$2")
		if [ -n "$t" ]; then
			echo "$t"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# PID of the newest process on node ID whose command line matches PATTERN.
remote_pgrep() {
	lab on "$1" pgrep -n -f "$2"
}

# The promoted VNFC of the demo VNF (tests/cluster/vnf.bash) as a lab id,
# remote or full; waits up to 60 s for one, empty when there is none.
remote_vnf_active() {
	local deadline=$((SECONDS + 60)) k
	while [ $SECONDS -lt $deadline ]; do
		k=$(remote_rsc_where vnf Promoted)
		k=${k% }
		if [[ $k =~ ^r?[0-9]+$ ]]; then
			echo "$k"
			return 0
		fi
		sleep 0.5
	done
}
