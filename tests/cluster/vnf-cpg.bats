#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo VNF with statesync sync_method=cpg: checkpoints travel on
# Corosync's own bus instead of TCP. The primary counts the replicas' CPG
# acknowledgements, so a sync commit is on another node before the client
# hears "ok", and a failover loses nothing. vnfha-ckptd's metrics page and
# `vnfha-ckpt status` show each replica's acked version as with TCP.

load lab
load vnf

METRICS_PORT=9410

setup_file() {
	export VNF_SYNC_METHOD=cpg
	vnf_setup_file
	lab_available || return 0
	# metrics on every node (statesync restarts with the new parameter)
	lab on 1 pcs resource update ss metrics_listen="0.0.0.0:$METRICS_PORT"
	lab on 1 crm_resource --wait --timeout=120s
	vnf_wait_serving 60
}

teardown_file() {
	lab_teardown_file
}

setup() {
	lab_skip_unavailable
}

teardown() {
	vnf_teardown
}

# Distinct replicas that acknowledged a checkpoint, from `vnfha-ckpt status`.
acked_replicas() {
	sed -n 's/^replica \(cpg:[^ ]*\) checkpoint .* state \(memory\|durable\) .*/\1/p' <<<"$1" |
		sort -u | wc -l
}

@test "cpg: the primary replicates over the CPG group to both replicas, no TCP port open" {
	vnf_client_start 3
	vnf_client_check 0
	active=$(vnf_active) # where statesync is promoted too (colocated)
	[ -n "$active" ]
	run lab on "$active" vnfha-ckpt status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"transport cpg:vnfha-ckpt-ss"* ]]
	[ "$(grep -c '^peer cpg:node[0-9] connected' <<<"$output")" -eq 2 ]
	# both replicas acknowledged the demo's checkpoint
	[ "$(acked_replicas "$output")" -eq 2 ]
	for k in 1 2 3; do
		run lab on "$k" ss -Htln "sport = :7410"
		[ -z "$output" ]
	done
	# the group's members are the replicas: no list to set
	run lab on "$active" vnfha-ckpt peers set 192.0.2.9:7410
	[ "$status" -eq 1 ]
	[[ "$output" == *"with --cpg the CPG group's members are the replicas"* ]]
	# every replica holds the same latest version as the primary
	want=$(lab on "$active" vnfha-ckpt status | sed -n 's/^checkpoint \([^ ]*\) version \([0-9]*\) \([0-9]*\).*/\1 \2 \3/p')
	[ -n "$want" ]
	for k in 1 2 3; do
		[ "$k" = "$active" ] && continue
		got=$(lab on "$k" vnfha-ckpt status | sed -n 's/^checkpoint \([^ ]*\) version \([0-9]*\) \([0-9]*\).*/\1 \2 \3/p')
		[ "$got" = "$want" ]
	done
}

# scrape K: node K's metrics page, fetched from the client namespace.
scrape() {
	lab client curl -sf --max-time 5 "http://$(lab addr "$1"):$METRICS_PORT/metrics"
}

# replicas_at_latest PAGE ACTIVE: every node but ACTIVE has exactly one
# line per checkpoint in each replica family of the primary's PAGE, with
# the acked version equal to the checkpoint's latest, no lag, connected
# and some bytes multicast to it; no other replica has acked lines.
replicas_at_latest() {
	local page=$1 active=$2 ck e g k r n=0 lines
	while read -r ck e g; do
		n=$((n + 1))
		for k in $(seq "$(lab_nodes)"); do
			[ "$k" = "$active" ] && continue
			r=$(printf 'replica="cpg:node%s",checkpoint="%s"' "$k" "$ck")
			for lines in "acked_epoch{$r} $e" "acked_gen{$r} $g" "lag_bytes{$r} 0"; do
				[ "$(grep -cxF "vnfha_ckpt_replica_$lines" <<<"$page")" -eq 1 ] || return 1
			done
			grep -Eqx "vnfha_ckpt_replica_state\{$r,state=\"(memory|durable)\"\} 1" <<<"$page" ||
				return 1
			grep -qxF "vnfha_ckpt_replica_connected{replica=\"cpg:node$k\"} 1" <<<"$page" ||
				return 1
			grep -Eqx "vnfha_ckpt_replica_sent_bytes_total\{replica=\"cpg:node$k\"\} [1-9][0-9]*" \
				<<<"$page" || return 1
		done
	done < <(paste -d ' ' \
		<(sed -n 's/^vnfha_ckpt_latest_epoch{checkpoint="\(.*\)"} \([0-9]*\)$/\1 \2/p' <<<"$page") \
		<(sed -n 's/^vnfha_ckpt_latest_gen{checkpoint=".*"} \([0-9]*\)$/\1/p' <<<"$page"))
	[ "$n" -ge 1 ] || return 1
	# one line per standby and checkpoint, no more
	[ "$(grep -c '^vnfha_ckpt_replica_acked_gen{' <<<"$page")" -eq $((n * ($(lab_nodes) - 1))) ]
}

