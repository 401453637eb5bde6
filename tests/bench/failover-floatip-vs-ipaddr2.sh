#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover time as the client sees it, ocf:vnfha:floatip against the anchor
# ocf:heartbeat:IPaddr2, in the same cluster lab (3 nodes, fencing on, token
# 1000 ms, monitor interval 1 s): from the fault until the VIP answers the
# client again. The client pings the VIP every 10 ms; the time is that of
# the first reply after the first unanswered probe.
#
#   faults: node-kill   the holder is powered off (lab kill-node)
#           addr-remove the VIP is deleted from the holder's eth0 by hand
#
# usage: failover-floatip-vs-ipaddr2.sh [-r RUNS] [-t TOKEN_MS] [-i MONITOR_S] [--no-fencing]
# Prints the lab boot time, median and max per agent and fault, and ratios.
# The faults' random lags follow from one seed, printed first; VNFHA_SEED=N
# replays them.
set -euo pipefail
BUILDDIR=${VNFHA_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
LAB=$SRCDIR/tests/cluster/lab
VIP=198.51.100.50
RUNS=5 TOKEN=1000 MONITOR=1 FENCING=--fencing
while [ $# -gt 0 ]; do
	case $1 in
	-r) RUNS=$2; shift 2 ;;
	-t) TOKEN=$2; shift 2 ;;
	-i) MONITOR=$2; shift 2 ;;
	--no-fencing) FENCING=; shift ;;
	*) sed -n '2,13p' "$0" >&2; exit 2 ;;
	esac
done
export VNFHA_BUILDDIR=$BUILDDIR
SEED=${VNFHA_SEED:-$SRANDOM}
[[ $SEED =~ ^[0-9]{1,10}$ ]] || { echo "VNFHA_SEED='$SEED': use a number" >&2; exit 2; }
RANDOM=$SEED
echo "seed: VNFHA_SEED=$SEED" >&2

AGENTS=(ocf:heartbeat:IPaddr2)
if [ -x "$BUILDDIR/agents/floatip" ]; then
	AGENTS=(ocf:vnfha:floatip ocf:heartbeat:IPaddr2)
else
	echo "note: $BUILDDIR/agents/floatip is not built; measuring the anchor only" >&2
fi

now_ms() {
	local us=${EPOCHREALTIME/./}
	echo "${us%???}"
}

holder() { # the one node holding the VIP, waiting up to 60 s
	local k deadline=$(($(now_ms) + 60000)) n
	while [ "$(now_ms)" -lt "$deadline" ]; do
		n=()
		for k in 1 2 3; do
			[[ $(ip -n "${NETNS[$k]}" -o -4 addr show dev eth0 2>/dev/null) != *" inet $VIP/"* ]] ||
				n+=("$k")
		done
		[ "${#n[@]}" = 1 ] && { echo "${n[0]}"; return 0; }
		sleep 0.05
	done
	return 1
}

settle() {
	local k
	for k in 1 2 3; do "$LAB" boot "$k"; done
	"$LAB" wait-online -T 90
	"$LAB" on any crm_resource --cleanup >/dev/null
	"$LAB" on any crm_resource --wait --timeout=60s
}

# measure FAULT LAG_MS: one measurement, the fault LAG_MS after the probes
# start; prints ms from the fault to the first reply after the outage.
measure() {
	local fault=$1 lag_ms=$2 h t0 plog pid
	settle
	h=$(holder)
	plog=$(mktemp)
	"$LAB" client ping -n -D -O -i 0.01 "$VIP" >"$plog" 2>&1 &
	pid=$!
	sleep "$((lag_ms / 1000)).$(printf '%03d' $((lag_ms % 1000)))"
	t0=$(now_ms)
	case $fault in
	node-kill) "$LAB" kill-node "$h" ;;
	addr-remove) "$LAB" on "$h" ip addr del "$VIP/24" dev eth0 ;;
	esac
	holder >/dev/null
	local deadline=$(($(now_ms) + 30000)) ms=
	while [ "$(now_ms)" -lt "$deadline" ]; do
		ms=$(awk -v t0="$t0" '
			{ ts = substr($1, 2, length($1) - 2) * 1000 }
			ts < t0 { next }
			/no answer yet/ { gap = 1; next }
			/bytes from/ && gap { printf "%d", ts - t0; exit }' "$plog")
		[ -z "$ms" ] || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$plog"
	echo "${ms:-timeout}"
}

stats() { # "median max" of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%d %d\n", m, v[NR] }'
}

VNFHA_LAB=$("$LAB" up -n 3 -t "$TOKEN" $FENCING --owner $$)
export VNFHA_LAB
trap '"$LAB" down' EXIT
UP_MS=$(sed -n 's/^UP_MS=//p' "$VNFHA_LAB/settings")
ONLINE_MS=$(sed -n 's/^ONLINE_MS=//p' "$VNFHA_LAB/settings")
NETNS=("")
for k in 1 2 3; do NETNS+=("$("$LAB" netns "$k")"); done

declare -A RESULT
for agent in "${AGENTS[@]}"; do
	"$LAB" on 1 pcs resource create vip "$agent" ip="$VIP" cidr_netmask=24 \
		op monitor interval="${MONITOR}s" >&2
	for fault in node-kill addr-remove; do
		runs=()
		for r in $(seq "$RUNS"); do
			# A second of answered probes, then a random part of a monitor
			# interval: a fault at a fixed lag after the last transition would
			# always land at the same point of the monitor cycle and favour one
			# agent. Drawn here, not in measure's $(): a subshell reseeds RANDOM.
			lag=$((1000 + RANDOM % (MONITOR * 1000)))
			ms=$(measure "$fault" "$lag")
			echo "$agent $fault run $r (fault at +$lag ms): $ms ms" >&2
			runs+=("$ms")
		done
		RESULT[$agent,$fault]=$(printf '%s\n' "${runs[@]}" | grep -v timeout | stats)
		RESULT[$agent,$fault,n]=$(printf '%s\n' "${runs[@]}" | grep -vc timeout || true)
	done
	"$LAB" on any pcs resource delete vip --force >&2
	"$LAB" on any crm_resource --wait --timeout=60s
done

echo
echo "lab: 3 nodes, token ${TOKEN} ms, monitor ${MONITOR} s, fencing $([ -n "$FENCING" ] && echo on || echo off)"
echo "lab boot: all nodes online with quorum after ${ONLINE_MS} ms; ready (fence device registered) after ${UP_MS} ms"
printf '%-22s %-12s %5s %10s %10s\n' agent fault runs median_ms max_ms
for agent in "${AGENTS[@]}"; do
	for fault in node-kill addr-remove; do
		read -r med max <<<"${RESULT[$agent,$fault]}"
		printf '%-22s %-12s %5s %10s %10s\n' "$agent" "$fault" "${RESULT[$agent,$fault,n]}/$RUNS" "$med" "$max"
	done
done
if [ "${#AGENTS[@]}" = 2 ]; then
	for fault in node-kill addr-remove; do
		read -r fm fx <<<"${RESULT[ocf:vnfha:floatip,$fault]}"
		read -r im ix <<<"${RESULT[ocf:heartbeat:IPaddr2,$fault]}"
		awk -v f="$fault" -v fm="$fm" -v fx="$fx" -v im="$im" -v ix="$ix" 'BEGIN {
			printf "ratio floatip/IPaddr2 %-12s median %.2f  max %.2f\n", f, fm / im, fx / ix }'
	done
fi
