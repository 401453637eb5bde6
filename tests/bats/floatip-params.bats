#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:floatip with bad parameters: OCF_ERR_CONFIGURED (6) from start
# and validate-all with a reason naming the parameter, its value and what
# would be valid; OCF_ERR_GENERIC (1) when the value is only wrong for this
# node (no such nic, namespace or subnet here); nothing half-applied;
# monitor never says 6, stop succeeds.
# validate-all at depth 0 judges the parameters alone (pcs runs it anywhere).
# What this node lacks (an interface, a subnet, a namespace) is never 6.

load floatip-common

# rejected_with CODE NAME=VALUE... EXPECTED-REASON-PART: start and
# validate-all (depth 10) say CODE with that reason; the interface's
# addresses are unchanged; monitor is 7 and stop 0.
rejected_with() {
	local code=$1
	shift
	local want=${!#} before
	local -a kv=("${@:1:$#-1}")
	before=$(addr_set_a)
	run fip start "${kv[@]}"
	echo "start: $status $output"
	[ "$status" -eq "$code" ]
	[[ "$output" == *"ocf-exit-reason:"*"$want"* ]]
	[ "$(addr_set_a)" = "$before" ]
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
	rejected ip="$VIP4" cidr_netmask=33 "parameter cidr_netmask='33' does not fit ip='$VIP4': use 1 to 32"
	rejected ip="$VIP4" cidr_netmask=0 "parameter cidr_netmask='0' is invalid: use a prefix length (1 to 32"
	rejected ip="$VIP4" cidr_netmask=0.0.0.0 "parameter cidr_netmask='0.0.0.0' is invalid"
	rejected ip="$VIP6" cidr_netmask=129 "parameter cidr_netmask='129' is invalid: use a prefix length"
	rejected ip="$VIP4" cidr_netmask=255.0.255.0 "parameter cidr_netmask='255.0.255.0' is invalid"
	rejected ip="$VIP6" cidr_netmask=255.255.255.0 "parameter cidr_netmask='255.255.255.0' does not fit ip='$VIP6'"
	rejected ip="$VIP4" cidr_netmask=24x "parameter cidr_netmask='24x' is invalid"
}

@test "a nic this node lacks: 1 from start and validate-all depth 10, 0 at depth 0; a bad name 6" {
	not_here ip="$VIP4" nic=nosuch0 "nic='nosuch0' is no interface on this node"
	run fip validate-all ip="$VIP4" nic=nosuch0
	[ "$status" -eq 0 ]
	rejected ip="$VIP4" nic=bad/name "parameter nic='bad/name' is invalid"
	rejected ip="$VIP4" nic=eth0: "parameter nic='eth0:' is invalid"
	rejected ip="$VIP4" nic=:1 "parameter nic=':1' is invalid"
	rejected ip="$VIP4" nic=abcdefghij:klmno "parameter nic='abcdefghij:klmno' is invalid"
}

@test "no connected subnet of this node: 1, so the address moves; with nic and cidr_netmask it starts" {
	netns_a ip route add default via 198.51.100.2
	not_here ip=203.0.113.10 "ip='203.0.113.10' is on no connected subnet of any interface on this node"
	not_here ip=2001:db8:99::10 "ip='2001:db8:99::10' is on no connected subnet"
	not_here ip=203.0.113.10 nic="$IF_A" "ip='203.0.113.10' is on no connected subnet of nic=$IF_A"
	run fip validate-all ip=203.0.113.10
	[ "$status" -eq 0 ]
	run fip start ip=203.0.113.10 nic="$IF_A" cidr_netmask=24
	[ "$status" -eq 0 ]
	has_addr_a 203.0.113.10
}

@test "nonexistent network_namespace: 1 from start, 7 from monitor, 0 from stop; a bad name 6" {
	not_here ip="$VIP4" network_namespace="${NETNS_PREFIX}"none "network_namespace='${NETNS_PREFIX}none' does not exist on this node"
	run fip validate-all ip="$VIP4" network_namespace="${NETNS_PREFIX}"none
	[ "$status" -eq 0 ]
	not_here ip="$VIP4" network_namespace=/etc/hostname "network_namespace='/etc/hostname' does not exist"
	rejected ip="$VIP4" network_namespace=../etc "parameter network_namespace='../etc' is invalid"
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
	rejected ip="$VIP4" iflabel="a b" "parameter iflabel='a b' is invalid"
	rejected ip="$VIP4" iflabel=a/b "parameter iflabel='a/b' is invalid"
	rejected ip="$VIP4" iflabel=abcdefghijklmn "parameter iflabel='abcdefghijklmn' is invalid"
	# too long only with the interface findif chose on this node: the node's
	not_here ip="$VIP4" iflabel=abcdefghijklm "the label $IF_A:abcdefghijklm is longer than 15 characters on the interface findif chose on this node"
	rejected ip="$VIP4" nic="$IF_A" iflabel=abcdef "the label $IF_A:abcdef is longer than 15 characters"
}

@test "validate-all at depth 0 accepts good parameters for a host it does not know" {
	run fip validate-all ip="$VIP4" nic=eth9 cidr_netmask=24 network_namespace=elsewhere
	echo "$output"
	[ "$status" -eq 0 ]
	run fip validate-all ip=2001:db8::10 cidr_netmask=64 nodad=true arp_count=0
	[ "$status" -eq 0 ]
}

@test "IPaddr2's CLUSTERIP parameters: refused by name with what to use instead; defaults pass" {
	rejected ip="$VIP4" mac=01:00:5e:00:00:01 "parameter mac='01:00:5e:00:00:01' is not supported: floatip manages one address on one node and has no CLUSTERIP load sharing"
	rejected ip="$VIP4" clusterip_hash=sourceip "parameter clusterip_hash='sourceip' is not supported: floatip manages one address"
	rejected ip="$VIP4" unique_clone_address=true "parameter unique_clone_address='true' is not supported: floatip never runs as a clone: make one floatip resource per address"
	run fip validate-all ip="$VIP4" clusterip_hash=sourceip-sourceport unique_clone_address=false
	[ "$status" -eq 0 ]
	run fip meta-data
	grep -A2 '<parameter name="mac"' <<<"$output" | grep -q '<deprecated>'
}

@test "floatip refuses to run as a clone" {
	fip_env ip="$VIP4"
	run env -i "${FIP_ENV[@]}" OCF_RESKEY_CRM_meta_clone_max=3 OCF_RESKEY_CRM_meta_clone=1 \
		"$FLOATIP" start
	echo "$output"
	[ "$status" -eq 6 ]
	[[ $output == *"ocf-exit-reason:floatip cannot run as a clone (clone-max=3): it would put the same address on every node"* ]]
	[ -z "$(addr_line "$VIP4")" ]
	run env -i "${FIP_ENV[@]}" OCF_RESKEY_CRM_meta_clone_max=3 "$FLOATIP" validate-all
	[ "$status" -eq 6 ]
	# a primitive under Pacemaker
	run env -i "${FIP_ENV[@]}" OCF_RESKEY_CRM_meta_on_node=node1 "$FLOATIP" validate-all
	[ "$status" -eq 0 ]
}

@test "IPaddr2's combinations: lvs_support is IPv4's, lvs_ipv6_addrlabel IPv6's; arp_sender and send_arp_opts" {
	rejected ip="$VIP6" lvs_support=true "parameter lvs_support=true is IPv4 only but ip='$VIP6' is IPv6: use lvs_ipv6_addrlabel=true"
	rejected ip="$VIP4" lvs_ipv6_addrlabel=true "parameter lvs_ipv6_addrlabel=true is IPv6 only"
	rejected ip="$VIP6" lvs_ipv6_addrlabel=true lvs_ipv6_addrlabel_value=-1 "parameter lvs_ipv6_addrlabel_value='-1' is out of range"
	rejected ip="$VIP4" arp_sender=ipoibarping "parameter arp_sender=ipoibarping: floatip announces on Ethernet only; keep ocf:heartbeat:IPaddr2 for an IPoIB interface"
	rejected ip="$VIP4" arp_sender=arping "parameter arp_sender='arping' is not a valid choice: use one of send_arp, iputils_arping, libnet_arping, ipoibarping"
	rejected ip="$VIP4" arp_sender=iputils_arping send_arp_opts="-A -s 1.2.3.4" "parameter send_arp_opts='-A -s 1.2.3.4': floatip sends the ARP frames itself and does not take '-s' for arp_sender=iputils_arping"
	rejected ip="$VIP4" send_arp_opts="-A" "does not take '-A' for arp_sender=send_arp; it takes -i N, -r N, -p FILE"
	rejected ip="$VIP4" send_arp_opts="-i" "does not take '-i' for arp_sender=send_arp"
	rejected ip="$VIP4" send_arp_opts="'-A" "parameter send_arp_opts=''-A' is invalid: use options separated by blanks"
	run fip validate-all ip="$VIP4" arp_sender=iputils_arping send_arp_opts="-A -c 3 -q"
	[ "$status" -eq 0 ]
	# IPv6 takes no ARP options, as IPaddr2: they change nothing there
	run fip validate-all ip="$VIP6" arp_sender=ipoibarping send_arp_opts="-x"
	[ "$status" -eq 0 ]
}

@test "a parameter floatip does not know is logged, not ignored silently" {
	run fip start ip="$VIP4" lvs_supprot=true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"WARNING: parameter lvs_supprot is not a parameter of floatip: ignored"* ]]
	run fip validate-all ip="$VIP4" lvs_supprot=true
	[[ $output == *"parameter lvs_supprot is not a parameter of floatip"* ]]
	# what Pacemaker adds of its own is no user's parameter
	run fip validate-all ip="$VIP4" crm_feature_set=3.16.2 CRM_meta_timeout=20000
	[ "$status" -eq 0 ]
	[[ $output != *"not a parameter"* ]]
}
