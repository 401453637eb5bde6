#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-ckptd in network namespaces: full and incremental transfer to two
# replicas, byte equality, role switch, restart and resync, TLS refusals.

load ckpt-lib

setup() {
	ckpt_setup
	ckpt_node 1
	ckpt_node 2
	ckpt_node 3
}

teardown() {
	# a log reader a test paused goes on first, or the daemons block writing to it
	[ -z "${LOGCAT:-}" ] || kill -CONT "$LOGCAT" 2>/dev/null || true
	ckpt_teardown
	[ -z "${LOGCAT:-}" ] || wait "$LOGCAT" 2>/dev/null || true
}

@test "full then incremental transfer reaches both replicas byte for byte" {
	ckpt_start 2 replica
	ckpt_start 3 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT" --peer "198.51.100.3:$PORT"
	ckpt_wait 5 sh -c "$CKPT --socket $WORK/n1/sock status | grep -c ' connected' | grep -qx 2"
	head -c $((8 << 20)) /dev/urandom >"$WORK/a"
	run ckpt 1 put state "$WORK/a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 1"* ]]
	# sync returns when at least one replica holds it; both get it
	ckpt_wait 5 same_as 2 state "$WORK/a"
	ckpt_wait 5 same_as 3 state "$WORK/a"
	full=$(sent_bytes 1 "198.51.100.2:$PORT")
	[ "$full" -eq $((8 << 20)) ]
	# change 3 bytes in one 64 KiB block: only that block travels
	printf 'xyz' | dd of="$WORK/a" bs=1 seek=3000000 conv=notrunc 2>/dev/null
	run ckpt 1 --mode durable put state "$WORK/a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 2"* ]]
	[[ "$output" == *"durable"* ]]
	ckpt_wait 5 same_as 2 state "$WORK/a"
	ckpt_wait 5 same_as 3 state "$WORK/a"
	[ "$(sent_bytes 1 "198.51.100.2:$PORT")" -eq $((full + 65536)) ]
	run ckpt 2 latest
	[ "$output" = "1 2" ]
	run ckpt 1 status
	[[ "$output" == *"replica 198.51.100.3:$PORT checkpoint state acked 1 2 state "*"lag_bytes 0 lag_ms 0"* ]]
	# a replica refuses local commits
	run ckpt 2 put state "$WORK/a"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Read-only"* ]]
}

@test "both ends of a replication session send at once: Nagle is off on each (TCP_NODELAY)" {
	# A replica's ACKs are small and one follows another while several
	# versions are in flight: with Nagle on, the second waits for the
	# primary's TCP acknowledgement of the first.
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	ckpt_wait 5 sh -c "$CKPT --socket $WORK/n1/sock status | grep -q ' connected'"
	run python3 "$BATS_TEST_DIRNAME/tcp-nodelay.py" "${PIDS[2]}" "$PORT"
	[ "$status" -eq 0 ]
	echo "replica: $output"
	[ "$(grep -c "^$PORT [0-9]* nodelay 1$" <<<"$output")" -eq 1 ]
	[ "$(grep -c . <<<"$output")" -eq 1 ]
	run python3 "$BATS_TEST_DIRNAME/tcp-nodelay.py" "${PIDS[1]}" "$PORT"
	[ "$status" -eq 0 ]
	echo "primary: $output"
	[ "$(grep -c "^[0-9]* $PORT nodelay 1$" <<<"$output")" -eq 1 ]
	[ "$(grep -c . <<<"$output")" -eq 1 ]
}

@test "role switch keeps versions; a new epoch orders after the old one" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	head -c 300000 /dev/urandom >"$WORK/a"
	ckpt 1 put s "$WORK/a"
	ckpt_wait 5 same_as 2 s "$WORK/a"
	# failover: 1 becomes a replica, 2 the primary replicating to 1
	ckpt 1 role replica
	ckpt 2 peers set "198.51.100.1:$PORT"
	ckpt 2 role primary
	run ckpt 2 status
	[[ "$output" == *"role primary"* ]]
	[[ "$output" == *"epoch 2"* ]]
	same_as 2 s "$WORK/a"
	head -c 300000 /dev/urandom >"$WORK/b"
	run ckpt 2 put s "$WORK/b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 2 1"* ]]
	ckpt_wait 5 same_as 1 s "$WORK/b"
	run ckpt 1 latest s
	[ "$output" = "2 1" ]
}

