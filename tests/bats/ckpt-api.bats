#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The libvnfha checkpoint API as an application uses it: a shared-memory
# region written in place and committed, restored on the promoted node.

load ckpt-lib

API="$VNFHA_BUILDDIR/tests/bats/ckpt-api"

setup() {
	ckpt_setup
	ckpt_node 1
	ckpt_node 2
}

teardown() {
	ckpt_teardown
}

@test "region commit replicates; the promoted replica restores it; deltas go both ways" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:$PORT
	run "$API" "$WORK/n1/sock" app write $((5 << 20)) 7
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 1"* ]]
	[[ "$output" == *"replica 198.51.100.2:$PORT 1"* ]]
	# ten blocks changed in place: only those travel
	before=$(sent_bytes 1 198.51.100.2:$PORT)
	"$API" "$WORK/n1/sock" app dirty 3 10
	"$API" "$WORK/n1/sock" app dirty 3 10 # and back: the pattern again
	[ "$(sent_bytes 1 198.51.100.2:$PORT)" -eq $((before + 2 * 10 * 65536)) ]
	# the replica holds it before any failover
	run "$API" "$WORK/n2/sock" app check 7
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok 5242880 bytes version 1 3"* ]]
	# failover: n2 promoted, restores locally and commits; n1 follows
	ckpt_stop 1
	ckpt 2 peers set 198.51.100.1:$PORT
	ckpt 2 role primary
	run "$API" "$WORK/n2/sock" app check 7
	echo "$output"
	[ "$status" -eq 0 ]
	# sync commits need a replica: none is up yet
	run "$API" "$WORK/n2/sock" app write $((5 << 20)) 8
	[ "$status" -eq 1 ]
	[[ "$output" == *"timed out"* ]]
	ckpt_start 1 replica
	run "$API" "$WORK/n2/sock" app write $((5 << 20)) 9
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 2 2"* ]]
	"$API" "$WORK/n1/sock" app check 9
	# a replica refuses commits from applications
	run "$API" "$WORK/n1/sock" app write $((5 << 20)) 9
	[ "$status" -eq 1 ]
	[[ "$output" == *"Read-only"* ]]
}

@test "an application cannot shrink its region under the daemon (sealed memfd)" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:$PORT
	"$API" "$WORK/n1/sock" app write $((1 << 20)) 7
	run "$API" "$WORK/n1/sock" app shrink
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ftruncate Operation not permitted"* ]]
	[[ "$output" == *"version 1 2"* ]]
	# the daemon is alive and the replica holds the whole region
	run "$API" "$WORK/n2/sock" app check 7
	[ "$status" -eq 0 ]
}
