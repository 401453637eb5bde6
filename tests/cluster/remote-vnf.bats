#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo VNF (statesync sync_method=tcp + vnfc + floatip, tests/cluster/
# vnf.bash) on Pacemaker Remote nodes alone, in a real cluster of 3 full
# nodes and 3 remote nodes with fencing (issue 14). The primary and its
# replicas run on remote nodes whose names do not resolve: statesync finds
# their addresses in the CIB, publishes versions through the remote
# connection, promotes the freshest and refuses a stale one. The faults a
# remote node adds, each with no acknowledged update lost (sync mode):
#   - the remote node running the active VNFC is killed: fenced, state
#     from the freshest replica;
#   - the link between that remote node and the full node holding its
#     connection is cut: Pacemaker fences the remote node (the operations in
#     flight there fail with the connection), the VNF fails over;
#   - the full node holding its connection is killed: the connection moves,
#     nothing on the remote node restarts, the VNF keeps serving.

load lab
load remote
load vnf

setup_file() {
	remote_setup_file 3 3
	# the VNF's resources never on a full node
	lab on 1 pcs constraint location 'regexp%^(ss-clone|vnf-clone|vip)$' \
		rule score=-INFINITY '#kind' eq cluster
	vnf_create pcs
	vnf_wait_serving 60
}

teardown_file() {
	lab_teardown_file
}

teardown() {
	vnf_stale_stop # the stale-replica test's changes
	vnf_client_stop
	lab_recover_next
}

# The checkpoint version every node publishes, "node version" lines.
versions() {
	lab on any attrd_updater -Q -A -n vnfha-version-ss |
		sed -n 's/.*host="\([^"]*\)" value="\([^"]*\)".*/\1 \2/p' | sort
}

# primary_reaches_replicas ACTIVE SECONDS: until the remote node whose daemon
# is primary shows the other two remote nodes' replicas connected at the
# addresses the CIB gives their connections; prints that node's id. A first
# look that finds otherwise is told on fd 3 with what the daemon and the
# cluster did, so that the suite's log keeps it: seen in 2 of about 16 runs
# of the whole suite (once ACTIVE's daemon had been demoted, once a peer was
# not connected after a 0.8 s stall of the client), never in 60 runs of
# this test alone. A possible cause of the second, fixed since: a primary
# given a new replica list cut every replica's session, those it kept too.
primary_reaches_replicas() {
	local active=$1 deadline=$((SECONDS + $2)) k j ok out first=1
	while [ $SECONDS -lt $deadline ]; do
		for k in r1 r2 r3; do
			out=$(lab on "$k" vnfha-ckpt --socket /run/vnfha/ckpt.sock status 2>&1) || continue
			[[ $out == *"role primary"* ]] || continue
			ok=1
			for j in 1 2 3; do
				[ "r$j" = "$k" ] && continue
				[[ $out == *"peer $(lab addr "r$j"):7410 connected"* ]] || ok=0
			done
			if [ "$ok" = 1 ] && [ "$k" = "$active" ] && [ "$first" = 1 ]; then
				echo "$k"
				return 0
			fi
			if [ "$first" = 1 ]; then
				first=0
				{
					echo "primary_reaches_replicas: at the first look the primary is $k" \
						"(the VNFC was promoted on $active), its status:"
					echo "$out"
					lab on "$active" tail -n 30 /run/vnfha/statesync-ss.log
					lab on any crm_mon -1 -rf
				} >&3 2>&1 || true
			fi
			if [ "$ok" = 1 ]; then
				echo "primary_reaches_replicas: the primary $k reaches both replicas" >&3
				echo "$k"
				return 0
			fi
		done
		if [ "$first" = 1 ]; then
			first=0
			{
				echo "primary_reaches_replicas: no primary at the first look" \
					"(the VNFC was promoted on $active)"
				lab on "$active" tail -n 30 /run/vnfha/statesync-ss.log
				lab on any crm_mon -1 -rf
			} >&3 2>&1 || true
		fi
		sleep 0.5
	done
	echo "primary_reaches_replicas: no primary reached both replicas in $2 s" >&3
	return 1
}

