#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:lbmember against a real HAProxy in a network namespace.

load lb-common

setup_file() {
	netns_have_root || return 0
	lb_ns_setup
	lb_backend vnfc1 8001
	lb_backend vnfc2 8002 127.0.0.2
	# be_retry: a refused connection waits its turn to retry (lbmember's "remove")
	lb_haproxy "frontend fe_retry" "	bind 127.0.0.1:8090" "	default_backend be_retry" \
		"backend be_retry" "	retries 3"
}

teardown_file() {
	lb_ns_teardown
}

setup() {
	netns_skip_unless_root
	lb_params
	# every test starts with node n1 out of the pool
	lb_agent stop "${P[@]}" drain_timeout=1s remove=true >/dev/null 2>&1 || true
	lb_api "set server be/n2 state maint" >/dev/null
	lb_api "del server be/n2" >/dev/null
}

@test "meta-data is well-formed and names every parameter" {
	run lb_agent meta-data
	[ "$status" -eq 0 ]
	echo "$output" | xmllint --noout -
	for p in socket backend server address port weight check drain_timeout api_timeout remove; do
		echo "$output" | grep -q "<parameter name=\"$p\""
	done
}

@test "probe before start: not running" {
	run lb_agent monitor "${P[@]}" CRM_meta_interval=0
	[ "$status" -eq 7 ]
}

@test "start puts n1 into the pool and clients reach it" {
	run lb_agent start "${P[@]}" weight=50
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(lb_state n1)" = "2 0 127.0.0.1 8001 50" ]
	[ "$(lb_get /)" = vnfc1 ]
	run lb_agent monitor "${P[@]}"
	[ "$status" -eq 0 ]
	# start is idempotent
	run lb_agent start "${P[@]}" weight=50
	[ "$status" -eq 0 ]
}

@test "two members share the traffic; stop takes one out" {
	lb_agent start "${P[@]}"
	# n2's instance: the same parameters on another node
	run lb_agent start "${P[@]}" CRM_meta_on_node=n2 port=8002
	[ "$status" -eq 0 ]
	[ "$(lb_state n2)" = "2 0 127.0.0.2 8002 100" ]
	seen=$(for _ in 1 2 3 4; do lb_get /; done | sort -u | tr '\n' ' ')
	[ "$seen" = "vnfc1 vnfc2 " ]
	run lb_agent stop "${P[@]}"
	[ "$status" -eq 0 ]
	[ "$(lb_state n1 | cut -d' ' -f2)" = 1 ] # maintenance: out of the pool
	seen=$(for _ in 1 2 3 4; do lb_get /; done | sort -u | tr '\n' ' ')
	[ "$seen" = "vnfc2 " ]
}

@test "stop lets an open session finish, then deletes the server (remove=true)" {
	lb_agent start "${P[@]}"
	lb_get "/slow?ms=1500" >"$LB_DIR/slow.out" &
	curl_pid=$!
	sleep 0.3
	t0=$(date +%s%N)
	run lb_agent stop "${P[@]}" drain_timeout=10s remove=true
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	wait "$curl_pid"
	[ "$(cat "$LB_DIR/slow.out")" = vnfc1 ]
	ms=$(((t1 - t0) / 1000000))
	echo "stop took ${ms} ms"
	[ "$ms" -ge 900 ] && [ "$ms" -lt 5000 ]
	[ "$(lb_state n1)" = absent ]
	# stop is idempotent
	run lb_agent stop "${P[@]}" remove=true
	[ "$status" -eq 0 ]
}

# stop_over_open_session NAME=VALUE...: starts n1, opens a 15 s session
# through it, stops it with the extra parameters; sets status and output
# (stop's), ms (its wall time) and curl_pid (the session's client).
stop_over_open_session() {
	local t0 t1
	lb_agent start "${P[@]}"
	lb_get "/slow?ms=15000" >"$LB_DIR/slow.out" 2>&1 &
	curl_pid=$!
	sleep 0.3
	t0=$(date +%s%N)
	run lb_agent stop "${P[@]}" "$@"
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	echo "stop took ${ms} ms: $output"
}

@test "drain_timeout bounds stop: the rest of the sessions are closed" {
	stop_over_open_session drain_timeout=1s
	[ "$status" -eq 0 ]
	[ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ]
	[[ "$output" == *"still open after drain_timeout"* ]]
	run wait "$curl_pid"
	[ "$status" -ne 0 ]
	[ "$(lb_state n1 | cut -d' ' -f2)" = 1 ] # maintenance: out of the pool
}

