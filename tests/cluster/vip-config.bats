#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A floating IP configured the ways users do it (pcs, crmsh) in a real
# 3-node cluster with fencing; moved by hand (pcs resource move/ban/clear).
# After every move the client's neighbour entry points at the new holder
# without the client sending anything, and no two nodes hold the address.

load lab

VIP=198.51.100.50
VIP2=198.51.100.51
# The agent under test (VNFHA_LAB_VIP_AGENT=ocf:heartbeat:IPaddr2 runs the
# same scenarios against the anchor).
VIP_AGENT=${VNFHA_LAB_VIP_AGENT:-ocf:vnfha:floatip}

setup_file() {
	lab_available || return 0
	lab_setup_file -n 3 --fencing
}

teardown_file() {
	lab_teardown_file
}

setup() {
	lab_skip_unavailable
}

teardown() {
	lab_sample_stop
}

# The client reaches IP on exactly one node, through that node's MAC.
assert_reachable_on_holder() {
	local ip=$1 h
	h=$(lab_wait_holder "$ip")
	lab client ping -c 1 -W 2 "$ip"
	[ "$(lab_client_neigh_mac "$ip")" = "$(lab mac "$h")" ]
	[ "$(lab_holders "$ip")" = "$h" ]
}

# Runs a pcs/crm command that moves the VIP, then checks it landed on one
# other node, the client's entry followed, and there never were two holders.
move_and_check() {
	local old new
	old=$(lab_wait_holder "$VIP")
	lab client ping -c 1 -W 2 "$VIP"
	lab_sample_start "$VIP"
	lab on any "$@"
	new=$(lab_wait_holder "$VIP" "$old" 30)
	lab_wait_client_mac "$VIP" "$(lab mac "$new")" 5
	lab on any crm_resource --wait --timeout=60s
	lab_sample_stop
	run lab_sample_overlaps
	echo "$output"
	[ -z "$output" ]
	lab client ping -c 1 -W 2 "$VIP"
	MOVED_TO=$new
}

other_node() { # a node number other than $1
	echo $(($1 % 3 + 1))
}

@test "pcs resource describe shows the agent's full meta-data" {
	local md name
	md=$(lab on 1 env OCF_ROOT=/usr/lib/ocf \
		"/usr/lib/ocf/resource.d/$(echo "$VIP_AGENT" | cut -d: -f2)/${VIP_AGENT##*:}" meta-data)
	run lab on 1 pcs resource describe "$VIP_AGENT"
	echo "$output"
	[ "$status" -eq 0 ]
	# the short description, every parameter and every default operation
	[[ $output == *"$(xmllint --xpath 'string(/resource-agent/shortdesc)' - <<<"$md")"* ]]
	for name in $(xmllint --xpath '/resource-agent/parameters/parameter/@name' - <<<"$md" |
		sed 's/ name="\([^"]*\)"/\1 /g'); do
		[[ $output == *"$name"* ]] || { echo "parameter $name missing" >&2; false; }
	done
	for name in start stop monitor; do
		[[ $output == *"$name"* ]]
	done
}

@test "pcs resource create: the client reaches the VIP on its holder's MAC" {
	lab on 1 pcs resource create vip "$VIP_AGENT" ip="$VIP" cidr_netmask=24 \
		op monitor interval=2s
	lab on 1 crm_resource --wait --timeout=60s
	run lab on 1 crm_resource --locate -r vip
	[[ $output == *"is running on: node"* ]]
	assert_reachable_on_holder "$VIP"
}

@test "pcs resource move: the VIP and the client's neighbour entry follow" {
	local to
	to=$(other_node "$(lab_wait_holder "$VIP")")
	move_and_check pcs resource move vip "node$to"
	[ "$MOVED_TO" = "$to" ]
	lab on any pcs resource clear vip
}

@test "pcs resource ban: the VIP leaves the node, clear lifts the ban" {
	local from
	from=$(lab_wait_holder "$VIP")
	move_and_check pcs resource ban vip "node$from"
	run lab on any pcs constraint location config resources vip
	[[ $output == *"node$from"* ]]
	lab on any pcs resource clear vip
	run lab on any pcs constraint location config resources vip
	[[ $output != *"node$from"* ]]
}

@test "crm configure primitive: the same resource through crmsh" {
	lab on 1 crm configure primitive vip2 "$VIP_AGENT" \
		params ip="$VIP2" cidr_netmask=24 op monitor interval=2s
	lab on 1 crm_resource --wait --timeout=60s
	# the CIB holds the primitive crmsh was asked for
	run lab on 1 cibadmin --query --xpath "//primitive[@id='vip2']"
	echo "$output"
	[ "$(xmllint --xpath 'concat(//@class, ":", //@provider, ":", //@type)' - <<<"$output")" = \
		"$VIP_AGENT" ]
	assert_reachable_on_holder "$VIP2"
	lab on 1 crm resource stop vip2
	lab on 1 crm_resource --wait --timeout=60s
	[ -z "$(lab_holders "$VIP2")" ]
	lab on 1 crm configure delete vip2
}
