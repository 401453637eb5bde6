#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# floatip against the real IPaddr2 (Debian's resource-agents) in throwaway
# namespaces: the same parameters give the same address (interface, prefix,
# broadcast, label, scope), each agent finds, monitors and removes what the
# other added (a resource switched from one agent to the other in place),
# and each condition gets the exit code IPaddr2 gives, except where the
# host decides (OCF_ERR_GENERIC, never CONFIGURED).

load floatip-common

# same_as_ipaddr2 NAME=VALUE...: IPaddr2 and floatip, each started with
# these parameters on a clean namespace, leave the same address line;
# each one's monitor sees the other's address and its stop removes it.
same_as_ipaddr2() {
	local ip want got kv
	for kv in "$@"; do [[ $kv == ip=* ]] && ip=${kv#ip=}; done
	run ip2 start "$@"
	echo "IPaddr2 start: $status $output"
	[ "$status" -eq 0 ]
	want=$(addr_line "$ip")
	echo "IPaddr2:  $want"
	[ -n "$want" ]
	run fip monitor "$@"
	[ "$status" -eq 0 ]
	run fip stop "$@"
	[ "$status" -eq 0 ]
	[ -z "$(addr_line "$ip")" ]
	run fip start "$@"
	echo "floatip start: $status $output"
	[ "$status" -eq 0 ]
	got=$(addr_line "$ip")
	echo "floatip:  $got"
	[ "$got" = "$want" ]
	run ip2 monitor "$@"
	[ "$status" -eq 0 ]
	run ip2 stop "$@"
	[ "$status" -eq 0 ]
	[ -z "$(addr_line "$ip")" ]
}

@test "same address as IPaddr2: connected route of a primary without broadcast" {
	same_as_ipaddr2 ip="$VIP4"
}

@test "same address as IPaddr2: the subnet's own broadcast, '+', '-', given" {
	# findif takes the broadcast of the subnet's own address
	netns_a ip addr del 198.51.100.1/24 dev "$IF_A"
	netns_a ip addr add 198.51.100.1/24 brd + dev "$IF_A"
	same_as_ipaddr2 ip="$VIP4"
	same_as_ipaddr2 ip="$VIP4" broadcast=+ cidr_netmask=25
	same_as_ipaddr2 ip="$VIP4" broadcast=-
	same_as_ipaddr2 ip="$VIP4" broadcast=198.51.100.77
}

@test "same address as IPaddr2: nic=<if>:<label>, iflabel, dotted netmask" {
	same_as_ipaddr2 ip="$VIP4" nic="$IF_A:1"
	same_as_ipaddr2 ip="$VIP4" nic="$IF_A" iflabel=vip
	# a label in nic wins over iflabel
	same_as_ipaddr2 ip="$VIP4" nic="$IF_A:x" iflabel=vip
	same_as_ipaddr2 ip="$VIP4" cidr_netmask=255.255.255.128
	# IPaddr2's old name of cidr_netmask
	same_as_ipaddr2 ip="$VIP4" netmask=26
}

@test "same address as IPaddr2: the longest connected prefix, nic's own route, nic+netmask off-subnet" {
	netns_a ip addr add 203.0.113.1/25 dev "$IF_A"
	netns_a ip link add "${NETNS_PREFIX}x" type veth peer name "${NETNS_PREFIX}y"
	netns_a ip link set "${NETNS_PREFIX}x" up
	netns_a ip link set "${NETNS_PREFIX}y" up
	netns_a ip addr add 203.0.113.129/24 dev "${NETNS_PREFIX}x"
	same_as_ipaddr2 ip=203.0.113.10
	same_as_ipaddr2 ip=203.0.113.10 nic="${NETNS_PREFIX}x"
	same_as_ipaddr2 ip=192.0.2.10 nic="$IF_A" cidr_netmask=24
}

@test "same address as IPaddr2: 127.0.0.0/8 goes on the loopback; preferred_lft is IPv6's" {
	same_as_ipaddr2 ip=127.0.0.2
	same_as_ipaddr2 ip="$VIP4" preferred_lft=0
}

@test "same IPv6 address as IPaddr2 (prefix, interface, deprecated), usable at once" {
	local want got
	run ip2 start ip="$VIP6" preferred_lft=0
	[ "$status" -eq 0 ]
	want=$(addr_line "$VIP6" | sed 's/ nodad//; s/ tentative//')
	run fip stop ip="$VIP6"
	[ "$status" -eq 0 ]
	run fip start ip="$VIP6" preferred_lft=0
	[ "$status" -eq 0 ]
	got=$(addr_line "$VIP6")
	echo "IPaddr2: $want"
	echo "floatip: $got"
	# floatip's is usable at once: added after its own DAD, with nodad
	[[ $got != *tentative* ]]
	[ "${got/ nodad/}" = "$want" ]
}

@test "switched from IPaddr2: its labelled address is found by monitor and removed by stop" {
	run ip2 start ip="$VIP4" nic="$IF_A:1"
	[ "$status" -eq 0 ]
	addr_line "$VIP4" | grep -q " $IF_A:1\$"
	# the resource's parameters unchanged, the agent now floatip
	for args in "nic=$IF_A:1" "nic=$IF_A" ""; do
		# shellcheck disable=SC2086
		run fip monitor ip=$VIP4 $args
		echo "monitor $args: $status $output"
		[ "$status" -eq 0 ]
	done
	run fip start ip="$VIP4" nic="$IF_A:1"
	[ "$status" -eq 0 ]
	[ "$(netns_a ip -o addr show | grep -c " $VIP4/")" -eq 1 ]
	run fip stop ip="$VIP4" nic="$IF_A:1"
	[ "$status" -eq 0 ]
	[ -z "$(addr_line "$VIP4")" ]
	run fip monitor ip="$VIP4" nic="$IF_A:1"
	[ "$status" -eq 7 ]
	# and the other way: IPaddr2 finds and removes floatip's
	run fip start ip="$VIP4" nic="$IF_A:1"
	[ "$status" -eq 0 ]
	run ip2 stop ip="$VIP4" nic="$IF_A:1"
	[ "$status" -eq 0 ]
	[ -z "$(addr_line "$VIP4")" ]
}

@test "stop and monitor still act on the address when other parameters are refused" {
	run ip2 start ip="$VIP4" nic="$IF_A" mac=01:00:5e:00:00:01
	[ "$status" -eq 0 ]
	run fip start ip="$VIP4" nic="$IF_A" mac=01:00:5e:00:00:01
	[ "$status" -eq 6 ]
	run fip monitor ip="$VIP4" nic="$IF_A" mac=01:00:5e:00:00:01
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"start would refuse its parameters: parameter mac='01:00:5e:00:00:01' is not supported"* ]]
	run fip stop ip="$VIP4" nic="$IF_A" mac=01:00:5e:00:00:01 broadcast=nonsense
	[ "$status" -eq 0 ]
	[ -z "$(addr_line "$VIP4")" ]
}

