#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Active/active VNFCs behind an HA HAProxy on a floating IP, in a real
# 3-node cluster with fencing (issue 7):
#   - one VNFC instance per node (ocf:vnfha:vnfc, a promotable clone whose
#     instances all serve), each fronted by an ocf:vnfha:lbmember instance
#     (clone, colocated, ordered after it);
#   - HAProxy runs as a cluster resource in a group after its floating IP;
#     every lbmember instance is ordered after that group and finds itself
#     missing when HAProxy starts elsewhere, so the pool is rebuilt from the
#     members that run (setup in lb-setup.bash);
#   - vnfha-alert tells an HTTP receiver (the VNFM) in the client's netns.
# A client streams requests to the VIP the whole time.

load lab
load lb-setup

VIP=$LB_VIP

setup_file() {
	lab_available || return 0
	lab_setup_file -n 3 -t 1000 --fencing
	# a fenced node stays off (the lab's reboot would bring it back within
	# seconds and hide whether the pool was rebuilt without it)
	lab on 1 pcs property set stonith-action=off
	CLIENT_NS=$(lab netns client)
	export CLIENT_NS
	lb_lab_configure 1000 3
}

teardown_file() {
	lb_lab_unconfigure
	lab_teardown_file
}

setup() {
	lab_skip_unavailable
}

teardown() {
	lb_watch_stop
	lab_recover_next
}

alerts_with() {
	[ -e "$VNFHA_LAB/shared/alerts" ] || return 1
	grep -F "$1" "$VNFHA_LAB/shared/alerts" | grep -F "$2"
}

@test "three members in the pool, the client reaches all of them through the VIP" {
	lb_wait_pool "node1 node2 node3 " 30
	lb_client_start 2
	wait "$CLIENT_PID"
	[ "$(grep -c ' ok ' "$CLIENT_OUT")" -ge 95 ]
	run grep ' fail ' "$CLIENT_OUT"
	echo "$output"
	[ "$status" -eq 1 ] # no request failed (1: no line matched, 2: no file)
	[ "$(awk '{ print $4 }' "$CLIENT_OUT" | sort -u | tr '\n' ' ')" = "node1 node2 node3 " ]
}

@test "kill one VNFC: it leaves the pool, no request fails beyond those in flight, it rejoins" {
	lb_wait_pool "node1 node2 node3 " 30
	lb_client_start 25
	sleep 2
	pid=$(lb_vnfc_pid 2)
	# a recovery in place takes node2 out for a few hundred ms: the watcher
	# polls every 20 ms
	lb_watch_start
	sleep 0.5
	t_kill=$(lab_now_ms)
	lab kill-process 2 "$pid"
	t_done=$(lab_now_ms)
	left=$(lb_watch_wait without node2 "$t_kill" 15)
	back=$(lb_watch_wait with node2 "$left" 30)
	wait "$CLIENT_PID"
	lb_watch_stop
	fails=$(grep -c ' fail ' "$CLIENT_OUT" || true)
	# requests that were open on node2 when it died
	inflight=$(lb_inflight "$t_kill" "$t_done")
	echo "node2 left the pool $((left - t_kill)) ms after the kill, back $((back - left)) ms later;" \
		"$fails of $(wc -l <"$CLIENT_OUT") requests failed ($inflight in flight at the kill)" >&3
	grep ' fail ' "$CLIENT_OUT" >&3 || true
	[ "$fails" -le "$inflight" ]
	# the client saw node2 again after it rejoined
	[ "$(awk -v k="$t_kill" '$1 > k && $4 == "node2"' "$CLIENT_OUT" | wc -l)" -gt 0 ]
	# the VNFM heard of the failure and of the recovery, with the right fields
	for _ in $(seq 50); do
		alerts_with '"event":"resource-recovery"' '"node":"node2"' >/dev/null && break
		sleep 0.1
	done
	grep -F '"node":"node2"' "$VNFHA_LAB/shared/alerts" >&3
	failure=$(alerts_with '"event":"resource-failure"' '"resource":"vnfc"' |
		grep -F '"node":"node2"' | head -n 1)
	[[ "$failure" == *'"vnf":"demo"'* ]]
	# vnfc's supervisor reported it (crm_resource --fail: "asyncmon", error)
	[[ "$failure" == *'"operation":"asyncmon"'* ]]
	[[ "$failure" =~ \"rc\":[1-9] ]]
	[[ "$failure" =~ \"time\":\"20[0-9-]{8}T[0-9:.]{15}Z\" ]]
	alerts_with '"event":"resource-recovery"' '"resource":"vnfc"' | grep -F '"node":"node2"' |
		grep -qF '"operation":"start"'
}

@test "kill the LB node: HAProxy and its VIP move, the pool is rebuilt from the cluster" {
	lb_wait_pool "node1 node2 node3 " 30
	holder=$(lab_wait_holder "$VIP")
	survivors=$(for k in 1 2 3; do [ "$k" = "$holder" ] || printf 'node%d ' "$k"; done)
	lb_client_start 40
	sleep 2
	t_kill=$(lab_now_ms)
	lab kill-node "$holder"
	new=$(lab_wait_holder "$VIP" "$holder" 60)
	t_pool=$(lb_wait_pool "$survivors" 60)
	wait "$CLIENT_PID"
	echo "LB node$holder killed; VIP on node$new, pool [$survivors] complete" \
		"$((t_pool - t_kill)) ms after the kill" >&3
	# after the rebuild every request succeeds, on the survivors only
	after=$(awk -v t="$t_pool" '$1 > t + 500' "$CLIENT_OUT")
	[ -n "$after" ]
	run grep ' fail ' <<<"$after"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(echo "$after" | awk '{ print $4 }' | sort -u | tr '\n' ' ')" = "$survivors" ]
	# the VNFM heard that the node was lost
	for _ in $(seq 50); do
		alerts_with '"event":"node-lost"' "\"node\":\"node$holder\"" >/dev/null && break
		sleep 0.1
	done
	alerts_with '"event":"node-lost"' "\"node\":\"node$holder\""
}