@test "a replica that is gone holds up neither a new replica list nor a demotion" {
	ckpt_start 2 replica
	# Nobody has 198.51.100.9: the primary's connect to it gets no answer.
	ckpt_start 1 primary --peer "198.51.100.9:$PORT"
	sleep 0.3
	t0=$(date +%s%N)
	ckpt 1 peers set "198.51.100.2:$PORT"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "peers set while a connect hangs: $ms ms (the connect times out after 3000)"
	[ "$ms" -lt 1000 ]
	head -c 100000 /dev/urandom >"$WORK/a"
	ckpt 1 --mode sync put s "$WORK/a"
	same_as 2 s "$WORK/a"
	ckpt 1 peers set "198.51.100.9:$PORT" "198.51.100.2:$PORT"
	sleep 0.3
	t0=$(date +%s%N)
	ckpt 1 role replica
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "demotion while a connect hangs: $ms ms"
	[ "$ms" -lt 1000 ]
}

@test "a new replica list keeps the sessions of the replicas it names again" {
	# statesync sets the list whenever attrd's changes (a replica joins or
	# leaves, a new order): the others' streams, and the sync commits
	# waiting on them, must not be cut.
	ckpt_start 2 replica
	ckpt_start 3 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	head -c 100000 /dev/urandom >"$WORK/a"
	ckpt 1 --mode sync put s "$WORK/a"
	ckpt 1 peers set "198.51.100.2:$PORT" "198.51.100.3:$PORT"
	head -c 100000 /dev/urandom >"$WORK/b"
	ckpt 1 --mode sync put s "$WORK/b"
	# sync: held by one replica at least; the new one catches up
	ckpt_wait 5 same_as 3 s "$WORK/b"
	ckpt 1 peers set "198.51.100.3:$PORT" "198.51.100.2:$PORT"
	ckpt 1 peers set "198.51.100.3:$PORT" "198.51.100.2:$PORT"
	ckpt 1 --mode sync put s "$WORK/a"
	ckpt 1 peers set "198.51.100.3:$PORT"
	head -c 100000 /dev/urandom >"$WORK/c"
	ckpt 1 --mode sync put s "$WORK/c"
	ckpt_wait 5 same_as 3 s "$WORK/c"
	ckpt_wait 5 same_as 2 s "$WORK/a"
	# one session each: n2's from the start to its removal, n3's from its
	# addition on
	grep -c "primary .* connected" "$WORK/n2/log" "$WORK/n3/log"
	[ "$(grep -c "primary .* connected" "$WORK/n2/log")" = 1 ]
	[ "$(grep -c "primary .* connected" "$WORK/n3/log")" = 1 ]
	run ckpt 1 status
	[[ $output == *"peer 198.51.100.3:$PORT connected"* ]]
	[[ $output != *"198.51.100.2:$PORT"* ]]
	grep -q "replicas: 198.51.100.3:$PORT (1 kept, 0 new, 1 dropped)" "$WORK/n1/log"
}

@test "a replica list set during a demotion frees no replica its sender still uses" {
	# A demotion joins the senders it stopped with the lock dropped; a list
	# set meanwhile dropped a replica whose sender was still dialling and
	# freed it under that sender. The daemon runs under ASan/UBSan here: a
	# use after free ends it with a report.
	ckpt_sanitized
	# Nobody has 198.51.100.9: its sender stays in its connect, and looks
	# every 50 ms whether it was stopped.
	ckpt_start 1 primary --peer "198.51.100.9:$PORT"
	for i in $(seq 20); do
		sleep 0.2
		ckpt 1 role replica &
		demote=$!
		sleep 0.01
		ckpt 1 peers set
		wait "$demote" || true # it fails if the daemon died: that is told below
		kill -0 "${PIDS[1]}" || break
		ckpt 1 peers set "198.51.100.9:$PORT"
		ckpt 1 role primary
	done
	echo "$i rounds"
	cat "$WORK/n1/log"
	run grep -c "Sanitizer" "$WORK/n1/log"
	[ "$output" = 0 ]
	kill -0 "${PIDS[1]}"
}

@test "role requests at once run one after the other; none waits for ever" {
	# A promotion that came while a demotion was joining its senders
	# restarted them: the demotion waited for ever, and each replica had
	# two senders.
	ckpt_sanitized
	ckpt_start 1 primary --peer "198.51.100.9:$PORT" # a sender in its connect
	for i in $(seq 10); do
		sleep 0.2
		ckpt 1 role replica &
		demote=$!
		sleep 0.01
		run timeout 5 "$CKPT" --socket "$WORK/n1/sock" role primary
		[ "$status" -eq 0 ]
		ckpt_wait 5 bash -c "! kill -0 $demote"
		wait "$demote"
		# in whichever order they came, the role is the one logged last
		last=$(grep -o "role \(primary\|replica\)" "$WORK/n1/log" | tail -1)
		run ckpt 1 status
		[[ "$output" == *"$last"* ]]
		ckpt 1 role primary
	done
	echo "$i rounds"
	run grep -c "Sanitizer" "$WORK/n1/log"
	[ "$output" = 0 ]
}

