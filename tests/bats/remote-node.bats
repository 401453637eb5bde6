#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha's agents on a Pacemaker Remote node, outside a cluster: a PID
# namespace where a process named pacemaker-remoted runs (and no corosync)
# is what a remote node looks like to an agent; the CIB is a cibadmin
# recorder on PATH that answers as Pacemaker would for remote and guest
# nodes, crm_resource a recorder. tests/cluster/remote-*.bats run the real
# ones.

setup() {
	load netns
	netns_setup
	AGENT="$VNFHA_BUILDDIR/agents/statesync"
	BIN="$NETNS_DIR/bin"
	mkdir -p "$BIN" "$NETNS_DIR/store" "$NETNS_DIR/procs"
	ln -s "$VNFHA_BUILDDIR/src/ckptd/vnfha-ckptd" "$BIN/vnfha-ckptd"
	ln -s "$VNFHA_BUILDDIR/src/ckptd/vnfha-ckpt" "$BIN/vnfha-ckpt"
	printf '#!/bin/sh\nexit 0\n' >"$BIN/crm_attribute"
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/crm_resource.calls"\n' "$NETNS_DIR" \
		>"$BIN/crm_resource"
	cat >"$BIN/attrd_updater" <<-EOF
		#!/bin/sh
		[ "\$1" = -Q ] || exit 0
		[ -e "$NETNS_DIR/attrd.fail" ] && exit 1
		cat "$NETNS_DIR/attrd.peers" 2>/dev/null
		exit 0
	EOF
	# cibadmin --query --xpath X: the nvpair Pacemaker holds for the node the
	# XPath names (cib.NODE holds it), else "no such object" (105).
	cat >"$BIN/cibadmin" <<-EOF
		#!/bin/bash
		echo "\$*" >>"$NETNS_DIR/cibadmin.calls"
		node=\$(sed -n "s/.*@id='\\([^']*\\)'.*/\\1/p" <<<"\$3")
		[ -e "$NETNS_DIR/cib.\$node" ] || exit 105
		cat "$NETNS_DIR/cib.\$node"
	EOF
	chmod +x "$BIN/crm_attribute" "$BIN/crm_resource" "$BIN/attrd_updater" "$BIN/cibadmin"
	# what a process's comm is made of: the executable's file name
	cp /bin/sleep "$NETNS_DIR/procs/pacemaker-remoted"
	cp /bin/sleep "$NETNS_DIR/procs/corosync"
	export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE="ss:0" OCF_RESKEY_CRM_meta_on_node=remote1
	export OCF_RESKEY_store_dir="$NETNS_DIR/store" OCF_RESKEY_socket="$NETNS_DIR/ckpt.sock"
	export OCF_RESKEY_plaintext=true OCF_RESKEY_port=7410
	VNFC_ARG=100000
	# both agents run as a promotable clone with one promoted instance
	export OCF_RESKEY_CRM_meta_clone_max=3 OCF_RESKEY_CRM_meta_promotable=true
	export OCF_RESKEY_CRM_meta_promoted_max=1 OCF_RESKEY_CRM_meta_notify=true
}

teardown() {
	[ -z "${NODE_PID:-}" ] || ra stop >/dev/null 2>&1 || true
	netns_teardown
}

