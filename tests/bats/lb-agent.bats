#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The load balancer as the cluster manager, no Pacemaker at all: a real
# HAProxy in a network namespace checks three VNFCs (tests/bats/lb-vnfc,
# libvnfha's vnfha_lbagent_*) by agent-check, and vnfha-lbwatch tells a VNFM
# receiver when one leaves or rejoins the pool. Two watchers run side by
# side: one with every default (our JSON, its default state file in a
# private /var/lib), one with --format ves, whose events are validated
# against ONAP's schema.

load lb-common

LBW="$VNFHA_BUILDDIR/src/lbwatch/vnfha-lbwatch"
VNFC="$VNFHA_BUILDDIR/tests/bats/lb-vnfc"
INTER=300 # HAProxy check and agent-check interval (ms)
HB=600    # the VNFCs' heartbeat timeout (ms)

setup_file() {
	lb_ns_setup
	for n in 1 2 3; do
		lb_vnfc "$n"
	done
	cat >"$LB_DIR/haproxy.cfg" <<CFG
global
	stats socket $LB_DIR/admin.sock mode 600 level admin
defaults
	mode http
	timeout connect 1s
	timeout client 10s
	timeout server 2s
frontend fe
	bind 127.0.0.1:8080
	default_backend be
backend be
	balance roundrobin
	default-server check inter $INTER fall 1 rise 1 agent-check agent-inter $INTER
	server n1 127.0.0.1:8001 agent-addr 127.0.0.1 agent-port 9001
	server n2 127.0.0.2:8002 agent-addr 127.0.0.2 agent-port 9002
	server n3 127.0.0.3:8003 agent-addr 127.0.0.3 agent-port 9003
CFG
	lb_haproxy_start
	ip netns exec "$LB_NS" python3 "$VNFHA_SRCDIR/tests/bats/lb-receiver.py" 127.0.0.1 8200 \
		"$LB_DIR/rx.json" </dev/null >/dev/null 2>&1 &
	rx_ves_start
	lb_wait_port 8200 && lb_wait_port 8201
	lb_until "all in" pool_is "n1 n2 n3"
	# every default: only the three required options; /var/lib is private to it
	# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
	ip netns exec "$LB_NS" unshare --mount --propagation private sh -c \
		'mount -t tmpfs tmpfs /var/lib && exec "$0" "$@"' "$LBW" \
		--socket "$LB_DIR/admin.sock" --backend be --url http://127.0.0.1:8200/vnfm \
		</dev/null >"$LB_DIR/lbw-json.log" 2>&1 &
	echo $! >"$LB_DIR/lbw-json.pid"
	lbw_ves_start
}

teardown_file() {
	# LB_KEEP=DIR keeps a copy of the logs, states and received events for a look
	[ -z "${LB_KEEP:-}" ] || cp -r "$LB_DIR" "$LB_KEEP"
	lb_ns_teardown
}

# lb_vnfc N: VNFC nN on 127.0.0.N:800N, its agent on 127.0.0.N:900N.
lb_vnfc() {
	echo ok >"$LB_DIR/n$1.ctl"
	ip netns exec "$LB_NS" "$VNFC" "n$1" "127.0.0.$1:800$1" "127.0.0.$1:900$1" "$HB" \
		"$LB_DIR/n$1.ctl" </dev/null >>"$LB_DIR/n$1.log" 2>&1 &
	echo $! >"$LB_DIR/n$1.pid"
	lb_wait_port "800$1" "127.0.0.$1"
}

