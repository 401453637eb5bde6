#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:floatip, IPv6: nodad and optimistic adds, no DAD wait loop, a
# DAD failure fails start at once and leaves nothing behind.

load floatip-common

@test "IPv6 nodad: start, monitor, double start, stop, double stop" {
	timed_run fip start ip="$VIP6" nodad=true
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2154 # ms: set by timed_run (floatip-common.bash)
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

@test "IPv6 optimistic (optimistic_dad on): usable at once, no DAD wait" {
	netns_a sysctl -qw "net.ipv6.conf.$IF_A.optimistic_dad=1"
	timed_run fip start ip="$VIP6" nic="$IF_A" cidr_netmask=64
	[ "$status" -eq 0 ]
	[ "$ms" -lt 500 ]
	addrs_a | tee /dev/stderr | grep " $VIP6/64" | grep -q optimistic
	run fip monitor ip="$VIP6"
	[ "$status" -eq 0 ]
}

@test "IPv6 without optimistic DAD: start returns with DAD done, well under 10 s" {
	timed_run fip start ip="$VIP6"
	[ "$status" -eq 0 ]
	[ "$ms" -lt 3500 ]
	addrs_a | tee /dev/stderr | grep " $VIP6/64" | grep -vq tentative
	run fip monitor ip="$VIP6"
	[ "$status" -eq 0 ]
}

@test "IPv6 DAD failure: start fails at once with a clear reason, nothing left" {
	netns_b ip addr add "$VIP6/64" dev "$IF_B" nodad
	timed_run fip start ip="$VIP6"
	[ "$status" -eq 1 ]
	[ "$ms" -lt 3500 ]
	[[ "$output" == *"ocf-exit-reason:duplicate address: another host holds $VIP6 on $IF_A"* ]]
	run ! has_addr_a "$VIP6"
	run fip monitor ip="$VIP6"
	[ "$status" -eq 7 ]
}

@test "IPv6 optimistic DAD failure: start fails, or (verdict after start) monitor fails; stop cleans" {
	netns_a sysctl -qw "net.ipv6.conf.$IF_A.optimistic_dad=1"
	netns_b ip addr add "$VIP6/64" dev "$IF_B" nodad
	run fip start ip="$VIP6"
	echo "start: $status $output"
	if [ "$status" -eq 0 ]; then
		# The kernel's verdict came after start returned (1 s retransmit).
		for _ in $(seq 30); do
			addrs_a | grep " $VIP6/" | grep -q dadfailed && break
			sleep 0.1
		done
		addrs_a | grep " $VIP6/" | grep -q dadfailed
		run fip monitor ip="$VIP6"
		echo "monitor: $status $output"
		[ "$status" -eq 1 ]
	else
		[ "$status" -eq 1 ]
	fi
	[[ "$output" == *"ocf-exit-reason:duplicate address"* ]]
	run fip stop ip="$VIP6"
	[ "$status" -eq 0 ]
	run ! has_addr_a "$VIP6"
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
