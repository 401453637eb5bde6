#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job, on built-in defaults: a 3-node Pacemaker/Corosync cluster
# with fencing (tests/cluster/lab, all in network namespaces on this
# machine) runs the demo VNF — ocf:vnfha:statesync (checkpoints) +
# ocf:vnfha:vnfc (vnfha-counterd, promotable) + ocf:vnfha:floatip — created
# with pcs. A client sends an update every 10 ms; the demo kills the active
# VNFC process, then the active node, then cuts the active node's link, and
# prints for each the failover time the client saw, the new active node and
# how many acknowledged updates were lost (0 in sync mode). Then it tears
# everything down, also on failure. Run as root on Debian 12; installs what it
# needs (tests/deps.sh; VNFHA_SKIP_DEPS=1 skips it) and builds the tree.
# A floating IP on its own, without a cluster: examples/floatip-demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run as root (it builds a cluster in network namespaces)" >&2
	exit 1
fi
if [ "${VNFHA_SKIP_DEPS:-0}" != 1 ]; then
	tests/deps.sh
fi
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)" >/dev/null

export VNFHA_BUILDDIR=$top VNFHA_SRCDIR=$top
# shellcheck source=../tests/cluster/lab.bash
source tests/cluster/lab.bash
# shellcheck source=../tests/cluster/vnf.bash
source tests/cluster/vnf.bash

echo "== starting a 3-node cluster with fencing (token 1000 ms)"
VNFHA_LAB=$(lab up -n 3 -t 1000 --fencing --owner $$)
export VNFHA_LAB
CLIENT_PID=
cleanup() {
	if [ -n "$CLIENT_PID" ]; then
		kill "$CLIENT_PID" 2>/dev/null || true
	fi
	lab down
}
trap cleanup EXIT
echo "== creating statesync + vnfc + floatip with pcs"
vnf_create pcs
vnf_wait_serving 60
lab on 1 crm_mon -1 | sed -n '/Active Resources/,$p'

results=()
failed=0
# fault NAME ACTION: runs the client, applies ACTION to the active node,
# and reads the client's account of the outage.
fault() {
	local name=$1 action=$2 log old new fault_ms ms gap lost rc=0
	old=$(vnf_active)
	vnf_client_start 60
	log=$CLIENT_LOG
	sleep 1
	fault_ms=$(lab_now_ms)
	case $action in
	process) lab kill-process "$old" "$(vnf_pid "$old")" ;;
	node) lab kill-node "$old" ;;
	cut) lab cut "$old" ;;
	esac
	for _ in $(seq 600); do
		grep -q '^recovered ' "$log" && break
		sleep 0.1
	done
	sleep 1
	# the client ends its run: summary, and exit status 3 if it lost an acknowledged update
	kill -INT "$CLIENT_PID" 2>/dev/null || true
	wait "$CLIENT_PID" || rc=$?
	CLIENT_PID=
	new=$(vnf_active)
	ms=$(vnf_recovery_ms "$log" "$fault_ms")
	lost=$(sed -n 's/^summary .* lost=\([0-9]*\).*/\1/p' "$log")
	if [ -n "$ms" ]; then
		gap="$ms ms"
	else
		gap="no recovery seen"
	fi
	results+=("$(printf '%-22s failover %-17s active node%s -> node%s   acknowledged updates lost: %s' \
		"$name" "$gap" "$old" "${new:-?}" "${lost:-?}")")
	echo "${results[-1]}"
	if [ "$rc" != 0 ] && [ "$VNF_MODE" = sync ]; then
		echo "the client exited with status $rc (3: acknowledged updates lost):" >&2
		cat "$log" >&2
		failed=1
	fi
	rm -f "$log"
	lab_recover >/dev/null
	vnf_wait_serving 60
}

echo "== faults (the client sends an update every 10 ms, mode $VNF_MODE)"
fault "VNFC process killed" process
fault "active node killed" node
fault "active link cut" cut
echo
echo "== summary"
printf '%s\n' "${results[@]}"
if [ "$failed" != 0 ]; then
	echo "demo: in sync mode no acknowledged update may be lost, and some were" >&2
	exit 1
fi
