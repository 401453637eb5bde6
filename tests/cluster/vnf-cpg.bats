#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo VNF with statesync sync_method=cpg: checkpoints travel on
# Corosync's own bus instead of TCP. The primary counts the replicas' CPG
# acknowledgements, so a sync commit is on another node before the client
# hears "ok", and a failover loses nothing.

load lab
load vnf

setup_file() {
	export VNF_SYNC_METHOD=cpg
	vnf_setup_file
}

teardown_file() {
	lab_teardown_file
}

setup() {
	lab_skip_unavailable
}

teardown() {
	vnf_teardown
}

# Distinct replicas that acknowledged a checkpoint, from `vnfha-ckpt status`.
acked_replicas() {
	sed -n 's/^replica \(cpg:[^ ]*\) checkpoint .* state \(memory\|durable\)$/\1/p' <<<"$1" |
		sort -u | wc -l
}

@test "cpg: the primary replicates over the CPG group to both replicas, no TCP port open" {
	vnf_client_start 3
	vnf_client_check 0
	active=$(vnf_active) # where statesync is promoted too (colocated)
	[ -n "$active" ]
	run lab on "$active" vnfha-ckpt status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"transport cpg:vnfha-ckpt-ss"* ]]
	[ "$(grep -c '^peer cpg:node[0-9] connected' <<<"$output")" -eq 2 ]
	# both replicas acknowledged the demo's checkpoint
	[ "$(acked_replicas "$output")" -eq 2 ]
	for k in 1 2 3; do
		run lab on "$k" ss -Htln "sport = :7410"
		[ -z "$output" ]
	done
	# the group's members are the replicas: no list to set
	run lab on "$active" vnfha-ckpt peers set 192.0.2.9:7410
	[ "$status" -eq 1 ]
	[[ "$output" == *"with --cpg the CPG group's members are the replicas"* ]]
	# every replica holds the same latest version as the primary
	want=$(lab on "$active" vnfha-ckpt status | sed -n 's/^checkpoint \([^ ]*\) version \([0-9]*\) \([0-9]*\).*/\1 \2 \3/p')
	[ -n "$want" ]
	for k in 1 2 3; do
		[ "$k" = "$active" ] && continue
		got=$(lab on "$k" vnfha-ckpt status | sed -n 's/^checkpoint \([^ ]*\) version \([0-9]*\) \([0-9]*\).*/\1 \2 \3/p')
		[ "$got" = "$want" ]
	done
}

@test "cpg: a killed VNFC process fails over with no acknowledged update lost" {
	old=$(vnf_active)
	[ -n "$old" ]
	vnf_client_start 12
	fault=$(lab_now_ms)
	lab kill-process "$old" "$(vnf_pid "$old")"
	vnf_client_check 1
	echo "cpg process kill -> answering again after $(vnf_recovery_ms "$CLIENT_LOG" "$fault") ms" >&3
	vnf_expect_promoted stayed "$old"
}

@test "cpg: a killed active node is fenced and its state continues elsewhere" {
	old=$(vnf_active)
	[ -n "$old" ]
	vnf_client_start 25
	fault=$(lab_now_ms)
	lab kill-node "$old"
	vnf_client_check 1
	echo "cpg node kill -> answering again after $(vnf_recovery_ms "$CLIENT_LOG" "$fault") ms" >&3
	vnf_expect_promoted moved "$old"
}

@test "cpg: the restarted node rejoins the group and catches up" {
	lab_recover
	vnf_wait_serving 60
	active=$(vnf_active)
	vnf_client_start 3
	vnf_client_check 0
	# every other node (the one fenced in the last test included) acks
	for _ in $(seq 20); do
		out=$(lab on "$active" vnfha-ckpt status)
		[ "$(acked_replicas "$out")" -eq 2 ] && break
		sleep 0.5
	done
	echo "$out"
	[ "$(acked_replicas "$out")" -eq 2 ]
}
