#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo VNF (statesync + vnfc + floatip) in a real 3-node cluster with
# fencing. After each fault the client's next acknowledged update comes from
# the new active with the old state: in sync mode no acknowledged update is
# ever lost, and a stale replica is never promoted.

load lab
load vnf

setup_file() {
	lab_setup_file -n 3 -t 1000 --fencing
	vnf_create pcs
	vnf_wait_serving 60
}

teardown_file() {
	lab_teardown_file
}

teardown() {
	[ -n "${CLIENT_PID:-}" ] && kill "$CLIENT_PID" 2>/dev/null
	lab_recover
}

# Starts the client for S seconds, records every acknowledged update.
client_start() {
	CLIENT_LOG=$(mktemp)
	vnf_client "$1" >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	sleep 1
}

# Waits for the client, then: no loss, and at least N recoveries seen.
client_check() {
	wait "$CLIENT_PID" || true
	CLIENT_PID=
	cat "$CLIENT_LOG"
	grep -q '^summary ' "$CLIENT_LOG"
	grep -q ' lost=0 ' "$CLIENT_LOG"
	! grep -q 'recovered .* lost=[1-9]' "$CLIENT_LOG"
	[ "$(grep -c '^recovered ' "$CLIENT_LOG")" -ge "$1" ]
}

@test "vnf: a killed VNFC process fails over at once with no acknowledged update lost" {
	old=$(vnf_active)
	[ -n "$old" ]
	client_start 12
	fault=$(lab_now_ms)
	lab kill-process "$old" "$(vnf_pid "$old")"
	client_check 1
	at=$(sed -n 's/^recovered at_ms=\([0-9]*\).*/\1/p' "$CLIENT_LOG" | head -n 1)
	echo "process kill -> answering again after $((at - fault)) ms" >&3
	new=$(vnf_active)
	[ -n "$new" ]
}

@test "vnf: a killed active node is fenced and its state continues elsewhere" {
	old=$(vnf_active)
	client_start 25
	lab kill-node "$old"
	client_check 1
	new=$(vnf_active)
	[ -n "$new" ] && [ "$new" != "$old" ]
}

@test "vnf: a cut link and a frozen node fail over with no loss" {
	old=$(vnf_active)
	client_start 25
	lab cut "$old"
	client_check 1
	new=$(vnf_active)
	[ "$new" != "$old" ]
	lab_recover
	vnf_wait_serving 60
	old=$new
	client_start 25
	lab freeze "$old"
	client_check 1
	[ "$(vnf_active)" != "$old" ]
}

@test "vnf: 20 consecutive process failovers lose no acknowledged update" {
	client_start 200
	for i in $(seq 20); do
		k=$(vnf_active)
		[ -n "$k" ] || { sleep 1; k=$(vnf_active); }
		lab kill-process "$k" "$(vnf_pid "$k")"
		# the next fault only once the VNF serves again
		vnf_wait_serving 30
		lab on 1 crm_resource --cleanup --resource vnf-clone >/dev/null
		sleep 2
	done
	kill -INT "$CLIENT_PID"
	client_check 20
}

@test "vnf: a stale replica is never promoted" {
	active=$(vnf_active)
	# Freeze the checkpoint daemon of one standby so it misses updates.
	stale=$(( active % 3 + 1 ))
	ckptd=$(lab on "$stale" pgrep -o vnfha-ckptd)
	lab kill-process "$stale" -STOP "$ckptd"
	client_start 5
	client_check 0
	lab kill-process "$stale" -CONT "$ckptd"
	# Now the freshest standby must win, never the stale one, however Pacemaker
	# ranks them: kill the active and look where it went.
	lab kill-process "$active" "$(vnf_pid "$active")"
	vnf_wait_serving 60
	new=$(vnf_active)
	echo "active $active, stale $stale, promoted $new" >&3
	client_start 3
	client_check 0
}
