# SPDX-License-Identifier: GPL-2.0-or-later
# Shared bats helpers: two throwaway network namespaces joined by a veth
# pair, and a packet capture on the peer side. Names carry a per-run prefix
# (interface names stay <= 15 characters); netns_teardown removes
# everything and is safe to call twice or after a half-done setup.
#
#   setup()    { load netns; netns_setup; }
#   teardown() { netns_teardown; }
#
# After netns_setup: NS_A, NS_B (namespaces), IF_A (in NS_A), IF_B (in
# NS_B), MAC_A, MAC_B, NETNS_DIR (a scratch directory). Addresses are the
# caller's (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 only).
#
# Network namespaces need root: unprivileged, netns_setup skips the test
# (called from setup or a test). A setup_file, which bats 1.8 cannot skip
# from, calls `netns_have_root || return 0` first, and its setup calls
# netns_skip_unless_root.

# netns_have_root: true as root; otherwise false, the reason in NETNS_SKIP.
netns_have_root() {
	NETNS_SKIP=
	[ "$(id -u)" = 0 ] || NETNS_SKIP="needs root (network namespaces); run bats as root"
	export NETNS_SKIP
	[ -z "$NETNS_SKIP" ]
}

netns_skip_unless_root() {
	netns_have_root || skip "$NETNS_SKIP"
}

netns_setup() {
	if ! netns_have_root; then
		if declare -F skip >/dev/null; then # bats; elsewhere (the benchmarks) an error
			skip "$NETNS_SKIP"
		fi
		echo "$NETNS_SKIP" >&2
		return 1
	fi
	NETNS_PREFIX=$(printf 'vh%x%x' "$$" "$RANDOM")
	NS_A="${NETNS_PREFIX}a"
	NS_B="${NETNS_PREFIX}b"
	IF_A="${NETNS_PREFIX}0"
	IF_B="${NETNS_PREFIX}1"
	NETNS_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vnfha-netns.XXXXXX")
	export NS_A NS_B IF_A IF_B NETNS_DIR NETNS_PREFIX
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B"
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" link set "$IF_A" up
	ip -n "$NS_B" link set "$IF_B" up
	MAC_A=$(ip netns exec "$NS_A" cat "/sys/class/net/$IF_A/address")
	MAC_B=$(ip netns exec "$NS_B" cat "/sys/class/net/$IF_B/address")
	export MAC_A MAC_B
}

netns_teardown() {
	local ns pid
	[ -n "${CAPTURE_PID:-}" ] && netns_capture_stop
	for ns in ${NS_A:-} ${NS_B:-}; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "${NETNS_DIR:-}" ] && rm -rf "$NETNS_DIR"
	NS_A='' NS_B='' NETNS_DIR=''
}

# netns_number NET4 NET6: NET4.1/24 and NET6::1/64 on IF_A, .2 and ::2 on
# IF_B (IPv6 without DAD, usable at once). E.g. netns_number 198.51.100 2001:db8:5
netns_number() {
	ip -n "$NS_A" addr add "$1.1/24" dev "$IF_A"
	ip -n "$NS_B" addr add "$1.2/24" dev "$IF_B"
	ip -n "$NS_A" addr add "$2::1/64" dev "$IF_A" nodad
	ip -n "$NS_B" addr add "$2::2/64" dev "$IF_B" nodad
}

netns_a() {
	ip netns exec "$NS_A" "$@"
}

netns_b() {
	ip netns exec "$NS_B" "$@"
}

# netns_capture_start NS IFACE FILTER: tcpdump writing every frame that
# matches FILTER to $CAPTURE_FILE; returns once tcpdump listens.
netns_capture_start() {
	CAPTURE_FILE="$NETNS_DIR/capture.pcap"
	rm -f "$CAPTURE_FILE" "$NETNS_DIR/capture.err"
	ip netns exec "$1" tcpdump -i "$2" -nn -U --immediate-mode -w "$CAPTURE_FILE" "$3" \
		</dev/null 2>"$NETNS_DIR/capture.err" &
	CAPTURE_PID=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$NETNS_DIR/capture.err" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "tcpdump did not start: $(cat "$NETNS_DIR/capture.err")" >&2
	return 1
}

# netns_capture_count: frames captured so far.
netns_capture_count() {
	tcpdump -r "$CAPTURE_FILE" -nn -q 2>/dev/null | wc -l
}

# netns_capture_wait N [SECONDS]: until N frames are captured (default 5 s).
netns_capture_wait() {
	for _ in $(seq $((${2:-5} * 20))); do
		[ "$(netns_capture_count)" -ge "$1" ] && return 0
		sleep 0.05
	done
	echo "captured $(netns_capture_count) frames, expected $1" >&2
	return 1
}

netns_capture_stop() {
	kill -INT "$CAPTURE_PID" 2>/dev/null || true
	wait "$CAPTURE_PID" 2>/dev/null || true
	CAPTURE_PID=
}

# netns_capture_decode: the capture as text, one frame per line, epoch
# timestamps, link-level header, verbose protocol fields.
netns_capture_decode() {
	tcpdump -r "$CAPTURE_FILE" -nn -e -v -tt 2>/dev/null | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[[:space:]]\+/ /g'
}
