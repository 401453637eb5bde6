#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover time of the demo VNF (statesync + vnfc + floatip, tests/cluster/
# vnf.bash) as its client sees it, on Pacemaker Remote nodes against full
# cluster nodes, side by side in one lab (3 full + 3 remote nodes, fencing,
# token 1000 ms): the VNF runs on the 3 full nodes, then on the 3 remote
# nodes (a location rule on #kind moves it), the same faults on each.
#
#   sides:  full         the VNF on the full nodes (the anchor)
#           remote       the VNF on the remote nodes, the connection
#                        resources' monitor as pcs creates it (interval 60 s,
#                        timeout 30 s)
#           remote-fast  the same, the connections' monitor every M s with
#                        an M s timeout (-m M, default 3)
#   faults: process-kill kill -9 the active vnfha-counterd
#           node-kill    power cut of the active's node (fenced)
#           cut          (remote sides) the link between the active's node and
#                        the full node holding its connection
#           host-kill    (remote sides) power cut of the full node holding the
#                        active's connection
#
# A full node's loss is seen by Corosync (token 1000 ms + consensus 1200 ms),
# a remote node's by its connection resource's monitor: the poke it sends
# goes unanswered until the monitor's timeout, so detection takes up to
# interval + timeout (on average interval/2 + timeout). Both are then fenced
# before the VNF moves. Prints each run (the client's outage and when the
# node was fenced), then median, min and max per side and fault, and the
# ratio of each remote side to the full nodes.
#
# usage: [N=RUNS] [N_SLOW=RUNS] [SEED=S] remote-failover.sh [-m SECONDS]
#            [--sides "full remote-fast remote"] [--faults "process-kill node-kill cut host-kill"]
# N (default 5) runs per side and fault; N_SLOW (default 3) for the node
# faults of the "remote" side (each waits up to 90 s for the monitor). The
# fault comes 1 s plus a random part of a second after the VNF serves again
# (SEED, printed, repeats it). Needs root and the lab lock: run it as
#   flock /work/lab.lock tests/bench/remote-failover.sh
set -euo pipefail
BUILDDIR=${VNFHA_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export VNFHA_BUILDDIR=$BUILDDIR VNFHA_SRCDIR=$SRCDIR
RUNS=${N:-5} RUNS_SLOW=${N_SLOW:-3} FAST=3
SIDES=(full remote-fast remote) FAULTS=(process-kill node-kill cut host-kill)
SEED=${SEED:-$((RANDOM * 32768 + RANDOM))}
usage() { sed -n '2,37p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	-m) FAST=$2; shift 2 ;;
	--sides) read -ra SIDES <<<"$2"; shift 2 ;;
	--faults) read -ra FAULTS <<<"$2"; shift 2 ;;
	*) usage ;;
	esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ && $RUNS_SLOW =~ ^[1-9][0-9]*$ ]] || { echo "N, N_SLOW want runs" >&2; exit 2; }
[[ $FAST =~ ^[1-9][0-9]?$ ]] || { echo "-m wants seconds (1..99)" >&2; exit 2; }
[[ $SEED =~ ^[0-9]+$ ]] || { echo "SEED wants a number" >&2; exit 2; }
RANDOM=$SEED
echo "remote-failover: SEED=$SEED N=$RUNS N_SLOW=$RUNS_SLOW sides: ${SIDES[*]} faults: ${FAULTS[*]}"

# shellcheck source=../cluster/lab.bash
. "$SRCDIR/tests/cluster/lab.bash"
# shellcheck source=../cluster/vnf.bash
. "$SRCDIR/tests/cluster/vnf.bash"
# shellcheck source=../cluster/remote.bash
. "$SRCDIR/tests/cluster/remote.bash"
BATS_TEST_TMPDIR=$(mktemp -d)
export BATS_TEST_TMPDIR
RESULTS=$BATS_TEST_TMPDIR/results
: >"$RESULTS"

VNFHA_LAB=$(lab up -n 3 -r 3 -t 1000 --fencing --remote-reconnect 5 --owner $$)
export VNFHA_LAB
# (errexit holds in the trap: each step may fail without skipping the next)
trap '[ -z "${CLIENT_PID:-}" ] || kill "$CLIENT_PID" 2>/dev/null || true
	lab down || true; rm -rf "$BATS_TEST_TMPDIR"' EXIT
LAB_IDS="1 2 3 r1 r2 r3 "
LAB_NETNS=
for k in $LAB_IDS; do LAB_NETNS+="$(lab netns "$k") "; done
export LAB_IDS LAB_NETNS

# place full|remote: the VNF's resources on the full or the remote nodes.
place() {
	local op=ne
	[ "$1" = remote ] && op=eq
	lab on any pcs constraint remove bench-place 2>/dev/null || true
	lab on any pcs constraint location 'regexp%^(ss-clone|vnf-clone|vip)$' \
		rule constraint-id=bench-place score=-INFINITY '#kind' "$op" cluster >/dev/null
}

