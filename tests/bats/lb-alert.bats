#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-alert against a small HTTP receiver in a network namespace.

load lb-common

ALERT="$VNFHA_BUILDDIR/src/alert/vnfha-alert"

setup_file() {
	netns_have_root || return 0
	lb_ns_setup
	LB_RX="$LB_DIR/rx"
	export LB_RX
	ip netns exec "$LB_NS" python3 "$VNFHA_SRCDIR/tests/bats/lb-receiver.py" 127.0.0.1 8200 \
		"$LB_RX.200" </dev/null >/dev/null 2>&1 &
	ip netns exec "$LB_NS" python3 "$VNFHA_SRCDIR/tests/bats/lb-receiver.py" 127.0.0.1 8500 \
		"$LB_RX.500" 500 </dev/null >/dev/null 2>&1 &
	ip netns exec "$LB_NS" python3 "$VNFHA_SRCDIR/tests/bats/lb-receiver.py" 127.0.0.1 8400 \
		"$LB_RX.400" 400 </dev/null >/dev/null 2>&1 &
	ip netns exec "$LB_NS" python3 "$VNFHA_SRCDIR/tests/bats/lb-receiver.py" 127.0.0.1 8999 \
		"$LB_RX.hang" hang </dev/null >/dev/null 2>&1 &
	lb_wait_port 8200 && lb_wait_port 8500 && lb_wait_port 8400 && lb_wait_port 8999
}

teardown_file() {
	lb_ns_teardown
}

setup() {
	netns_skip_unless_root
	rm -f "$LB_RX".200 "$LB_RX".500 "$LB_RX".400
}

# alert URL NAME=VALUE...: runs the agent as Pacemaker would, in a clean environment.
alert() {
	local url=$1
	shift
	env -i PATH="$PATH" CRM_alert_version=2.1.5 CRM_alert_recipient="$url" \
		vnfha_vnf=demo "$@" ip netns exec "$LB_NS" "$ALERT"
}

RSC_FAIL=(CRM_alert_kind=resource CRM_alert_node=n2 CRM_alert_rsc=vnfc CRM_alert_task=monitor
	CRM_alert_interval=1000 CRM_alert_rc=7 CRM_alert_target_rc=0 CRM_alert_status=0
	"CRM_alert_desc=not running" CRM_alert_timestamp_epoch=1795000000
	CRM_alert_timestamp_usec=5 CRM_alert_node_sequence=41 CRM_alert_some_future_var=x)

@test "a resource failure arrives as JSON with the VNF, resource, node, operation, rc and time" {
	run alert http://127.0.0.1:8200/vnfm "${RSC_FAIL[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$LB_RX.200")" -eq 1 ]
	line=$(cat "$LB_RX.200")
	[[ "$line" == "application/json "* ]]
	echo "${line#application/json }" | python3 -c '
import json, sys
m = json.load(sys.stdin)
want = {"vnf": "demo", "event": "resource-failure", "kind": "resource", "resource": "vnfc",
        "node": "n2", "operation": "monitor", "interval_ms": 1000, "rc": 7, "target_rc": 0,
        "status": 0, "desc": "not running", "time": "2026-11-18T11:06:40.000005Z",
        "sequence": "41"}
assert m == want, m
'
}

@test "recovery and node loss are sent; a successful stop is not" {
	alert http://127.0.0.1:8200/ CRM_alert_kind=resource CRM_alert_node=n2 CRM_alert_rsc=vnfc \
		CRM_alert_task=start CRM_alert_rc=0 CRM_alert_target_rc=0 CRM_alert_status=0
	alert http://127.0.0.1:8200/ CRM_alert_kind=node CRM_alert_node=n3 CRM_alert_nodeid=3 \
		CRM_alert_desc=lost
	alert http://127.0.0.1:8200/ CRM_alert_kind=resource CRM_alert_node=n2 CRM_alert_rsc=vnfc \
		CRM_alert_task=stop CRM_alert_rc=0 CRM_alert_target_rc=0 CRM_alert_status=0
	alert http://127.0.0.1:8200/ CRM_alert_kind=attribute CRM_alert_node=n2 \
		CRM_alert_attribute_name=x CRM_alert_attribute_value=1
	[ "$(wc -l <"$LB_RX.200")" -eq 2 ]
	sed -n 1p "$LB_RX.200" | grep -q '"event":"resource-recovery".*"operation":"start"'
	sed -n 2p "$LB_RX.200" | grep -q '"event":"node-lost","kind":"node","resource":null,"node":"n3"'
}

@test "strings are escaped: quotes, backslashes, newlines stay one valid JSON object" {
	run alert http://127.0.0.1:8200/ CRM_alert_kind=resource CRM_alert_node=n2 \
		'CRM_alert_rsc=a"b\c' CRM_alert_task=monitor CRM_alert_rc=1 CRM_alert_target_rc=0 \
		CRM_alert_status=0 "CRM_alert_desc=line1
line2" vnfha_vnf='v"1'
	[ "$status" -eq 0 ]
	sed 's/^application\/json //' "$LB_RX.200" | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["resource"] == "a\"b\\c" and m["desc"] == "line1\nline2" and m["vnf"] == "v\"1", m
'
}

