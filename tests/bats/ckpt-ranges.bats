#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Range commits end to end: a primary and a replica in their namespaces,
# TLS, the libvnfha range API (tests/bats/ckpt-stress.c). Random parts print
# their seed; VNFHA_SEED=N replays one.

load ckpt-lib

STRESS="$VNFHA_BUILDDIR/tests/bats/ckpt-stress"

setup() {
	ckpt_setup
	ckpt_node 1
	ckpt_node 2
	SEED=${VNFHA_SEED:-$(( $$ * 7919 % 100000 + BATS_TEST_NUMBER ))}
	RANDOM=$SEED
	echo "seed $SEED (VNFHA_SEED=$SEED replays it)"
}

teardown() {
	ckpt_teardown
}

# stress N SECONDS MODE: N committing threads on node 1 for SECONDS, in
# the background (STRESS_PID), their acknowledgements in $WORK/acked
stress() {
	ip netns exec "${PFX}n1" "$STRESS" run "$WORK/n1/sock" app $((1 << 20)) "$1" "$2" 300 "$3" \
		>"$WORK/acked" 2>>"$WORK/stress.log" &
	STRESS_PID=$!
}

# What the replica serves is the primary's last version, byte for byte.
same_versions() {
	local a b
	a=$(ckpt 1 latest app) && b=$(ckpt 2 latest app) && [ "$a" = "$b" ] &&
		ckpt 1 get app "$WORK/p" && ckpt 2 get app "$WORK/r" && cmp -s "$WORK/p" "$WORK/r"
}

@test "ranges at block edges, overlapping and repeated, past the end, empty: the replica holds the region" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	run ip netns exec "${PFX}n1" "$STRESS" edges "$WORK/n1/sock" "$WORK/n2/sock" edges
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"past the end: -34"* ]]
	[[ "$output" == *"empty commits: version stays"* ]]
	# The daemon checks too: a COMMITV past the end, sent as bytes.
	run ip netns exec "${PFX}n1" "$STRESS" raw "$WORK/n1/sock" rawobj
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"status -34"* ]]
	run ckpt 1 latest rawobj
	[ "$output" = "0 0" ] # nothing stored
	# The range versions travelled as PATCH frames, not blocks.
	run ckpt 1 status
	echo "$output"
	[[ "$output" == *"protocol 2"* ]]
}

@test "tracked submits carry exactly the written pages (uffd-wp, write-protect faults when asked for, and the page-hash fallback when forced): the replica ends identical; status says which" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	run ip netns exec "${PFX}n1" "$STRESS" tracked "$WORK/n1/sock" "$WORK/n2/sock" tk "$SEED"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tracked by four threads: replica holds version "*", identical"* ]]
	# This kernel has uffd-wp with PAGEMAP_SCAN (Linux >= 6.7) or not.
	kind=$(sed -n 's/^tracking //p' <<<"$output")
	[ "$kind" = uffd-wp ] || [ "$kind" = scan ]
	run ckpt 1 status
	[[ "$output" == *"commits tk "*" tracking $kind"* ]]
	grep -q "checkpoint 'tk': tracked submits find written pages by" "$WORK/n1/log"
	# Forced to the page-hash scan: reported as such, and still exact.
	run env VNFHA_CKPT_TRACK=scan ip netns exec "${PFX}n1" "$STRESS" tracked "$WORK/n1/sock" \
		"$WORK/n2/sock" tk2 "$SEED"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tracking scan"* ]]
	run ckpt 1 status
	[[ "$output" == *"commits tk2 "*" tracking scan"* ]]
	# Asked for write-protect faults (VNFHA_CKPT_OPEN_TRACK_FAULTS): used on
	# Linux >= 5.19, and still exact.
	run ip netns exec "${PFX}n1" "$STRESS" tracked "$WORK/n1/sock" "$WORK/n2/sock" tk3 "$SEED" faults
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tracking uffd-fault"* ]]
	[[ "$output" == *"tracked by four threads: replica holds version "*", identical"* ]]
	# A restore reads into the region (the kernel writes: EFAULT unless the
	# region is opened to it), and tracking goes on after it.
	[[ "$output" == *"restored: identical"* ]]
	[[ "$output" == *"tracked after restore: replica holds version "*", identical"* ]]
	run ckpt 1 status
	[[ "$output" == *"commits tk3 "*" tracking uffd-fault"* ]]
	grep -q "checkpoint 'tk3': tracked submits find written pages by userfaultfd write-protect faults" "$WORK/n1/log"
}

