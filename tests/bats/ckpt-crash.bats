#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash safety: kill -9 the sender or the replica at random points of large
# transfers, damage the store and the stream; the replica must always serve
# a complete, verified version - the previous one or the new one, never a
# mix - and catch up afterwards.
#
# Every random choice - each version's bytes, which blocks change, when the
# kill comes - follows from one seed, printed first (TAP comment) and in a
# failed test's output; VNFHA_SEED=N replays those choices (the transfers'
# own timing still varies from run to run):
#   VNFHA_SEED=N VNFHA_BUILDDIR=$PWD VNFHA_SRCDIR=$PWD bats tests/bats/ckpt-crash.bats

load ckpt-lib

SIZE=$((48 << 20))
RUNS=${VNFHA_CKPT_CRASH_RUNS:-8}

setup_file() {
	VNFHA_SEED=${VNFHA_SEED:-$SRANDOM}
	if ! [[ $VNFHA_SEED =~ ^[0-9]{1,10}$ ]]; then
		echo "VNFHA_SEED='$VNFHA_SEED': use a number" >&2
		return 1
	fi
	export VNFHA_SEED
	echo "# seed: VNFHA_SEED=$VNFHA_SEED" >&3
}

setup() {
	# each test replays on its own: its own sequence from the seed
	RANDOM=$((VNFHA_SEED + BATS_TEST_NUMBER))
	echo "seed: VNFHA_SEED=$VNFHA_SEED (test $BATS_TEST_NUMBER)"
	ckpt_setup
	ckpt_node 1
	ckpt_node 2
}

teardown() {
	ckpt_teardown
}

# rand_bytes N: N pseudo-random bytes from the next $RANDOM (so from the seed)
rand_bytes() {
	python3 -c 'import random, sys
sys.stdout.buffer.write(random.Random(int(sys.argv[2])).randbytes(int(sys.argv[1])))' \
		"$1" "$RANDOM"
}

# new_version PREV OUT: a full rewrite or 5% of the blocks changed
new_version() {
	local i blocks=$((SIZE / 65536 / 20))
	if [ $((RANDOM % 2)) -eq 0 ]; then
		rand_bytes "$SIZE" >"$2"
	else
		cp "$1" "$2"
		rand_bytes $((blocks * 65536)) >"$WORK/blocks"
		for i in $(seq 0 $((blocks - 1))); do
			dd if="$WORK/blocks" of="$2" bs=65536 count=1 skip="$i" conv=notrunc \
				seek=$((RANDOM % (SIZE / 65536))) 2>/dev/null
		done
	fi
}

# serves_one_of N A B: node N serves exactly A's or B's bytes; prints which
serves_one_of() {
	ckpt "$1" get s "$WORK/got" || return 1
	if cmp -s "$WORK/got" "$2"; then
		echo old
	elif cmp -s "$WORK/got" "$3"; then
		echo new
	else
		return 1
	fi
}

@test "kill -9 of sender or replica mid-transfer never leaves a torn version" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	rand_bytes "$SIZE" >"$WORK/prev"
	ckpt 1 put s "$WORK/prev"
	ckpt_wait 10 same_as 2 s "$WORK/prev"
	for run in $(seq 1 "$RUNS"); do
		new_version "$WORK/prev" "$WORK/new"
		ckpt 1 --timeout 20000 put s "$WORK/new" >/dev/null 2>&1 &
		put=$!
		# 0 to 299 ms into the put ("0.$((RANDOM % 300))" slept 0.5 s for 5
		# and 50); printf -v, not $(): a subshell reseeds RANDOM
		printf -v delay '0.%03d' $((RANDOM % 300))
		sleep "$delay"
		if [ $((run % 2)) -eq 0 ]; then
			victim=1
		else
			victim=2
		fi
		ckpt_kill9 "$victim"
		wait "$put" || true
		if [ "$victim" = 1 ]; then
			# the replica keeps serving a complete version meanwhile
			got=$(serves_one_of 2 "$WORK/prev" "$WORK/new")
			ckpt_start 1 primary --peer "198.51.100.2:$PORT"
		else
			ckpt_start 2 replica
			got=$(serves_one_of 2 "$WORK/prev" "$WORK/new")
		fi
		echo "run $run: killed n$victim after ${delay}s, replica served the $got version" >&3
		# the primary's own store is one of the two as well, and the
		# replica converges to it
		pgot=$(serves_one_of 1 "$WORK/prev" "$WORK/new")
		if [ "$pgot" = new ]; then
			ckpt_wait 20 same_as 2 s "$WORK/new"
			cp "$WORK/new" "$WORK/prev"
		else
			ckpt_wait 20 same_as 2 s "$WORK/prev"
		fi
	done
}

@test "a flipped or truncated stored file is never served, and is resent" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	rand_bytes $((4 << 20)) >"$WORK/a"
	ckpt 1 put s "$WORK/a"
	ckpt_wait 5 same_as 2 s "$WORK/a"
	for damage in flip truncate; do
		ckpt_stop 1
		ckpt_stop 2
		data=$(ls "$WORK"/n2/store/s/data.*)
		if [ "$damage" = flip ]; then
			printf '\x00' | dd of="$data" bs=1 seek=1234567 conv=notrunc 2>/dev/null
			printf '\xff' | dd of="$data" bs=1 seek=1234568 conv=notrunc 2>/dev/null
		else
			truncate -s 3000000 "$data"
		fi
		ckpt_start 2 replica
		run ckpt 2 get s "$WORK/x"
		[ "$status" -eq 1 ]
		[[ "$output" == *"No such file"* ]]
		grep -q "checkpoint 's' in the store is damaged" "$WORK/n2/log"
		ckpt_start 1 primary --peer "198.51.100.2:$PORT"
		ckpt_wait 5 same_as 2 s "$WORK/a"
	done
}

@test "bytes damaged in flight are refused; the replica keeps the last good version" {
	ckpt_start 2 replica --plaintext
	ckpt_start 1 primary --peer "198.51.100.2:$PORT" --plaintext
	rand_bytes $((2 << 20)) >"$WORK/a"
	ckpt 1 put s "$WORK/a"
	ckpt_wait 5 same_as 2 s "$WORK/a"
	# from now on the primary talks through a relay that flips a bit deep
	# inside the first block of every session
	ip netns exec "${PFX}n2" python3 "$BATS_TEST_DIRNAME/ckpt-proxy.py" \
		198.51.100.2 7411 198.51.100.2 "$PORT" 300000 >"$WORK/proxy.out" 2>&1 &
	# shellcheck disable=SC2034,SC2154 # PIDS: ckpt-lib's associative array; teardown stops it
	PIDS[proxy]=$!
	ckpt_wait 5 grep -q ready "$WORK/proxy.out"
	ckpt 1 peers set 198.51.100.2:7411
	rand_bytes $((2 << 20)) >"$WORK/b"
	run ckpt 1 --timeout 1500 put s "$WORK/b"
	[ "$status" -eq 3 ]
	ckpt_wait 5 grep -q "refused: Invalid or incomplete multibyte or wide character" "$WORK/n2/log"
	same_as 2 s "$WORK/a"
	# a clean path again: the new version arrives whole
	ckpt 1 peers set "198.51.100.2:$PORT"
	ckpt_wait 5 same_as 2 s "$WORK/b"
}
