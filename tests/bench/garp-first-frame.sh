#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time to first frame: vnfha-garp against resource-agents' send_arp (IPv4)
# and send_ua (IPv6), side by side on the same veth pair. For each run:
# process start to the first announcement captured on the peer, and wall
# time of a one-announcement run (vnfha-garp also with -b, where the
# process exits right after the first frame). Prints medians and ratios.
# Usage: garp-first-frame.sh [RUNS]   (root, after make check; VNFHA_BUILDDIR defaults to .)
set -euo pipefail
runs=${1:-20}
builddir=${VNFHA_BUILDDIR:-$(pwd)}
srcdir=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
garp="$builddir/heartbeat-helpers/vnfha-garp"
send_arp=/usr/libexec/heartbeat/send_arp
send_ua=/usr/libexec/heartbeat/send_ua
# shellcheck source=../bats/netns.bash
. "$srcdir/tests/bats/netns.bash"
trap netns_teardown EXIT
netns_setup
netns_number 198.51.100 2001:db8:5
netns_a ip addr add 198.51.100.10/24 dev "$IF_A"
netns_a ip addr add 2001:db8:5::10/64 dev "$IF_A" nodad

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure NAME FILTER FRAMES_PER_RUN COMMAND...: prints "NAME first-frame-ms wall-ms"
measure() {
	local name=$1 filter=$2 per=$3 i t0 t1
	shift 3
	netns_capture_start "$NS_B" "$IF_B" "$filter"
	: >"$NETNS_DIR/starts"
	: >"$NETNS_DIR/walls"
	for i in $(seq "$runs"); do
		t0=$EPOCHREALTIME
		netns_a "$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		echo "$t0" >>"$NETNS_DIR/starts"
		echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }' >>"$NETNS_DIR/walls"
		netns_capture_wait $((i * per)) >/dev/null
	done
	netns_capture_stop
	tcpdump -r "$CAPTURE_FILE" -nn -tt 2>/dev/null | awk -v per="$per" '(NR - 1) % per == 0 { print $1 }' >"$NETNS_DIR/firsts"
	first=$(paste "$NETNS_DIR/starts" "$NETNS_DIR/firsts" | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }' | median)
	wall=$(median <"$NETNS_DIR/walls")
	echo "$name $first $wall"
}

v4_filter="arp and src host 198.51.100.10"
v6_filter="icmp6 and ip6[40] == 136 and src host 2001:db8:5::10"
{
	measure vnfha-garp-v4 "$v4_filter" 2 "$garp" -c 1 -i "$IF_A" 198.51.100.10
	measure garp-v4-bg "$v4_filter" 4 "$garp" -b -c 2 -I 1 -i "$IF_A" 198.51.100.10
	measure send_arp "$v4_filter" 2 "$send_arp" -i 200 -r 1 "$IF_A" 198.51.100.10 auto not_used not_used
	measure vnfha-garp-v6 "$v6_filter" 1 "$garp" -c 1 -i "$IF_A" 2001:db8:5::10
	measure garp-v6-bg "$v6_filter" 2 "$garp" -b -c 2 -I 1 -i "$IF_A" 2001:db8:5::10
	measure send_ua "$v6_filter" 1 "$send_ua" -i 200 -c 1 2001:db8:5::10 64 "$IF_A"
} >"$NETNS_DIR/results"

echo "time to first frame and wall time of one announcement, median of $runs runs (ms)"
awk '{ r[$1] = $2; w[$1] = $3 }
END {
	printf "%-14s %10s %10s\n", "", "1st frame", "wall"
	split("vnfha-garp-v4 garp-v4-bg send_arp vnfha-garp-v6 garp-v6-bg send_ua", n, " ")
	for (i = 1; i <= 6; i++) printf "%-14s %10.2f %10.2f\n", n[i], r[n[i]], w[n[i]]
	printf "ratio IPv4 send_arp/vnfha-garp: first frame %.1fx, wall %.1fx\n", r["send_arp"] / r["vnfha-garp-v4"], w["send_arp"] / w["vnfha-garp-v4"]
	printf "ratio IPv6 send_ua/vnfha-garp:  first frame %.1fx, wall %.1fx\n", r["send_ua"] / r["vnfha-garp-v6"], w["send_ua"] / w["vnfha-garp-v6"]
}' "$NETNS_DIR/results"

echo "in-process, median of $runs calls (what floatip start pays):"
netns_a "$builddir/tests/bench/announce-latency" "$IF_A" 198.51.100.10 "$runs"
netns_a "$builddir/tests/bench/announce-latency" "$IF_A" 2001:db8:5::10 "$runs"