# The connections' monitor: interval and timeout in seconds.
conn_monitor() {
	local j
	for j in 1 2 3; do
		lab on any pcs resource update "remote$j" op monitor interval="$1s" timeout="$2s" >/dev/null
	done
}

# Every node up, links healed, failures forgotten, the VNF serving.
settle() {
	lab_recover >/dev/null 2>&1 || lab_recover
	vnf_wait_serving 120
}

# run SIDE FAULT N: one fault, one line of results.
run() {
	local side=$1 fault=$2 i=$3 active host victim t0 back fenced=''
	settle
	active=$(remote_vnf_active)
	[ -n "$active" ] || { echo "no active VNFC" >&2; return 1; }
	vnf_client_start 600
	sleep "1.$((RANDOM % 1000))"
	t0=$(lab_now_ms)
	case $fault in
	process-kill) lab kill-process "$active" "$(vnf_pid "$active")" ;;
	node-kill) victim=$active; lab kill-node "$active" ;;
	cut)
		host=$(remote_conn_host "$active")
		victim=$active
		lab cut-link "$active" "$host"
		;;
	host-kill)
		host=$(remote_conn_host "$active")
		victim=$host
		lab kill-node "$host"
		remote_wait_conn "$active" "$host" 90 >/dev/null
		;;
	esac
	if [ "$fault" = host-kill ]; then
		sleep 3 # the client runs on while the connection moved
	else
		for _ in $(seq 1800); do grep -q '^recovered ' "$CLIENT_LOG" && break; sleep 0.1; done
	fi
	kill -INT "$CLIENT_PID"
	wait "$CLIENT_PID" || true
	CLIENT_PID=
	back=$(vnf_recovery_ms "$CLIENT_LOG" "$t0")
	[ -z "${victim:-}" ] || fenced=$(lab_fence_time "$victim" "$t0")
	lost=$(sed -n 's/^summary .* lost=\([0-9]*\).*/\1/p' "$CLIENT_LOG")
	printf '%s %s %s %s %s %s\n' "$side" "$fault" "$i" "${back:-0}" \
		"${fenced:+$((fenced - t0))}" "${lost:-?}" >>"$RESULTS"
	printf '%-12s %-13s run %d: answering again after %6s ms%s; %s acknowledged updates lost\n' \
		"$side" "$fault" "$i" "${back:-0 (no outage)}" \
		"${fenced:+, $(lab_node_name "$victim") fenced after $((fenced - t0)) ms}" "${lost:-?}"
}

vnf_create pcs >/dev/null 2>&1
for side in "${SIDES[@]}"; do
	# the last side's last fault may have left a node down (node1 killed:
	# 'lab: node1 is not running')
	lab_recover >/dev/null 2>&1 || lab_recover
	case $side in
	full) place full; conn_monitor 60 30 ;;
	remote) place remote; conn_monitor 60 30 ;;
	remote-fast) place remote; conn_monitor "$FAST" "$FAST" ;;
	*) echo "unknown side $side" >&2; exit 2 ;;
	esac
	for fault in "${FAULTS[@]}"; do
		[[ $side == full && ($fault == cut || $fault == host-kill) ]] && continue
		n=$RUNS
		[[ $side == remote && $fault != process-kill ]] && n=$RUNS_SLOW
		for i in $(seq "$n"); do run "$side" "$fault" "$i"; done
	done
done
lab_recover >/dev/null 2>&1 || true

echo
echo "median, min, max (ms until the VNF answered again); fenced: median ms from the fault"
awk -v fast="$FAST" '
	{ k = $1 " " $2; n[k]++; v[k, n[k]] = $4; if ($5 != "") { nf[k]++; f[k, nf[k]] = $5 }
	  if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
	function med(a, k, c,   i, j, t, x) {
		for (i = 1; i <= c; i++) x[i] = a[k, i]
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
		lo = x[1]; hi = x[c]
		return c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2 }
	END {
		for (o = 1; o <= m; o++) {
			k = order[o]; split(k, s, " ")
			md[k] = med(v, k, n[k]); l = lo; h = hi
			fm = nf[k] ? sprintf("%6d", med(f, k, nf[k])) : "     -"
			printf "%-12s %-13s n=%d median %6d  min %6d  max %6d  fenced %s\n", s[1], s[2], n[k], md[k], l, h, fm
		}
		print ""
		for (o = 1; o <= m; o++) {
			k = order[o]; split(k, s, " ")
			a = "full " s[2]
			if (s[1] != "full" && (a in md) && md[a] > 0)
				printf "ratio %s/full %-13s %.2f\n", s[1], s[2], md[k] / md[a]
		}
		printf "\nremote-fast: connections monitored every %d s, timeout %d s; remote: every 60 s, timeout 30 s\n", fast, fast
	}' "$RESULTS"
