#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A floating IP in a real 3-node cluster with fencing: after every fault the
# address answers again on one node, the client's neighbour entry already
# points at the new holder (its GARP did that; the client sent nothing), no
# two nodes ever hold the address, and a node that may still be alive is
# fenced before the address moves.

load lab

VIP=198.51.100.50
# The agent under test (VNFHA_LAB_VIP_AGENT=ocf:heartbeat:IPaddr2 runs the
# same scenarios against the anchor).
VIP_AGENT=${VNFHA_LAB_VIP_AGENT:-ocf:vnfha:floatip}

setup_file() {
	lab_available || return 0
	lab_setup_file -n 3 -t 1000 --fencing
	lab on 1 pcs resource create vip "$VIP_AGENT" ip="$VIP" cidr_netmask=24 \
		op monitor interval=2s
	lab on 1 crm_resource --wait --timeout=60s
}

teardown_file() {
	lab_teardown_file
}

setup() {
	lab_skip_unavailable
}

teardown() {
	lab_recover
}

# Before a fault: the holder, the client has an entry for the VIP with the
# holder's MAC, and the sampler runs.
before_fault() {
	HOLDER=$(lab_wait_holder "$VIP")
	lab client ping -c 1 -W 2 "$VIP"
	[ "$(lab_client_neigh_mac "$VIP")" = "$(lab mac "$HOLDER")" ]
	lab_watch_start
	lab_sample_start "$VIP"
	FAULT_MS=$(lab_now_ms)
}

# After it: one new holder (not OLD unless in-place recovery is allowed),
# whose MAC the client learnt without sending anything; then it answers.
after_fault() {
	local not=$1
	NEW=$(lab_wait_holder "$VIP" "$not" 60)
	lab_wait_client_mac "$VIP" "$(lab mac "$NEW")" 5
	lab client ping -c 1 -W 2 "$VIP"
	lab_sample_stop
	lab_watch_stop
	echo "$(wc -l <"$LAB_SAMPLES") reads of the nodes' addresses" >&3
	run lab_sample_overlaps
	echo "$output"
	[ -z "$output" ]
}

# The power switch cut node K before the address showed up anywhere else,
# and Pacemaker's fencing history says so too.
assert_fenced_first() {
	local k=$1 fenced added
	fenced=$(lab_fence_time "$k" "$FAULT_MS")
	added=$(lab_watch_added "$VIP" "$NEW")
	echo "node$k fenced at +$((fenced - FAULT_MS)) ms;" \
		"VIP added on node$NEW at +$((added - FAULT_MS)) ms" >&3
	[ -n "$fenced" ]
	[ -n "$added" ]
	[ "$fenced" -lt "$added" ]
	lab on "$NEW" stonith_admin --history "node$k" | grep -E "(reboot|off) of node$k successful"
}

@test "node kill: the VIP moves, the client's neighbour entry follows" {
	before_fault
	lab kill-node "$HOLDER"
	after_fault "$HOLDER"
	assert_fenced_first "$HOLDER"
}

@test "link cut: the holder is fenced before the VIP moves" {
	before_fault
	lab cut "$HOLDER"
	after_fault "$HOLDER"
	assert_fenced_first "$HOLDER"
}

@test "node freeze: the holder is fenced before the VIP moves" {
	before_fault
	lab freeze "$HOLDER"
	after_fault "$HOLDER"
	assert_fenced_first "$HOLDER"
}

@test "holder's own link down: fenced, the VIP moves" {
	before_fault
	lab on "$HOLDER" ip link set dev eth0 down
	after_fault "$HOLDER"
	assert_fenced_first "$HOLDER"
}

@test "address removed by hand: the VIP answers again, on one node" {
	before_fault
	lab on "$HOLDER" ip addr del "$VIP/24" dev eth0
	after_fault 0
	# it was Pacemaker's monitor that noticed, and its recovery
	run lab on any crm_failcount --query -r vip -N "node$HOLDER"
	echo "$output"
	[[ $output =~ value=([1-9][0-9]*|INFINITY) ]]
}