@test "remote VNF: primary and replicas on remote nodes, versions through the remote connection" {
	active=$(remote_vnf_active)
	[[ $active == r* ]]
	[ "$(lab_wait_holder "$VNF_VIP")" = "$active" ]
	vnf_client_start 3
	vnf_client_check 0
	grep '^summary ' "$CLIENT_LOG" >&3
	# the VNF served: sync commits were acknowledged by the replicas
	grep -q '^summary acked=[1-9]' "$CLIENT_LOG"
	# every remote node publishes its version in attrd (from pacemaker-remoted's
	# proxy); the replicas hold what the primary holds
	# (a version is epoch.sequence: the client's commits make the sequence
	# non-zero once a monitor has published it)
	for _ in $(seq 80); do
		[ "$(versions | awk '{ print $2 }' | sort -u | wc -l)" = 1 ] &&
			[ "$(versions | wc -l)" = 3 ] &&
			[ "$(versions | awk '{ split($2, v, "."); if (v[2] > 0) n++ } END { print n + 0 }')" = 3 ] &&
			break
		sleep 0.5
	done
	versions >&3
	[ "$(versions | awk '{ print $1 }' | tr '\n' ' ')" = "remote1 remote2 remote3 " ]
	[ "$(versions | awk '{ print $2 }' | sort -u | wc -l)" = 1 ]
	[ "$(versions | awk '{ split($2, v, "."); if (v[2] > 0) n++ } END { print n + 0 }')" = 3 ]
	# the primary reaches the replicas at the addresses the CIB gives the
	# connections: the names do not resolve
	primary=$(primary_reaches_replicas "$active" 20)
	[ -n "$primary" ]
	run lab on "$primary" getent hosts remote1
	[ "$status" -ne 0 ]
}

@test "remote VNF: the remote node of the active VNFC killed: fenced, freshest replica promoted, no loss" {
	old=$(remote_vnf_active)
	[[ $old == r* ]]
	vnf_client_start 25
	fault=$(lab_now_ms)
	lab kill-node "$old"
	vnf_client_check 1
	new=$(remote_vnf_active)
	[[ $new == r* ]]
	[ "$new" != "$old" ]
	fenced=$(lab_fence_time "$old" "$fault")
	[ -n "$fenced" ]
	back=$(vnf_recovery_ms "$CLIENT_LOG" "$fault")
	echo "$(lab_node_name "$old") killed: fenced after $((fenced - fault)) ms, the VNF" \
		"answered again from $(lab_node_name "$new") after $back ms" >&3
	# fenced before the new active served
	[ "$((fenced - fault))" -lt "$back" ]
}

@test "remote VNF: the link between the active remote node and its connection's host cut: fenced, no loss" {
	# Pacemaker 2.1.5 fences a remote node whose connection drops while
	# resources run there (the operations in flight fail with the
	# connection): the VNF fails over as for a node loss. How soon the node
	# comes back through another full node: tests/bench/remote-failover.sh.
	active=$(remote_vnf_active)
	[[ $active == r* ]]
	host=$(remote_conn_host "$active")
	[ -n "$host" ]
	# 85 s: when the cut falls inside a message from the remote node (its
	# header arrived, the rest did not), Pacemaker 2.1.5's controller on the
	# connection's host waits for the rest in lrmd_tls_dispatch ->
	# pcmk__read_remote_message(-1), a poll of up to 60 s that blocks its
	# whole main loop: the poke timeout cannot fire before that, so the node
	# is fenced about 60 + 3 + 3 s after the cut (seen in the lab: node2's
	# controller in poll(fd, 1, 60000), pacemakerd "unresponsive to ipc").
	# The lab's quickack (tests/cluster/README.md) narrows that window to
	# microseconds; it does not close it.
	vnf_client_start 85
	fault=$(lab_now_ms)
	lab cut-link "$active" "$host"
	vnf_client_check 1
	new=$(remote_vnf_active)
	[[ $new == r* ]]
	[ "$new" != "$active" ]
	fenced=$(lab_fence_time "$active" "$fault")
	[ -n "$fenced" ]
	echo "link $(lab_node_name "$active")-node$host cut: fenced after $((fenced - fault)) ms," \
		"the VNF answered again from $(lab_node_name "$new") after" \
		"$(vnf_recovery_ms "$CLIENT_LOG" "$fault") ms" >&3
}

