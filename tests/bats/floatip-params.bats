#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:floatip with bad parameters: OCF_ERR_CONFIGURED (6) from start
# and validate-all with a reason naming the parameter, its value and what
# would be valid; OCF_ERR_GENERIC (1) when the value is only wrong for this
# node (no such nic, namespace or subnet here); nothing half-applied;
# monitor never says 6, stop succeeds.
# validate-all at depth 0 judges the parameters alone (pcs runs it anywhere).

load floatip-common

# rejected_with CODE NAME=VALUE... EXPECTED-REASON-PART: start and
# validate-all (depth 10) say CODE with that reason; the interface's
# addresses are unchanged; monitor is 7 and stop 0.
rejected_with() {
	local code=$1
	shift
	local want=${!#} before
	local -a kv=("${@:1:$#-1}")
	before=$(addrs_a)
	run fip start "${kv[@]}"
	echo "start: $status $output"
	[ "$status" -eq "$code" ]
	[[ "$output" == *"ocf-exit-reason:"*"$want"* ]]
	[ "$(addrs_a)" = "$before" ]
	OCF_CHECK_LEVEL=10 run fip validate-all "${kv[@]}"
	echo "validate-all: $status $output"
	[ "$status" -eq "$code" ]
	[[ "$output" == *"$want"* ]]
	run fip monitor "${kv[@]}"
	[ "$status" -eq 7 ]
	run fip stop "${kv[@]}"
	[ "$status" -eq 0 ]
}

# A parameter wrong wherever it runs: OCF_ERR_CONFIGURED (6).
rejected() {
	rejected_with 6 "$@"
}

# A parameter this node cannot serve (no such interface, namespace or
# subnet here): OCF_ERR_GENERIC (1), so the address can start on another
# node; 6 would stop it on every node.
not_here() {
	rejected_with 1 "$@"
}

@test "ip unset" {
	rejected "nic=$IF_A" "required parameter ip is not set"
}

@test "ip malformed, with a prefix, multicast, unspecified" {
	rejected ip=198.51.100.300 "parameter ip='198.51.100.300' is invalid: use one IPv4 address"
	rejected ip=198.51.100.10/24 "parameter ip='198.51.100.10/24' is invalid"
	rejected ip=vip.example.com "parameter ip='vip.example.com' is invalid"
	rejected ip=224.0.0.5 "parameter ip='224.0.0.5' is invalid: use a unicast address"
	rejected ip=:: "parameter ip='::' is invalid: use a unicast address"
}

@test "bad prefix: out of range for the family, not a netmask, non-contiguous" {
	rejected ip="$VIP4" cidr_netmask=33 "parameter cidr_netmask='33' does not fit ip='$VIP4': use 0 to 32"
	rejected ip="$VIP6" cidr_netmask=129 "parameter cidr_netmask='129' is invalid: use a prefix length"
	rejected ip="$VIP4" cidr_netmask=255.0.255.0 "parameter cidr_netmask='255.0.255.0' is invalid"
	rejected ip="$VIP6" cidr_netmask=255.255.255.0 "parameter cidr_netmask='255.255.255.0' does not fit ip='$VIP6'"
	rejected ip="$VIP4" cidr_netmask=24x "parameter cidr_netmask='24x' is invalid"
}

@test "unknown nic: 1 from start and validate-all depth 10, 0 at depth 0" {
	not_here ip="$VIP4" nic=nosuch0 "parameter nic='nosuch0' is no interface here: use one \`ip link\` lists"
	run fip validate-all ip="$VIP4" nic=nosuch0
	[ "$status" -eq 0 ]
	rejected ip="$VIP4" nic=bad/name "parameter nic='bad/name' is invalid"
}

@test "no connected subnet with nic unset: 1; with nic and cidr_netmask it starts" {
	netns_a ip route add default via 198.51.100.2
	not_here ip=203.0.113.10 "parameter ip='203.0.113.10' is on no connected subnet of any interface: set nic and cidr_netmask"
	not_here ip=2001:db8:99::10 "parameter ip='2001:db8:99::10' is on no connected subnet"
	not_here ip=203.0.113.10 nic="$IF_A" "parameter ip='203.0.113.10' is on no connected subnet of $IF_A"
	run fip validate-all ip=203.0.113.10
	[ "$status" -eq 0 ]
	run fip start ip=203.0.113.10 nic="$IF_A" cidr_netmask=24
	[ "$status" -eq 0 ]
	has_addr_a 203.0.113.10
}

@test "nonexistent network_namespace: 1 from start, 7 from monitor, 0 from stop" {
	not_here ip="$VIP4" network_namespace="${NETNS_PREFIX}none" "parameter network_namespace='${NETNS_PREFIX}none' is no network namespace here"
	run fip validate-all ip="$VIP4" network_namespace="${NETNS_PREFIX}none"
	[ "$status" -eq 0 ]
	rejected ip="$VIP4" network_namespace=../etc "parameter network_namespace='../etc' is invalid"
	not_here ip="$VIP4" network_namespace=/etc/hostname "parameter network_namespace='/etc/hostname' is no network namespace here"
}

@test "numbers and booleans: not a number, out of range, not a boolean" {
	rejected ip="$VIP4" arp_count=five "parameter arp_count='five' is not an integer"
	rejected ip="$VIP4" arp_count=1001 "parameter arp_count='1001' is out of range: use 0 to 1000"
	rejected ip="$VIP4" arp_interval=0 "parameter arp_interval='0' is out of range: use 1 to 60000"
	rejected ip="$VIP4" arp_bg=maybe "parameter arp_bg='maybe' is not a boolean: use true or false"
	rejected ip="$VIP4" nodad=2 "parameter nodad='2' is not a boolean"
	rejected ip="$VIP4" preferred_lft=soon "parameter preferred_lft='soon' is invalid: use 'forever' or a number of seconds"
}

@test "broadcast and iflabel" {
	rejected ip="$VIP4" broadcast=everyone "parameter broadcast='everyone' is invalid: use an IPv4 address"
	rejected ip="$VIP6" broadcast=198.51.100.255 "parameter broadcast='198.51.100.255' is IPv4 only"
	rejected ip="$VIP4" iflabel=a:b "parameter iflabel='a:b' is invalid"
	rejected ip="$VIP4" iflabel=abcdefghijklm "label longer than 15 characters"
}

@test "validate-all at depth 0 accepts good parameters for a host it does not know" {
	run fip validate-all ip="$VIP4" nic=eth9 cidr_netmask=24 network_namespace=elsewhere
	echo "$output"
	[ "$status" -eq 0 ]
	run fip validate-all ip=2001:db8::10 cidr_netmask=64 nodad=true arp_count=0
	[ "$status" -eq 0 ]
}
