#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo VNF with statesync sync_method=shared_dir: the store is a
# directory every node mounts (the lab's shared directory), only the
# promoted node runs vnfha-ckptd. There is no replica: a sync commit is
# acknowledged once the version is in the shared store, so the node that
# takes over finds every acknowledged update there.

load lab
load vnf

setup_file() {
	export VNF_SYNC_METHOD=shared_dir
	lab_available || return 0
	lab_setup_file -n 3 -t 1000 --fencing
	# A store of this run on the directory the nodes share.
	export VNF_STORE_DIR=/run/vnfha-lab/shared/store-$$
	vnf_create pcs
	vnf_wait_serving 60
}

teardown_file() {
	[ -n "${VNFHA_LAB:-}" ] && rm -rf "$VNFHA_LAB/shared/store-$$"
	lab_teardown_file
}

setup() {
	lab_skip_unavailable
}

teardown() {
	vnf_teardown
}

@test "shared_dir: sync commits are answered by the shared store; only the active runs a daemon" {
	vnf_client_start 3
	vnf_client_check 0
	active=$(vnf_active)
	[ -n "$active" ]
	run lab on "$active" vnfha-ckpt status
	echo "$output"
	[[ "$output" == *"transport shared"* ]]
	[[ "$output" == *"commits counters versions"* ]]
	for k in 1 2 3; do
		[ "$k" = "$active" ] && continue
		run lab on "$k" vnfha-ckpt status
		[ "$status" -ne 0 ] # a standby runs no daemon
	done
}

@test "shared_dir: a killed VNFC process fails over with no acknowledged update lost" {
	vnf_check_process_kill shared_dir
}

@test "shared_dir: a killed active node is fenced; the next finds every acknowledged update in the shared store" {
	vnf_check_node_kill shared_dir
}