# node DAEMONS: a node for the agent, its own PID namespace (in the test
# netns) with fake daemons named DAEMONS ("pacemaker-remoted", "corosync");
# it lives until the test's netns goes, so a daemon the agent starts stays.
node() {
	# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
	ip netns exec "$NS_A" unshare --pid --fork --mount-proc bash -c '
		dir=$1
		shift
		for d in "$@"; do "$dir/procs/$d" 600 & done
		exec sleep 600' _ "$NETNS_DIR" "$@" </dev/null >/dev/null 2>&1 3>&- &
	local unshare=$! _
	for _ in $(seq 100); do
		NODE_PID=$(awk '{ print $1 }' "/proc/$unshare/task/$unshare/children" 2>/dev/null)
		[ -n "$NODE_PID" ] && [ "$(ps --ppid "$NODE_PID" --no-headers | wc -l)" -ge $# ] && return 0
		sleep 0.05
	done
	return 1
}

# The agent on that node.
ra() {
	PATH="$BIN:$PATH" nsenter -t "$NODE_PID" -p -m -n "$AGENT" "$@"
}

# ocf:vnfha:vnfc on that node, a sleep of VNFC_ARG seconds as its VNFC.
# With HOST_PIDS=1, in the node's network namespace only: the host's
# processes and /proc, as a host beside a container.
vnfc() {
	local in=(-p -m -n)
	[ -z "${HOST_PIDS:-}" ] || in=(-n)
	PATH="$BIN:$PATH" OCF_RESOURCE_INSTANCE=rv:0 OCF_RESKEY_binary=/bin/sleep \
		OCF_RESKEY_args="$VNFC_ARG" OCF_RESKEY_protocol=hooks \
		OCF_RESKEY_state_dir="$NETNS_DIR/vnfc" OCF_RESKEY_log_file="$NETNS_DIR/vnfc.log" \
		nsenter -t "$NODE_PID" "${in[@]}" "$VNFHA_BUILDDIR/agents/vnfc" "$@"
}

# vnfc_killed_report: kills the VNFC; prints what its supervisor asked
# crm_resource.
vnfc_killed_report() {
	local pid _ in=(nsenter -t "$NODE_PID" -p -m)
	[ -z "${HOST_PIDS:-}" ] || in=()
	pid=$("${in[@]}" pgrep -n -f "^/bin/sleep $VNFC_ARG\$")
	[ -n "$pid" ] || return 1
	"${in[@]}" kill "$pid"
	for _ in $(seq 100); do
		[ -s "$NETNS_DIR/crm_resource.calls" ] && break
		sleep 0.05
	done
	cat "$NETNS_DIR/crm_resource.calls"
}

peers() { # what attrd holds for the other nodes
	printf 'name="vnfha-version-ss" host="%s" value="%s"\n' "$@" >"$NETNS_DIR/attrd.peers"
}

@test "statesync: sync_method=cpg on a remote node is refused by validate-all and start" {
	node pacemaker-remoted
	export OCF_RESKEY_sync_method=cpg
	OCF_CHECK_LEVEL=10 run ra validate-all
	echo "$output"
	[ "$status" -eq 5 ] # OCF_ERR_INSTALLED: this node, not the configuration
	[[ "$output" == *"ocf-exit-reason:sync_method=cpg needs Corosync, which Pacemaker Remote node remote1 lacks: use sync_method=tcp"* ]]
	# all of it in what Pacemaker keeps of an exit reason (128 bytes)
	reason=$(sed -n 's/^ocf-exit-reason://p' <<<"$output")
	[ "${#reason}" -le 128 ]
	[[ "$output" == *"'#kind' ne cluster"* ]]
	run ra start
	[ "$status" -eq 5 ]
	[[ "$output" == *"ocf-exit-reason:sync_method=cpg needs Corosync"* ]]
	run ra monitor
	[ "$status" -eq 7 ] # nothing was started
	# depth 0 judges the parameters alone: they are fine
	run ra validate-all
	[ "$status" -eq 0 ]
}

@test "statesync: cpg passes where corosync runs, tcp passes on a remote node" {
	node pacemaker-remoted corosync
	OCF_RESKEY_sync_method=cpg OCF_CHECK_LEVEL=10 run ra validate-all
	[ "$status" -eq 0 ]
	node corosync
	OCF_RESKEY_sync_method=cpg OCF_CHECK_LEVEL=10 run ra validate-all
	[ "$status" -eq 0 ]
	node pacemaker-remoted
	OCF_RESKEY_sync_method=tcp OCF_CHECK_LEVEL=10 run ra validate-all
	[ "$status" -eq 0 ]
	# the default is tcp: fine on a remote node
	OCF_CHECK_LEVEL=10 run ra validate-all
	[ "$status" -eq 0 ]
}

@test "statesync: remote and guest peers are reached at the address the CIB gives, looked up once" {
	# remote2 is a remote node (server=), guest3 a guest node (remote-addr=);
	# neither name resolves
	printf '<nvpair id="remote2-instance_attributes-server" name="server" value="198.51.100.102"/>\n' \
		>"$NETNS_DIR/cib.remote2"
	printf '<nvpair id="vm3-meta_attributes-remote-addr" name="remote-addr" value="198.51.100.103"/>\n' \
		>"$NETNS_DIR/cib.guest3"
	run getent hosts remote2
	[ "$status" -ne 0 ]
	node pacemaker-remoted
	run ra start
	[ "$status" -eq 0 ]
	peers remote2 0.0
	printf 'name="vnfha-version-ss" host="guest3" value="0.0"\n' >>"$NETNS_DIR/attrd.peers"
	run ra promote
	echo "$output"
	[ "$status" -eq 0 ]
	run env PATH="$BIN:$PATH" ip netns exec "$NS_A" vnfha-ckpt --socket "$NETNS_DIR/ckpt.sock" status
	echo "$output"
	[[ "$output" == *"198.51.100.102:7410"* ]]
	[[ "$output" == *"198.51.100.103:7410"* ]]
	calls=$(wc -l <"$NETNS_DIR/cibadmin.calls")
	[ "$calls" -eq 2 ]
	# the same replicas again: no lookup at all
	run ra monitor
	[ "$status" -eq 8 ]
	[ "$(wc -l <"$NETNS_DIR/cibadmin.calls")" -eq "$calls" ]
	# a node with no address anywhere is said so, and looked up again next time
	printf 'name="vnfha-version-ss" host="remote4" value="0.0"\n' >>"$NETNS_DIR/attrd.peers"
	run ra monitor
	[ "$status" -eq 8 ]
	[[ "$output" == *"no address for node remote4 (not in peer_addresses, no connection address in the CIB, the name does not resolve): set peer_addresses"* ]]
	run ra monitor
	[[ "$output" == *"no address for node remote4"* ]]
	# peer_addresses still wins over the CIB
	run ra demote
	OCF_RESKEY_peer_addresses="remote2=198.51.100.12" run ra promote
	[ "$status" -eq 0 ]
	run env PATH="$BIN:$PATH" ip netns exec "$NS_A" vnfha-ckpt --socket "$NETNS_DIR/ckpt.sock" status
	[[ "$output" == *"198.51.100.12:7410"* ]]
	[[ "$output" != *"198.51.100.102:7410"* ]]
}

@test "statesync: promote refuses when the peers' versions cannot be read or are too many" {
	node pacemaker-remoted
	run ra start
	[ "$status" -eq 0 ]
	touch "$NETNS_DIR/attrd.fail"
	run ra promote
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:cannot read the other nodes' checkpoint versions"* ]]
	rm "$NETNS_DIR/attrd.fail"
	# nine other nodes: more replicas than vnfha-ckptd serves; never a silent cut
	peers remote2 0.0 remote3 0.0 remote4 0.0 remote5 0.0 remote6 0.0 remote7 0.0 remote8 0.0 \
		remote9 0.0 remote10 0.0
	run ra promote
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"more than 8 other nodes hold vnfha-version-ss: vnfha-ckptd replicates to at most 8 replicas; set the clone's clone-max to 9 or fewer"* ]]
	run ra monitor
	[ "$status" -eq 0 ] # still unpromoted
}

