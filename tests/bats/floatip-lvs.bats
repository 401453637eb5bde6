#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# IPaddr2's side parameters in floatip, each with IPaddr2's meaning, in
# throwaway namespaces: lvs_support (the loopback copy moved and put back,
# remembered where IPaddr2 remembers it), lvs_ipv6_addrlabel, flush_routes,
# run_arping, arp_sender / send_arp_opts (which ARP frames go out).

load floatip-common

lo_has() {
	netns_a ip -o addr show dev lo | grep -q " $1/32 "
}

@test "lvs_support: start moves the /32 off the loopback, stop puts it back" {
	netns_a ip addr add "$VIP4/32" dev lo
	run fip start ip="$VIP4" lvs_support=true
	echo "$output"
	[ "$status" -eq 0 ]
	run lo_has "$VIP4"
	[ "$status" -ne 0 ]
	addr_line "$VIP4" | grep -q " $IF_A\$"
	# remembered as IPaddr2 does: $HA_RSCTMP/<ip>, its format
	[ "$(cat "$NETNS_DIR/rsctmp/$VIP4")" = "$VIP4 32 255.255.255.255 lo" ]
	run fip monitor ip="$VIP4" lvs_support=true
	[ "$status" -eq 0 ]
	run fip stop ip="$VIP4" lvs_support=true
	[ "$status" -eq 0 ]
	lo_has "$VIP4"
	[ ! -e "$NETNS_DIR/rsctmp/$VIP4" ]
	netns_a ip -o addr show dev lo | grep " $VIP4/32 " | grep -q "brd 255.255.255.255"
	# the loopback copy alone: not running
	run fip monitor ip="$VIP4" lvs_support=true
	[ "$status" -eq 7 ]
}

@test "lvs_support across agents: IPaddr2 took the loopback copy, floatip puts it back" {
	netns_a ip addr add "$VIP4/32" dev lo
	run ip2 start ip="$VIP4" lvs_support=true
	[ "$status" -eq 0 ]
	run lo_has "$VIP4"
	[ "$status" -ne 0 ]
	run fip stop ip="$VIP4" lvs_support=true
	[ "$status" -eq 0 ]
	lo_has "$VIP4"
	[ "$(addr_line "$VIP4" | grep -c -v ' lo$')" -eq 0 ]
	# and back
	run fip start ip="$VIP4" lvs_support=true
	[ "$status" -eq 0 ]
	run ip2 stop ip="$VIP4" lvs_support=true
	[ "$status" -eq 0 ]
	lo_has "$VIP4"
}

@test "without lvs_support the loopback copy stays, as IPaddr2" {
	netns_a ip addr add "$VIP4/32" dev lo
	run fip start ip="$VIP4"
	[ "$status" -eq 0 ]
	lo_has "$VIP4"
	addr_line "$VIP4" | grep -q " $IF_A\$"
	run fip stop ip="$VIP4"
	[ "$status" -eq 0 ]
	lo_has "$VIP4"
	[ "$(addr_line "$VIP4" | grep -c -v ' lo$')" -eq 0 ]
}

@test "lvs_ipv6_addrlabel: the address gets its label while started" {
	run fip start ip="$VIP6" lvs_ipv6_addrlabel=true lvs_ipv6_addrlabel_value=77
	[ "$status" -eq 0 ]
	netns_a ip addrlabel list | tee /dev/stderr | grep -q "prefix $VIP6/128 label 77"
	run fip stop ip="$VIP6" lvs_ipv6_addrlabel=true lvs_ipv6_addrlabel_value=77
	[ "$status" -eq 0 ]
	run bash -c "ip netns exec $NS_A ip addrlabel list | grep '$VIP6/128'"
	[ "$status" -ne 0 ]
	# IPaddr2's default label, and IPaddr2 removing floatip's
	run fip start ip="$VIP6" lvs_ipv6_addrlabel=true
	netns_a ip addrlabel list | grep -q "prefix $VIP6/128 label 99"
	run ip2 stop ip="$VIP6" lvs_ipv6_addrlabel=true
	[ "$status" -eq 0 ]
	run bash -c "ip netns exec $NS_A ip addrlabel list | grep '$VIP6/128'"
	[ "$status" -ne 0 ]
}