@test "drain_timeout past the stop timeout: validate-all refuses it; a stop drains less, in time" {
	# the defaults fit Pacemaker's default stop timeout (20 s)
	run lb_agent validate-all "${P[@]}" CRM_meta_timeout=20000
	[ "$status" -eq 0 ]
	run lb_agent validate-all "${P[@]}" drain_timeout=10s CRM_meta_timeout=8000
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter drain_timeout='10s' cannot finish inside the 8000 ms stop timeout"* ]]
	[[ "$output" == *"lower drain_timeout to 3000 ms or less, or raise the stop timeout (pcs resource update <resource> op stop timeout=15s)"* ]]
	# a stop with such a timeout (1 s of drain left) finishes inside it
	stop_over_open_session drain_timeout=10s api_timeout=1s CRM_meta_timeout=4000
	[ "$status" -eq 0 ]
	[ "$ms" -ge 900 ] && [ "$ms" -lt 3000 ]
	[[ "$output" == *"drain_timeout=10s cannot finish inside this stop's timeout: draining 1000 ms only"* ]]
	run wait "$curl_pid"
	[ "$status" -ne 0 ]
	[ "$(lb_state n1 | cut -d' ' -f2)" = 1 ] # maintenance: out of the pool
}

@test "stop with the defaults leaves the server in maintenance; start reuses it" {
	lb_agent start "${P[@]}"
	run lb_agent stop "${P[@]}"
	[ "$status" -eq 0 ]
	[ "$(lb_state n1 | cut -d' ' -f2)" = 1 ]
	run lb_agent monitor "${P[@]}"
	[ "$status" -eq 7 ]
	run lb_agent start "${P[@]}" weight=7
	[ "$status" -eq 0 ]
	[ "$(lb_state n1)" = "2 0 127.0.0.1 8001 7" ]
}

# HAProxy 2.6 (Debian 12) frees a deleted server that a stream waiting to
# retry a refused connection still points to; the retry then crashes it in
# sess_change_server(). A VNFC that just died leaves exactly such streams.
# glibc's MALLOC_PERTURB_ (lb_haproxy) makes the freed server garbage at once.
@test "stop with the defaults while streams wait to retry the dead VNFC: HAProxy survives" {
	local pids=() i hp
	hp=$(cat "$LB_DIR/haproxy.pid")
	# nothing listens on 8009: every connection is refused and waits to retry
	run lb_agent start "${P[@]}" backend=be_retry port=8009
	[ "$status" -eq 0 ]
	for i in 1 2 3 4 5; do
		lb_exec curl -s -m 5 -o /dev/null http://127.0.0.1:8090/ &
		pids+=($!)
	done
	sleep 0.3
	run lb_agent stop "${P[@]}" backend=be_retry port=8009 drain_timeout=1s
	echo "$output"
	[ "$status" -eq 0 ]
	for i in "${pids[@]}"; do wait "$i" || true; done
	kill -0 "$hp"
	[ "$(lb_state n1 be_retry | cut -d' ' -f2)" = 1 ]
}

@test "monitor reports drift: draining, moved address, deleted" {
	lb_agent start "${P[@]}"
	lb_api "set server be/n1 state drain"
	run lb_agent monitor "${P[@]}"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:drift: be/n1 is draining"* ]]
	lb_api "set server be/n1 state ready"
	lb_api "set server be/n1 addr 127.0.0.1 port 8002"
	run lb_agent monitor "${P[@]}"
	[ "$status" -eq 1 ]
	[[ "$output" == *"points at 127.0.0.1:8002"* ]]
	# start repairs it
	run lb_agent start "${P[@]}"
	[ "$status" -eq 0 ]
	[ "$(lb_get /)" = vnfc1 ]
	lb_api "set server be/n1 state maint"
	run lb_agent monitor "${P[@]}"
	[ "$status" -eq 7 ]
	lb_api "del server be/n1"
	run lb_agent monitor "${P[@]}"
	[ "$status" -eq 7 ]
	[[ "$output" == *"missing from HAProxy's pool"* ]]
}

@test "TCP runtime API address works like the Unix socket" {
	run lb_agent start "${P[@]}" socket=127.0.0.1:9999
	[ "$status" -eq 0 ]
	run lb_agent monitor "${P[@]}" socket=127.0.0.1:9999
	[ "$status" -eq 0 ]
	run lb_agent stop "${P[@]}" socket=127.0.0.1:9999
	[ "$status" -eq 0 ]
	[ "$(lb_state n1 | cut -d' ' -f2)" = 1 ] # maintenance: out of the pool
}

@test "HAProxy health checks on: a dead VNFC reads as degraded" {
	run lb_agent start "${P[@]}" check=true check_interval=100ms
	[ "$status" -eq 0 ]
	run lb_agent monitor "${P[@]}" check=true
	[ "$status" -eq 0 ]
	kill "$(cat "$LB_DIR/vnfc1.pid")"
	sleep 1
	run lb_agent monitor "${P[@]}" check=true
	echo "$output"
	lb_backend vnfc1 8001
	[ "$status" -eq 190 ]
}

