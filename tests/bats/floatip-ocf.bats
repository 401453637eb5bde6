#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# OCF conformance of ocf:vnfha:floatip: its meta-data validates against the
# OCF 1.1 schema (tests/ocf/ra-api-1.1.rng), Pacemaker's own tools accept it
# (crm_resource --show-metadata / --validate), and resource-agents'
# ocf-tester passes it inside a namespace.
#
# Pacemaker looks for agents only under its compiled-in OCF root; the tests
# show it the built agent through an overlay in a private mount namespace
# (unshare --mount), so no system directory is written.

load floatip-common

RNG="$VNFHA_SRCDIR/tests/ocf/ra-api-1.1.rng"
DTD="$VNFHA_SRCDIR/tests/ocf/ra-api-1.1.dtd"

# with_agent COMMAND...: runs COMMAND where /usr/lib/ocf/resource.d/vnfha/
# floatip is the built agent, and ocf-tester's ra-api-1.dtd is the 1.1 one.
with_agent() {
	mkdir -p "$NETNS_DIR/ocf/vnfha"
	ln -sf "$FLOATIP" "$NETNS_DIR/ocf/vnfha/floatip"
	# shellcheck disable=SC2016 # $1, $2 and $@ are the inner shell's
	unshare --mount --propagation private bash -c '
		set -e
		mount -t overlay overlay -o "lowerdir=$1/ocf:/usr/lib/ocf/resource.d" \
			/usr/lib/ocf/resource.d
		mount --bind "$2" /usr/share/resource-agents/ra-api-1.dtd
		shift 2
		exec "$@"' with_agent "$NETNS_DIR" "$DTD" "$@"
}

@test "meta-data validates against the OCF 1.1 RelaxNG schema" {
	run "$FLOATIP" meta-data
	[ "$status" -eq 0 ]
	"$FLOATIP" meta-data | xmllint --noout --relaxng "$RNG" - 2>&1 | tee /dev/stderr |
		grep -qx -- '- validates'
}

@test "meta-data: IPaddr2's parameters, reloadable arp_*, monitor depths 0 and 10, reload-agent" {
	md=$("$FLOATIP" meta-data)
	# every parameter of resource-agents' IPaddr2 (some only to refuse them)
	for p in $(/usr/lib/ocf/resource.d/heartbeat/IPaddr2 meta-data |
		xmllint --xpath '//parameter/@name' - | sed 's/ name="\([^"]*\)"/\1 /g'); do
		grep -q "<parameter name=\"$p\"" <<<"$md" || { echo "no $p" >&2; false; }
	done
	for p in arp_count arp_interval arp_count_refresh arp_bg; do
		grep -q "<parameter name=\"$p\" required=\"0\" reloadable=\"1\"" <<<"$md"
	done
	grep -q '<parameter name="ip" required="1" reloadable="0" unique-group="ip">' <<<"$md"
	grep -q '<content type="integer" default="5"/>' <<<"$md"
	grep -q '<action name="monitor" timeout="20s" interval="10s" depth="0"/>' <<<"$md"
	grep -q '<action name="monitor" timeout="20s" interval="60s" depth="10"/>' <<<"$md"
	grep -q '<action name="reload-agent"' <<<"$md"
	grep -q '<action name="validate-all"' <<<"$md"
}

@test "crm_resource --show-metadata ocf:vnfha:floatip shows the agent's meta-data" {
	run with_agent crm_resource --show-metadata ocf:vnfha:floatip
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$FLOATIP" meta-data)" ]
	run with_agent crm_resource --list-agents ocf:vnfha
	[[ "$output" == *floatip* ]]
}

@test "crm_resource --validate accepts good parameters and names the bad one" {
	run with_agent crm_resource --validate --class ocf --agent floatip --provider vnfha \
		--option ip="$VIP4" --option cidr_netmask=24
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"returned 0 (ok)"* ]]
	run with_agent crm_resource --validate --class ocf --agent floatip --provider vnfha \
		--option ip=2001:db8::10 --option cidr_netmask=129
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *"not configured: parameter cidr_netmask='129'"* ]]
}

@test "ocf-tester passes, IPv4, inside a namespace" {
	run with_agent ip netns exec "$NS_A" ocf-tester -n vip -o ip="$VIP4" -o nic="$IF_A" \
		/usr/lib/ocf/resource.d/vnfha/floatip
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"passed all tests"* ]]
	run ! has_addr_a "$VIP4"
}

