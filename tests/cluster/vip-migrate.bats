#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Switching a running IPaddr2 resource to floatip in place (the primitive's
# type changed in the CIB, nothing else) in a real 3-node cluster with
# fencing: the address, which IPaddr2 added with a label (nic=eth0:1), is
# never on two nodes and not lost - it ends on one node, run by floatip,
# the client reaching it, no failure recorded. (Pacemaker stops the old
# agent's instance with the old agent, probes with the new one everywhere,
# then starts it.) A parameter floatip refuses
# stops the resource everywhere with the reason, and leaves the address on
# no node. And back to IPaddr2.

load lab

VIP=198.51.100.52

setup_file() {
	lab_setup_file -n 3 -t 1000 --fencing
	lab on 1 pcs resource create vip ocf:heartbeat:IPaddr2 ip="$VIP" nic=eth0:1 \
		cidr_netmask=24 op monitor interval=2s
	lab on 1 crm_resource --wait --timeout=60s
}

teardown_file() {
	lab_teardown_file
}

teardown() {
	lab_sample_stop
}

# set_agent PROVIDER TYPE: the CIB edit an admin makes (crm configure edit,
# cibadmin): the primitive's provider and type, its parameters untouched.
set_agent() {
	lab on any cibadmin --modify --xml-text \
		"<primitive id=\"vip\" class=\"ocf\" provider=\"$1\" type=\"$2\"/>"
}

# Switches to PROVIDER:TYPE while the client pings every 10 ms and every
# node's eth0 is sampled; then: never two holders, one holder at the end
# (Pacemaker restarts a resource whose agent changed, and may place it
# anew), the resource started by the new agent, no failure, the client's
# entry on the holder's MAC, and how long the client went unanswered.
switch_and_check() {
	local provider=$1 type=$2 before after gap plog
	before=$(lab_wait_holder "$VIP")
	plog=$BATS_TEST_TMPDIR/ping
	# ping itself (ip netns exec execs it), so SIGINT ends it with its output flushed
	ip netns exec "$(lab netns client)" ping -n -D -O -i 0.01 "$VIP" >"$plog" 2>&1 &
	PING=$!
	sleep 0.5
	lab_sample_start "$VIP"
	set_agent "$provider" "$type"
	lab on any crm_resource --wait --timeout=60s
	sleep 0.5
	lab_sample_stop
	kill -INT "$PING"
	wait "$PING" || true
	run lab_sample_overlaps
	echo "$output"
	[ -z "$output" ]
	after=$(lab_wait_holder "$VIP")
	run lab on any cibadmin --query --xpath "//primitive[@id='vip']"
	[ "$(xmllint --xpath 'concat(//@provider, ":", //@type)' - <<<"$output")" = \
		"$provider:$type" ]
	run lab on any crm_mon -1 --output-as=xml
	[ "$(xmllint --xpath 'concat(//resource[@id="vip"]/@resource_agent, " ",
		//resource[@id="vip"]/@role)' - <<<"$output")" = "ocf:$provider:$type Started" ]
	run lab on any crm_failcount --query -r vip -N "node$after"
	[[ $output == *"value=0"* ]]
	lab_wait_client_mac "$VIP" "$(lab mac "$after")" 5
	lab client ping -c 1 -W 2 "$VIP"
	gap=$(grep -c 'no answer yet' "$plog" || true)
	echo "to $type: node$before -> node$after, the client unanswered for ~$((gap * 10)) ms" \
		"($(grep -c 'bytes from' "$plog") replies)" >&3
	SWITCHED_ON=$after
}

@test "IPaddr2 resource with nic=eth0:1 holds a labelled address" {
	local h
	h=$(lab_wait_holder "$VIP")
	run lab on "$h" ip -o -4 addr show dev eth0
	echo "$output"
	[[ $output == *" $VIP/24 "*" eth0:1"* ]]
}

@test "switched to floatip in place: never on two nodes, not lost, run by floatip" {
	switch_and_check vnfha floatip
	# floatip's own monitor sees the (re)labelled address
	run lab on "$SWITCHED_ON" ip -o -4 addr show dev eth0
	[[ $output == *" $VIP/24 "*" eth0:1"* ]]
}

@test "a parameter floatip refuses: stopped on every node with the reason, the address on none" {
	lab on any crm_resource -r vip --set-parameter mac --parameter-value 01:00:5e:00:00:52
	lab on any crm_resource --wait --timeout=60s || true
	local deadline=$(($(lab_now_ms) + 30000))
	until [ -z "$(lab_holders "$VIP")" ]; do
		[ "$(lab_now_ms)" -lt "$deadline" ]
		sleep 0.1
	done
	run lab on any crm_mon -1
	echo "$output"
	[[ $output == *"parameter mac='01:00:5e:00:00:52' is not supported"* ]]
	# fixed: it starts again
	lab on any crm_resource -r vip --delete-parameter mac
	lab on any crm_resource --cleanup -r vip
	lab on any crm_resource --wait --timeout=60s
	lab_wait_holder "$VIP"
}

@test "and back to IPaddr2 in place: never on two nodes, not lost" {
	switch_and_check heartbeat IPaddr2
}