@test "cpg: the promoted node's metrics show each standby's acked version, the latest" {
	local active page k st
	command -v promtool >/dev/null ||
		{ echo "promtool missing: run tests/deps.sh (Debian package prometheus)" >&2; false; }
	active=$(vnf_active)
	[ -n "$active" ]
	run vnf_client 3 # sync commits through the VIP
	[ "$status" -eq 0 ]
	# the last commit's acks arrive within moments of its answer
	for _ in $(seq 20); do
		page=$(scrape "$active") && replicas_at_latest "$page" "$active" && break
		sleep 0.5
	done
	echo "$page"
	grep '^vnfha_ckpt_\(latest\|replica_acked\)' <<<"$page" >&3
	replicas_at_latest "$page" "$active"
	grep -qx 'vnfha_ckptd_role{role="primary"} 1' <<<"$page"
	run promtool check metrics <<<"$page"
	echo "$output"
	[ "$status" -eq 0 ]
	# the same figures in `vnfha-ckpt status`, and each standby names its primary
	run lab on "$active" vnfha-ckpt status
	echo "$output"
	[ "$(grep -Ec '^replica cpg:node[0-9] checkpoint .* lag_bytes 0 lag_ms 0$' <<<"$output")" -ge 2 ]
	for k in $(seq "$(lab_nodes)"); do
		[ "$k" = "$active" ] && continue
		run lab on "$k" vnfha-ckpt status
		echo "$output"
		[[ "$output" == *$'\nprimary node'"$active"' (cpg nodeid '*') connected'* ]]
		grep -Eqx 'received [^ ]+ [0-9]+ [0-9]+ age_ms [0-9]+' <<<"$output"
		st=$(scrape "$k")
		run promtool check metrics <<<"$st"
		[ "$status" -eq 0 ]
		grep -qx 'vnfha_ckptd_role{role="replica"} 1' <<<"$st"
		[ "$(grep -c '^vnfha_ckpt_replica_connected{replica="cpg:node[0-9]"} 1$' <<<"$st")" -eq 2 ]
	done
}

@test "cpg: a killed VNFC process fails over with no acknowledged update lost" {
	vnf_check_process_kill cpg
}

@test "cpg: a killed active node is fenced and its state continues elsewhere" {
	vnf_check_node_kill cpg
}

@test "cpg: the restarted node rejoins the group and catches up" {
	lab_recover
	vnf_wait_serving 60
	active=$(vnf_active)
	vnf_client_start 3
	vnf_client_check 0
	# every other node (the one fenced in the last test included) acks
	for _ in $(seq 20); do
		out=$(lab on "$active" vnfha-ckpt status)
		[ "$(acked_replicas "$out")" -eq 2 ] && break
		sleep 0.5
	done
	echo "$out"
	[ "$(acked_replicas "$out")" -eq 2 ]
}

# Epoch milliseconds of the first line matching PATTERN in corosync log LOG
# after line SKIP (its "Mon DD HH:MM:SS.mmm" hires timestamp).
ring_ms() {
	local ts
	ts=$(tail -n +"$(( $3 + 1 ))" "$1" | grep -m1 -E "$2" |
		sed -n 's/^\([A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]*\.[0-9]*\).*/\1/p')
	[ -n "$ts" ] && date -d "$ts" +%s%3N
}

@test "cpg: a killed replica stalls sync commits only while Corosync forms the new ring" {
	active=$(vnf_active)
	[ -n "$active" ]
	victim=$(( active % 3 + 1 ))
	log="$VNFHA_LAB/nodes/n$active/log-corosync/corosync.log"
	skip_lines=$(wc -l <"$log")
	vnf_client_start 15
	fault=$(lab_now_ms)
	lab kill-node "$victim"
	vnf_client_check 0
	token=$(ring_ms "$log" "Token has not been received" "$skip_lines")
	ring=$(ring_ms "$log" "A new membership .* was formed" "$skip_lines")
	[ -n "$token" ] && [ -n "$ring" ]
	# The client's outages after the fault that began before the new ring
	# (the ones the kill caused): when it was answered again. One beginning
	# later (the fenced node rejoining makes another ring) is judged on
	# its own length below.
	# "AT GAP" per recovery: answered again at AT after GAP ms.
	outages=$(sed -n 's/^recovered at_ms=\([0-9]*\) gap_ms=\([0-9]*\).*/\1 \2/p' "$CLIENT_LOG")
	ends=$(awk -v f="$fault" -v r="$ring" '$1 > f && $1 - $2 <= r { print $1 }' <<<"$outages" |
		sort -n | tail -n 1)
	later=$(awk -v r="$ring" '$1 - $2 > r { printf "+%d ms (gap %d ms) ", $1 - $2 - r, $2 }' <<<"$outages")
	echo "cpg replica node kill: token missed +$((token - fault)) ms, new ring +$((ring - fault)) ms," \
		"sync commits answered again +$(( ${ends:-$fault} - fault )) ms;" \
		"outages beginning after the ring: ${later:-none}" >&3
	# Corosync delivers nothing from the lost token until the new ring; the
	# commits wait no longer than that: answered again within 500 ms of it
	# (the client retries every 10 ms, the demo's commit timeout is 500 ms).
	[ -z "$ends" ] || [ $((ends - ring)) -le 500 ]
	longest_later=$(awk -v r="$ring" '$1 - $2 > r && $2 > m { m = $2 } END { print m + 0 }' <<<"$outages")
	[ "$longest_later" -le 500 ]
}
