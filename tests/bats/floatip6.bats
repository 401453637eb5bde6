#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:floatip, IPv6: floatip's own duplicate address detection before
# the add (no kernel DAD wait on a stock host), a duplicate fails start at
# once and leaves nothing behind; nodad skips the check.

load floatip-common

@test "IPv6 nodad: start, monitor, double start, stop, double stop" {
	timed_run fip start ip="$VIP6" nodad=true
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2154 # ms: set by timed_run
	[ "$ms" -lt 1000 ]
	addrs_a | tee /dev/stderr | grep -q "inet6 $VIP6/64 scope global nodad"
	run fip monitor ip="$VIP6"
	[ "$status" -eq 0 ]
	run fip start ip="$VIP6" nodad=true
	[ "$status" -eq 0 ]
	[ "$(addrs_a | grep -c " $VIP6/")" -eq 1 ]
	netns_b ping -6 -c 1 -W 2 "$VIP6"
	run fip stop ip="$VIP6"
	[ "$status" -eq 0 ]
	run ! has_addr_a "$VIP6"
	run fip stop ip="$VIP6"
	[ "$status" -eq 0 ]
	run fip monitor ip="$VIP6"
	[ "$status" -eq 7 ]
}

@test "IPv6 on Debian's default sysctls: floatip's own DAD, then usable at once" {
	# what a stock host has: DAD on, optimistic DAD off (a kernel DAD wait of 1-2 s)
	[ "$(netns_a sysctl -n "net.ipv6.conf.$IF_A.optimistic_dad")" = 0 ]
	[ "$(netns_a sysctl -n "net.ipv6.conf.$IF_A.accept_dad")" = 1 ]
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 135 and src host ::"
	timed_run fip start ip="$VIP6"
	[ "$status" -eq 0 ]
	# dad_timeout (200 ms) of listening, no kernel DAD wait after it
	[ "$ms" -ge 200 ]
	[ "$ms" -lt 600 ]
	netns_capture_stop
	netns_capture_decode | tee /dev/stderr >"$NETNS_DIR/decoded"
	[ "$(grep -c "> ff02::1:ff00:10: .*neighbor solicitation, length 24, who has $VIP6" \
		"$NETNS_DIR/decoded")" -eq 3 ]
	addr_line "$VIP6" | tee /dev/stderr | grep -qx "inet6 $VIP6/64 scope global nodad"
	# answers at once
	netns_b ping -6 -c 1 -W 1 "$VIP6"
	run fip monitor ip="$VIP6"
	[ "$status" -eq 0 ]
}

@test "IPv6: dad_timeout sets how long start listens" {
	timed_run fip start ip="$VIP6" dad_timeout=50
	[ "$status" -eq 0 ]
	[ "$ms" -ge 50 ]
	[ "$ms" -lt 180 ]
	run fip stop ip="$VIP6"
	timed_run fip start ip="$VIP6" dad_timeout=700
	[ "$status" -eq 0 ]
	[ "$ms" -ge 700 ]
}

@test "IPv6 duplicate: another holder fails start at once, by its MAC, nothing added" {
	netns_b ip addr add "$VIP6/64" dev "$IF_B" nodad
	timed_run fip start ip="$VIP6"
	[ "$status" -eq 1 ]
	# the holder answers the first solicitation
	[ "$ms" -lt 150 ]
	[[ "$output" == *"ocf-exit-reason:duplicate address: $MAC_B answers for $VIP6 on $IF_A (IPv6 DAD); not added"* ]]
	[ -z "$(addr_line "$VIP6")" ]
	run fip monitor ip="$VIP6"
	[ "$status" -eq 7 ]
	# nodad=true: no check, as asked
	run fip start ip="$VIP6" nodad=true
	[ "$status" -eq 0 ]
}

@test "IPv6 on a link floatip cannot probe (the loopback): the kernel's DAD verdict" {
	timed_run fip start ip=2001:db8:77::1 nic=lo cidr_netmask=128
	[ "$status" -eq 0 ]
	[ "$ms" -lt 500 ]
	netns_a ip -o addr show dev lo | grep " 2001:db8:77::1/128" | grep -vq tentative
	run fip monitor ip=2001:db8:77::1 nic=lo
	[ "$status" -eq 0 ]
	run fip stop ip=2001:db8:77::1 nic=lo
	[ "$status" -eq 0 ]
	[ -z "$(addr_line 2001:db8:77::1)" ]
}

@test "IPv6 monitor of an address whose DAD failed: 1 with a clear reason" {
	netns_b ip addr add "$VIP6/64" dev "$IF_B" nodad
	netns_a ip addr add "$VIP6/64" dev "$IF_A"
	for _ in $(seq 40); do
		addrs_a | grep " $VIP6/" | grep -q dadfailed && break
		sleep 0.1
	done
	run fip monitor ip="$VIP6"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:duplicate address: IPv6 DAD failed for $VIP6 on $IF_A"* ]]
	run fip start ip="$VIP6"
	[ "$status" -eq 1 ]
	run fip stop ip="$VIP6"
	[ "$status" -eq 0 ]
	run ! has_addr_a "$VIP6"
}

@test "IPv6 monitor after removal by hand and after link down: 7" {
	fip start ip="$VIP6" nodad=true
	netns_a ip addr del "$VIP6/64" dev "$IF_A"
	run fip monitor ip="$VIP6"
	[ "$status" -eq 7 ]
	fip start ip="$VIP6" nodad=true nic="$IF_A"
	netns_a ip link set "$IF_A" down
	run fip monitor ip="$VIP6" nic="$IF_A"
	[ "$status" -eq 7 ]
	run fip stop ip="$VIP6" nic="$IF_A"
	[ "$status" -eq 0 ]
}

@test "IPv6 level 10 monitor: a second holder answering DAD is a failure" {
	fip start ip="$VIP6" nodad=true
	OCF_CHECK_LEVEL=10 run fip monitor ip="$VIP6"
	[ "$status" -eq 0 ]
	netns_b ip addr add "$VIP6/64" dev "$IF_B" nodad
	OCF_CHECK_LEVEL=10 run fip monitor ip="$VIP6"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:duplicate address: $VIP6 on $IF_A is also held by $MAC_B"* ]]
}

@test "IPv6 noprefixroute and preferred_lft 0" {
	run fip start ip=2001:db8:77::10 nic="$IF_A" cidr_netmask=64 nodad=true noprefixroute=true \
		preferred_lft=0
	[ "$status" -eq 0 ]
	addrs_a | tee /dev/stderr | grep " 2001:db8:77::10/64" | grep -q deprecated
	[ -z "$(netns_a ip -6 route show 2001:db8:77::/64)" ]
}
