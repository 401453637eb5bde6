#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What floatip start (and monitor with arp_count_refresh) puts on the wire,
# captured on the peer: gratuitous ARP / unsolicited NA from the VIP, paced
# as asked, a second burst, start returning after the first frame, the
# peer's neighbour entry moved by the announcements alone.

load floatip-common

STALE_MAC=02:00:00:00:00:99

@test "IPv4 start: 3 GARP requests + replies arrive at the peer; its ARP entry follows" {
	# GARP updates an entry, it creates none (arp_accept off).
	netns_b ip neigh replace "$VIP4" lladdr "$STALE_MAC" dev "$IF_B" nud stale
	netns_capture_start "$NS_B" "$IF_B" "arp and ether src $MAC_A"
	timed_run fip start ip="$VIP4" arp_count=3 arp_interval=100 arp_repeat_delay=0
	[ "$status" -eq 0 ]
	# start returns after the first announcement, not after the burst.
	# shellcheck disable=SC2154 # ms: set by timed_run (floatip-common.bash)
	[ "$ms" -lt 150 ]
	netns_capture_wait 6
	sleep 0.3
	netns_capture_stop
	netns_capture_decode >"$NETNS_DIR/decoded"
	cat "$NETNS_DIR/decoded"
	[ "$(grep -c "Request who-has $VIP4 tell $VIP4" "$NETNS_DIR/decoded")" -eq 3 ]
	[ "$(grep -c "Reply $VIP4 is-at $MAC_A" "$NETNS_DIR/decoded")" -eq 3 ]
	[ "$(wc -l <"$NETNS_DIR/decoded")" -eq 6 ]
	netns_b ip neigh show "$VIP4" dev "$IF_B" | tee /dev/stderr | grep -q "lladdr $MAC_A"
}

@test "IPv6 start: 3 unsolicited NAs with Override arrive; the peer's entry follows" {
	netns_b ip -6 neigh replace "$VIP6" lladdr "$STALE_MAC" dev "$IF_B" nud stale
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 136 and src host $VIP6"
	run fip start ip="$VIP6" nodad=true arp_count=3 arp_interval=100 arp_repeat_delay=0
	[ "$status" -eq 0 ]
	netns_capture_wait 3
	sleep 0.3
	netns_capture_stop
	netns_capture_decode >"$NETNS_DIR/decoded"
	cat "$NETNS_DIR/decoded"
	[ "$(wc -l <"$NETNS_DIR/decoded")" -eq 3 ]
	[ "$(grep -c "$VIP6 > ff02::1: .*neighbor advertisement, length 32, tgt is $VIP6, Flags \[override\].*$MAC_A" "$NETNS_DIR/decoded")" -eq 3 ]
	netns_b ip -6 neigh show "$VIP6" dev "$IF_B" | tee /dev/stderr | grep -q "lladdr $MAC_A"
}

@test "IPv6 start on a forwarding host sets the Router flag" {
	netns_a sysctl -qw "net.ipv6.conf.$IF_A.forwarding=1"
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 136 and src host $VIP6"
	run fip start ip="$VIP6" nodad=true arp_count=1 arp_repeat_delay=0
	[ "$status" -eq 0 ]
	netns_capture_wait 1
	netns_capture_stop
	netns_capture_decode | tee /dev/stderr | grep -q 'Flags \[router, override\]'
}

@test "the second burst comes arp_repeat_delay after the first" {
	netns_capture_start "$NS_B" "$IF_B" "arp and ether src $MAC_A and arp[6:2] == 1"
	run fip start ip="$VIP4" arp_count=2 arp_interval=100 arp_repeat_delay=400
	[ "$status" -eq 0 ]
	netns_capture_wait 4
	netns_capture_stop
	netns_capture_decode | awk '{ print $1 }' >"$NETNS_DIR/times"
	cat "$NETNS_DIR/times"
	[ "$(wc -l <"$NETNS_DIR/times")" -eq 4 ]
	# gaps: ~100 ms, ~400 ms, ~100 ms
	awk 'NR > 1 { g[NR - 1] = $1 - p } { p = $1 }
		END { exit !(g[1] > 0.08 && g[1] < 0.2 && g[2] > 0.38 && g[2] < 0.55 &&
			g[3] > 0.08 && g[3] < 0.2) }' "$NETNS_DIR/times"
}

@test "arp_bg=false: start sends the whole burst before it returns" {
	netns_capture_start "$NS_B" "$IF_B" "arp and ether src $MAC_A and arp[6:2] == 1"
	timed_run fip start ip="$VIP4" arp_count=3 arp_interval=100 arp_repeat_delay=0 arp_bg=false
	[ "$status" -eq 0 ]
	[ "$ms" -ge 190 ]
	netns_capture_wait 3 1
	netns_capture_stop
}

@test "arp_count=0: no announcement at all" {
	netns_capture_start "$NS_B" "$IF_B" "arp and ether src $MAC_A"
	run fip start ip="$VIP4" arp_count=0
	[ "$status" -eq 0 ]
	sleep 0.5
	netns_capture_stop
	[ "$(netns_capture_count)" -eq 0 ]
}

@test "monitor with arp_count_refresh re-announces (both families)" {
	fip start ip="$VIP4" arp_count=0
	fip start ip="$VIP6" nodad=true arp_count=0
	netns_capture_start "$NS_B" "$IF_B" "(arp and ether src $MAC_A and arp[6:2] == 1) or (icmp6 and ip6[40] == 136 and src host $VIP6)"
	run fip monitor ip="$VIP4" arp_count_refresh=2 arp_interval=50
	[ "$status" -eq 0 ]
	run fip monitor ip="$VIP6" arp_count_refresh=2 arp_interval=50
	[ "$status" -eq 0 ]
	netns_capture_wait 4
	netns_capture_stop
	netns_capture_decode | tee /dev/stderr >"$NETNS_DIR/decoded"
	[ "$(grep -c "Request who-has $VIP4 tell $VIP4" "$NETNS_DIR/decoded")" -eq 2 ]
	[ "$(grep -c "tgt is $VIP6" "$NETNS_DIR/decoded")" -eq 2 ]
}

@test "stop ends a background burst: no announcement after the address left" {
	netns_capture_start "$NS_B" "$IF_B" "arp and ether src $MAC_A and arp[6:2] == 1"
	run fip start ip="$VIP4" arp_count=20 arp_interval=100 arp_repeat_delay=0
	[ "$status" -eq 0 ]
	sleep 0.25
	run fip stop ip="$VIP4"
	[ "$status" -eq 0 ]
	n=$(netns_capture_count)
	sleep 0.5
	netns_capture_stop
	echo "$n before, $(netns_capture_count) after"
	[ "$(netns_capture_count)" -le $((n + 1)) ]
	[ "$(netns_capture_count)" -lt 6 ]
}
