#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha's agents on Pacemaker Remote nodes (issue 14): a real cluster of 3
# full nodes and 2 remote nodes (pacemaker-remoted from Debian's
# pacemaker-remote, no Corosync, names that do not resolve), fencing
# through the lab's power switch.
#   - the remote nodes join, their tools reach the cluster through
#     pacemaker-remoted;
#   - floatip holds a VIP on a remote node and moves between them;
#   - vnfc's immediate failure report reaches Pacemaker from a remote node
#     (a refresh there, through the controller routing to the node:
#     Pacemaker refuses --fail from a remote node); with the node's
#     connection down at that moment the report fails and the probe after
#     the reconnection catches the failure (the test prints which and how
#     long);
#   - statesync sync_method=cpg is refused on remote nodes with a reason, and
#     runs on the full nodes.

load lab
load remote

VIP=198.51.100.70

setup_file() {
	remote_setup_file 3 2
}

teardown_file() {
	lab_teardown_file
}

teardown() {
	lab_recover_next
}

@test "remote nodes: online without Corosync, Pacemaker's tools and attrd through pacemaker-remoted" {
	run lab on 1 crm_mon -1
	echo "$output"
	[[ "$output" == *"RemoteOnline: [ remote1 remote2 ]"* ]]
	# no Corosync on a remote node, and its name does not resolve
	run lab on r1 pgrep -x corosync
	[ "$status" -ne 0 ]
	lab on r1 pgrep -f pacemaker-remoted
	run lab on 1 getent hosts remote1
	[ "$status" -ne 0 ]
	# Pacemaker's tools on the remote node, through its IPC proxy
	run lab on r1 crm_mon -1
	[[ "$output" == *"RemoteOnline: [ remote1 remote2 ]"* ]]
	lab on r1 attrd_updater -p -n vnfha-lab-test -U 42
	for _ in $(seq 50); do
		lab on 1 attrd_updater -Q -A -n vnfha-lab-test 2>/dev/null | grep -q 'host="remote1" value="42"' &&
			break
		sleep 0.1
	done
	run lab on 1 attrd_updater -Q -A -n vnfha-lab-test
	[[ "$output" == *'host="remote1" value="42"'* ]]
	lab on r1 attrd_updater -n vnfha-lab-test -D
	# (a killed remote node, fenced and back: remote-vnf.bats)
}

@test "floatip: a VIP on a remote node, moved between remote nodes, the client follows" {
	lab on 1 pcs resource create rvip ocf:vnfha:floatip ip="$VIP" cidr_netmask=24 \
		op monitor interval=2s
	lab on 1 pcs constraint location rvip rule score=-INFINITY '#kind' eq cluster
	lab on 1 crm_resource --wait --timeout=60s
	holder=$(lab_wait_holder "$VIP")
	[[ $holder == r* ]]
	lab client ping -c 1 -W 2 "$VIP"
	lab_wait_client_mac "$VIP" "$(lab mac "$holder")"
	other=r1
	[ "$holder" != r1 ] || other=r2
	lab_sample_start "$VIP"
	lab on 1 pcs resource move rvip "$(lab_node_name "$other")"
	new=$(lab_wait_holder "$VIP" "$holder" 30)
	lab_sample_stop
	[ "$new" = "$other" ]
	# the new holder's GARP updated the client's entry, with no traffic from it
	lab_wait_client_mac "$VIP" "$(lab mac "$other")"
	[ -z "$(lab_sample_overlaps)" ]
	lab on 1 pcs resource clear rvip
	lab on 1 pcs resource delete rvip
	lab on 1 crm_resource --wait --timeout=60s
}

# A VNFC under ocf:vnfha:vnfc on the remote nodes alone: a promotable clone,
# its defaults (monitor every 10 s promoted, 11 s unpromoted).
# rv_log_count ID TEXT: lines of node ID's vnfc-rv.log holding TEXT.
rv_log_count() {
	lab on "$1" grep -c -F "$2" /var/log/vnfha/vnfc-rv.log || true
}

rvnfc_create() {
	lab on 1 pcs resource create rv ocf:vnfha:vnfc binary=/bin/sleep args=100000 \
		protocol=hooks promotable
	lab on 1 pcs constraint location rv-clone rule score=-INFINITY '#kind' eq cluster
	lab on 1 crm_resource --wait --timeout=60s
}