@test "vnfc: a remote node reports the VNFC's death with crm_resource --refresh, a full node --fail" {
	# Pacemaker refuses --fail from a remote node (its requests run as an
	# unprivileged user); a refresh makes it probe at once
	node pacemaker-remoted
	run vnfc start
	[ "$status" -eq 0 ]
	run vnfc_killed_report
	echo "$output"
	[ "$output" = "--refresh --resource rv --node remote1" ]
	run vnfc stop
	[ "$status" -eq 0 ]
	rm "$NETNS_DIR/crm_resource.calls"
	node corosync
	run vnfc start
	[ "$status" -eq 0 ]
	run vnfc_killed_report
	[ "$output" = "--fail --resource rv --node remote1" ]
	run vnfc stop
	[ "$status" -eq 0 ]
}

@test "vnfc: a pacemaker-remoted in another PID namespace leaves this host a full node" {
	# The host's /proc lists the processes of its containers and of a lab's
	# nodes too; their pacemaker-remoted is not this host's executor. (CI
	# once ran vnfc.bats beside this file: its supervisor saw this file's
	# pacemaker-remoted and reported with --refresh, not --fail.)
	node pacemaker-remoted
	HOST_PIDS=1 VNFC_ARG=100002
	run vnfc start
	[ "$status" -eq 0 ]
	run vnfc_killed_report
	echo "$output"
	[ "$output" = "--fail --resource rv --node remote1" ]
	run vnfc stop
	[ "$status" -eq 0 ]
}

@test "statesync: on a remote node vnfha-ckptd's death is left to the monitor, never a refused --fail" {
	# Pacemaker refuses --fail from a remote node, and a refresh left the
	# promoted VNFC's monitor unscheduled in the lab (statesync_supervise.c)
	rm -f /run/vnfha/statesync-ss.log # an earlier run's lines would match
	node pacemaker-remoted
	run ra start
	[ "$status" -eq 0 ]
	peers remote2 0.0
	run ra promote
	[ "$status" -eq 0 ]
	pid=$(cat /run/vnfha/statesync-ss.pid) # as the node's PID namespace sees it
	[ -n "$pid" ]
	nsenter -t "$NODE_PID" -p -m kill -9 "$pid"
	for _ in $(seq 100); do
		grep -q "vnfha-ckptd (pid $pid) killed by signal 9; on a Pacemaker Remote node the next monitor reports it" \
			/run/vnfha/statesync-ss.log && break
		sleep 0.05
	done
	grep -q "vnfha-ckptd (pid $pid) killed by signal 9; on a Pacemaker Remote node the next monitor reports it" \
		/run/vnfha/statesync-ss.log
	[ ! -e "$NETNS_DIR/crm_resource.calls" ]
	run ra monitor
	[ "$status" -eq 7 ]
}
