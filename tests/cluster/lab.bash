# SPDX-License-Identifier: GPL-2.0-or-later
# lab.bash — bats helpers for scenarios on the cluster lab (README.md).
#
#   load lab
#   setup_file() { lab_available || return 0; lab_setup_file -n 3 --fencing; }
#   teardown_file() { lab_teardown_file; }
#   setup() { lab_skip_unavailable; }
#   teardown() { lab_recover; }     # after a fault: every node back, failures cleaned
#                                   # (lab_recover_next: not after the last test)
#
# One lab per .bats file: setup_file boots it (waiting for the machine-wide
# lab lock), teardown_file removes it; if the bats process dies, the lab's
# power switch notices (--owner) and tears the lab down itself.

LAB_CMD=${VNFHA_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/tests/cluster/lab

lab() {
	"$LAB_CMD" "$@"
}

# lab_available: true when this machine can run the lab: root (namespaces,
# Corosync, Pacemaker) and the cluster stack installed (tests/deps.sh).
# Otherwise false, the reason in LAB_SKIP (exported): setup_file boots
# nothing (bats 1.8 cannot skip from setup_file) and lab_skip_unavailable,
# from setup, skips each test with that reason.
lab_available() {
	local p
	LAB_SKIP=
	if [ "$(id -u)" != 0 ]; then
		LAB_SKIP="the cluster lab needs root; run bats as root"
	else
		for p in corosync pacemakerd pcs crm_mon; do
			if ! command -v "$p" >/dev/null; then
				LAB_SKIP="the cluster lab needs $p (tests/deps.sh installs it)"
				break
			fi
		done
	fi
	export LAB_SKIP
	[ -z "$LAB_SKIP" ]
}

lab_skip_unavailable() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
}

lab_setup_file() {
	local k
	VNFHA_LAB=$(lab up --owner "$$" "$@")
	export VNFHA_LAB
	# node ids and netns names, once: the samplers read them many times a
	# second (full nodes "1".."N", then remote nodes "r1".."rR")
	LAB_IDS=
	LAB_NETNS=
	for k in $(lab_ids); do
		LAB_IDS+="$k "
		LAB_NETNS+="$(lab netns "$k") "
	done
	export LAB_IDS LAB_NETNS
}

# Logs go to <builddir>/tests/cluster/<file>.lablogs for a look after a failure.
lab_teardown_file() {
	[ -n "${VNFHA_LAB:-}" ] || return 0
	VNFHA_LAB_KEEP_LOGS=${VNFHA_BUILDDIR:-.}/tests/cluster/${BATS_TEST_FILENAME##*/}.lablogs \
		lab down
}

lab_now_ms() {
	local us=${EPOCHREALTIME/./}
	echo "${us%???}"
}

# Nodes (ids: "2", "r1") whose eth0 holds IP (IPv4 or IPv6, tentative or
# not), read from each node's netns directly.
lab_holders() {
	local ip=$1 i=0 ns out=() ids
	read -r -a ids <<<"$LAB_IDS"
	for ns in $LAB_NETNS; do
		if [[ $(ip -n "$ns" -o addr show dev eth0 2>/dev/null) == *" $ip/"* ]]; then
			out+=("${ids[$i]}")
		fi
		i=$((i + 1))
	done
	echo "${out[*]}"
}

lab_nodes() {
	sed -n 's/^NODES=//p' "$VNFHA_LAB/settings"
}

# Remote nodes in the lab (0 when none).
lab_remotes() {
	local r
	r=$(sed -n 's/^REMOTES=//p' "$VNFHA_LAB/settings")
	echo "${r:-0}"
}

# Pacemaker's name of node id K: node2, remote1.
lab_node_name() {
	case $1 in
	node* | remote*) echo "$1" ;;
	r*) echo "remote${1#r}" ;;
	*) echo "node$1" ;;
	esac
}

# Every node id: full nodes 1..N, then remote nodes r1..rR.
lab_ids() {
	local j
	seq "$(lab_nodes)"
	for j in $(seq "$(lab_remotes)"); do echo "r$j"; done
}

