#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The seed's case 2 on Pacemaker Remote nodes (issue 14): the pool's VNFCs
# run on remote nodes (the VMs) under ocf:vnfha:vnfc, each fronted by an
# ocf:vnfha:lbmember instance there; HAProxy and its floating IP run on the
# full cluster nodes (tests/cluster/lb-setup.bash with LB_MEMBERS). A
# client streams requests to the VIP the whole time.

load lab
load remote
load lb-setup

VIP=$LB_VIP

setup_file() {
	remote_setup_file 3 3
	lab on 1 pcs property set stonith-action=off # a fenced remote node stays off
	CLIENT_NS=$(lab netns client)
	# a member whose node dies is never stopped (its stop is implied by the
	# fencing): HAProxy's own check takes it out (lbmember check=true)
	export CLIENT_NS LB_MEMBERS="r1 r2 r3" LB_LBM_PARAMS="check=true check_interval=1s"
	lb_lab_configure 1000 3
}

teardown_file() {
	lb_lab_unconfigure
	lab_teardown_file
}

teardown() {
	lb_watch_stop
	lab_recover_next
}

@test "remote LB: members on the remote nodes, HAProxy on a full node, every member reached" {
	lb_wait_pool "remote1 remote2 remote3 " 30
	[[ "$(lab_wait_holder "$VIP")" =~ ^[0-9]+$ ]] # the VIP on a full node
	[ "$(remote_rsc_where lbm)" = "r1 r2 r3 " ]
	[ "$(remote_rsc_where vnfc | wc -w)" -eq 3 ]
	lb_client_start 2
	wait "$CLIENT_PID"
	[ "$(grep -c ' ok ' "$CLIENT_OUT")" -ge 95 ]
	run grep -c ' fail ' "$CLIENT_OUT"
	[ "$output" = 0 ]
	[ "$(awk '{ print $4 }' "$CLIENT_OUT" | sort -u | tr '\n' ' ')" = "remote1 remote2 remote3 " ]
}

@test "remote LB: a member's VNFC killed: reported at once, out of the pool, back after recovery" {
	lb_wait_pool "remote1 remote2 remote3 " 30
	lb_client_start 8
	sleep 1
	pid=$(lb_vnfc_pid r2)
	lb_watch_start
	sleep 0.5
	t_kill=$(lab_now_ms)
	lab kill-process r2 "$pid"
	t_done=$(lab_now_ms)
	left=$(lb_watch_wait without remote2 "$t_kill" 15)
	back=$(lb_watch_wait with remote2 "$left" 30)
	op=$(remote_failed_op vnfc r2)
	wait "$CLIENT_PID"
	grep ' fail ' "$CLIENT_OUT" >&3 || true
	fails=$(grep -c ' fail ' "$CLIENT_OUT" || true)
	inflight=$(lb_inflight "$t_kill" "$t_done")
	echo "remote2's VNFC killed: reported ($op), out of the pool after $((left - t_kill)) ms," \
		"back $((back - left)) ms later; $fails of $(wc -l <"$CLIENT_OUT") requests failed" \
		"($inflight in flight)" >&3
	# shown only when the test fails: the supervisor's side of the report
	lab on r2 tail -n 15 /var/log/vnfha/vnfc-vnfc.log || true
	lab on any crm_mon -1 | sed -n '/Failed Resource Actions/,$p' || true
	[ "$op" = monitor_0 ] # vnfc's supervisor (a refresh), not the next monitor
	[ "$fails" -le "$inflight" ]
	# back after recovery (a restart through the remote connection, then
	# lbmember's start: 10.9 s after the kill in one run here, past the client
	# above): a client after its return reaches remote2, with no failure
	lb_client_start 2
	wait "$CLIENT_PID"
	run grep -c ' fail ' "$CLIENT_OUT"
	[ "$output" = 0 ]
	[ "$(awk '$4 == "remote2"' "$CLIENT_OUT" | wc -l)" -gt 0 ]
}

@test "remote LB: a member's remote node killed: fenced, out of the pool, the others serve" {
	lb_wait_pool "remote1 remote2 remote3 " 30
	lb_client_start 10
	sleep 1
	lb_watch_start
	sleep 0.5
	t_kill=$(lab_now_ms)
	lab kill-node r3
	left=$(lb_watch_wait without remote3 "$t_kill" 60)
	wait "$CLIENT_PID"
	fenced=$(lab_fence_time r3 "$t_kill")
	fails=$(grep -c ' fail ' "$CLIENT_OUT" || true)
	echo "remote3 killed: out of the pool (HAProxy's check) after $((left - t_kill)) ms," \
		"fenced after $((${fenced:-0} - t_kill)) ms; $fails of $(wc -l <"$CLIENT_OUT")" \
		"requests failed" >&3
	[ -n "$fenced" ]
	after=$(awk -v t="$left" '$1 > t + 500' "$CLIENT_OUT")
	[ -n "$after" ]
	run grep -c ' fail ' <<<"$after"
	[ "$output" = 0 ]
	[ "$(awk '{ print $4 }' <<<"$after" | sort -u | tr '\n' ' ')" = "remote1 remote2 " ]
}