@test "a restarted replica keeps its store and resyncs what it missed" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	head -c 1000000 /dev/urandom >"$WORK/a"
	ckpt 1 put s "$WORK/a"
	ckpt_wait 5 same_as 2 s "$WORK/a"
	ckpt_stop 2
	# the primary keeps committing; sync times out without a replica
	head -c 1000000 /dev/urandom >"$WORK/b"
	run ckpt 1 --timeout 300 put s "$WORK/b"
	[ "$status" -eq 3 ]
	[[ "$output" == *"replica 198.51.100.2:$PORT none"* ]]
	head -c 500000 /dev/urandom >"$WORK/c"
	ckpt 1 --mode async put t "$WORK/c"
	# its store survives on its own (no primary needed to serve)
	ckpt_stop 1
	ckpt_start 2 replica
	same_as 2 s "$WORK/a"
	# and it catches up when the primary is back
	ckpt_start 1 primary --peer "198.51.100.2:$PORT"
	ckpt_wait 5 same_as 2 s "$WORK/b"
	ckpt_wait 5 same_as 2 t "$WORK/c"
	run ckpt 2 list
	[[ "$output" == *"s 1 2 1000000"* ]]
}

@test "wrong key and plaintext peers are refused and logged; loose key mode refused" {
	ckpt_start 2 replica
	head -c 4096 /dev/urandom >"$WORK/other"
	chmod 600 "$WORK/other"
	ckpt_start 1 primary --peer "198.51.100.2:$PORT" --key "$WORK/other"
	ckpt_start 3 primary --peer "198.51.100.2:$PORT" --plaintext
	ckpt_wait 5 grep -q "TLS handshake failed" "$WORK/n2/log"
	ckpt_wait 5 grep -q "refused plaintext peer 198.51.100.3" "$WORK/n2/log"
	head -c 1000 /dev/urandom >"$WORK/a"
	run ckpt 1 --timeout 500 put s "$WORK/a"
	[ "$status" -eq 3 ]
	run ckpt 2 get s "$WORK/x"
	[ "$status" -eq 1 ]
	run ckpt 1 status
	[[ "$output" == *"peer 198.51.100.2:$PORT disconnected"* ]]
	chmod 644 "$WORK/other"
	run "$CKPTD" --key "$WORK/other" --store "$WORK/x" --socket "$WORK/x.sock" --listen 127.0.0.1:0
	[ "$status" -eq 6 ]
	[[ "$output" == *"mode 0644"* ]]
}

@test "export and import a whole store" {
	ckpt_start 1 primary
	head -c 200000 /dev/urandom >"$WORK/a"
	head -c 70000 /dev/urandom >"$WORK/b"
	ckpt 1 --mode async put one "$WORK/a"
	ckpt 1 --mode async put two "$WORK/b"
	ckpt 1 export "$WORK/archive"
	ckpt_stop 1
	rm -rf "$WORK/n1/store"
	ckpt_start 1 primary
	run ckpt 1 --mode async import "$WORK/archive"
	[ "$status" -eq 0 ]
	same_as 1 one "$WORK/a"
	same_as 1 two "$WORK/b"
}

@test "--cpg: a bad group name, a replica list and a node without Corosync give clear errors" {
	run "$CKPTD" --cpg "" --store "$WORK/x" --socket "$WORK/x.sock"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--cpg '': want a group name of 1 to 127 bytes"* ]]
	run "$CKPTD" --cpg "$(printf 'g%.0s' $(seq 128))" --store "$WORK/x" --socket "$WORK/x.sock"
	[ "$status" -eq 2 ]
	# CPG replicates to the group's members: a replica list makes no sense
	run "$CKPTD" --cpg vnfha-test --peer 127.0.0.1:7410 --store "$WORK/x" --socket "$WORK/x.sock"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--peer (or VNFHA_CKPT_PEERS) and --cpg exclude each other"* ]]
	# in a fresh namespace no Corosync answers (its IPC is per network namespace)
	run ip netns exec "${PFX}n1" "$CKPTD" --cpg vnfha-test --store "$WORK/x" \
		--socket "$WORK/x.sock" --node n1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot join CPG group 'vnfha-test'"*"is corosync running"* ]]
}

