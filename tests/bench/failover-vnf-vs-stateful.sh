#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover time of a stateful VNF as its client sees it: vnfha against the
# anchor IPaddr2 + Stateful, in the same cluster lab (3 nodes, fencing on,
# token 1000 ms), one after the other in one run. The time is from the
# fault to the first update acknowledged by the new active with the old
# state (vnfha-counter-client, one INCR every 10 ms; "lost" counts
# acknowledged updates the new active no longer had).
#
#   vnfha:    statesync + vnfc (vnfha-counterd under its supervisor, warm
#             standby, immediate failure report) + floatip   (tests/cluster/vnf.bash)
#   baseline: the same statesync (same checkpoints, same sync mode) +
#             ocf:pacemaker:Stateful (the promotable role) + ocf:heartbeat:anything
#             running vnfha-counterd --active where Stateful is promoted +
#             ocf:heartbeat:IPaddr2. This is how one runs a plain service
#             with the stock agents: the process is started on promotion
#             and its death is seen by the next monitor. Only the HA layer
#             differs; the service, its state and its replication are the same.
#
#   faults:   process-kill  kill -9 the active vnfha-counterd
#             node-kill     power cut of the active node (lab kill-node; fenced)
#
# usage: [N=RUNS] failover-vnf-vs-stateful.sh [-i MONITOR_S] [-t TOKEN_MS]
#                  [--only vnfha|baseline] [--faults "process-kill node-kill"]
# Monitor intervals are the same on both sides: the role/service agents at
# MONITOR_S (default 10 s, the interval Stateful's meta-data advertises and
# tests/cluster/vnf.bash uses; unpromoted one more), the address agents 2 s,
# statesync 6 s/7 s. Prints median and max per side and fault, the ratio
# baseline/vnfha, the lost updates, and the issue's targets.
set -euo pipefail
BUILDDIR=${VNFHA_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export VNFHA_BUILDDIR=$BUILDDIR VNFHA_SRCDIR=$SRCDIR
RUNS=${N:-10} TOKEN=1000 MONITOR=10 SIDES=(vnfha baseline) FAULTS=(process-kill node-kill)
while [ $# -gt 0 ]; do
	case $1 in
	-i) MONITOR=$2; shift 2 ;;
	-t) TOKEN=$2; shift 2 ;;
	--only) SIDES=("$2"); shift 2 ;;
	--faults) read -ra FAULTS <<<"$2"; shift 2 ;;
	*) sed -n '2,31p' "$0" >&2; exit 2 ;;
	esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "N wants a number of runs" >&2; exit 2; }
[[ $MONITOR =~ ^[1-9][0-9]*$ ]] || { echo "-i wants seconds" >&2; exit 2; }
# shellcheck disable=SC2034 # read by vnf.bash
VNF_MONITOR=$MONITOR
# shellcheck source=../cluster/lab.bash
. "$SRCDIR/tests/cluster/lab.bash"
# shellcheck source=../cluster/vnf.bash
. "$SRCDIR/tests/cluster/vnf.bash"
COUNTERD=$BUILDDIR/examples/vnfha-counterd
for f in "$COUNTERD" "$BUILDDIR/examples/vnfha-counter-client" "$BUILDDIR/agents/vnfc"; do
	[ -x "$f" ] || { echo "$f is not built (run make)" >&2; exit 1; }
done

