#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:floatip, IPv4, every action and return code in throwaway
# namespaces: what an admin would check with `ip addr` and a ping.

load floatip-common

@test "monitor before start: not running (7)" {
	run fip monitor ip="$VIP4"
	[ "$status" -eq 7 ]
}

@test "start without nic: interface and prefix from the connected route, findif's broadcast" {
	run fip start ip="$VIP4"
	echo "$output"
	[ "$status" -eq 0 ]
	# the subnet's own address has no broadcast: none, as findif says
	[ "$(addr_line "$VIP4")" = "inet $VIP4/24 scope global secondary $IF_A" ]
	run fip monitor ip="$VIP4"
	[ "$status" -eq 0 ]
	# The peer reaches it, through A's interface.
	netns_b ping -c 1 -W 2 "$VIP4"
	netns_b ip neigh show "$VIP4" dev "$IF_B" | grep -q "lladdr $MAC_A"
}

@test "double start and double stop succeed; one address, then none" {
	run fip start ip="$VIP4"
	[ "$status" -eq 0 ]
	run fip start ip="$VIP4"
	[ "$status" -eq 0 ]
	[ "$(addrs_a | grep -c " $VIP4/")" -eq 1 ]
	run fip stop ip="$VIP4"
	[ "$status" -eq 0 ]
	run ! has_addr_a "$VIP4"
	run fip stop ip="$VIP4"
	[ "$status" -eq 0 ]
	run fip monitor ip="$VIP4"
	[ "$status" -eq 7 ]
}

@test "stop of an address never started succeeds" {
	run fip stop ip="$VIP4" nic="$IF_A" cidr_netmask=24
	[ "$status" -eq 0 ]
}

@test "start returns only when monitor passes" {
	run fip start ip="$VIP4" nic="$IF_A"
	[ "$status" -eq 0 ]
	run fip monitor ip="$VIP4" nic="$IF_A"
	[ "$status" -eq 0 ]
}

@test "monitor after the address was removed by hand: 7, and start puts it back" {
	fip start ip="$VIP4"
	netns_a ip addr del "$VIP4/24" dev "$IF_A"
	run fip monitor ip="$VIP4"
	[ "$status" -eq 7 ]
	run fip start ip="$VIP4"
	[ "$status" -eq 0 ]
	has_addr_a "$VIP4"
}

@test "monitor after link down: 7 (never 6); start on a down link fails" {
	fip start ip="$VIP4" nic="$IF_A"
	netns_a ip link set "$IF_A" down
	run fip monitor ip="$VIP4" nic="$IF_A"
	echo "$output"
	[ "$status" -eq 7 ]
	run fip monitor ip="$VIP4"
	[ "$status" -eq 7 ]
	run fip stop ip="$VIP4" nic="$IF_A"
	[ "$status" -eq 0 ]
	run fip start ip="$VIP4" nic="$IF_A" cidr_netmask=24
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:interface $IF_A is down"* ]]
	run ! has_addr_a "$VIP4"
}

@test "monitor after the peer's link went away (no carrier): 7" {
	fip start ip="$VIP4"
	netns_b ip link set "$IF_B" down
	run fip monitor ip="$VIP4"
	[ "$status" -eq 7 ]
}

@test "nic, dotted cidr_netmask, broadcast, iflabel; preferred_lft is IPv6's (as IPaddr2)" {
	run fip start ip="$VIP4" nic="$IF_A" cidr_netmask=255.255.255.128 broadcast=198.51.100.127 \
		iflabel=vip preferred_lft=0
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(addr_line "$VIP4")" = "inet $VIP4/25 brd 198.51.100.127 scope global $IF_A:vip" ]
	run fip monitor ip="$VIP4" nic="$IF_A"
	[ "$status" -eq 0 ]
}

@test "broadcast '-' clears the host bits (iproute2's brd -); noprefixroute adds no route" {
	run fip start ip=203.0.113.10 nic="$IF_A" cidr_netmask=24 broadcast=- noprefixroute=true
	echo "$output"
	[ "$status" -eq 0 ]
	addr_line 203.0.113.10 | tee /dev/stderr |
		grep -qx "inet 203.0.113.10/24 brd 203.0.113.0 scope global noprefixroute $IF_A"
	[ -z "$(netns_a ip route show 203.0.113.0/24)" ]
	run fip stop ip=203.0.113.10 nic="$IF_A"
	[ "$status" -eq 0 ]
	# Without noprefixroute the kernel adds the subnet's route.
	fip start ip=203.0.113.10 nic="$IF_A" cidr_netmask=24
	netns_a ip route show 203.0.113.0/24 | grep -q "dev $IF_A"
}

@test "an address held on another interface is not taken over" {
	netns_a ip link add "${NETNS_PREFIX}x" type veth peer name "${NETNS_PREFIX}y"
	netns_a ip addr add "$VIP4/32" dev "${NETNS_PREFIX}x"
	run fip start ip="$VIP4" nic="$IF_A" cidr_netmask=24
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:$VIP4 is already on interface ${NETNS_PREFIX}x, not on nic=$IF_A"* ]]
	run ! has_addr_a "$VIP4"
	run fip monitor ip="$VIP4" nic="$IF_A"
	[ "$status" -eq 7 ]
	# stop leaves the other interface's address alone.
	run fip stop ip="$VIP4" nic="$IF_A"
	[ "$status" -eq 0 ]
	netns_a ip -o addr show dev "${NETNS_PREFIX}x" | grep -q " $VIP4/32"
}

@test "level 10 monitor: another holder is a failure with a clear reason" {
	fip start ip="$VIP4"
	OCF_CHECK_LEVEL=10 run fip monitor ip="$VIP4"
	[ "$status" -eq 0 ]
	# B claims the same address: a duplicate.
	netns_b ip addr add "$VIP4/24" dev "$IF_B"
	OCF_CHECK_LEVEL=10 run fip monitor ip="$VIP4"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:duplicate address: $VIP4 on $IF_A is also held by $MAC_B"* ]]
	# Level 0 only looks at this host: running.
	run fip monitor ip="$VIP4"
	[ "$status" -eq 0 ]
}

@test "run inside the namespace instead of network_namespace" {
	run netns_a env OCF_ROOT=/usr/lib/ocf OCF_RESKEY_ip="$VIP4" "$FLOATIP" start
	[ "$status" -eq 0 ]
	has_addr_a "$VIP4"
	run netns_a env OCF_RESKEY_ip="$VIP4" "$FLOATIP" monitor
	[ "$status" -eq 0 ]
	run netns_a env OCF_RESKEY_ip="$VIP4" "$FLOATIP" stop
	[ "$status" -eq 0 ]
	run ! has_addr_a "$VIP4"
}

@test "validate-all, reload-agent, meta-data, usage; unknown action is 3" {
	run fip validate-all ip="$VIP4"
	[ "$status" -eq 0 ]
	OCF_CHECK_LEVEL=10 run fip validate-all ip="$VIP4"
	[ "$status" -eq 0 ]
	run fip reload-agent ip="$VIP4" arp_count=3
	[ "$status" -eq 0 ]
	run fip meta-data
	[ "$status" -eq 0 ]
	[[ "$output" == *'<resource-agent name="floatip"'* ]]
	run fip promote ip="$VIP4"
	[ "$status" -eq 3 ]
	run fip monitors ip="$VIP4"
	[ "$status" -eq 3 ]
	run "$FLOATIP"
	[ "$status" -eq 2 ]
}