# lab_wait_holder IP [NOT_K] [SECONDS]: waits until exactly one node other
# than NOT_K holds IP; prints it.
lab_wait_holder() {
	local ip=$1 not=${2:-0} secs=${3:-30} deadline h
	deadline=$(($(lab_now_ms) + secs * 1000))
	while [ "$(lab_now_ms)" -lt "$deadline" ]; do
		h=$(lab_holders "$ip")
		if [[ $h =~ ^r?[0-9]+$ ]] && [ "$h" != "$not" ]; then
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
	lab client ip neigh show "$1" dev eth0 | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

# lab_wait_client_mac IP MAC [SECONDS]: until the client's entry for IP is MAC.
lab_wait_client_mac() {
	local ip=$1 mac=$2 secs=${3:-5} deadline
	deadline=$(($(lab_now_ms) + secs * 1000))
	while [ "$(lab_client_neigh_mac "$ip")" != "$mac" ]; do
		if [ "$(lab_now_ms)" -ge "$deadline" ]; then
			echo "client's entry for $ip: $(lab client ip neigh show "$ip"), want $mac" >&2
			return 1
		fi
		sleep 0.02
	done
}

# Background sampler of every node's eth0, one read after the other, until
# lab_sample_stop: lines "<epoch us> <node> <1 if it held IP, else 0>" in
# $BATS_TEST_TMPDIR/holders.
lab_sample_start() {
	local ip=$1
	LAB_SAMPLES=$BATS_TEST_TMPDIR/holders
	: >"$LAB_SAMPLES"
	(
		exec 3>&- # bats waits for fd 3 to close
		local i ns has ids
		read -r -a ids <<<"$LAB_IDS"
		while :; do
			i=0
			for ns in $LAB_NETNS; do
				has=0
				[[ $(ip -n "$ns" -o addr show dev eth0 2>/dev/null) == *" $ip/"* ]] &&
					has=1
				echo "${EPOCHREALTIME/./} ${ids[$i]} $has"
				i=$((i + 1))
			done
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

# Proven double holders in the samples: node A read holding the address,
# then node B, then A again with no read of A without it in between — so A
# held it all along while B did too. Prints one line per such case (none:
# no overlap was seen; reads are a few ms apart).
lab_sample_overlaps() {
	awk '{ t = $1; n = $2
		if ($3 == 0) { run[n] = 0; next }
		if (!run[n]) run[n] = t
		for (m in last) if (m != n && last[m] > run[n])
			printf "node%s and node%s both held it (%d us)\n", m, n, last[m]
		last[n] = t }' "$LAB_SAMPLES"
}

# Address events of every node, by the kernel's own notifications (ip
# monitor, time-stamped on receipt), until lab_sample_stop... or the node's
# power-off: its monitor lives in its netns and dies with it.
lab_watch_start() {
	local i=0 k ns ids
	LAB_WATCH=$BATS_TEST_TMPDIR/watch
	mkdir -p "$LAB_WATCH"
	read -r -a ids <<<"$LAB_IDS"
	for ns in $LAB_NETNS; do
		k=${ids[$i]}
		i=$((i + 1))
		(
			exec 3>&-
			exec ip -n "$ns" -ts monitor address >"$LAB_WATCH/node$k" 2>/dev/null
		) &
		LAB_WATCHERS="${LAB_WATCHERS:-} $!"
	done
	# subscribed before the fault: every monitor has opened its netlink socket
	local pid deadline=$(($(lab_now_ms) + 5000))
	for pid in $LAB_WATCHERS; do
		until [[ $(ls -l "/proc/$pid/fd" 2>/dev/null) == *socket:* ]]; do
			[ "$(lab_now_ms)" -lt "$deadline" ] || return 1
			sleep 0.01
		done
	done
}

lab_watch_stop() {
	local pid
	for pid in ${LAB_WATCHERS:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	LAB_WATCHERS=
}

# Epoch ms of the first "address IP added" event on node K; nothing if none.
lab_watch_added() {
	local ts
	ts=$(sed -n "/Deleted/d; s/^\[\([0-9T:.-]*\)\] .* inet6\{0,1\} $1\/.*/\1/p" \
		"$LAB_WATCH/node$2" | head -n 1)
	[ -z "$ts" ] || date -d "$ts" +%s%3N
}

# Epoch ms of the first power switch event ACTION (off/reboot) on node K
# after epoch ms SINCE that succeeded; nothing if none.
lab_fence_time() {
	local since=$2
	lab fence-log | awk -v n="$(lab_node_name "$1")" -v t="$since" \
		'$1 >= t && $3 == n && ($2 == "off" || $2 == "reboot") && $4 == "rc=0" { print $1; exit }'
}

# Back to a healthy lab after a fault: cables in, links healed, nodes
# thawed and powered, all online with quorum (remote nodes too), failures
# forgotten, the cluster settled.
lab_recover() {
	local k l
	lab_sample_stop
	lab_watch_stop
	[ -n "${VNFHA_LAB:-}" ] || return 0
	for k in $(lab_ids); do
		lab heal "$k"
		lab thaw "$k" 2>/dev/null || true
	done
	lab status | awk '$1 == "link" && $4 == "cut" { print $2, $3 }' | while read -r k l; do
		lab heal-link "$k" "$l"
	done
	for k in $(lab_ids); do
		lab boot "$k"
	done
	# a remote node's connection that failed everywhere comes back only
	# once its failures are forgotten
	[ "$(lab_remotes)" = 0 ] || lab on any crm_resource --cleanup >/dev/null
	lab wait-online -T 90
	lab on any crm_resource --cleanup >/dev/null
	lab_settle
}

# lab_settle: until the DC has nothing left to do. Pacemaker 2.1.5's
# scheduler can leave a needed action out of a transition and go idle (seen
# here: an instance re-promoted because of an ordering gets no recurring
# monitor, "Pending actions: vnf:0_monitor_10000") until something makes it
# compute again (cluster-recheck-interval, 15 min by default). So after 30 s
# a node attribute change makes it compute, and the wait goes on.
lab_settle() {
	lab on any crm_resource --wait --timeout=30s && return 0
	echo "lab_settle: the DC went idle with actions pending; a node attribute makes it compute" >&2
	lab on 1 attrd_updater --name vnfha-lab-settle --update "$(date +%s%N)"
	lab on any crm_resource --wait --timeout=60s
}

# lab_recover_next: lab_recover for the next test; after the file's last test
# only the samplers stop (teardown_file's lab down follows, and waiting for a
# fenced node to rejoin would only cost the file's run time). BATS_TEST_NAMES
# lists every test of the file, filtered or not: a filtered run recovers.
lab_recover_next() {
	if [ "${BATS_TEST_NUMBER:-0}" -ge "${#BATS_TEST_NAMES[@]}" ]; then
		lab_sample_stop
		lab_watch_stop
		return 0
	fi
	lab_recover
}

# lab_add_user NAME UID: a system user NAME (uid and login group UID) on
# every node, in the lab's own /etc/passwd and /etc/group (the machine's
# accounts are untouched; the files are bind-mounted, so appended to).
lab_add_user() {
	printf '%s:x:%s:%s:vnfha lab:/nonexistent:/usr/sbin/nologin\n' "$1" "$2" "$2" \
		>>"$VNFHA_LAB/etc-passwd"
	printf '%s:x:%s:\n' "$1" "$2" >>"$VNFHA_LAB/etc-group"
}
