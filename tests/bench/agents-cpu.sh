#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CPU the agents' monitors cost each node at their default intervals, on
# full cluster nodes and on Pacemaker Remote nodes side by side, in one lab
# (3 full + 3 remote nodes). Each agent runs on every node with nothing but
# its defaults:
#   floatip    one address per node (primitives; monitor 10 s)
#   vnfc       a promotable clone (monitor 10 s promoted, 11 s unpromoted)
#   statesync  a promotable clone, notify=true (monitor 6 s / 7 s; attrd
#              queries and promotion scores each time)
#   lbmember   a clone, against HAProxy on the full nodes (monitor 5 s)
# The agents are added one at a time; after each, every node's executor
# (pacemaker-execd on a full node, pacemaker-remoted on a remote node) is
# read for the CPU its finished children used (/proc/PID/stat cutime +
# cstime, which counts the tools the agents run) over a window of W seconds
# (default 60), and the full nodes' pacemaker-controld, -attrd and -based
# for their own CPU (a remote node's attrd and CIB requests go through the
# controller of the full node holding its connection). Each step's cost is
# its window minus the previous one. Reports CPU ms per second of wall time
# (1 ms/s = 0.1 % of one CPU) per node, the median over the nodes of each
# kind, and the ratio remote/full.
#
# usage: [W=SECONDS] agents-cpu.sh      (root, the lab lock:
#        flock /work/lab.lock tests/bench/agents-cpu.sh)
set -euo pipefail
BUILDDIR=${VNFHA_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export VNFHA_BUILDDIR=$BUILDDIR VNFHA_SRCDIR=$SRCDIR
W=${W:-60}
[[ $W =~ ^[1-9][0-9]*$ ]] || { echo "W wants seconds" >&2; exit 2; }
# shellcheck source=../cluster/lab.bash
. "$SRCDIR/tests/cluster/lab.bash"
HZ=$(getconf CLK_TCK)
IDS=(1 2 3 r1 r2 r3)
OUT=$(mktemp -d)
VNFHA_LAB=$(lab up -n 3 -r 3 -t 1000 --fencing --owner $$)
export VNFHA_LAB
trap 'lab down; rm -rf "$OUT"' EXIT

# pid_of ID COMM: the host PID of node ID's process named COMM.
pid_of() {
	local p
	for p in $(ip netns pids "$(lab netns "$1")"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && { echo "$p"; return 0; }
	done
	return 1
}

# ticks ID: "children self" CPU ticks of node ID's executor, and for a full
# node its controller, attrd and CIB manager together.
ticks() {
	local id=$1 exe daemons=0 p
	if [[ $id == r* ]]; then exe=$(pid_of "$id" pacemaker-remot); else exe=$(pid_of "$id" pacemaker-execd); fi
	if [[ $id != r* ]]; then
		for c in pacemaker-contr pacemaker-attrd pacemaker-based; do
			p=$(pid_of "$id" "$c")
			daemons=$((daemons + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
		done
	fi
	awk -v d="$daemons" '{ print $16 + $17, $14 + $15 + d }' "/proc/$exe/stat"
}

# window NAME: W seconds; writes "ID children_ms_per_s daemons_ms_per_s" lines to OUT/NAME.
window() {
	local id a b
	declare -A c0 s0
	lab on 1 crm_resource --wait --timeout=120s >/dev/null
	sleep 5 # the start's own work done
	for id in "${IDS[@]}"; do read -r "c0[$id]" "s0[$id]" < <(ticks "$id"); done
	sleep "$W"
	for id in "${IDS[@]}"; do
		read -r a b < <(ticks "$id")
		echo "$id $(((a - c0[$id]) * 1000000 / HZ / W)) $(((b - s0[$id]) * 1000000 / HZ / W))"
	done >"$OUT/$1"
	echo "window $1 done" >&2
}

window baseline
# floatip: one address per node, pinned there
for i in "${!IDS[@]}"; do
	id=${IDS[$i]}
	lab on 1 pcs resource create "fip$i" ocf:vnfha:floatip ip="198.51.100.$((80 + i))" \
		cidr_netmask=24 >/dev/null
	lab on 1 pcs constraint location "fip$i" prefers "$(lab_node_name "$id")" >/dev/null
done
window floatip
lab on 1 pcs resource create cpu-vnfc ocf:vnfha:vnfc binary=/bin/sleep args=100000 \
	protocol=hooks promotable >/dev/null
window vnfc
lab on 1 pcs resource create cpu-ss ocf:vnfha:statesync promotable notify=true >/dev/null
window statesync
# lbmember: HAProxy (its stats socket on a VIP) on the full nodes
vip=198.51.100.79
cat >"$VNFHA_LAB/shared/haproxy-cpu.cfg" <<CFG
global
	stats socket ipv4@$vip:9999 level admin
defaults
	mode tcp
	timeout connect 1s
	timeout client 10s
	timeout server 10s
backend be
	balance roundrobin
CFG
lab on 1 pcs resource create cpu-vip ocf:heartbeat:IPaddr2 ip=$vip cidr_netmask=24 --group cpu-lb >/dev/null
lab on 1 pcs resource create cpu-haproxy ocf:heartbeat:anything binfile=/usr/sbin/haproxy \
	cmdline_options="-db -f /run/vnfha-lab/shared/haproxy-cpu.cfg" pidfile=/run/haproxy-cpu.pid \
	--group cpu-lb >/dev/null
lab on 1 pcs constraint location cpu-lb rule score=-INFINITY '#kind' ne cluster >/dev/null
addrs=$(for id in "${IDS[@]}"; do printf '%s=%s ' "$(lab_node_name "$id")" "$(lab addr "$id")"; done)
lab on 1 pcs resource create cpu-lbm ocf:vnfha:lbmember socket="$vip:9999" backend=be \
	address="${addrs% }" port=8001 clone >/dev/null
lab on 1 pcs constraint order start cpu-lb "then" start cpu-lbm-clone >/dev/null
window lbmember
# HAProxy's own resources (IPaddr2, anything) cost the full nodes too:
# counted in lbmember's step, said in the report.

echo
echo "CPU ms per second of wall time (1 ms/s = 0.1 % of a CPU), window ${W} s, at the agents' default intervals"
printf '%-10s %-8s %9s %9s   %s\n' step node agents daemons "(daemons: a full node's controld+attrd+based)"
prev=baseline
for step in floatip vnfc statesync lbmember; do
	join "$OUT/$step" "$OUT/$prev" | awk -v s="$step" '{
		printf "%-10s %-8s %9.2f %9.2f\n", s, ($1 ~ /^r/ ? "remote" substr($1, 2) : "node" $1), ($2 - $4) / 1000, ($3 - $5) / 1000 }'
	prev=$step
done | tee "$OUT/report"
echo
awk '{ k = $1 " " ($2 ~ /^remote/ ? "remote" : "full"); a[k] = a[k] " " $3; d[k] = d[k] " " $4 }
	function med(s,   n, x, i, j, t) { n = split(s, x, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }
		return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
	END { for (s in a) { split(s, p, " "); m[p[1]] = 1 }
		for (st in m) {
			f = med(a[st " full"]); r = med(a[st " remote"])
			printf "%-10s agents: full %.2f, remote %.2f ms/s (remote/full %.2f); daemons of a full node %.2f ms/s\n", st, f, r, (f > 0 ? r / f : 0), med(d[st " full"]) } }' "$OUT/report" | sort