@test "unreachable HAProxy: start and monitor fail clearly, probe and stop do not" {
	t0=$(date +%s%N)
	run lb_agent start "${P[@]}" socket="$LB_DIR/none.sock" start_wait=1s
	t1=$(date +%s%N)
	echo "$output"
	[ "$status" -eq 1 ]
	# waited start_wait for a HAProxy to come up, then gave up; logged once
	ms=$(((t1 - t0) / 1000000))
	[ "$ms" -ge 900 ] && [ "$ms" -lt 2500 ]
	[ "$(grep -c "failed: No such file" <<<"$output")" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:cannot reach HAProxy runtime API at '$LB_DIR/none.sock'"* ]]
	run lb_agent monitor "${P[@]}" socket="$LB_DIR/none.sock"
	[ "$status" -eq 1 ]
	run lb_agent monitor "${P[@]}" socket="$LB_DIR/none.sock" CRM_meta_interval=0
	[ "$status" -eq 7 ]
	run lb_agent stop "${P[@]}" socket=127.0.0.1:9998
	[ "$status" -eq 0 ]
}

@test "start waits (bounded by start_wait) for a HAProxy that is starting" {
	(sleep 0.7; ln -s "$LB_DIR/admin.sock" "$LB_DIR/later.sock") &
	run lb_agent start "${P[@]}" socket="$LB_DIR/later.sock" start_wait=5s
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(lb_state n1 | cut -d' ' -f2)" = 0 ]
}

@test "a hung HAProxy: start fails within api_timeout and changes nothing" {
	kill -STOP "$(cat "$LB_DIR/haproxy.pid")"
	t0=$(date +%s%N)
	run lb_agent start "${P[@]}" socket=127.0.0.1:9999 api_timeout=500ms
	t1=$(date +%s%N)
	kill -CONT "$(cat "$LB_DIR/haproxy.pid")"
	echo "$output"
	[ "$status" -eq 1 ]
	ms=$(((t1 - t0) / 1000000))
	[ "$ms" -lt 2500 ]
	[ "$(lb_state n1)" = absent ]
}

@test "a refused step is undone: the server is left as it was found" {
	# be_static declares n1 without a health check: "enable health" is refused
	run lb_agent start "${P[@]}" backend=be_static check=true remove=false
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"HAProxy refused 'enable health be_static/n1'"* ]]
	[[ "$output" == *"undid the partial start"* ]]
	# not deleted (it was not ours to add), and out of the pool: maintenance
	[ "$(lb_state n1 be_static | cut -d' ' -f2)" = 1 ]
	run lb_agent start "${P[@]}" backend=be_static remove=false
	[ "$status" -eq 0 ]
	run lb_agent stop "${P[@]}" backend=be_static remove=false
	[ "$status" -eq 0 ]
}

@test "bad parameters: ERR_CONFIGURED naming the parameter and the fix" {
	run lb_agent validate-all backend=be address=127.0.0.1 port=8001
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:required parameter socket is not set"* ]]
	run lb_agent start "${P[@]}" port=70000
	[ "$status" -eq 6 ]
	[[ "$output" == *"port='70000' is out of range"* ]]
	run lb_agent start "${P[@]}" socket=haproxy.sock
	[ "$status" -eq 6 ]
	[[ "$output" == *"socket='haproxy.sock' is invalid: use an absolute"* ]]
	run lb_agent start "${P[@]}" "backend=be;shutdown"
	[ "$status" -eq 6 ]
	run lb_agent start "${P[@]}" address=lb.example
	[ "$status" -eq 6 ]
	[[ "$output" == *"address='lb.example' is invalid"* ]]
	# no address for this node: this node is wrong (ERR_ARGS), not the whole
	# configuration; and stop succeeds (nothing was added; a failed stop
	# gets the node fenced)
	run lb_agent validate-all "${P[@]}" "address=n2=127.0.0.2 n3=127.0.0.3"
	[ "$status" -eq 2 ]
	[[ "$output" == *"has no address for node 'n1': add n1=ADDRESS"* ]]
	run lb_agent stop "${P[@]}" "address=n2=127.0.0.2 n3=127.0.0.3"
	[ "$status" -eq 0 ]
	run lb_agent start "${P[@]}" drain_timeout=soon
	[ "$status" -eq 6 ]
	run lb_agent start "${P[@]}" backend=nope
	[ "$status" -eq 6 ]
	[[ "$output" == *"has no backend 'nope': set parameter backend"* ]]
	# monitor and stop never say ERR_CONFIGURED
	run lb_agent monitor "${P[@]}" port=0
	[ "$status" -eq 7 ]
	run lb_agent stop "${P[@]}" port=0
	[ "$status" -eq 0 ]
}
