#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-garp in two namespaces joined by a veth pair: the frames must
# arrive on the peer (captured there), be paced as asked, and change the
# peer's neighbour cache by themselves.

load garp-common

GARP="$VNFHA_BUILDDIR/heartbeat-helpers/vnfha-garp"
STALE_MAC=02:00:00:00:00:99

@test "IPv4: 3 gratuitous ARP requests and replies arrive, 100 ms apart" {
	netns_capture_start "$NS_B" "$IF_B" "arp"
	run netns_a "$GARP" -c 3 -I 100 -i "$IF_A" "$VIP4"
	[ "$status" -eq 0 ]
	netns_capture_wait 6
	netns_capture_stop
	netns_capture_decode >"$NETNS_DIR/decoded"
	cat "$NETNS_DIR/decoded"
	# RFC 5227 §3 announcement: broadcast request, sender = target = VIP,
	# target hardware address zero (tcpdump would print it otherwise).
	[ "$(grep -c "$MAC_A > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: .*Request who-has $VIP4 tell $VIP4, length 28" "$NETNS_DIR/decoded")" -eq 3 ]
	# The reply form: target hardware address = sender's.
	[ "$(grep -c "$MAC_A > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: .*Reply $VIP4 is-at $MAC_A, length 28" "$NETNS_DIR/decoded")" -eq 3 ]
	[ "$(wc -l <"$NETNS_DIR/decoded")" -eq 6 ]
	grep Request "$NETNS_DIR/decoded" | gaps | all_between 0.090 0.160
}

@test "IPv6: 3 unsolicited NAs arrive with Override, no Router, target lladdr, hop limit 255" {
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 136 and src host $VIP6"
	run netns_a "$GARP" -c 3 -I 100 -i "$IF_A" "$VIP6"
	[ "$status" -eq 0 ]
	netns_capture_wait 3
	netns_capture_stop
	netns_capture_decode >"$NETNS_DIR/decoded"
	cat "$NETNS_DIR/decoded"
	[ "$(wc -l <"$NETNS_DIR/decoded")" -eq 3 ]
	[ "$(grep -c "$MAC_A > 33:33:00:00:00:01, ethertype IPv6 (0x86dd), length 86: (hlim 255, next-header ICMPv6 (58) payload length: 32) $VIP6 > ff02::1: \[icmp6 sum ok\] ICMP6, neighbor advertisement, length 32, tgt is $VIP6, Flags \[override\] destination link-address option (2), length 8 (1): $MAC_A" "$NETNS_DIR/decoded")" -eq 3 ]
	gaps <"$NETNS_DIR/decoded" | all_between 0.090 0.160
}

# na_flags [OPTION...]: sends one NA for VIP6 and prints the captured
# frame's flags as tcpdump decodes them.
na_flags() {
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 136 and src host $VIP6"
	netns_a "$GARP" "$@" -c 1 -i "$IF_A" "$VIP6" || return 1
	netns_capture_wait 1 || return 1
	netns_capture_stop
	netns_capture_decode | grep -o 'Flags \[[a-z, ]*\]'
}

@test "IPv6: the Router flag is set exactly when the interface forwards" {
	netns_a sysctl -qw "net.ipv6.conf.$IF_A.forwarding=1"
	# An unsolicited NA updates an entry, it creates none (RFC 4861 §7.2.5).
	netns_b ip -6 neigh replace "$VIP6" lladdr "$STALE_MAC" dev "$IF_B" nud stale
	run na_flags
	[ "$output" = "Flags [router, override]" ]
	# The peer now keeps the VIP as a router.
	netns_b ip -6 neigh show "$VIP6" dev "$IF_B" | tee /dev/stderr | grep -q " router "

	netns_a sysctl -qw "net.ipv6.conf.$IF_A.forwarding=0"
	run na_flags
	[ "$output" = "Flags [override]" ]
	run na_flags --router
	[ "$output" = "Flags [router, override]" ]
	netns_a sysctl -qw "net.ipv6.conf.$IF_A.forwarding=1"
	run na_flags --no-router
	[ "$output" = "Flags [override]" ]
}

@test "IPv4: the GARP alone moves the peer's stale neighbour entry to our MAC" {
	netns_b ip neigh replace "$VIP4" lladdr "$STALE_MAC" dev "$IF_B" nud stale
	netns_b ip neigh show "$VIP4" dev "$IF_B" | grep -q "$STALE_MAC"
	run netns_a "$GARP" -c 1 -i "$IF_A" "$VIP4"
	[ "$status" -eq 0 ]
	run netns_b ip neigh show "$VIP4" dev "$IF_B"
	echo "$output"
	[[ "$output" == *"lladdr $MAC_A "* ]]
}

@test "IPv6: the NA alone moves the peer's stale neighbour entry to our MAC" {
	netns_b ip -6 neigh replace "$VIP6" lladdr "$STALE_MAC" dev "$IF_B" nud stale
	run netns_a "$GARP" -c 1 -i "$IF_A" "$VIP6"
	[ "$status" -eq 0 ]
	run netns_b ip -6 neigh show "$VIP6" dev "$IF_B"
	echo "$output"
	[[ "$output" == *"lladdr $MAC_A "* ]]
}