@test "remote VNF: the full node holding the active's connection killed: it moves, nothing restarts" {
	active=$(remote_vnf_active)
	[[ $active == r* ]]
	host=$(remote_conn_host "$active")
	[ -n "$host" ]
	vnfc=$(vnf_pid "$active")
	ckptd=$(remote_pgrep "$active" vnfha-ckptd)
	vnf_client_start 8
	fault=$(lab_now_ms)
	lab kill-node "$host"
	new=$(remote_wait_conn "$active" "$host" 60)
	moved=$(lab_now_ms)
	vnf_client_check 0
	fenced=$(lab_fence_time "$host" "$fault")
	echo "node$host (connection of $(lab_node_name "$active")) killed: fenced after" \
		"$((fenced - fault)) ms, connection on node$new after $((moved - fault)) ms;" \
		"the client saw no outage" >&3
	# the same processes: nothing restarted, still promoted there
	[ "$(vnf_pid "$active")" = "$vnfc" ]
	[ "$(remote_pgrep "$active" vnfha-ckptd)" = "$ckptd" ]
	[ "$(remote_vnf_active)" = "$active" ]
	run grep -c '^recovered ' "$CLIENT_LOG"
	[ "$output" = 0 ]
}

@test "remote VNF: a stale replica on a remote node is never promoted while a fresher one is reachable" {
	active=$(remote_vnf_active)
	[[ $active == r* ]]
	others=$(for j in 1 2 3; do [ "r$j" = "$active" ] || echo "r$j"; done)
	stale=$(echo "$others" | head -n 1)
	fresh=$(echo "$others" | tail -n 1)
	# the stale node stops receiving checkpoints while the client commits
	vnf_stale_start "$stale"
	vnf_client_start 8
	vnf_client_check 0
	last=$(sed -n 's/^summary .* last=\([0-9]*\) .*/\1/p' "$CLIENT_LOG")
	[ "$last" -gt 0 ]
	# until a monitor has published every node's version: the fresh replica
	# level with the primary, the stale one behind
	for _ in $(seq 40); do
		v=$(versions)
		vs=$(awk -v n="$(lab_node_name "$stale")" '$1 == n { print $2 }' <<<"$v")
		vf=$(awk -v n="$(lab_node_name "$fresh")" '$1 == n { print $2 }' <<<"$v")
		va=$(awk -v n="$(lab_node_name "$active")" '$1 == n { print $2 }' <<<"$v")
		[ -n "$vf" ] && [ "$vf" = "$va" ] && [ "$vs" != "$vf" ] && break
		sleep 0.5
	done
	versions >&3
	# only the stale node may be promoted now: Pacemaker will try it
	lab on 1 pcs constraint location ss-clone rule constraint-id=vnf-stale-test role=Promoted \
		score=-INFINITY "#uname" eq "$(lab_node_name "$fresh")"
	lab kill-node "$active"
	for _ in $(seq 60); do
		lab on 1 crm_mon -1 2>/dev/null | grep -q "fresher checkpoint" && break
		sleep 0.5
	done
	run lab on 1 crm_mon -1
	echo "$output"
	[[ "$output" == *"$(lab_node_name "$fresh") holds a fresher checkpoint"* ]]
	[[ "$output" != *"Promoted: [ $(lab_node_name "$stale") ]"* ]]
	# lift the ban: the fresh node is promoted and nothing acknowledged is lost
	vnf_stale_stop
	lab on 1 crm_resource --cleanup >/dev/null
	vnf_wait_serving 60
	[ "$(remote_vnf_active)" = "$fresh" ]
	now=$(lab client "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server "$VNF_VIP:$VNF_PORT" --key demo --get)
	echo "acknowledged before: $last, value after: $now" >&3
	[ "$now" -ge "$last" ]
}
