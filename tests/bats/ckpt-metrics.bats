#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-ckptd's Prometheus endpoint (--metrics-listen): off by default, the
# page passes `promtool check metrics`, its figures follow commits, acks,
# reconnects and TLS failures; bad requests get a clear status. And
# `vnfha-ckpt status` on a replica names its primary and the last version.

load ckpt-lib

MPORT=9410
# shellcheck disable=SC2153 # PORT comes from ckpt-lib.bash
RPORT=$PORT

setup() {
	ckpt_setup
	ckpt_node 1
	ckpt_node 2
}

teardown() {
	ckpt_teardown
}

# raw N REQUEST: sends REQUEST to node N's metrics port, prints the reply
raw() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "${PFX}n$1" bash -c \
		'exec 3<>"/dev/tcp/$0/$1" && printf "%b" "$2" >&3 && cat <&3' \
		"198.51.100.$1" "$MPORT" "$2"
}

# scrape N: the body of GET /metrics on node N (fails unless 200)
scrape() {
	local out
	out=$(raw "$1" 'GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n') || return 1
	[[ "$out" == "HTTP/1.0 200 OK"* ]] || return 1
	printf '%s\n' "$out" | sed '1,/^\r$/d'
}

# metric N LINE-PREFIX: the value of the first sample starting so
metric() {
	scrape "$1" | awk -v p="$2" 'index($0, p) == 1 { print $NF; exit }'
}

@test "no metrics endpoint unless asked for" {
	ckpt_start 1 primary
	run ip netns exec "${PFX}n1" ss -Htln
	[ "$status" -eq 0 ]
	[[ "$output" == *":$RPORT "* ]]
	[[ "$output" != *":$MPORT "* ]]
	[ "$(printf '%s\n' "$output" | grep -c LISTEN)" -eq 1 ]
}

@test "the page passes promtool and follows commits, acks and the replica's state" {
	command -v promtool >/dev/null || { echo "promtool missing: run tests/deps.sh (Debian package prometheus)" >&2; false; }
	ckpt_start 2 replica --metrics-listen "198.51.100.2:$MPORT"
	ckpt_start 1 primary --peer "198.51.100.2:$PORT" --metrics-listen "198.51.100.1:$MPORT"
	ckpt_wait 5 sh -c "$CKPT --socket $WORK/n1/sock status | grep -q ' connected'"
	head -c $((1 << 20)) /dev/urandom >"$WORK/a"
	run ckpt 1 put state "$WORK/a"
	[ "$status" -eq 0 ]
	run ckpt 1 --mode durable put state "$WORK/a"
	[ "$status" -eq 0 ]
	scrape 1 >"$WORK/p1"
	cat "$WORK/p1"
	run promtool check metrics <"$WORK/p1"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'vnfha_ckptd_role{role="primary"} 1' "$WORK/p1"
	grep -qx 'vnfha_ckpt_latest_gen{checkpoint="state"} 2' "$WORK/p1"
	grep -qx "vnfha_ckpt_size_bytes{checkpoint=\"state\"} $((1 << 20))" "$WORK/p1"
	grep -qx 'vnfha_ckpt_commits_total{checkpoint="state"} 2' "$WORK/p1"
	grep -qx 'vnfha_ckpt_commit_duration_seconds_count{checkpoint="state"} 2' "$WORK/p1"
	grep -qx 'vnfha_ckpt_commit_duration_seconds_bucket{checkpoint="state",le="+Inf"} 2' "$WORK/p1"
	r='replica="198.51.100.2:7410"'
	grep -qx "vnfha_ckpt_replica_connected{$r} 1" "$WORK/p1"
	grep -qx "vnfha_ckpt_replica_sent_bytes_total{$r} $((1 << 20))" "$WORK/p1"
	grep -qx "vnfha_ckpt_replica_reconnects_total{$r} 0" "$WORK/p1"
	grep -qx "vnfha_ckpt_replica_tls_failures_total{$r} 0" "$WORK/p1"
	grep -qx "vnfha_ckpt_replica_acked_gen{$r,checkpoint=\"state\"} 2" "$WORK/p1"
	grep -qx "vnfha_ckpt_replica_state{$r,checkpoint=\"state\",state=\"durable\"} 1" "$WORK/p1"
	grep -qx "vnfha_ckpt_replica_lag_bytes{$r,checkpoint=\"state\"} 0" "$WORK/p1"
	scrape 2 >"$WORK/p2"
	run promtool check metrics <"$WORK/p2"
	[ "$status" -eq 0 ]
	grep -qx 'vnfha_ckptd_role{role="replica"} 1' "$WORK/p2"
	grep -qx 'vnfha_ckpt_latest_gen{checkpoint="state"} 2' "$WORK/p2"
	# the replica's own view: its primary, the last version and its age
	run ckpt 2 status
	echo "$output"
	[[ "$output" == *$'\nprimary n1 (198.51.100.1'*') connected'* ]]
	grep -Eqx 'received state 1 2 age_ms [0-9]+' <<<"$output"
}