@test "invalid alert variables: exit 2, a reason, nothing sent" {
	run alert http://127.0.0.1:8200/ CRM_alert_kind=resource CRM_alert_node=n2 \
		CRM_alert_rsc=vnfc CRM_alert_task=monitor CRM_alert_rc=seven CRM_alert_target_rc=0 \
		CRM_alert_status=0
	[ "$status" -eq 2 ]
	[[ "$output" == *"CRM_alert_rc='seven' is not an integer"* ]]
	run alert http://127.0.0.1:8200/ CRM_alert_kind=party CRM_alert_node=n2
	[ "$status" -eq 2 ]
	run alert file:///etc/passwd "${RSC_FAIL[@]}"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not an http:// or https:// URL"* ]]
	run alert http://127.0.0.1:8200/ "${RSC_FAIL[@]}" vnfha_retries=99
	[ "$status" -eq 2 ]
	[ ! -e "$LB_RX.200" ]
}

@test "a 5xx answer is retried a bounded number of times; a 4xx is not" {
	run alert http://127.0.0.1:8500/ "${RSC_FAIL[@]}" vnfha_retries=2
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$LB_RX.500")" -eq 3 ]
	run alert http://127.0.0.1:8400/ "${RSC_FAIL[@]}" vnfha_retries=2
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$LB_RX.400")" -eq 1 ]
}

@test "a dead receiver does not stall: bounded by retries x timeout" {
	t0=$(date +%s%N)
	run alert http://127.0.0.1:8999/ "${RSC_FAIL[@]}" vnfha_timeout=300ms vnfha_retries=2
	t1=$(date +%s%N)
	echo "$output"
	[ "$status" -eq 1 ]
	ms=$(((t1 - t0) / 1000000))
	echo "took ${ms} ms (bound 3 x 300 + 200 + 400 = 1500 ms)"
	[ "$ms" -ge 1400 ] && [ "$ms" -lt 2500 ]
	# nobody listening at all: fails fast
	t0=$(date +%s%N)
	run alert http://127.0.0.1:8998/ "${RSC_FAIL[@]}" vnfha_retries=1
	t1=$(date +%s%N)
	[ "$status" -eq 1 ]
	[ $(((t1 - t0) / 1000000)) -lt 1500 ]
}

@test "vnfha_format=ves: every event kind is a VES fault event valid against ONAP's schema" {
	for kv in "CRM_alert_task=monitor CRM_alert_rc=7" "CRM_alert_task=start CRM_alert_rc=0"; do
		# shellcheck disable=SC2086 # two words on purpose
		alert http://127.0.0.1:8200/ves vnfha_format=ves CRM_alert_kind=resource \
			CRM_alert_node=n2 CRM_alert_rsc=vnfc $kv CRM_alert_target_rc=0 \
			CRM_alert_status=0 CRM_alert_timestamp_epoch=1795000000 \
			CRM_alert_timestamp_usec=5 CRM_alert_node_sequence=41
	done
	alert http://127.0.0.1:8200/ vnfha_format=ves CRM_alert_kind=node CRM_alert_node=n3 \
		CRM_alert_desc=lost CRM_alert_node_sequence=42
	alert http://127.0.0.1:8200/ vnfha_format=ves CRM_alert_kind=node CRM_alert_node=n3 \
		CRM_alert_desc=member CRM_alert_node_sequence=43
	alert http://127.0.0.1:8200/ vnfha_format=ves CRM_alert_kind=fencing CRM_alert_node=n3 \
		CRM_alert_task=reboot CRM_alert_rc=0 "CRM_alert_desc=Operation reboot of n3: OK" \
		CRM_alert_node_sequence=44
	run /usr/bin/python3 "$VNFHA_SRCDIR/tests/bats/ves_check.py" "$LB_RX.200"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^valid')" -eq 5 ]
	/usr/bin/python3 - "$LB_RX.200" <<'PY'
import os, sys
sys.path.insert(0, os.environ["VNFHA_SRCDIR"] + "/tests/bats")
import ves_check
ev = [e["event"] for e in ves_check.events(sys.argv[1])]
h = [e["commonEventHeader"] for e in ev]
f = [e["faultFields"] for e in ev]
a = [x["alarmAdditionalInformation"] for x in f]
# the failure: which VNF, which VNFC, where, what, since when, raised
assert a[0]["vnf"] == "demo" and h[0]["sourceName"] == "vnfc" and f[0]["alarmInterfaceA"] == "n2"
assert f[0]["alarmCondition"] == "resourceFailure" and f[0]["eventSeverity"] == "CRITICAL"
assert h[0]["startEpochMicrosec"] == 1795000000000005 and h[0]["sequence"] == 41
assert a[0]["operation"] == "monitor" and a[0]["rc"] == "7", a[0]
# the recovery clears the same alarm
assert h[1]["eventId"] == h[0]["eventId"] and f[1]["eventSeverity"] == "NORMAL"
# node lost and back: one alarm; fencing: an alarm of its own
assert h[2]["eventId"] == h[3]["eventId"] and [x["eventSeverity"] for x in f[2:4]] == ["CRITICAL", "NORMAL"]
assert f[2]["eventSourceType"] == "host" and h[2]["sourceName"] == "n3"
assert f[4]["alarmCondition"] == "nodeFenced" and h[4]["eventId"] not in (h[2]["eventId"],)
assert all(x["domain"] == "fault" and x["vesEventListenerVersion"] == "7.2.1" for x in h)
PY
}

@test "vnfha_format: json is the default; anything else is refused with a reason" {
	run alert http://127.0.0.1:8200/ "${RSC_FAIL[@]}" vnfha_format=xml
	[ "$status" -eq 2 ]
	[[ "$output" == *"option vnfha_format='xml' is invalid: use json or ves"* ]]
	[ ! -e "$LB_RX.200" ]
	run alert http://127.0.0.1:8200/ "${RSC_FAIL[@]}" vnfha_format=json
	[ "$status" -eq 0 ]
	grep -q '^application/json {"vnf":"demo","event":"resource-failure"' "$LB_RX.200"
}