@test "many threads commit while the replica is killed, restarted and partitioned: every acknowledged update is on it, whole" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	stress 8 12 sync
	sleep 1.5
	ckpt_kill9 2
	sleep 0.$((RANDOM % 9 + 1))
	ckpt_start 2 replica
	sleep 1.5
	ip -n "${PFX}n2" link set eth0 down # partitioned
	sleep 1.$((RANDOM % 9))
	ip -n "${PFX}n2" link set eth0 up
	wait "$STRESS_PID"
	cat "$WORK/acked"
	grep -q '^acked 7 ' "$WORK/acked"
	# Timeouts while the replica was away: those updates were not acked.
	awk '$1 == "timeouts" { exit !($2 > 0) }' "$WORK/acked"
	ckpt_wait 30 same_versions
	run ip netns exec "${PFX}n2" "$STRESS" check "$WORK/n2/sock" app $((1 << 20)) 8 "$WORK/acked"
	echo "$output"
	[ "$status" -eq 0 ]
	run grep -q 'moved aside' "$WORK/n1/log" "$WORK/n2/log"
	[ "$status" -eq 1 ] # no store was damaged
}

@test "kill -9 of either daemon at random points of a pipelined stream never publishes a torn version" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	for round in 1 2 3 4 5 6; do
		victim=$(( RANDOM % 2 + 1 ))
		stress 8 30 sync
		# Meanwhile what the replica serves is always whole (each update
		# one submit of two ranges: never split across versions).
		: >"$WORK/none"
		ckpt_wait 10 ckpt 2 get app "$WORK/first"
		for _ in 1 2 3 4 5; do
			sleep 0.$((RANDOM % 2))$((RANDOM % 10))
			run ip netns exec "${PFX}n2" "$STRESS" check "$WORK/n2/sock" app \
				$((1 << 20)) 8 "$WORK/none"
			[ "$status" -eq 0 ] || { echo "$output"; false; }
		done
		echo "round $round: kill -9 of node $victim"
		ckpt_kill9 "$victim"
		if [ "$victim" = 1 ]; then
			# The replica holds every acknowledged update, whole.
			wait "$STRESS_PID" || true
			run ip netns exec "${PFX}n2" "$STRESS" check "$WORK/n2/sock" app \
				$((1 << 20)) 8 "$WORK/acked"
			echo "$output"
			[ "$status" -eq 0 ]
			ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
		else
			ckpt_start 2 replica
			sleep 1
			kill -TERM "$STRESS_PID"
			wait "$STRESS_PID" || true
		fi
		# Both stores load clean (the log redone, never torn) and agree.
		ckpt_wait 30 same_versions
		run ip netns exec "${PFX}n2" "$STRESS" check "$WORK/n2/sock" app $((1 << 20)) 8 "$WORK/acked"
		echo "$output"
		[ "$status" -eq 0 ]
	done
	run grep -q 'moved aside' "$WORK/n1/log" "$WORK/n2/log"
	[ "$status" -eq 1 ] # no store was damaged
}

@test "durable commits from many threads share one fsync per version" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	stress 16 3 durable
	wait "$STRESS_PID"
	run ckpt 1 status
	echo "$output"
	read -r versions tickets fsyncs < <(awk '$1 == "commits" && $2 == "app" { print $4, $6, $8 }' <<<"$output")
	[ "$fsyncs" -eq "$versions" ]
	[ "$tickets" -gt "$versions" ] # grouped: more tickets than versions
	run ip netns exec "${PFX}n2" "$STRESS" check "$WORK/n2/sock" app $((1 << 20)) 16 "$WORK/acked"
	[ "$status" -eq 0 ]
}

@test "demo VNF: a killed vnfha-ckptd's successor is opened again; no update acknowledged unreplicated, none lost" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	ip netns exec "${PFX}n1" "$VNFHA_BUILDDIR/examples/vnfha-counterd" --active --port 7000 \
		--mode sync --ckpt-socket "$WORK/n1/sock" 2>"$WORK/counterd.log" &
	# shellcheck disable=SC2034 # ckpt-lib.bash's teardown stops it (9: no node's number)
	PIDS[9]=$!
	ckpt_wait 5 ip netns exec "${PFX}n1" "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server 127.0.0.1:7000 --get
	ip netns exec "${PFX}n1" "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server 127.0.0.1:7000 --interval 10 --threads 3 --duration 6 >"$WORK/client.log" 2>&1 &
	client=$!
	sleep 1.5
	ckpt_kill9 1
	sleep 0.5
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	rc=0
	wait "$client" || rc=$?
	cat "$WORK/client.log" "$WORK/counterd.log"
	[ "$rc" -eq 0 ]
	grep -q '^summary .* lost=0 ' "$WORK/client.log"
	# every client thread was answered again after the daemon came back
	[ "$(grep -c '^recovered ' "$WORK/client.log")" -ge 3 ]
	grep -q 'checkpoint daemon lost' "$WORK/counterd.log"
	grep -q 'checkpoint reopened' "$WORK/counterd.log"
	# the last acknowledged value is on the replica too (sync)
	last=$(sed -n 's/^summary .* last=\([0-9]*\) .*/\1/p' "$WORK/client.log")
	now=$(ip netns exec "${PFX}n1" "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server 127.0.0.1:7000 --get)
	[ "$now" -ge "$last" ]
}