CLIENT_PID=
WORK=$(mktemp -d)
cleanup() {
	[ -z "$CLIENT_PID" ] || kill "$CLIENT_PID" 2>/dev/null || true
	# the nodes' logs, for a look at where the time went
	[ -z "${VNFHA_LAB:-}" ] ||
		VNFHA_LAB_KEEP_LOGS=$BUILDDIR/tests/bench/failover-vnf-vs-stateful.lablogs lab down ||
		true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The baseline's role, service and address on top of the same statesync.
baseline_create() {
	local mon=$MONITOR mon2=$((MONITOR + 1))
	lab on 1 pcs resource create role ocf:pacemaker:Stateful \
		op monitor interval="${mon}s" role=Promoted \
		op monitor interval="${mon2}s" role=Unpromoted promotable
	lab on 1 pcs resource create svc ocf:heartbeat:anything binfile="$COUNTERD" \
		cmdline_options="--port $VNF_PORT --mode $VNF_MODE --active" \
		pidfile=/run/vnfha-bench-svc.pid op monitor interval="${mon}s"
	lab on 1 pcs resource create vip ocf:heartbeat:IPaddr2 ip="$VNF_VIP" cidr_netmask=24 \
		op monitor interval=2s
	lab on 1 pcs constraint colocation add Promoted role-clone with Promoted ss-clone INFINITY
	lab on 1 pcs constraint order promote ss-clone "then" promote role-clone
	lab on 1 pcs constraint colocation add svc with Promoted role-clone INFINITY
	lab on 1 pcs constraint order promote role-clone "then" start svc
	lab on 1 pcs constraint colocation add vip with svc INFINITY
	lab on 1 pcs constraint order start svc "then" start vip
	lab on 1 crm_resource --wait --timeout=120s
}

# Replaces the vnfha layer (vnfc + floatip) by the baseline's; statesync stays.
switch_to_baseline() {
	lab on 1 pcs resource delete vip --force
	lab on 1 pcs resource delete vnf-clone --force
	lab on 1 crm_resource --wait --timeout=120s
	baseline_create
}

# Every node up, failures forgotten, the cluster settled, the VNF serving.
settle() {
	lab_recover >/dev/null
	vnf_wait_serving 60 || { echo "the VNF does not serve after recovery" >&2; return 1; }
}

# One run: sets MEASURED to "<ms> <lost>" (ms from the fault to the first
# update acknowledged after it, or "timeout"; acknowledged updates lost).
measure() {
	local fault=$1 log=$WORK/client.log active pid t0 line=
	settle
	active=$(lab_wait_holder "$VNF_VIP" 0 60)
	pid=$(vnf_pid "$active")
	[ -n "$pid" ] || { echo "no vnfha-counterd on node$active" >&2; return 1; }
	# ip netns exec execs the client: $! is the client itself
	ip netns exec "$(lab netns client)" "$BUILDDIR/examples/vnfha-counter-client" \
		--server "$VNF_VIP:$VNF_PORT" --interval 10 --duration 300 >"$log" 2>&1 &
	CLIENT_PID=$!
	sleep 1 # a second of acknowledged updates before the fault
	t0=$(lab_now_ms)
	echo "$fault on node$active at $(date -d "@${t0%???}.${t0: -3}" +%T.%3N)" >&2
	case $fault in
	process-kill) lab kill-process "$active" -KILL "$pid" ;;
	node-kill) lab kill-node "$active" ;;
	esac
	local deadline=$((t0 + 60000))
	while [ "$(lab_now_ms)" -lt "$deadline" ]; do
		line=$(awk -v t0="$t0" '/^recovered / { split($2, a, "=")
			if (a[2] >= t0) { print a[2] - t0; exit } }' "$log")
		[ -z "$line" ] || break
		sleep 0.1
	done
	kill -TERM "$CLIENT_PID" 2>/dev/null || true
	wait "$CLIENT_PID" 2>/dev/null || true
	CLIENT_PID=
	cat "$log" >&2
	MEASURED="${line:-timeout} $(sed -n 's/^summary .* lost=\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
	PHASES=
	if [ "$fault" = node-kill ] && [ -n "$line" ]; then
		PHASES=$(node_kill_phases "$t0" $((t0 + line)))
	fi
}

# Where a node kill's time went, from the nodes' own logs (clock times of
# one machine, UTC): "detect decide ours" in ms - Corosync's new membership
# after the fault, Pacemaker's scheduler deciding the failover it then
# carries out, and from that decision to the client's first acknowledged
# update.
node_kill_phases() {
	local t0=$1 t1=$2
	cat "$VNFHA_LAB"/nodes/n*/log-corosync/corosync.log "$VNFHA_LAB"/nodes/n*/log-pacemaker/pacemaker.log \
		2>/dev/null | awk -v t0=$((t0 % 86400000)) -v t1=$((t1 % 86400000)) '
		function ms(clock, f) { split(clock, f, /[:.]/)
			return ((f[1] * 60 + f[2]) * 60 + f[3]) * 1000 + f[4] }
		/Members left/ { t = ms($3); if (t >= t0 && (m == "" || t < m)) m = t }
		/Calculated transition/ { c[++n] = ms($3) }
		/execute_rsc_action.*Initiating / { x[++k] = ms($3) }
		END { if (m == "") { print "- - -"; exit }
			# the decision carried out: the last one before the first action
			for (i = 1; i <= k; i++) if (x[i] >= m && (a == "" || x[i] < a)) a = x[i]
			for (i = 1; i <= n; i++) if (c[i] >= m && (a == "" || c[i] <= a) && c[i] > d) d = c[i]
			if (d == "") { print m - t0, "- -"; exit }
			print m - t0, d - m, t1 - d }'
}

stats() { # "median max" of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%d %d\n", m, v[NR] }'
}

lab_setup_file -n 3 -t "$TOKEN" --fencing
UP_MS=$(sed -n 's/^UP_MS=//p' "$VNFHA_LAB/settings")

