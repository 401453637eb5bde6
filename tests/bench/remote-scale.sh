#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A VNF at scale on Pacemaker Remote nodes, and how many VNFCs one cluster
# carries and where the limit comes from: the lab at the largest size this
# machine runs (3 full nodes + R remote nodes, fencing).
#
# First the VNF, created with pcs over the remote nodes: one active/standby
# stateful VNFC (statesync sync_method=tcp + vnfc + floatip, clone-max 3,
# tests/cluster/vnf.bash's demo) and an active/active pool of R members
# (vnfc + lbmember on every remote node) behind HAProxy on the full nodes
# (tests/cluster/lb-setup.bash); both serve a client; the stateful VNFC's
# remote node is killed (failover time, acknowledged updates lost) and a
# pool member's node is killed (time until HAProxy stops sending to it).
#
# Then the cluster is filled with VNFCs step by step. A VNFC here is what a stateless
# active/standby VNFC costs Pacemaker: an ocf:vnfha:vnfc promotable clone
# (clone-max 2, promoted-max 1) on the remote nodes, its process a sleep. At
# each step (STEPS, VNFCs in all):
#   - the CIB's size (configuration, status) and the resource history entries;
#   - the time the cluster took to settle after the step's VNFCs were added
#     (one cibadmin call; crm_resource --wait);
#   - the scheduler's time for the cluster as it stands (crm_simulate
#     --profile on the live CIB, median of 5);
#   - a failover's time: the promoted VNFC of one clone killed on its remote
#     node, until the cluster settled again (crm_resource --wait).
# Then beyond the machine: the largest live CIB grown by cib-scale.py (every
# VNFC and every remote node copied, history included) and timed with
# crm_simulate the same way, to see how the scheduler grows with VNFCs and
# with nodes.
#
# usage: [R=REMOTES] [STEPS="10 20 40 80"] [GROW="2x1 4x1 1x2 2x2 4x2"] remote-scale.sh
# GROW: VNFC_FACTORxREMOTE_FACTOR for the synthetic CIBs. Needs root and
# the lab lock: flock /work/lab.lock tests/bench/remote-scale.sh
set -eEuo pipefail
# where it stopped and what the cluster looked like then
on_err() {
	echo "remote-scale.sh: line $1 failed: $2" >&2
	[ -z "${VNFHA_LAB:-}" ] || lab on 1 crm_mon -1rf >&2 || true
}
trap 'on_err "$LINENO" "$BASH_COMMAND"' ERR
BUILDDIR=${VNFHA_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export VNFHA_BUILDDIR=$BUILDDIR VNFHA_SRCDIR=$SRCDIR
R=${R:-16}
read -ra STEPS <<<"${STEPS:-10 20 40 80}"
read -ra GROW <<<"${GROW:-2x1 4x1 1x2 2x2 4x2}"
[[ $R =~ ^[1-9][0-9]?$ ]] || { echo "R wants 1..99 remote nodes" >&2; exit 2; }
# shellcheck source=../cluster/lab.bash
. "$SRCDIR/tests/cluster/lab.bash"
# shellcheck source=../cluster/remote.bash
. "$SRCDIR/tests/cluster/remote.bash"
VNF_VIP=198.51.100.61 # the pool's VIP is .60
# shellcheck source=../cluster/vnf.bash
. "$SRCDIR/tests/cluster/vnf.bash"
# shellcheck source=../cluster/lb-setup.bash
. "$SRCDIR/tests/cluster/lb-setup.bash"
OUT=$(mktemp -d)
BATS_TEST_TMPDIR=$OUT
export BATS_TEST_TMPDIR
now_ms() { local us=${EPOCHREALTIME/./}; echo "${us%???}"; }

t0=$(now_ms)
VNFHA_LAB=$(lab up -n 3 -r "$R" -t 1000 --fencing --remote-reconnect 5 --owner $$)
export VNFHA_LAB
# (errexit holds in the trap: each step may fail without skipping the next)
trap 'lb_watch_stop || true; [ -z "${CLIENT_PID:-}" ] || kill "$CLIENT_PID" 2>/dev/null || true
	lab down || true; rm -rf "$OUT"' EXIT
echo "remote-scale: 3 full + $R remote nodes online after $(($(now_ms) - t0)) ms"
free -m | sed -n 2p | awk '{ print "memory used on the machine: " $3 " MiB of " $2 }'

LAB_IDS="$(seq -s ' ' 3) $(seq -f 'r%g' -s ' ' "$R") "
LAB_NETNS=
for k in $LAB_IDS; do LAB_NETNS+="$(lab netns "$k") "; done
export LAB_IDS LAB_NETNS

# --- the VNF at scale ----------------------------------------------------------
echo
echo "the VNF: a stateful active/standby VNFC (3 replicas) and a pool of $R members"
lab on 1 pcs constraint location 'regexp%^(ss-clone|vnf-clone|vip)$' rule score=-INFINITY \
	'#kind' eq cluster >/dev/null
# every parameter and operation at its default (the key: the cluster's own)
lab on 1 pcs resource create ss ocf:vnfha:statesync promotable clone-max=3 notify=true >/dev/null
lab on 1 pcs resource create vnf ocf:vnfha:vnfc binary="$BUILDDIR/examples/vnfha-counterd" \
	args="--port $VNF_PORT --mode sync" promotable clone-max=3 >/dev/null
vnf_create_vip >/dev/null
# clone-max below the node count: the VNFC's instances where the replicas
# are, or Pacemaker may place the two clones on disjoint nodes and never
# promote the VNFC (the README's note on clone-max)
lab on 1 pcs constraint colocation add vnf-clone with ss-clone INFINITY >/dev/null
LB_MEMBERS=$(seq -f 'r%g' -s ' ' "$R") LB_LBM_PARAMS="check=true check_interval=1s" \
	lb_lab_configure 1000 3 >/dev/null
lab on 1 crm_resource --wait --timeout=300s >/dev/null
vnf_wait_serving 120
active=$(remote_vnf_active)
pool=$(ip netns exec "$(lab netns client)" python3 "$SRCDIR/tests/cluster/lb-client.py" \
	"http://$LB_VIP:8080/" 50 3 "$OUT/lb-client" && awk '$3 == "ok" { print $4 }' "$OUT/lb-client" | sort -u | wc -l)
echo "the stateful VNFC is promoted on $(lab_node_name "$active"); the client reached $pool of $R pool members"
vnf_client_start 600
t=$(now_ms)
lab kill-node "$active"
for _ in $(seq 1800); do grep -q '^recovered ' "$CLIENT_LOG" && break; sleep 0.1; done
kill -INT "$CLIENT_PID"; wait "$CLIENT_PID" || true
echo "$(lab_node_name "$active") killed: the stateful VNF answered again after" \
	"$(vnf_recovery_ms "$CLIENT_LOG" "$t") ms from $(lab_node_name "$(remote_vnf_active)")," \
	"$(sed -n 's/^summary .* lost=\([0-9]*\).*/\1/p' "$CLIENT_LOG") acknowledged updates lost" \
	"(its connection monitored every 60 s, timeout 30 s)"
lb_watch_start
sleep 1
member=r$R
[ "$member" != "$active" ] || member=r$((R - 1))
t=$(now_ms)
lab kill-node "$member"
left=$(lb_watch_wait without "$(lab_node_name "$member")" "$t" 120)
lb_watch_stop
echo "pool member $(lab_node_name "$member") killed: HAProxy stopped sending to it after $((left - t)) ms"
lab_recover >/dev/null
lb_lab_unconfigure
for r in vip vnf-clone ss-clone lbm-clone vnfc-clone lb; do lab on 1 pcs resource delete "$r" >/dev/null 2>&1 || true; done
lab on 1 crm_resource --wait --timeout=300s >/dev/null

# --- VNFCs per cluster -----------------------------------------------------------
echo

# sched_ms FILE: the scheduler's median time for a CIB, in ms ("failed"
# when crm_simulate gives none, as the 640-VNFC, 64-remote-node CIB did).
sched_ms() {
	local d
	d=$(mktemp -d "$OUT/prof.XXXXXX")
	cp "$1" "$d/cib.xml"
	{ crm_simulate --profile "$d" --repeat 5 2>/dev/null || true; } |
		sed -n 's/.* \([0-9.]*\) secs$/\1/p' | sort -n |
		awk '{ a[NR] = $1 } END { if (NR) printf "%d", a[int((NR + 1) / 2)] * 1000; else printf "failed" }'
}

# add FROM TO: VNFCs svFROM..svTO in one CIB change.
add() {
	local i xml=''
	for i in $(seq "$1" "$2"); do
		xml+="<clone id=\"sv$i-clone\"><meta_attributes id=\"sv$i-clone-meta\">
<nvpair id=\"sv$i-m1\" name=\"promotable\" value=\"true\"/>
<nvpair id=\"sv$i-m2\" name=\"clone-max\" value=\"2\"/>
<nvpair id=\"sv$i-m3\" name=\"promoted-max\" value=\"1\"/></meta_attributes>
<primitive id=\"sv$i\" class=\"ocf\" provider=\"vnfha\" type=\"vnfc\">
<instance_attributes id=\"sv$i-ia\"><nvpair id=\"sv$i-a1\" name=\"binary\" value=\"/bin/sleep\"/>
<nvpair id=\"sv$i-a2\" name=\"args\" value=\"100000\"/>
<nvpair id=\"sv$i-a3\" name=\"protocol\" value=\"hooks\"/></instance_attributes>
<operations><op id=\"sv$i-mp\" name=\"monitor\" interval=\"10s\" role=\"Promoted\"/>
<op id=\"sv$i-mu\" name=\"monitor\" interval=\"11s\" role=\"Unpromoted\"/></operations>
</primitive></clone>"
	done
	lab on 1 cibadmin --create --scope resources --xml-text "<resources>$xml</resources>"
}

# the VNFCs on the remote nodes only (a rule on every svN-clone, present and future)
lab on 1 pcs constraint location 'regexp%^sv[0-9]+-clone$' rule score=-INFINITY '#kind' eq cluster \
	>/dev/null
have=0
printf '%6s %6s %10s %10s %8s %9s %9s %10s\n' VNFCs insts "cib bytes" "status" "ops" "settle ms" "sched ms" "failover ms"
for k in "${STEPS[@]}"; do
	t=$(now_ms)
	add $((have + 1)) "$k"
	lab on 1 crm_resource --wait --timeout=900s >/dev/null
	settle=$(($(now_ms) - t))
	have=$k
	lab on 1 cibadmin --query >"$OUT/cib-$k.xml"
	size=$(wc -c <"$OUT/cib-$k.xml")
	st=$(xmllint --xpath '/cib/status' "$OUT/cib-$k.xml" | wc -c)
	ops=$(grep -c '<lrm_rsc_op ' "$OUT/cib-$k.xml")
	sched=$(sched_ms "$OUT/cib-$k.xml")
	# a failover: sv1's promoted instance killed on its remote node
	node=$(lab on 1 crm_resource --locate --resource sv1-clone | sed -n 's/.*running on: remote\([0-9]*\) Promoted.*/r\1/p')
	pid=$(lab on "$node" pgrep -n -f "^/bin/sleep 100000" || true)
	t=$(now_ms)
	[ -z "$pid" ] || lab kill-process "$node" "$pid"
	sleep 1
	lab on 1 crm_resource --wait --timeout=900s >/dev/null
	fo=$(($(now_ms) - t))
	lab on 1 crm_resource --cleanup >/dev/null
	lab on 1 crm_resource --wait --timeout=900s >/dev/null
	printf '%6d %6d %10d %10d %8d %9d %9s %10d\n' "$k" $((2 * k)) "$size" "$st" "$ops" "$settle" "$sched" "$fo"
done
free -m | sed -n 2p | awk '{ print "memory used on the machine at the end: " $3 " MiB of " $2 }'
uptime

echo
echo "beyond the machine: the $have-VNFC CIB grown (cib-scale.py), scheduler time (crm_simulate, median of 5)"
printf '%8s %8s %6s %10s %9s\n' VNFCs remotes nodes "cib bytes" "sched ms"
for g in "${GROW[@]}"; do
	vf=${g%x*} rf=${g#*x}
	python3 "$SRCDIR/tests/bench/cib-scale.py" "$OUT/cib-$have.xml" "$OUT/grown-$g.xml" "$vf" "$rf" >/dev/null
	printf '%8d %8d %6d %10d %9s\n' $((have * vf)) $((R * rf)) $((3 + R * rf)) \
		"$(wc -c <"$OUT/grown-$g.xml")" "$(sched_ms "$OUT/grown-$g.xml")"
done
