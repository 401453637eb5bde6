#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-garp --probe (the duplicate-address probe floatip's level 10
# monitor runs): finds another holder on the peer side, and nobody when
# the address is free.

load netns

GARP="$VNFHA_BUILDDIR/heartbeat-helpers/vnfha-garp"

setup() {
	netns_setup
	netns_number 198.51.100 2001:db8:5
}

teardown() {
	netns_teardown
}

@test "IPv4 probe: another holder is found, with its MAC" {
	netns_b ip addr add 198.51.100.30/24 dev "$IF_B"
	run netns_a "$GARP" -p -t 1s -i "$IF_A" 198.51.100.30
	echo "$output"
	[ "$status" -eq 3 ]
	[ "$output" = "198.51.100.30 is in use on $IF_A by $MAC_B" ]
}

@test "IPv4 probe: a free address is reported free, after the timeout" {
	start=$(date +%s%N)
	run netns_a "$GARP" -p -t 300ms -i "$IF_A" 198.51.100.31
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	echo "$output ($elapsed_ms ms)"
	[ "$status" -eq 0 ]
	[ "$output" = "198.51.100.31 is free on $IF_A (no answer in 300 ms)" ]
	[ "$elapsed_ms" -ge 300 ]
	[ "$elapsed_ms" -lt 1500 ]
}

@test "IPv4 probe: an RFC 5227 probe (sender 0.0.0.0) arrives on the peer" {
	netns_capture_start "$NS_B" "$IF_B" "arp"
	run netns_a "$GARP" -p -t 300ms -i "$IF_A" 198.51.100.31
	[ "$status" -eq 0 ]
	netns_capture_wait 3
	netns_capture_stop
	[ "$(netns_capture_decode | grep -c "$MAC_A > ff:ff:ff:ff:ff:ff, .*Request who-has 198.51.100.31 tell 0.0.0.0")" -eq 3 ]
}

@test "IPv4 probe: the address we hold ourselves is not a conflict" {
	netns_a ip addr add 198.51.100.32/24 dev "$IF_A"
	run netns_a "$GARP" -p -t 300ms -i "$IF_A" 198.51.100.32
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "IPv6 probe: another holder is found, with its MAC" {
	netns_b ip addr add 2001:db8:5::30/64 dev "$IF_B" nodad
	run netns_a "$GARP" -p -t 1s -i "$IF_A" 2001:db8:5::30
	echo "$output"
	[ "$status" -eq 3 ]
	[ "$output" = "2001:db8:5::30 is in use on $IF_A by $MAC_B" ]
}

@test "IPv6 probe: a free address is reported free; the DAD NS arrives" {
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 135"
	run netns_a "$GARP" -p -t 300ms -i "$IF_A" 2001:db8:5::31
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "2001:db8:5::31 is free on $IF_A (no answer in 300 ms)" ]
	netns_capture_wait 3
	netns_capture_stop
	netns_capture_decode | tee /dev/stderr | grep -c "$MAC_A > 33:33:ff:00:00:31, .*(hlim 255, .*:: > ff02::1:ff00:31: \[icmp6 sum ok\] ICMP6, neighbor solicitation, length 24, who has 2001:db8:5::31$"
	[ "$(netns_capture_decode | grep -c "$MAC_A > 33:33:ff:00:00:31, .*:: > ff02::1:ff00:31: \[icmp6 sum ok\] ICMP6, neighbor solicitation, length 24, who has 2001:db8:5::31")" -eq 3 ]
}

@test "IPv6 probe: the address we hold ourselves is not a conflict" {
	netns_a ip addr add 2001:db8:5::32/64 dev "$IF_A" nodad
	run netns_a "$GARP" -p -t 300ms -i "$IF_A" 2001:db8:5::32
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "probe on an IFF_NOARP interface fails clearly" {
	netns_a ip link set "$IF_A" arp off
	run netns_a "$GARP" -p -t 300ms -i "$IF_A" 198.51.100.30
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"IFF_NOARP"* ]]
}
