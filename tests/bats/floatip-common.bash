# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the floatip*.bats tests: two namespaces on a veth pair
# (198.51.100.0/24 and 2001:db8:5::/64; A holds .1 / ::1, B .2 / ::2), the
# built agent run the way pacemaker-execd runs it (OCF_* environment, action
# as the only argument), entering namespace A by itself (network_namespace).

load netns

# `run !` (a negated assertion that fails the test wherever it stands) needs 1.5.
bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # for the .bats files that load this
VIP4=198.51.100.10
# shellcheck disable=SC2034 # for the .bats files that load this
VIP6=2001:db8:5::10
FLOATIP="$VNFHA_BUILDDIR/agents/floatip"

setup() {
	netns_setup
	netns_number 198.51.100 2001:db8:5
}

teardown() {
	netns_teardown
}

# fip_env [NAME=VALUE...]: FIP_ENV gets the environment pacemaker-execd
# would give the agent: OCF_RESKEY_NAME=VALUE for each pair
# (network_namespace=$NS_A unless given) and OCF_CHECK_LEVEL when set;
# HA_RSCTMP (where IPaddr2 and floatip keep state) is the test's.
fip_env() {
	local kv
	mkdir -p "$NETNS_DIR/rsctmp"
	FIP_ENV=(PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=vip
		"HA_RSCTMP=$NETNS_DIR/rsctmp" "OCF_RESKEY_network_namespace=$NS_A")
	[ -n "${OCF_CHECK_LEVEL:-}" ] && FIP_ENV+=("OCF_CHECK_LEVEL=$OCF_CHECK_LEVEL")
	for kv in "$@"; do
		FIP_ENV+=("OCF_RESKEY_$kv")
	done
}

# fip ACTION [NAME=VALUE...]: runs the agent in that environment. Prints
# the agent's output; returns its exit code.
fip() {
	local action=$1
	shift
	fip_env "$@"
	env -i "${FIP_ENV[@]}" "$FLOATIP" "$action" 2>&1
}

# ip2 ACTION [NAME=VALUE...]: resource-agents' IPaddr2, the anchor, in the
# same environment (Debian's resource-agents package).
IPADDR2=/usr/lib/ocf/resource.d/heartbeat/IPaddr2
ip2() {
	local action=$1
	shift
	fip_env "$@"
	env -i "${FIP_ENV[@]}" "$IPADDR2" "$action" 2>&1
}

# addr_line IP: how namespace A holds IP ("inet 198.51.100.10/24 brd ...
# scope global secondary eth0:1"), lifetimes cut; nothing when it does not.
addr_line() {
	netns_a ip -o addr show | awk -v ip="$1" 'index($4, ip "/") == 1 {
		sub(/^[0-9]+: [^ ]+ +/, ""); sub(/\\.*/, ""); sub(/ +$/, ""); print }'
}

# addrs_a: the addresses on IF_A, one per line ("198.51.100.10/24 ...").
addrs_a() {
	netns_a ip -o addr show dev "$IF_A" | awk '{ $1 = $2 = ""; print }'
}

# addr_set_a: the addresses on IF_A alone, without their flags and
# lifetimes (a fresh veth's link-local address leaves DAD's "tentative" at
# its own time), for "nothing was added or removed" checks.
addr_set_a() {
	netns_a ip -o addr show dev "$IF_A" | awk '{ print $3, $4 }' | sort
}

has_addr_a() {
	netns_a ip -o addr show dev "$IF_A" | grep -q " $1/"
}

# elapsed_ms COMMAND...: runs it (status in $status, output in $output)
# and sets $ms to its wall time.
timed_run() {
	local t0
	t0=$(date +%s%N)
	run "$@"
	ms=$((($(date +%s%N) - t0) / 1000000))
	# shellcheck disable=SC2154 # status, output: set by bats' run
	echo "status $status after $ms ms: $output"
}
