# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the ckpt*.bats tests: nodes in network namespaces joined by a
# bridge (198.51.100.0/24), one vnfha-ckptd per node, teardown of only what
# the test started.
CKPTD="$VNFHA_BUILDDIR/src/ckptd/vnfha-ckptd"
CKPT="$VNFHA_BUILDDIR/src/ckptd/vnfha-ckpt"
PORT=7410

# From setup: unprivileged, the test is skipped (it was failed before).
ckpt_setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces); run bats as root"
	PFX="vk$$${BATS_TEST_NUMBER:-0}"
	WORK=$(mktemp -d /tmp/vnfha-ckpt-test.XXXXXX)
	NODES=()
	declare -gA PIDS=()
	ip netns add "${PFX}sw"
	ip -n "${PFX}sw" link add br0 type bridge
	ip -n "${PFX}sw" link set br0 up
	head -c 4096 /dev/urandom >"$WORK/key"
	chmod 600 "$WORK/key"
}

# ckpt_node N: namespace ${PFX}N with 198.51.100.N on the bridge
ckpt_node() {
	local n=$1 ns="${PFX}n$1"
	ip netns add "$ns"
	ip link add "${PFX}v$n" type veth peer name eth0 netns "$ns"
	ip link set "${PFX}v$n" netns "${PFX}sw"
	ip -n "${PFX}sw" link set "${PFX}v$n" master br0 up
	ip -n "$ns" addr add "198.51.100.$n/24" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up
	mkdir -p "$WORK/n$n"
	NODES+=("$n")
}

# ckpt_start N ROLE [extra daemon args...]: starts and waits until it answers
ckpt_start() {
	local n=$1 role=$2
	shift 2
	ip netns exec "${PFX}n$n" "$CKPTD" --role "$role" --listen "198.51.100.$n:$PORT" \
		--store "$WORK/n$n/store" --socket "$WORK/n$n/sock" --node "n$n" \
		--key "$WORK/key" "$@" 2>>"$WORK/n$n/log" &
	PIDS[$n]=$!
	ckpt_wait 5 ckpt "$n" status
}

ckpt_stop() {
	local n=$1 pid=${PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	PIDS[$n]=
}

ckpt_kill9() {
	local n=$1 pid=${PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	PIDS[$n]=
}

# ckpt_sanitized: the daemons started from now on are its ASan/UBSan build
# (a report ends one, in its log); skips when configured without them.
ckpt_sanitized() {
	CKPTD="$VNFHA_BUILDDIR/tests/bats/vnfha-ckptd-san"
	grep -q __asan_init "$CKPTD" || skip "configured with --disable-sanitizers"
}

# ckpt N ARGS...: the CLI against node N's daemon
ckpt() {
	local n=$1
	shift
	"$CKPT" --socket "$WORK/n$n/sock" "$@"
}

# ckpt_wait SECONDS CMD...: until CMD succeeds (quietly) or the deadline
ckpt_wait() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# same_as N NAME FILE: node N serves exactly FILE's bytes for NAME
same_as() {
	ckpt "$1" get "$2" "$WORK/got.$1" && cmp -s "$3" "$WORK/got.$1"
}

sent_bytes() {
	ckpt "$1" status | awk -v p="$2" '$1 == "peer" && $2 == p { print $5 }'
}

ckpt_teardown() {
	local n
	[ -n "${PFX:-}" ] || return 0 # skipped: nothing was set up
	for n in "${!PIDS[@]}"; do
		ckpt_stop "$n"
	done
	for n in "${NODES[@]}"; do
		ip netns del "${PFX}n$n" 2>/dev/null || true
	done
	ip netns del "${PFX}sw" 2>/dev/null || true
	if [ -n "${WORK:-}" ] && [ -n "${BATS_TEST_COMPLETED:-}" ]; then
		rm -rf "$WORK"
	elif [ -n "${WORK:-}" ]; then
		echo "kept $WORK for inspection" >&2
		tail -n 20 "$WORK"/n*/log >&2 || true
	fi
}