declare -A RESULT PH_DET PH_DEC PH_OUR
for side in "${SIDES[@]}"; do
	case $side in
	vnfha) vnf_create pcs >&2 ;;
	baseline)
		if lab on 1 crm_resource --list 2>/dev/null | grep -q 'vnf-clone'; then
			switch_to_baseline >&2
		else
			vnf_create_statesync >&2
			baseline_create >&2
		fi
		;;
	*) echo "--only: vnfha or baseline" >&2; exit 2 ;;
	esac
	for fault in "${FAULTS[@]}"; do
		ms=() lost=0
		for r in $(seq "$RUNS"); do
			measure "$fault"
			read -r t l <<<"$MEASURED"
			echo "$side $fault run $r: $t ms, ${l:-?} acknowledged updates lost" >&2
			ms+=("$t")
			if [ -n "$PHASES" ]; then
				read -r p_det p_dec p_our <<<"$PHASES"
				echo "$side $fault run $r phases: Corosync ${p_det} ms, Pacemaker decides" \
					"${p_dec} ms, decision to client ${p_our} ms" >&2
				PH_DET[$side]+="$p_det " PH_DEC[$side]+="$p_dec " PH_OUR[$side]+="$p_our "
			fi
			lost=$((lost + ${l:-0}))
		done
		RESULT[$side,$fault]=$(printf '%s\n' "${ms[@]}" | grep -v timeout | stats)
		RESULT[$side,$fault,n]=$(printf '%s\n' "${ms[@]}" | grep -vc timeout || true)
		RESULT[$side,$fault,lost]=$lost
	done
done

echo
echo "lab: 3 nodes, token ${TOKEN} ms, fencing on, ready after ${UP_MS} ms; sync mode $VNF_MODE;" \
	"role/service monitor ${MONITOR} s, address monitor 2 s; client update every 10 ms"
printf '%-9s %-13s %5s %10s %10s %5s\n' side fault runs median_ms max_ms lost
for side in "${SIDES[@]}"; do
	for fault in "${FAULTS[@]}"; do
		read -r med max <<<"${RESULT[$side,$fault]}"
		printf '%-9s %-13s %5s %10s %10s %5s\n' "$side" "$fault" \
			"${RESULT[$side,$fault,n]}/$RUNS" "$med" "$max" "${RESULT[$side,$fault,lost]}"
	done
done
for side in "${SIDES[@]}"; do
	[ -n "${PH_DET[$side]:-}" ] || continue
	printf '%-9s node-kill phases (median/max ms): Corosync %s, Pacemaker decides %s, decision to client %s\n' \
		"$side" "$(printf '%s\n' ${PH_DET[$side]} | grep -v -- - | stats | tr ' ' /)" \
		"$(printf '%s\n' ${PH_DEC[$side]} | grep -v -- - | stats | tr ' ' /)" \
		"$(printf '%s\n' ${PH_OUR[$side]} | grep -v -- - | stats | tr ' ' /)"
done
[ "${#SIDES[@]}" = 2 ] || exit 0
for fault in "${FAULTS[@]}"; do
	read -r vm vx <<<"${RESULT[vnfha,$fault]}"
	read -r bm bx <<<"${RESULT[baseline,$fault]}"
	awk -v f="$fault" -v vm="$vm" -v vx="$vx" -v bm="$bm" -v bx="$bx" 'BEGIN {
		if (vm + 0 == 0 || vx + 0 == 0) { printf "ratio baseline/vnfha %-13s n/a\n", f; exit }
		printf "ratio baseline/vnfha %-13s median %.2f  max %.2f\n", f, bm / vm, bx / vx }'
done
read -r pm px <<<"${RESULT[vnfha,process-kill]}"
read -r nm nx <<<"${RESULT[vnfha,node-kill]}"
read -r bpm _ <<<"${RESULT[baseline,process-kill]}"
read -r bnm _ <<<"${RESULT[baseline,node-kill]}"
awk -v pm="$pm" -v px="$px" -v nm="$nm" -v nx="$nx" -v bpm="$bpm" -v bnm="$bnm" \
	-v lost="$((RESULT[vnfha,process-kill,lost] + RESULT[vnfha,node-kill,lost]))" 'BEGIN {
	ok = "met"; no = "NOT met"
	print "targets (issue 6):"
	printf "  process-kill median < 500 ms: %s;  max < 1000 ms: %s;  >= 3x baseline: %s\n",
		(pm < 500 ? ok : no), (px < 1000 ? ok : no), ((pm > 0 && bpm / pm >= 3) ? ok : no)
	printf "  node-kill median <= 2500 ms: %s;  >= 1.5x baseline: %s\n",
		(nm <= 2500 ? ok : no), ((nm > 0 && bnm / nm >= 1.5) ? ok : no)
	printf "  vnfha acknowledged updates lost = 0: %s\n", (lost == 0 ? ok : no) }'