@test "--shared: no replica, no port, no key; sync means in the store, durable fsync'ed there" {
	run "$CKPTD" --shared --peer 127.0.0.1:7410 --store "$WORK/x" --socket "$WORK/x.sock"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--shared excludes --peer"* ]]
	# no --key: a shared store has nobody to talk to
	ip netns exec "${PFX}n1" "$CKPTD" --shared --role primary --store "$WORK/n1/store" \
		--socket "$WORK/n1/sock" --node n1 2>>"$WORK/n1/log" &
	# shellcheck disable=SC2034 # ckpt-lib.bash's teardown stops it
	PIDS[1]=$!
	ckpt_wait 5 ckpt 1 status
	run ip netns exec "${PFX}n1" ss -Htln
	[ -z "$output" ]
	head -c 100000 /dev/urandom >"$WORK/a"
	run ckpt 1 --mode sync put state "$WORK/a"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"shared:$WORK/n1/store"*"memory"* ]]
	run ckpt 1 --mode durable put state "$WORK/a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"durable"* ]]
	run ckpt 1 peers set 127.0.0.1:7410
	[ "$status" -eq 1 ]
	[[ "$output" == *"with --shared the store is on shared storage"* ]]
}

# stalled_sender_commit [--plaintext]: a 64 MiB full commit to a replica,
# then a delta, while the primary's sender is slow to come back from its
# last write. The primary logs through a pipe the test stops, so its
# sender stalls at the line it logs after a large version ("... sent"):
# the replica's ACK arrives before the sender takes its lock back. That
# ACK once covered nothing - the version was put in flight only after that
# line - and the commit timed out, the next one too (the checkpoint bench
# saw it with plaintext, whose replica can finish first; TLS had it too).
stalled_sender_commit() {
	local sec=(--key "$WORK/key")
	[ "${1:-}" != --plaintext ] || sec=(--plaintext)
	ckpt_start 2 replica "$@"
	mkfifo "$WORK/n1/logpipe"
	grep --line-buffered . "$WORK/n1/logpipe" >>"$WORK/n1/log" &
	LOGCAT=$!
	ip netns exec "${PFX}n1" "$CKPTD" --role primary --listen "198.51.100.1:$PORT" \
		--store "$WORK/n1/store" --socket "$WORK/n1/sock" --node n1 "${sec[@]}" \
		--peer "198.51.100.2:$PORT" 2>"$WORK/n1/logpipe" &
	# shellcheck disable=SC2034 # ckpt-lib.bash's teardown stops it
	PIDS[1]=$!
	ckpt_wait 5 grep -q "replica 198.51.100.2:$PORT (n2) connected" "$WORK/n1/log"
	kill -STOP "$LOGCAT"
	# fill the pipe (empty lines: the reader drops them): the daemon's next
	# log line blocks until the reader goes on
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
for n in (4096, 1):
    try:
        while True:
            os.write(fd, b"\n" * n)
    except BlockingIOError:
        pass' "$WORK/n1/logpipe"
	head -c $((64 << 20)) /dev/urandom >"$WORK/a"
	run ckpt 1 put big "$WORK/a"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 1"* ]]
	same_as 2 big "$WORK/a"
	# answered while the sender was still stalled at that line
	run grep -c "'big' 1.1 sent" "$WORK/n1/log"
	[ "$output" = 0 ]
	kill -CONT "$LOGCAT"
	ckpt_wait 5 grep -q "'big' 1.1 sent, $((64 << 20)) bytes (full)" "$WORK/n1/log"
	# the next version of it is not held up behind the first
	printf 'xyz' | dd of="$WORK/a" bs=1 seek=$((40 << 20)) conv=notrunc 2>/dev/null
	run ckpt 1 put big "$WORK/a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"version 1 2"* ]]
	ckpt_wait 5 same_as 2 big "$WORK/a"
}

@test "plaintext: a 64 MiB full commit is acknowledged and held byte for byte, even when the sender is slow to return from its last write" {
	stalled_sender_commit --plaintext
	grep -q "replica 198.51.100.2:$PORT (n2) connected (no TLS" "$WORK/n1/log"
}

@test "TLS (the default): the same, a 64 MiB full commit acknowledged while the sender is slow to return" {
	stalled_sender_commit
	run grep "replica 198.51.100.2:$PORT (n2) connected" "$WORK/n1/log"
	[[ "$output" != *"no TLS"* ]]
}