# flush_writes ACTION FAMILY-FILE NAME=VALUE...: the agent's writes to
# /proc/sys/net/<family>/route/flush, as strace sees them.
flush_writes() {
	local action=$1
	shift
	fip_env "$@"
	env -i "${FIP_ENV[@]}" strace -qq -e trace=openat,write -o "$NETNS_DIR/strace" \
		"$FLOATIP" "$action" >/dev/null 2>&1
	grep -A1 'route/flush' "$NETNS_DIR/strace" || true
}

@test "flush_routes: stop flushes the address's family's routing cache, only when asked" {
	fip start ip="$VIP4"
	run flush_writes stop ip="$VIP4" flush_routes=true
	echo "$output"
	[[ $output =~ 'openat(AT_FDCWD, "/proc/sys/net/ipv4/route/flush", O_WRONLY|O_CLOEXEC) = '([0-9]+) ]]
	[[ $output =~ "write(${BASH_REMATCH[1]}, \"-1\", 2) "\ +"= 2" ]]
	fip start ip="$VIP6" nodad=true
	run flush_writes stop ip="$VIP6" flush_routes=true
	[[ $output =~ '"/proc/sys/net/ipv6/route/flush", O_WRONLY|O_CLOEXEC) = '([0-9]+) ]]
	[[ $output =~ "write(${BASH_REMATCH[1]}, \"-1\", 2) "\ +"= 2" ]]
	fip start ip="$VIP4"
	run flush_writes stop ip="$VIP4"
	[ -z "$output" ]
}

@test "run_arping: another IPv4 holder fails start before the add; none, it starts" {
	netns_b ip addr add "$VIP4/24" dev "$IF_B"
	timed_run fip start ip="$VIP4" run_arping=true
	[ "$status" -eq 1 ]
	[[ $output == *"ocf-exit-reason:duplicate address: $MAC_B answers for $VIP4 on $IF_A (ARP probe); not added"* ]]
	[ -z "$(addr_line "$VIP4")" ]
	# without run_arping, as IPaddr2: no check
	run fip start ip="$VIP4"
	[ "$status" -eq 0 ]
	run fip stop ip="$VIP4"
	netns_b ip addr del "$VIP4/24" dev "$IF_B"
	timed_run fip start ip="$VIP4" run_arping=true probe_timeout=300
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2154 # ms: set by timed_run
	[ "$ms" -ge 300 ]
}

# arp_frames NAME=VALUE...: the ARP frames start sends for VIP4 (2
# announcements, no second burst), as the peer sees them: one per line.
arp_frames() {
	netns_capture_start "$NS_B" "$IF_B" "arp and ether src $MAC_A"
	fip start ip="$VIP4" arp_count=2 arp_interval=50 arp_repeat_delay=0 arp_bg=false "$@" \
		>/dev/null
	sleep 0.2
	netns_capture_stop
	netns_capture_decode | sed -n 's/.*\(Request who-has\|Reply\) .*/\1/p'
	fip stop ip="$VIP4" >/dev/null
}

@test "arp_sender and send_arp_opts choose the frames IPaddr2's program would send" {
	# send_arp (the default): a request and a reply per announcement
	run arp_frames
	[ "$(tr '\n' ' ' <<<"$output")" = "Request who-has Reply Request who-has Reply " ]
	run arp_frames arp_sender=send_arp send_arp_opts="-i 10 -r 9"
	[ "$(tr '\n' ' ' <<<"$output")" = "Request who-has Reply Request who-has Reply " ]
	# arping -U: requests
	run arp_frames arp_sender=iputils_arping
	[ "$(tr '\n' ' ' <<<"$output")" = "Request who-has Request who-has " ]
	# arping -A: replies
	run arp_frames arp_sender=iputils_arping send_arp_opts=-A
	[ "$(tr '\n' ' ' <<<"$output")" = "Reply Reply " ]
	run arp_frames arp_sender=libnet_arping send_arp_opts="-P -q"
	[ "$(tr '\n' ' ' <<<"$output")" = "Reply Reply " ]
}