lb_haproxy_start() {
	ip netns exec "$LB_NS" haproxy -db -f "$LB_DIR/haproxy.cfg" </dev/null \
		>>"$LB_DIR/haproxy.log" 2>&1 &
	echo $! >"$LB_DIR/haproxy.pid"
	for _ in $(seq 100); do
		[ -S "$LB_DIR/admin.sock" ] && lb_api "show info" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

rx_ves_start() {
	ip netns exec "$LB_NS" python3 "$VNFHA_SRCDIR/tests/bats/lb-receiver.py" 127.0.0.1 8201 \
		"$LB_DIR/rx.ves" </dev/null >/dev/null 2>&1 &
	echo $! >"$LB_DIR/rx-ves.pid"
}

lbw_ves_start() {
	ip netns exec "$LB_NS" "$LBW" --socket "$LB_DIR/admin.sock" --backend be \
		--url http://127.0.0.1:8201/ves --format ves --vnf demo --interval 50ms \
		--state-file "$LB_DIR/lbw-ves.state" --hook "$LB_DIR/hook.sh first arg" \
		</dev/null >>"$LB_DIR/lbw-ves.log" 2>&1 &
	echo $! >"$LB_DIR/lbw-ves.pid"
}

# pool_is "n1 n2": exactly these servers are UP and ready in HAProxy.
pool_is() {
	local got
	got=$(lb_api "show servers state be" | awk '$6 == 2 && $7 == 0 { print $4 }' | sort |
		tr '\n' ' ')
	[ "$got" = "$1 " ]
}

# lb_until WHAT CMD...: CMD succeeds within 10 s.
lb_until() {
	local what=$1
	shift
	for _ in $(seq 200); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $what" >&2
	return 1
}

lines() {
	[ -e "$1" ] && wc -l <"$1" || echo 0
}

has_lines() {
	[ "$(lines "$1")" -ge "$2" ]
}

# rx_wait FILE N: FILE has N lines within 10 s.
rx_wait() {
	lb_until "$2 events in $1" has_lines "$1" "$2"
	sleep 0.3 # and no more than N come
	[ "$(lines "$1")" -eq "$2" ]
}

# json_field FILE LINE EXPR: a Python expression on event m (line LINE, 1-based).
json_field() {
	sed -n "$2p" "$1" | sed 's/^application\/json //' |
		python3 -c "import json, sys; m = json.load(sys.stdin); print($3)"
}

# others MEMBER: the other members, as pool_is wants them.
others() {
	local n out=
	for n in n1 n2 n3; do
		[ "$n" = "$1" ] || out="$out${out:+ }$n"
	done
	echo "$out"
}

ms_now() {
	echo $((${EPOCHREALTIME/./} / 1000))
}

# one_failure WHAT EVENT FAIL RECOVER: the failure takes the member out at
# the next check, both receivers hear EVENT, recovery brings it back and clears.
one_failure() {
	local member=$1 event=$2 fail=$3 recover=$4 bound=$5
	local j0 v0 t0 t1 watch
	j0=$(lines "$LB_DIR/rx.json")
	v0=$(lines "$LB_DIR/rx.ves")
	# timed by one poller that runs before the failure (lb_api.py)
	python3 "$VNFHA_SRCDIR/tests/bats/lb_api.py" "$LB_DIR/admin.sock" --wait-pool be \
		"$(others "$member")" 10 >"$LB_DIR/watch.out" &
	watch=$!
	lb_until "the poller" grep -q watching "$LB_DIR/watch.out"
	t0=$(ms_now)
	$fail
	wait "$watch"
	t1=$(tail -1 "$LB_DIR/watch.out")
	echo "$member left the pool after $((t1 - t0)) ms (bound $bound ms)"
	[ $((t1 - t0)) -le "$bound" ]
	pool_is "$(others "$member")"
	rx_wait "$LB_DIR/rx.json" $((j0 + 1))
	rx_wait "$LB_DIR/rx.ves" $((v0 + 1))
	[ "$(json_field "$LB_DIR/rx.json" $((j0 + 1)) 'm["event"], m["node"], m["change"]')" = \
		"$event $member raise" ]
	$recover
	lb_until "$member back" pool_is "n1 n2 n3"
	rx_wait "$LB_DIR/rx.json" $((j0 + 2))
	rx_wait "$LB_DIR/rx.ves" $((v0 + 2))
	[ "$(json_field "$LB_DIR/rx.json" $((j0 + 2)) 'm["event"], m["node"], m["change"]')" = \
		"member-up $member clear" ]
	# the clear closes the alarm the raise opened
	[ "$(json_field "$LB_DIR/rx.json" $((j0 + 1)) 'm["alarm_id"]')" = \
		"$(json_field "$LB_DIR/rx.json" $((j0 + 2)) 'm["alarm_id"]')" ]
}

kill_n1() { kill -9 "$(cat "$LB_DIR/n1.pid")"; }
restart_n1() { lb_vnfc 1; }
hang_n2() { echo hang >"$LB_DIR/n2.ctl"; }
ok_n2() { echo ok >"$LB_DIR/n2.ctl"; }
fail_n3() { echo failed >"$LB_DIR/n3.ctl"; }
ok_n3() { echo ok >"$LB_DIR/n3.ctl"; }
drain_n1() { echo drain >"$LB_DIR/n1.ctl"; }
maint_n3() { echo maint >"$LB_DIR/n3.ctl"; }
ok_n1() { echo ok >"$LB_DIR/n1.ctl"; }

setup() {
	cat >"$LB_DIR/hook.sh" <<HOOK
#!/bin/sh
echo "\$@" >>"$LB_DIR/hook.out"
HOOK
	chmod +x "$LB_DIR/hook.sh"
	# A test that failed half-way leaves its member out: bring every one
	# back, so that one failure is not reported again by every later test.
	pool_is "n1 n2 n3" || restore_pool
	lb_until "a whole pool" pool_is "n1 n2 n3"
}

restore_pool() {
	local n
	echo "setup: the pool is not whole; every VNFC made ready again"
	for n in 1 2 3; do
		kill -0 "$(cat "$LB_DIR/n$n.pid")" 2>/dev/null || lb_vnfc "$n"
		echo ok >"$LB_DIR/n$n.ctl"
	done
	sleep 1 # the watchers tell what came back before a test counts events
}

@test "a whole pool: clients reach every VNFC, the watchers say nothing" {
	seen=$(for _ in 1 2 3 4 5 6; do lb_get /; done | sort -u | tr '\n' ' ')
	[ "$seen" = "n1 n2 n3 " ]
	sleep 0.5
	[ "$(lines "$LB_DIR/rx.json")" -eq 0 ]
	[ "$(lines "$LB_DIR/rx.ves")" -eq 0 ]
	grep -q "watching 1 backend(s) at $LB_DIR/admin.sock every 100 ms" "$LB_DIR/lbw-json.log"
}

@test "killed VNFC: out at the next check, member-down to the VNFM; restarted: cleared" {
	# HAProxy ignores an agent it cannot reach; its own check (fall 1) sees the port shut
	one_failure n1 member-down kill_n1 restart_n1 $((INTER + 300))
	grep -q "^first arg member-down be n1 127.0.0.1:8001 vnfha:demo:lbMemberOutOfPool:be/n1:[0-9]* demo$" \
		"$LB_DIR/hook.out"
}

@test "hung VNFC (heartbeat lost): agent says down at the next check; resumed: cleared" {
	one_failure n2 member-down hang_n2 ok_n2 $((HB + INTER + 300))
	j=$(($(lines "$LB_DIR/rx.json") - 1))
	[[ "$(json_field "$LB_DIR/rx.json" "$j" 'm["desc"]')" == *"vnfha: no heartbeat for "* ]]
	# while it hung, HAProxy's TCP check still passed: only the agent saw it
	[[ "$(json_field "$LB_DIR/rx.json" "$j" 'm["desc"]')" == *"check L4OK"* ]]
}

@test "VNFC reporting itself unhealthy: down at the next agent check; healthy: cleared" {
	one_failure n3 member-down fail_n3 ok_n3 $((INTER + 300))
	j=$(($(lines "$LB_DIR/rx.json") - 1))
	[[ "$(json_field "$LB_DIR/rx.json" "$j" 'm["desc"]')" == *"vnfha: failed: told to fail"* ]]
}

@test "drained VNFC: drain at the next agent check, no recovery hook; ready: cleared" {
	rm -f "$LB_DIR/hook.out"
	one_failure n1 member-drain drain_n1 ok_n1 $((INTER + 300))
	[ ! -e "$LB_DIR/hook.out" ]
}

@test "maint from the VNFC: out at the next agent check; ready: cleared" {
	one_failure n3 member-maint maint_n3 ok_n3 $((INTER + 300))
}

# lbw_stop NAME [SIGNAL]: stops that watcher (SIGTERM) and waits for it.
lbw_stop() {
	local pid
	pid=$(cat "$LB_DIR/lbw-$1.pid")
	kill "-${2:-TERM}" "$pid"
	lb_until "lbwatch $1 ended" bash -c "! kill -0 $pid 2>/dev/null"
}

@test "lbwatch restart: what changed while it was away is told once; nothing twice" {
	v0=$(lines "$LB_DIR/rx.ves")
	lbw_stop ves
	echo failed >"$LB_DIR/n3.ctl"
	lb_until "n3 out" pool_is "n1 n2"
	lbw_ves_start
	rx_wait "$LB_DIR/rx.ves" $((v0 + 1))
	lbw_stop ves
	lbw_ves_start # a restart with nothing new says nothing
	sleep 0.5
	[ "$(lines "$LB_DIR/rx.ves")" -eq $((v0 + 1)) ]
	lbw_stop ves
	echo ok >"$LB_DIR/n3.ctl"
	lb_until "n3 back" pool_is "n1 n2 n3"
	lbw_ves_start
	rx_wait "$LB_DIR/rx.ves" $((v0 + 2))
	/usr/bin/python3 "$VNFHA_SRCDIR/tests/bats/ves_check.py" "$LB_DIR/rx.ves" | tail -2 >"$LB_DIR/pair"
	cat "$LB_DIR/pair"
	# raise and clear of one alarm, sequence numbers going on from before the restarts
	[ "$(awk '{ print $2 }' "$LB_DIR/pair" | sort -u | wc -l)" -eq 1 ]
	[ "$(awk '{ print $4 }' "$LB_DIR/pair" | tr '\n' ' ')" = "CRITICAL NORMAL " ]
	s1=$(sed -n 1p "$LB_DIR/pair" | sed 's/.*seq=\([0-9]*\).*/\1/')
	s2=$(sed -n 2p "$LB_DIR/pair" | sed 's/.*seq=\([0-9]*\).*/\1/')
	[ "$s2" -eq $((s1 + 1)) ] && [ "$s1" -ge 6 ]
}

@test "VNFM down: events wait on disk across an lbwatch crash, then arrive in order, once" {
	v0=$(lines "$LB_DIR/rx.ves")
	l0=$(lines "$LB_DIR/lbw-ves.log")
	kill "$(cat "$LB_DIR/rx-ves.pid")"
	echo drain >"$LB_DIR/n2.ctl"
	lb_until "n2 drained" pool_is "n1 n3"
	echo ok >"$LB_DIR/n2.ctl"
	lb_until "n2 back" pool_is "n1 n2 n3"
	lb_until "two events waiting" grep -q "^event .* clear drain be n2 " "$LB_DIR/lbw-ves.state"
	# retry rounds pause 1 s, 2 s, 4 s...: in 4 s, 3 rounds at most (each 3 attempts)
	sleep 4
	rounds=$(tail -n +$((l0 + 1)) "$LB_DIR/lbw-ves.log" | grep -c "did not take" || true)
	echo "$rounds delivery rounds failed in about 4 s"
	[ "$rounds" -ge 1 ] && [ "$rounds" -le 3 ]
	lbw_stop ves KILL # a crash: only what was on disk before sending survives
	[ "$(grep -c '^event ' "$LB_DIR/lbw-ves.state")" -eq 2 ]
	lbw_ves_start
	sleep 0.5
	rx_ves_start
	rx_wait "$LB_DIR/rx.ves" $((v0 + 2))
	tail -2 "$LB_DIR/rx.ves" | python3 -c '
import json, sys
ev = [json.loads(l.split(" ", 1)[1])["event"] for l in sys.stdin]
assert [e["faultFields"]["eventSeverity"] for e in ev] == ["WARNING", "NORMAL"], ev
assert ev[0]["commonEventHeader"]["eventId"] == ev[1]["commonEventHeader"]["eventId"]
assert ev[0]["commonEventHeader"]["sequence"] + 1 == ev[1]["commonEventHeader"]["sequence"]
'
	lb_until "queue empty on disk" bash -c "! grep -q '^event ' '$LB_DIR/lbw-ves.state'"
}

@test "HAProxy restart: an alarm still true is neither cleared nor raised again" {
	j0=$(lines "$LB_DIR/rx.json")
	echo hang >"$LB_DIR/n2.ctl"
	lb_until "n2 out" pool_is "n1 n3"
	rx_wait "$LB_DIR/rx.json" $((j0 + 1))
	kill "$(cat "$LB_DIR/haproxy.pid")"
	sleep 0.5 # the watchers find nobody at the runtime API for a while
	lb_haproxy_start
	# HAProxy starts every server UP ("INI"): no event until its checks have judged
	lb_until "n2 out again" pool_is "n1 n3"
	sleep 1
	[ "$(lines "$LB_DIR/rx.json")" -eq $((j0 + 1)) ]
	grep -q "runtime API at $LB_DIR/admin.sock answers again" "$LB_DIR/lbw-json.log"
	echo ok >"$LB_DIR/n2.ctl"
	lb_until "n2 back" pool_is "n1 n2 n3"
	rx_wait "$LB_DIR/rx.json" $((j0 + 2))
	[ "$(json_field "$LB_DIR/rx.json" $((j0 + 2)) 'm["event"]')" = member-up ]
}

@test "bad options: exit 2 and a reason naming the option and the fix" {
	run "$LBW" --socket "$LB_DIR/admin.sock" --backend be --url ftp://x/
	[ "$status" -eq 2 ]
	[[ "$output" == *"--url='ftp://x/' is invalid: the VNFM's http:// or https:// URL"* ]]
	run "$LBW" --socket "$LB_DIR/admin.sock" --backend 'be;x' --url http://127.0.0.1:1/
	[ "$status" -eq 2 ]
	[[ "$output" == *"--backend='be;x' is invalid"* ]]
	run "$LBW" --socket "$LB_DIR/admin.sock" --backend be --url http://127.0.0.1:1/ --interval 5ms
	[ "$status" -eq 2 ]
	[[ "$output" == *"--interval='5ms' is invalid: use 10ms to 10s"* ]]
	run "$LBW" --socket "$LB_DIR/admin.sock" --backend be --url http://127.0.0.1:1/ --hook 'sh -c x'
	[ "$status" -eq 2 ]
	[[ "$output" == *"--hook='sh -c x' is invalid: the command's absolute path"* ]]
	run "$LBW" --backend be --url http://127.0.0.1:1/
	[ "$status" -eq 2 ]
	[[ "$output" == *"--socket, --backend and --url are required"* ]]
	printf 'vnfha-lbwatch-state 1\ngarbage\n' >"$LB_DIR/bad.state"
	run "$LBW" --socket "$LB_DIR/admin.sock" --backend be --url http://127.0.0.1:1/ \
		--state-file "$LB_DIR/bad.state"
	[ "$status" -eq 1 ]
	[[ "$output" == *"state file $LB_DIR/bad.state is malformed at line 2: move it away"* ]]
}

@test "VES: every event validates against ONAP's schema; raise and clear pair up" {
	run /usr/bin/python3 "$VNFHA_SRCDIR/tests/bats/ves_check.py" "$LB_DIR/rx.ves"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^valid')" -eq "$(lines "$LB_DIR/rx.ves")" ]
	/usr/bin/python3 - "$LB_DIR/rx.ves" <<'PY'
import sys
import os
sys.path.insert(0, os.environ["VNFHA_SRCDIR"] + "/tests/bats")
import ves_check
ev = [e["event"] for e in ves_check.events(sys.argv[1])]
seqs = [e["commonEventHeader"]["sequence"] for e in ev]
assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
by_id = {}
for e in ev:
    h, f = e["commonEventHeader"], e["faultFields"]
    a = f["alarmAdditionalInformation"]
    # which VNF, which VNFC, where, what, since when, raised or cleared
    assert a["vnf"] == "demo" and h["sourceName"] == a["server"], e
    n = a["server"][1]
    assert f["alarmInterfaceA"] == "be/n" + n and a["address"] == "127.0.0.%s:800%s" % (n, n), e
    assert f["alarmCondition"] == "lbMemberOutOfPool" and h["domain"] == "fault", e
    assert h["startEpochMicrosec"] <= h["lastEpochMicrosec"], e
    by_id.setdefault(h["eventId"], []).append((f["eventSeverity"], h["startEpochMicrosec"]))
kinds = set()
for eid, evs in by_id.items():
    sev = [s for s, _ in evs]
    assert sev[-1] == "NORMAL" and "NORMAL" not in sev[:-1], (eid, sev)
    assert len({t for _, t in evs}) == 1, (eid, evs)  # one alarm, one start
    kinds.update(sev)
assert {"CRITICAL", "MINOR", "WARNING", "NORMAL"} <= kinds, kinds
print(len(ev), "events,", len(by_id), "alarms")
PY
}
