#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover time as the client sees it, ocf:vnfha:floatip against the anchor
# ocf:heartbeat:IPaddr2, IPv4 and IPv6, in the same cluster lab (3 nodes,
# fencing on, token 1000 ms, monitor interval 1 s, the kernel's default
# sysctls: optimistic_dad off): from the fault until the VIP answers the
# client again. The client pings the VIP every 10 ms; the time is that of
# the first reply after the first unanswered probe.
#
#   faults: node-kill   the holder is powered off (lab kill-node)
#           addr-remove the VIP is deleted from the holder's eth0 by hand
#   families: 4 (198.51.100.50/24), 6 (2001:db8:100::50/64)
#
# usage: failover-floatip-vs-ipaddr2.sh [-r RUNS] [-t TOKEN_MS] [-i MONITOR_S]
#            [-f 4|6|4,6] [-F node-kill,addr-remove] [-s SEED] [--no-fencing]
# The fault lands at a random part of a monitor interval; the seed is
# printed (-s repeats a run's draw).
# Prints the lab boot time, median, min and max per agent, family and fault,
# and the ratios floatip/IPaddr2 (per family) and IPv6/IPv4 (per agent).
# A node kill that hits the DC costs an election more, one that hits the
# node running the fence device a restart of the device before the fencing:
# those runs are marked '*' (DC) and '+' (fence device), and the median of
# the others is printed too.
set -euo pipefail
BUILDDIR=${VNFHA_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
LAB=$SRCDIR/tests/cluster/lab
declare -A VIPS=([4]=198.51.100.50 [6]=2001:db8:100::50) PREFIX=([4]=24 [6]=64)
RUNS=5 TOKEN=1000 MONITOR=1 FENCING=--fencing FAMILIES=4,6 FAULTS=node-kill,addr-remove
SEED=$((($$ * 7919 + $(date +%s)) % 32768))
while [ $# -gt 0 ]; do
	case $1 in
	-r) RUNS=$2; shift 2 ;;
	-t) TOKEN=$2; shift 2 ;;
	-i) MONITOR=$2; shift 2 ;;
	-f) FAMILIES=$2; shift 2 ;;
	-F) FAULTS=$2; shift 2 ;;
	-s) SEED=$2; shift 2 ;;
	--no-fencing) FENCING=; shift ;;
	*) sed -n '2,19p' "$0" >&2; exit 2 ;;
	esac
done
[[ $SEED =~ ^[0-9]+$ ]] || { echo "-s: a number" >&2; exit 2; }
RANDOM=$SEED
echo "seed: $SEED (-s $SEED repeats the faults' timing)" >&2
IFS=, read -r -a FAMILIES <<<"$FAMILIES"
IFS=, read -r -a FAULTS <<<"$FAULTS"
for f in "${FAMILIES[@]}"; do
	[[ $f == [46] ]] || { echo "-f: 4, 6 or 4,6" >&2; exit 2; }
done
for f in "${FAULTS[@]}"; do
	[[ $f == node-kill || $f == addr-remove ]] || { echo "-F: node-kill, addr-remove" >&2; exit 2; }
done
export VNFHA_BUILDDIR=$BUILDDIR

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
			[[ $(ip -n "${NETNS[$k]}" -o addr show dev eth0 2>/dev/null) != *" $VIP/"* ]] ||
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

# One measurement: prints ms from the fault to the first reply after the outage.
measure() { # FAULT LAG_MS; prints MS, marked * (the holder was the DC), + (it ran the fence device)
	local fault=$1 lag_ms=$2 h t0 plog pid xml mark=
	settle
	h=$(holder)
	if [ "$fault" = node-kill ]; then
		xml=$("$LAB" on "$h" crm_mon -1 --output-as=xml)
		[ "$(xmllint --xpath 'string(//current_dc/@name)' - <<<"$xml")" != "node$h" ] || mark+='*'
		[ "$(xmllint --xpath 'string(//resource[@resource_agent="stonith:fence_vnfhalab"]/node/@name)' \
			- <<<"$xml")" != "node$h" ] || mark+=+
	fi
	plog=$(mktemp)
	# ping itself (ip netns exec execs it), so the kill below ends it
	ip netns exec "$CLIENT_NS" ping -n -D -O -i 0.01 "$VIP" >"$plog" 2>&1 &
	pid=$!
	sleep "$((lag_ms / 1000)).$(printf '%03d' $((lag_ms % 1000)))"
	t0=$(now_ms)
	case $fault in
	node-kill) "$LAB" kill-node "$h" ;;
	addr-remove) "$LAB" on "$h" ip addr del "$VIP/$PLEN" dev eth0 ;;
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
	echo "${ms:-timeout}$mark"
}