@test "vnfc: the VNFC's death on a remote node reaches Pacemaker at once (a refresh through the controller)" {
	rvnfc_create
	for role in Promoted Unpromoted; do
		k=$(remote_rsc_where rv "$role" | cut -d' ' -f1)
		[[ $k == r* ]]
		pid=$(remote_pgrep "$k" "/bin/sleep 100000")
		n0=$(rv_log_count "$k" "(a refresh) took the failure of rv")
		t0=$(lab_now_ms)
		lab kill-process "$k" "$pid"
		op=$(remote_wait_failed_op rv "$k" 30)
		t1=$(lab_now_ms)
		lab on 1 crm_resource --wait --timeout=60s
		t2=$(lab_now_ms)
		echo "$role VNFC killed on $(lab_node_name "$k"): Pacemaker had the failure ($op)" \
			"after $((t1 - t0)) ms (monitor every 10/11 s), running again after" \
			"$((t2 - t0)) ms" >&3
		# the supervisor's report (a probe), not the next recurring monitor
		[ "$op" = monitor_0 ]
		[ $((t1 - t0)) -lt 5000 ]
		lab on "$k" grep -q "reporting to Pacemaker (a Pacemaker Remote node: a refresh)" \
			/var/log/vnfha/vnfc-rv.log
		# one request on the connection held open, not a crm_resource run
		n1=$(rv_log_count "$k" "(a refresh) took the failure of rv")
		[ "$n1" -eq $((n0 + 1)) ]
		lab on 1 crm_resource --cleanup --resource rv-clone >/dev/null
		lab on 1 crm_resource --wait --timeout=60s
	done
	lab on 1 crm_resource --wait --timeout=60s
	[ -n "$(remote_pgrep "$k" "/bin/sleep 100000")" ] # recovered in place
}

@test "vnfc: with the remote node's connection down, the failure is caught after the reconnection" {
	k=$(remote_rsc_where rv Unpromoted | cut -d' ' -f1)
	[[ $k == r* ]]
	host=$(remote_conn_host "$k")
	[ -n "$host" ]
	pid=$(remote_pgrep "$k" "/bin/sleep 100000")
	# the full node holding the connection dies: the remote node keeps
	# running, cut off from the cluster until the connection starts elsewhere
	t0=$(lab_now_ms)
	lab kill-node "$host"
	lab kill-process "$k" "$pid"
	# caught by a monitor or probe, or (seen in 1 of 3 runs) the remote node
	# fenced: its pacemaker-remoted stalled and the new connection's TLS
	# handshake failed, a hard error for the connection
	for _ in $(seq 900); do
		op=$(remote_failed_op rv "$k")
		fenced_remote=$(lab_fence_time "$k" "$t0")
		[ -n "$op$fenced_remote" ] && break
		sleep 0.1
	done
	t1=$(lab_now_ms)
	new=$(remote_wait_conn "$k" "$host" 90)
	lab on "$new" crm_resource --wait --timeout=60s
	t2=$(lab_now_ms)
	fenced=$(lab_fence_time "$host" "$t0")
	if lab on "$k" grep -q -e "crm_resource --refresh for rv on $(lab_node_name "$k") failed" \
		-e "the controller did not answer the failure report of rv" \
		-e "no connection to the controller routing to this node" \
		/var/log/vnfha/vnfc-rv.log 2>/dev/null; then
		how="the report failed (not retried);"
	else
		how="the report did not fail;"
	fi
	case $op in
	monitor_0) how+=" a probe caught it ($op)" ;;
	monitor_*) how+=" the recurring monitor caught it ($op)" ;;
	*) how="$(lab_node_name "$k") was fenced after $((fenced_remote - t0)) ms (its connection could not be re-established)" ;;
	esac
	echo "VNFC killed on $(lab_node_name "$k") while its connection's host node$host died:" \
		"node$host fenced after $((fenced - t0)) ms; $how after $((t1 - t0)) ms; the VNFC" \
		"running again after $((t2 - t0)) ms" >&3
	[ -n "$op$fenced_remote" ]
	[ -n "$(remote_pgrep "$k" "/bin/sleep 100000")" ]
	lab on "$new" pcs resource delete rv
}

@test "statesync: sync_method=cpg is refused on remote nodes with the reason, runs on full nodes" {
	head -c 32 /dev/urandom >"$VNFHA_LAB/shared/authkey"
	lab on 1 pcs resource create sscpg ocf:vnfha:statesync sync_method=cpg \
		store_dir=/run/vnfha/store-cpg socket=/run/vnfha/ckpt-cpg.sock promotable notify=true
	lab on 1 crm_resource --wait --timeout=90s || true
	run lab on 1 crm_mon -1 --output-as=xml
	echo "$output" | grep "<failure" >&3
	# each remote instance refused with OCF_ERR_INSTALLED and the reason
	for r in remote1 remote2; do
		failure=$(xmllint --xpath "//failures/failure[@node='$r' and starts-with(@op_key,'sscpg_start')]" - <<<"$output")
		[[ "$failure" == *'exitstatus="not installed"'* ]]
		[[ "$failure" == *"sync_method=cpg needs Corosync, which Pacemaker Remote node $r lacks: use sync_method=tcp"* ]]
	done
	# the full nodes run it: one promoted, two unpromoted
	[ "$(remote_rsc_where sscpg | wc -w)" -eq 3 ]
	[[ "$(remote_rsc_where sscpg)" != *r* ]]
	# validate-all on the remote node, depth 10, says the same
	run lab on r1 crm_resource --validate=10 --resource sscpg
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"sync_method=cpg needs Corosync"* ]]
	run lab on 1 crm_resource --validate=10 --resource sscpg
	[ "$status" -eq 0 ]
	lab on 1 pcs resource delete sscpg
}