# both_rc WANT_IPADDR2 WANT_FLOATIP ACTION NAME=VALUE...: the exit code of
# each agent for the same condition.
both_rc() {
	local want2=$1 wantf=$2 action=$3
	shift 3
	run ip2 "$action" "$@"
	echo "IPaddr2 $action $*: $status $output"
	[ "$status" -eq "$want2" ]
	run fip "$action" "$@"
	echo "floatip $action $*: $status $output"
	[ "$status" -eq "$wantf" ]
}

@test "exit codes as IPaddr2's; the host's conditions never OCF_ERR_CONFIGURED" {
	netns_a ip route add default via 198.51.100.2
	# on no connected subnet of this node: GENERIC, the address can move
	both_rc 1 1 start ip=203.0.113.10
	both_rc 1 1 start ip=2001:db8:99::10
	both_rc 1 1 start ip=203.0.113.10 nic="$IF_A"
	OCF_CHECK_LEVEL=10 both_rc 1 1 validate-all ip=203.0.113.10
	[[ $output == *"ocf-exit-reason:ip='203.0.113.10' is on no connected subnet of any interface on this node"* ]]
	# a nic this node lacks: IPaddr2 says CONFIGURED (fatal on every node),
	# floatip GENERIC (another node may have it)
	both_rc 6 1 start ip="$VIP4" nic=nosuch0
	[[ $output == *"ocf-exit-reason:nic='nosuch0' is no interface on this node"* ]]
	# the configuration itself: CONFIGURED from both
	both_rc 6 6 start ip=198.51.100.300
	both_rc 6 6 start ip="$VIP4" cidr_netmask=33
	both_rc 6 6 start ip="$VIP4" broadcast=everyone
	both_rc 6 6 start ip=fe80::10
	both_rc 6 6 start ip="$VIP4" lvs_ipv6_addrlabel=true
	both_rc 6 6 start ip="$VIP6" lvs_support=true
	both_rc 6 6 start ip="$VIP4" arp_sender=carrier_pigeon
	both_rc 6 6 start ip="$VIP4" nic="$IF_A" iflabel=abcdefghijklm
	# monitor and stop of what is not there
	both_rc 7 7 monitor ip="$VIP4"
	both_rc 0 0 stop ip="$VIP4"
	both_rc 7 7 monitor ip=203.0.113.10
	both_rc 0 0 stop ip=203.0.113.10
	# status, IPaddr2's other name of monitor
	both_rc 7 7 status ip="$VIP4"
	run fip start ip="$VIP4"
	both_rc 0 0 status ip="$VIP4"
}

@test "a link-local address needs nic, as in IPaddr2" {
	run fip validate-all ip=fe80::10
	[ "$status" -eq 6 ]
	[[ $output == *"ip='fe80::10' is link-local: set nic"* ]]
	run fip start ip=fe80::10 nic="$IF_A" nodad=true
	[ "$status" -eq 0 ]
	addr_line fe80::10 | grep -q "inet6 fe80::10/64 scope link"
}