stats() { # "median min max" of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%d %d %d\n", m, v[1], v[NR] }'
}

VNFHA_LAB=$("$LAB" up -n 3 -t "$TOKEN" $FENCING --owner $$)
export VNFHA_LAB
trap '"$LAB" down' EXIT
UP_MS=$(sed -n 's/^UP_MS=//p' "$VNFHA_LAB/settings")
ONLINE_MS=$(sed -n 's/^ONLINE_MS=//p' "$VNFHA_LAB/settings")
NETNS=("")
for k in 1 2 3; do NETNS+=("$("$LAB" netns "$k")"); done
CLIENT_NS=$("$LAB" netns client)

declare -A RESULT
for agent in "${AGENTS[@]}"; do
	for fam in "${FAMILIES[@]}"; do
		VIP=${VIPS[$fam]} PLEN=${PREFIX[$fam]}
		"$LAB" on 1 pcs resource create vip "$agent" ip="$VIP" cidr_netmask="$PLEN" \
			op monitor interval="${MONITOR}s" >&2
		for fault in "${FAULTS[@]}"; do
			runs=()
			for r in $(seq "$RUNS"); do
				# A second of answered probes, then a random part of a monitor
				# interval (drawn here: a $(...) subshell reseeds RANDOM): a
				# fault at a fixed lag would always land at the same point of
				# the monitor cycle and favour one agent.
				ms=$(measure "$fault" $((1000 + RANDOM % (MONITOR * 1000))))
				echo "$agent IPv$fam $fault run $r: $ms ms" >&2
				runs+=("$ms")
			done
			RESULT[$agent,$fam,$fault]=$(printf '%s\n' "${runs[@]}" | grep -v timeout |
				tr -d '*+' | stats)
			RESULT[$agent,$fam,$fault,plain]=$(printf '%s\n' "${runs[@]}" |
				grep -v -e timeout -e '[*+]' | stats)
			RESULT[$agent,$fam,$fault,n]=$(printf '%s\n' "${runs[@]}" | grep -vc timeout || true)
			RESULT[$agent,$fam,$fault,all]=${runs[*]}
		done
		"$LAB" on any pcs resource delete vip --force >&2
		"$LAB" on any crm_resource --wait --timeout=60s
	done
done

echo
echo "seed $SEED; lab: 3 nodes, token ${TOKEN} ms, monitor ${MONITOR} s, fencing $([ -n "$FENCING" ] && echo on || echo off), kernel sysctls at their defaults (optimistic_dad $("$LAB" on 1 sysctl -n net.ipv6.conf.eth0.optimistic_dad))"
echo "lab boot: all nodes online with quorum after ${ONLINE_MS} ms; ready (fence device registered) after ${UP_MS} ms"
printf '%-22s %-4s %-12s %5s %10s %8s %8s %12s  %s\n' agent ip fault runs median_ms min_ms \
	max_ms "median_plain" "each run (* the DC, + the fence device's node was killed)"
for agent in "${AGENTS[@]}"; do
	for fam in "${FAMILIES[@]}"; do
		for fault in "${FAULTS[@]}"; do
			read -r med min max <<<"${RESULT[$agent,$fam,$fault]}"
			read -r plain _ <<<"${RESULT[$agent,$fam,$fault,plain]}"
			printf '%-22s %-4s %-12s %5s %10s %8s %8s %12s  %s\n' "$agent" "v$fam" "$fault" \
				"${RESULT[$agent,$fam,$fault,n]}/$RUNS" "$med" "$min" "$max" "${plain:--}" \
				"${RESULT[$agent,$fam,$fault,all]}"
		done
	done
done
ratio() { # LABEL A-KEY B-KEY: median and max of A over B
	local fm fx im ix
	read -r fm _ fx <<<"${RESULT[$2]}"
	read -r im _ ix <<<"${RESULT[$3]}"
	awk -v l="$1" -v fm="$fm" -v fx="$fx" -v im="$im" -v ix="$ix" 'BEGIN {
		if (im > 0 && ix > 0) printf "ratio %-40s median %.2f  max %.2f\n", l, fm / im, fx / ix }'
}
for fault in "${FAULTS[@]}"; do
	if [ "${#AGENTS[@]}" = 2 ]; then
		for fam in "${FAMILIES[@]}"; do
			ratio "floatip/IPaddr2 IPv$fam $fault" "ocf:vnfha:floatip,$fam,$fault" \
				"ocf:heartbeat:IPaddr2,$fam,$fault"
		done
	fi
	if [ "${#FAMILIES[@]}" = 2 ]; then
		for agent in "${AGENTS[@]}"; do
			ratio "IPv6/IPv4 ${agent##*:} $fault" "$agent,6,$fault" "$agent,4,$fault"
		done
	fi
done