@test "a second burst follows after --repeat-delay" {
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 136 and src host $VIP6"
	run netns_a "$GARP" -c 2 -I 50 -r 400ms -i "$IF_A" "$VIP6"
	[ "$status" -eq 0 ]
	netns_capture_wait 4
	netns_capture_stop
	netns_capture_decode | gaps_are 0.040 0.100 0.390 0.480 0.040 0.100
}

@test "--background returns after the first frame; a detached child sends the rest" {
	netns_capture_start "$NS_B" "$IF_B" "arp and arp[7] == 1"
	start=$(date +%s%N)
	# run captures stdout through a pipe: it returns only once no process
	# holds the pipe, so the child must have let go of its stdio.
	run netns_a "$GARP" -b -c 3 -I 400 -i "$IF_A" "$VIP4"
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	echo "returned after $elapsed_ms ms"
	[ "$status" -eq 0 ]
	[ "$elapsed_ms" -lt 400 ]
	netns_capture_wait 3
	netns_capture_stop
	netns_capture_decode | gaps | all_between 0.380 0.480
}

@test "the burst stops once the address is removed" {
	netns_capture_start "$NS_B" "$IF_B" "arp and arp[7] == 1"
	netns_a "$GARP" -c 10 -I 200 -i "$IF_A" "$VIP4" 2>"$NETNS_DIR/err" &
	pid=$!
	netns_capture_wait 1
	netns_a ip addr del "$VIP4/24" dev "$IF_A"
	rc=0
	wait "$pid" || rc=$?
	cat "$NETNS_DIR/err"
	[ "$rc" -eq 1 ]
	grep -q "not (or no longer) on this host" "$NETNS_DIR/err"
	netns_capture_stop
	[ "$(netns_capture_count)" -lt 4 ]
}

@test "an address not on this host is refused unless --force" {
	run netns_a "$GARP" -c 1 -i "$IF_A" 198.51.100.77
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not (or no longer) on this host"* ]]
	netns_capture_start "$NS_B" "$IF_B" "arp"
	run netns_a "$GARP" -f -c 1 -i "$IF_A" 198.51.100.77
	[ "$status" -eq 0 ]
	netns_capture_wait 2
}

@test "an IFF_NOARP interface is refused with a clear error" {
	netns_a ip link set "$IF_A" arp off
	run netns_a "$GARP" -c 1 -i "$IF_A" "$VIP4"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'$IF_A'"*"IFF_NOARP"* ]]
	run netns_a "$GARP" -c 1 -i "$IF_A" "$VIP6"
	[ "$status" -eq 1 ]
	[[ "$output" == *"IFF_NOARP"* ]]
	run netns_a "$GARP" -c 1 -i lo 127.0.0.1
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not Ethernet"* ]]
}

@test "bad arguments: clear error quoting the value, exit status 2" {
	bad() {
		run netns_a "$GARP" "$@"
		echo "$* -> $status: $output"
		[ "$status" -eq 2 ]
	}
	bad -c abc -i "$IF_A" "$VIP4"
	[[ "$output" == *"--count 'abc' is not a number"* ]]
	bad -c 0 -i "$IF_A" "$VIP4"
	[[ "$output" == *"--count '0' is out of range"* ]]
	bad -c 1001 -i "$IF_A" "$VIP4"
	bad -I 5x -i "$IF_A" "$VIP4"
	[[ "$output" == *"--interval '5x' is not a duration"* ]]
	bad -I 2min -i "$IF_A" "$VIP4"
	[[ "$output" == *"--interval '2min' is out of range"* ]]
	bad -r -1 -i "$IF_A" "$VIP4"
	bad -i "$IF_A" 198.51.100.300
	[[ "$output" == *"'198.51.100.300' is not an IPv4 or IPv6 address"* ]]
	bad -i nosuchif0 "$VIP4"
	[[ "$output" == *"no interface 'nosuchif0'"* ]]
	bad "$VIP4"
	[[ "$output" == *"--interface is required"* ]]
	bad -i "$IF_A"
	[[ "$output" == *"exactly one address"* ]]
	bad -i "$IF_A" "$VIP4" "$VIP6"
	bad --bogus -i "$IF_A" "$VIP4"
	[[ "$output" == *"Usage: vnfha-garp"* ]]
	bad -i "$IF_A" 0.0.0.0
	bad -i "$IF_A" ff02::1
}

@test "--help prints the man page synopsis" {
	run "$GARP" --help
	[ "$status" -eq 0 ]
	synopsis=$(MANWIDTH=200 man -l "$VNFHA_SRCDIR/man/vnfha-garp.8" 2>/dev/null | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed -n '2,3p' | sed 's/^ *//; s/  */ /g')
	usage=$(printf '%s\n' "$output" | sed -n '1,2p' | sed 's/^Usage: //; s/^ *//')
	echo "man:   $synopsis"
	echo "usage: $usage"
	[ "$synopsis" = "$usage" ]
}
