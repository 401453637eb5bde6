#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What an operator sees of the demo VNF's replication in a real 3-node
# cluster: statesync's public health attribute in `crm_mon -A`, and proof
# from the DCs' pacemaker.log that it aborted none of a failover's
# transitions; a replica's `vnfha-ckpt status` names its primary and the
# last version received; vnfha-ckptd's metrics through metrics_listen.

load lab
load vnf

setup_file() {
	vnf_setup_file
}

teardown_file() {
	lab_teardown_file
}

teardown() {
	vnf_teardown
}

# Lines of node K's pacemaker.log so far.
log_lines() {
	lab on "$1" wc -l /var/log/pacemaker/pacemaker.log | awk '{ print $1 }'
}

# Node K's pacemaker.log after line N.
log_since() {
	lab on "$1" tail -n "+$(($2 + 1))" /var/log/pacemaker/pacemaker.log
}

@test "observe: crm_mon -A shows the health; a failover's transitions are not aborted by it" {
	local k n deadline=$((SECONDS + 60)) mon before=() window
	vnf_client 3 >/dev/null 2>&1 || true # a first commit on the primary
	until mon=$(lab on 1 crm_mon -1 -A) &&
		[ "$(grep -c 'vnfha-ckpt-ss.*: in-sync' <<<"$mon")" -eq 3 ]; do
		[ $SECONDS -lt $deadline ] || { echo "$mon"; false; }
		sleep 1
	done
	echo "$mon" | grep 'vnfha-ckpt-ss' >&3
	n=$(lab_nodes)
	for k in $(seq "$n"); do
		before[k]=$(log_lines "$k")
	done
	old=$(vnf_active)
	vnf_client_start 15
	lab kill-process "$old" "$(vnf_pid "$old")"
	vnf_client_check 1
	sleep 8 # the monitors after the failover publish again
	window=$(for k in $(seq "$n"); do log_since "$k" "${before[k]}"; done)
	echo "failover window: $(grep -c 'Calculated transition' <<<"$window") transitions calculated," \
		"$(grep -c 'aborted' <<<"$window") aborts, by vnfha-ckpt-ss:" \
		"$(grep -c 'aborted.*vnfha-ckpt-' <<<"$window")" >&3
	grep 'aborted' <<<"$window" | sed 's/^/  /' >&3 || true
	grep 'promotion score changed' <<<"$window" | sed 's/^/  /' >&3 || true
	[ "$(grep -c 'Calculated transition' <<<"$window")" -ge 1 ]
	run grep -c 'aborted.*vnfha-ckpt-' <<<"$window"
	[ "$output" = 0 ]
	# still shown, still in-sync everywhere
	mon=$(lab on 1 crm_mon -1 -A)
	[ "$(grep -c 'vnfha-ckpt-ss.*: in-sync' <<<"$mon")" -eq 3 ]
}

@test "observe: a replica's vnfha-ckpt status names its primary and the last version" {
	local act k replica=
	act=$(vnf_active)
	vnf_client 3 >/dev/null 2>&1 || true
	for k in $(seq "$(lab_nodes)"); do
		[ "$k" != "$act" ] && replica=$k && break
	done
	run lab on "$replica" "$VNFHA_BUILDDIR/src/ckptd/vnfha-ckpt" status
	echo "$output" >&3
	[[ "$output" == *$'\nrole replica\n'* || "$output" == "role replica"* ]]
	[[ "$output" == *$'\nprimary node'"$act"' ('*') connected'* ]]
	grep -Eqx 'received [^ ]+ [0-9]+ [0-9]+ age_ms [0-9]+' <<<"$output"
}