@test "a replica that falls behind shows lag; a restart counts a reconnect" {
	ckpt_start 2 replica
	ckpt_start 1 primary --peer "198.51.100.2:$PORT" --metrics-listen "198.51.100.1:$MPORT"
	ckpt_wait 5 sh -c "$CKPT --socket $WORK/n1/sock status | grep -q ' connected'"
	head -c $((1 << 20)) /dev/urandom >"$WORK/a"
	ckpt 1 put state "$WORK/a"
	ckpt_stop 2
	head -c $((1 << 20)) /dev/urandom >"$WORK/a"
	run ckpt 1 --mode async put state "$WORK/a"
	[ "$status" -eq 0 ]
	r='replica="198.51.100.2:7410",checkpoint="state"'
	[ "$(metric 1 "vnfha_ckpt_replica_lag_bytes{$r}")" -eq $((1 << 20)) ]
	sleep 0.3
	lag=$(metric 1 "vnfha_ckpt_replica_lag_seconds{$r}")
	awk -v l="$lag" 'BEGIN { exit !(l >= 0.2) }'
	ckpt_start 2 replica
	ckpt_wait 10 sh -c "$CKPT --socket $WORK/n1/sock status | grep -q ' connected'"
	ckpt_wait 10 same_as 2 state "$WORK/a"
	[ "$(metric 1 'vnfha_ckpt_replica_reconnects_total{replica="198.51.100.2:7410"}')" -eq 1 ]
	ckpt_wait 5 sh -c "$CKPT --socket $WORK/n1/sock status | grep -q 'lag_bytes 0 '"
	[ "$(metric 1 "vnfha_ckpt_replica_lag_bytes{$r}")" -eq 0 ]
}

@test "a replica with another key counts TLS failures" {
	head -c 4096 /dev/urandom >"$WORK/other"
	chmod 600 "$WORK/other"
	ckpt_start 2 replica --key "$WORK/other"
	ckpt_start 1 primary --peer "198.51.100.2:$PORT" --metrics-listen "198.51.100.1:$MPORT"
	ckpt_wait 10 sh -c "n=\$(ip netns exec ${PFX}n1 bash -c 'exec 3<>/dev/tcp/198.51.100.1/$MPORT; printf \"GET /metrics HTTP/1.0\r\n\r\n\" >&3; cat <&3' | awk '/^vnfha_ckpt_replica_tls_failures_total/ { print \$NF }'); [ \"\${n:-0}\" -ge 1 ]"
	[ "$(metric 1 'vnfha_ckpt_replica_connected{replica="198.51.100.2:7410"}')" -eq 0 ]
}

@test "bad requests get their status and the endpoint keeps serving" {
	ckpt_start 1 primary --metrics-listen "198.51.100.1:$MPORT"
	run raw 1 'POST /metrics HTTP/1.0\r\n\r\n'
	[[ "$output" == "HTTP/1.0 405 Method Not Allowed"* ]]
	[[ "$output" == *"Allow: GET"* ]]
	run raw 1 'GET / HTTP/1.0\r\n\r\n'
	[[ "$output" == "HTTP/1.0 404 Not Found"* ]]
	run raw 1 'GET /metricsx HTTP/1.1\r\n\r\n'
	[[ "$output" == "HTTP/1.0 404 Not Found"* ]]
	run raw 1 'hello\r\n\r\n'
	[[ "$output" == "HTTP/1.0 400 Bad Request"* ]]
	run raw 1 'GET /metrics HTTP/2.0\r\n\r\n'
	[[ "$output" == "HTTP/1.0 505 "* ]]
	run raw 1 "GET /metrics HTTP/1.0\\r\\nX: $(head -c 5000 /dev/zero | tr '\0' a)\\r\\n\\r\\n"
	[[ "$output" == "HTTP/1.0 431 "* ]]
	run raw 1 'GET /metrics?x=1 HTTP/1.1\r\nHost: y\r\n\r\n'
	[[ "$output" == "HTTP/1.0 200 OK"* ]]
	[[ "$output" == *"Content-Type: text/plain; version=0.0.4"* ]]
	[[ "$output" == *'vnfha_ckptd_epoch 1'* ]]
}

@test "a metrics address that cannot be bound stops the daemon with a clear error" {
	run ip netns exec "${PFX}n1" "$CKPTD" --role primary --listen "198.51.100.1:$PORT" \
		--store "$WORK/n1/store" --socket "$WORK/n1/sock" --key "$WORK/key" \
		--metrics-listen "192.0.2.77:$MPORT"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot serve metrics on '192.0.2.77:$MPORT' (--metrics-listen)"* ]]
}
