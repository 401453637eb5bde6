#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An IPv6 floating IP in a real 3-node cluster with fencing, on the
# kernel's default sysctls (optimistic_dad off: a stock host's DAD wait of
# 1-2 s): after a node kill or a move, one new holder, the client's
# neighbour entry already points at its MAC (its unsolicited NA did that;
# the client sent nothing), never two holders, and the new holder's copy is
# no tentative one (floatip ran DAD itself and added it usable).

load lab

VIP6=2001:db8:100::50
# VNFHA_LAB_VIP_AGENT=ocf:heartbeat:IPaddr2 runs the same scenario against the anchor.
VIP_AGENT=${VNFHA_LAB_VIP_AGENT:-ocf:vnfha:floatip}

setup_file() {
	lab_setup_file -n 3 -t 1000 --fencing
	lab on 1 pcs resource create vip6 "$VIP_AGENT" ip="$VIP6" cidr_netmask=64 \
		op monitor interval=2s
	lab on 1 crm_resource --wait --timeout=60s
}

teardown_file() {
	lab_teardown_file
}

teardown() {
	lab_recover
}

before_fault() {
	HOLDER=$(lab_wait_holder "$VIP6")
	lab client ping -6 -c 1 -W 2 "$VIP6"
	[ "$(lab_client_neigh_mac "$VIP6")" = "$(lab mac "$HOLDER")" ]
	lab_watch_start
	lab_sample_start "$VIP6"
	FAULT_MS=$(lab_now_ms)
}

# One new holder (not NOT), the client's entry moved to it with no traffic
# from the client, then it answers; no proven overlap of two holders.
after_fault() {
	local not=$1 added
	NEW=$(lab_wait_holder "$VIP6" "$not" 60)
	lab_wait_client_mac "$VIP6" "$(lab mac "$NEW")" 5
	echo "client's entry seen on node$NEW's MAC at +$(($(lab_now_ms) - FAULT_MS)) ms" >&3
	lab client ping -6 -c 1 -W 2 "$VIP6"
	lab_sample_stop
	lab_watch_stop
	added=$(lab_watch_added "$VIP6" "$NEW")
	echo "VIP added on node$NEW at +$((added - FAULT_MS)) ms" >&3
	run lab_sample_overlaps
	echo "$output"
	[ -z "$output" ]
	# a stock host's sysctls, and an address usable at once
	[ "$(lab on "$NEW" sysctl -n net.ipv6.conf.eth0.optimistic_dad)" = 0 ]
	[ "$(lab on "$NEW" sysctl -n net.ipv6.conf.eth0.accept_dad)" = 1 ]
	run lab on "$NEW" ip -o -6 addr show dev eth0 to "$VIP6/128"
	echo "$output"
	[[ $output == *" $VIP6/64 "* ]]
	[[ $output != *tentative* && $output != *dadfailed* ]]
}

@test "IPv6 node kill: the VIP moves, the client's neighbour entry follows" {
	before_fault
	lab kill-node "$HOLDER"
	after_fault "$HOLDER"
	# fenced before the address showed up elsewhere
	local fenced
	fenced=$(lab_fence_time "$HOLDER" "$FAULT_MS")
	[ -n "$fenced" ]
	[ "$fenced" -lt "$(lab_watch_added "$VIP6" "$NEW")" ]
}

@test "IPv6 pcs resource move: the client's neighbour entry follows" {
	local to
	before_fault
	to=$(((HOLDER % 3) + 1))
	lab on any pcs resource move vip6 "node$to"
	after_fault "$HOLDER"
	[ "$NEW" = "$to" ]
	lab on any pcs resource clear vip6
}
