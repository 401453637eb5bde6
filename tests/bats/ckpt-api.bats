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
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	run "$API" "$WORK/n1/sock" app write $((5 << 20)) 7
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 1"* ]]
	[[ "$output" == *"replica 198.51.100.2:$PORT 1"* ]]
	# one byte changed in each of ten blocks: only those ten bytes travel
	# (a PATCH of the bytes that differ, not the 64 KiB blocks)
	before=$(sent_bytes 1 "198.51.100.2:$PORT")
	"$API" "$WORK/n1/sock" app dirty 3 10
	"$API" "$WORK/n1/sock" app dirty 3 10 # and back: the pattern again
	[ "$(sent_bytes 1 "198.51.100.2:$PORT")" -eq $((before + 2 * 10)) ]
	# the replica holds it before any failover
	run "$API" "$WORK/n2/sock" app check 7
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok 5242880 bytes version 1 3"* ]]
	# failover: n2 promoted, restores locally and commits; n1 follows
	ckpt_stop 1
	ckpt 2 peers set "198.51.100.1:$PORT"
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
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	"$API" "$WORK/n1/sock" app write $((1 << 20)) 7
	run "$API" "$WORK/n1/sock" app shrink
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ftruncate Operation not permitted"* ]]
	# nothing changed: the commit answers with the version that holds it
	[[ "$output" == *"version 1 1"* ]]
	# the daemon is alive and the replica holds the whole region
	run "$API" "$WORK/n2/sock" app check 7
	[ "$status" -eq 0 ]
}

@test "whole buffers: put, get, latest; the result per replica; bad input refused before sending" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	run "$API" "$WORK/n1/sock" blob whole $((200 * 1024 + 5)) 11
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 1"* ]]
	# async: the replica is reported, whatever it holds yet; one past it is -ERANGE
	[[ "$output" == *"replica 198.51.100.2:$PORT "* ]]
	[[ "$output" == *"replica[1] -34 untouched"* ]]
	[[ "$output" == *"get 204805 bytes version 1 1"* ]]
	[[ "$output" == *"latest 1 1 any 1 1"* ]]
	[[ "$output" == *"put bad name -22"* ]]
	[[ "$output" == *"put bad mode -22"* ]]
	[[ "$output" == *"put NULL buf -22"* ]]
	[[ "$output" == *"open empty name -22"* ]]
	[[ "$output" == *"latest bad name -22"* ]]
	[[ "$output" == *"get missing -2"* ]]
	[[ "$output" == *"latest missing -2"* ]]
	[[ "$output" == *"latest again 0 1 1"* ]]
	# an empty object is fine too, and the replica holds both
	run "$API" "$WORK/n1/sock" empty whole 0 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"get 0 bytes version 1 1"* ]]
	ckpt_wait 5 ckpt 2 get blob "$WORK/blob"
	[ "$(stat -c %s "$WORK/blob")" -eq $((200 * 1024 + 5)) ]
}

@test "disconnect leaves a region mapped until it is closed; commit and restore say ENOTCONN" {
	ckpt_start 1 primary
	run "$API" "$WORK/n1/sock" det detach
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"after disconnect: data same size 4096 byte0 0x5a commit -107 restore -107"* ]]
	[[ "$output" == *"NULL: commit -22 restore -22 data (nil) size 0 n_replicas 0 message ''"* ]]
	# the commit before the disconnect was stored
	run ckpt 1 latest det
	[ "$output" = "1 1" ]
}

@test "without a path the client finds the daemon by VNFHA_CKPT_SOCKET, else at /run/vnfha/ckpt.sock" {
	ckpt_start 1 primary
	VNFHA_CKPT_SOCKET="$WORK/n1/sock" run "$API" - env whole 10 1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"get 10 bytes version 1 1"* ]]
	# The default, overriding nothing: a daemon without --socket and the
	# client without a path, in a mount namespace with a /run of its own.
	host_sock=$(stat -c %i /run/vnfha/ckpt.sock 2>/dev/null || echo none)
	# shellcheck disable=SC2016 # expanded by the inner shell
	run env -u VNFHA_CKPT_SOCKET ip netns exec "${PFX}n1" unshare -m --propagation private sh -c '
		mount -t tmpfs vnfha-test /run && mkdir /run/vnfha || exit 1
		"$1" --role primary --listen "198.51.100.1:$(($2 + 1))" --store "$3/store-default" \
			--node n1 --key "$3/key" 2>>"$3/default.log" &
		pid=$!
		trap "kill \$pid; wait \$pid" EXIT
		i=0
		until [ -S /run/vnfha/ckpt.sock ] || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
		"$4" - dflt whole 10 2' sh "$CKPTD" "$PORT" "$WORK" "$API"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"get 10 bytes version 1 1"* ]]
	# and nothing of it reached the host's /run
	[ "$(stat -c %i /run/vnfha/ckpt.sock 2>/dev/null || echo none)" = "$host_sock" ]
}
