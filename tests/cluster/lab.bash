# SPDX-License-Identifier: GPL-2.0-or-later
# lab.bash — bats helpers for scenarios on the cluster lab (README.md).
#
#   load lab
#   setup_file() { lab_setup_file -n 3 --fencing; }
#   teardown_file() { lab_teardown_file; }
#   teardown() { lab_recover; }     # after a fault: every node back, failures cleaned
#
# One lab per .bats file: setup_file boots it (waiting for the machine-wide
# lab lock), teardown_file removes it; if the bats process dies, the lab's
# power switch notices (--owner) and tears the lab down itself.

LAB_CMD=${VNFHA_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/tests/cluster/lab

lab() {
	"$LAB_CMD" "$@"
}

lab_setup_file() {
	local k
	VNFHA_LAB=$(lab up --owner "$$" "$@")
	export VNFHA_LAB
	# node netns names, once: the samplers read them many times a second
	LAB_NETNS=
	for k in $(seq "$(lab_nodes)"); do
		LAB_NETNS+="$(lab netns "$k") "
	done
	export LAB_NETNS
}

# Logs go to <builddir>/tests/cluster/<file>.lablogs for a look after a failure.
lab_teardown_file() {
	[ -n "${VNFHA_LAB:-}" ] || return 0
	VNFHA_LAB_KEEP_LOGS=${VNFHA_BUILDDIR:-.}/tests/cluster/${BATS_TEST_FILENAME##*/}.lablogs \
		lab down
}

lab_now_ms() {
	date +%s%3N
}

# Nodes (numbers) whose eth0 holds IP, read from each node's netns directly.
lab_holders() {
	local ip=$1 k=0 ns out=()
	for ns in $LAB_NETNS; do
		k=$((k + 1))
		if [[ $(ip -n "$ns" -o -4 addr show dev eth0 2>/dev/null) == *" inet $ip/"* ]]; then
			out+=("$k")
		fi
	done
	echo "${out[*]}"
}

lab_nodes() {
	sed -n 's/^NODES=//p' "$VNFHA_LAB/settings"
}

# lab_wait_holder IP [NOT_K] [SECONDS]: waits until exactly one node other
# than NOT_K holds IP; prints it.
lab_wait_holder() {
	local ip=$1 not=${2:-0} secs=${3:-30} deadline h
	deadline=$(($(lab_now_ms) + secs * 1000))
	while [ "$(lab_now_ms)" -lt "$deadline" ]; do
		h=$(lab_holders "$ip")
		if [[ $h =~ ^[0-9]+$ ]] && [ "$h" != "$not" ]; then
			echo "$h"
			return 0
		fi
		sleep 0.05
	done
	echo "lab_wait_holder: $ip not on one node (other than $not) after ${secs}s: [$h]" >&2
	return 1
}

# The client's neighbour entry for IP: its MAC, or nothing. Reads the table
# only: the client sends nothing.
lab_client_neigh_mac() {
	lab client ip -4 neigh show "$1" dev eth0 | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

# lab_wait_client_mac IP MAC [SECONDS]: until the client's entry for IP is MAC.
lab_wait_client_mac() {
	local ip=$1 mac=$2 secs=${3:-5} deadline
	deadline=$(($(lab_now_ms) + secs * 1000))
	while [ "$(lab_client_neigh_mac "$ip")" != "$mac" ]; do
		if [ "$(lab_now_ms)" -ge "$deadline" ]; then
			echo "client's entry for $ip: $(lab client ip -4 neigh show "$ip"), want $mac" >&2
			return 1
		fi
		sleep 0.02
	done
}

# Background sampler: one line "<start ms> <end ms> <holders...>" per round
# over all nodes, into $BATS_TEST_TMPDIR/holders, until lab_sample_stop.
lab_sample_start() {
	local ip=$1
	LAB_SAMPLES=$BATS_TEST_TMPDIR/holders
	: >"$LAB_SAMPLES"
	(
		exec 3>&- # bats waits for fd 3 to close
		local t0 h
		while :; do
			t0=$(lab_now_ms)
			h=$(lab_holders "$ip")
			echo "$t0 $(lab_now_ms) $h"
		done >>"$LAB_SAMPLES"
	) &
	LAB_SAMPLER=$!
}

lab_sample_stop() {
	[ -n "${LAB_SAMPLER:-}" ] || return 0
	kill "$LAB_SAMPLER" 2>/dev/null || true
	wait "$LAB_SAMPLER" 2>/dev/null || true
	LAB_SAMPLER=
}

# Most nodes that held the address at once in any sample.
lab_sample_max_holders() {
	awk '{ if (NF - 2 > max) max = NF - 2 } END { print max + 0 }' "$LAB_SAMPLES"
}

# When the address appeared on node K, as "<not before> <not after>" (epoch
# ms): the start of the last sample that did not see it there, and the end of
# the first that did.
lab_sample_appeared() {
	awk -v k="$1" '{ for (i = 3; i <= NF; i++) if ($i == k) { print prev, $2; exit }
		prev = $1 }' "$LAB_SAMPLES"
}

# Epoch ms of the first power switch event ACTION (off/reboot) on node K
# after epoch ms SINCE that succeeded; nothing if none.
lab_fence_time() {
	local k=$1 since=$2
	lab fence-log | awk -v n="node$k" -v t="$since" \
		'$1 >= t && $3 == n && ($2 == "off" || $2 == "reboot") && $4 == "rc=0" { print $1; exit }'
}

# Back to a healthy lab after a fault: cables in, nodes thawed and powered,
# all online with quorum, failures forgotten, the cluster settled.
lab_recover() {
	local k
	lab_sample_stop
	[ -n "${VNFHA_LAB:-}" ] || return 0
	for k in $(seq "$(lab_nodes)"); do
		lab heal "$k"
		lab thaw "$k" 2>/dev/null || true
	done
	for k in $(seq "$(lab_nodes)"); do
		lab boot "$k"
	done
	lab wait-online -T 90
	lab on any crm_resource --cleanup >/dev/null
	lab on any crm_resource --wait --timeout=60s
}