@test "ocf-tester passes, IPv6 without nic, inside a namespace" {
	run with_agent ip netns exec "$NS_A" ocf-tester -n vip -o ip="$VIP6" -o nodad=true \
		/usr/lib/ocf/resource.d/vnfha/floatip
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"passed all tests"* ]]
}

@test "man pages: generated agent pages and the findif page render cleanly with every parameter" {
	for page in "$VNFHA_BUILDDIR/man/ocf_vnfha_floatip.7" "$VNFHA_SRCDIR/man/vnfha-findif.8"; do
		run groff -man -ww -z "$page"
		echo "$page: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		run env MANWIDTH=80 man -l "$page"
		[ "$status" -eq 0 ]
	done
	text=$(MANWIDTH=200 man -l "$VNFHA_BUILDDIR/man/ocf_vnfha_floatip.7" 2>/dev/null)
	for p in $("$FLOATIP" meta-data | xmllint --xpath '//parameter/@name' - 2>/dev/null |
		sed 's/ name="\([^"]*\)"/\1 /g'); do
		grep -q "^ *$p\b" <<<"$text" || { echo "parameter $p not in the page" >&2; false; }
	done
	grep -q "pcs resource create my-floatip ocf:vnfha:floatip ip=IP" <<<"$text"
	# the remaining differences from IPaddr2, one bullet each, and the
	# parameters floatip only refuses, marked so with what to use instead
	grep -q "^ *Differences from IPaddr2 that remain:" <<<"$text"
	[ "$(grep -c '^ *• ' <<<"$text")" -ge 10 ]
	grep -q "^ *mac (not supported)" <<<"$text"
	grep -q "Refused: floatip manages one address on one node" <<<"$text"
	for page in "$VNFHA_BUILDDIR"/man/ocf_vnfha_*.7; do
		run groff -man -ww -z "$page"
		[ -z "$output" ]
	done
}

@test "vnfha-findif: usage matches the man page synopsis; answers like findif" {
	findif="$VNFHA_BUILDDIR/heartbeat-helpers/vnfha-findif"
	run "$findif" --help
	[ "$status" -eq 0 ]
	synopsis=$(MANWIDTH=200 man -l "$VNFHA_SRCDIR/man/vnfha-findif.8" 2>/dev/null |
		sed -n '/^SYNOPSIS/{n;p}' | sed 's/^ *//')
	[[ "$output" == "Usage: $synopsis"* ]]
	# findif's broadcast: the subnet's own address's, none when it has none
	run netns_a "$findif" 198.51.100.77
	[ "$output" = "$IF_A netmask 24" ]
	netns_a ip addr del 198.51.100.1/24 dev "$IF_A"
	netns_a ip addr add 198.51.100.1/24 brd + dev "$IF_A"
	run netns_a "$findif" 198.51.100.77
	[ "$output" = "$IF_A netmask 24 broadcast 198.51.100.255" ]
	run netns_a "$findif" -k 2001:db8:5::77
	[ "$output" = "$(printf 'nic=%s\ncidr_netmask=64\nbroadcast=' "$IF_A")" ]
	run "$findif" -n "$NS_A" 198.51.100.1
	[ "$output" = "$IF_A netmask 24 broadcast 198.51.100.255" ]
	run "$findif" -n "$NS_A" 203.0.113.9
	[ "$status" -eq 3 ]
	run "$findif" -n "$NS_A" -i "$IF_A" -m 255.255.255.0 203.0.113.9
	[ "$status" -eq 0 ]
	[ "$output" = "$IF_A netmask 24" ]
	# the loopback for 127.0.0.0/8, as findif
	run "$findif" -n "$NS_A" 127.0.0.9
	[ "$output" = "lo netmask 8" ]
	# resource-agents' findif says the same
	for a in 198.51.100.77 2001:db8:5::77 127.0.0.9; do
		want=$(netns_a env OCF_ROOT=/usr/lib/ocf OCF_RESKEY_ip=$a bash -c \
			'. /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs; . /usr/lib/ocf/lib/heartbeat/findif.sh; findif')
		run netns_a "$findif" "$a"
		echo "findif: '$want', vnfha-findif: '$output'"
		[ "${want% broadcast }" = "$output" ]
	done
	run "$findif" -n "$NS_A" -i nosuch0 198.51.100.9
	[ "$status" -eq 2 ]
	run "$findif" -n "$NS_A" 198.51.100.9/33
	[ "$status" -eq 2 ]
}