@test "demo VNF: a client past its limit is refused with an error, not closed silently" {
	ckpt_start 1 primary
	ip netns exec "${PFX}n1" "$VNFHA_BUILDDIR/examples/vnfha-counterd" --active --port 7000 \
		--mode async --ckpt-socket "$WORK/n1/sock" 2>"$WORK/counterd.log" &
	# shellcheck disable=SC2034 # ckpt-lib.bash's teardown stops it (9: no node's number)
	PIDS[9]=$!
	ckpt_wait 5 ip netns exec "${PFX}n1" "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server 127.0.0.1:7000 --get
	# 64 clients held open, then one more: it reads why it was refused
	run ip netns exec "${PFX}n1" python3 -c '
import socket
held = [socket.create_connection(("127.0.0.1", 7000)) for _ in range(64)]
for s in held:
    s.sendall(b"GET k\n")
    s.recv(64)
extra = socket.create_connection(("127.0.0.1", 7000))
extra.settimeout(5)
print(extra.recv(64).decode().strip())
'
	echo "$output"
	cat "$WORK/counterd.log"
	[ "$status" -eq 0 ]
	[ "$output" = "ERR too many clients" ]
	grep -q 'refused a client: 64 connected already' "$WORK/counterd.log"
}

# spin_run [ENV=VALUE...] NAME MODE TIMEOUT_MS N: ckpt-stress spin on node 1
spin_run() {
	local envs=()

	while [[ "$1" == *=* ]]; do
		envs+=("$1")
		shift
	done
	run ip netns exec "${PFX}n1" env "${envs[@]}" "$STRESS" spin "$WORK/n1/sock" "$@"
	echo "$output"
}

# spin_field NAME: that number of the last spin_run's line
spin_field() {
	[[ "$output" =~ (^| )$1\ (-?[0-9]+) ]] && echo "${BASH_REMATCH[2]}"
}

@test "a thread waiting for a result polls the connection before it sleeps, at most VNFHA_CKPT_SPIN_US (default 200 us); a bad value is refused" {
	# No replica answers (node 2 never starts): sync waits run to their timeout.
	ckpt_start 1 primary --peer 198.51.100.2:"$PORT"
	# Async results come back from the daemon alone, within the default
	# poll: most waits never sleep (best of three, the machine is shared).
	local best=200 slept
	for _ in 1 2 3; do
		spin_run quick async 1000 200
		[ "$status" -eq 0 ]
		[ "$(spin_field rc)" -eq 0 ]
		slept=$(spin_field slept)
		[ "$slept" -lt "$best" ] && best=$slept
	done
	echo "default: at best $best of 200 waits slept"
	[ "$best" -lt 50 ]
	# Turned off: the waits sleep.
	spin_run VNFHA_CKPT_SPIN_US=0 quick async 1000 200
	[ "$status" -eq 0 ]
	[ "$(spin_field slept)" -ge 100 ]
	# A result that takes 500 ms costs the waiting thread the poll, not
	# 500 ms of CPU (two such waits: the second does not poll at all).
	spin_run slow sync 500 2
	[ "$status" -eq 0 ]
	[ "$(spin_field rc)" -eq -110 ] # ETIMEDOUT: stored, no replica confirmed
	[ "$(spin_field wall_us)" -ge 1000000 ]
	[ "$(spin_field cpu_us)" -lt 50000 ]
	# Not a number of microseconds from 0 to 10000: the region is not opened.
	for bad in abc -1 10001 200us ""; do
		spin_run VNFHA_CKPT_SPIN_US="$bad" quick async 1000 1
		[ "$status" -eq 1 ]
		[[ "$output" == *"open: Invalid argument"* ]]
	done
}
