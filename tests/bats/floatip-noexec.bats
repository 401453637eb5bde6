#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# No action of ocf:vnfha:floatip runs another program (strace shows the
# agent's own execve only) or forks, except start's one announcement child.

load floatip-common

# traced ACTION [NAME=VALUE...]: runs fip under strace -f; the log holds
# execve and process-creation calls. Sets $status.
traced() {
	local action=$1
	shift
	fip_env "$@"
	run env -i "${FIP_ENV[@]}" strace -f -qq -o "$NETNS_DIR/strace" \
		-e trace=execve,execveat,fork,vfork,clone,clone3 "$FLOATIP" "$action"
	cat "$NETNS_DIR/strace"
}

execs() {
	grep -c 'execve' "$NETNS_DIR/strace"
}

forks() {
	grep -cE '(fork|clone3?)\(' "$NETNS_DIR/strace" || true
}

@test "start (announcing in the background): one execve, one fork" {
	traced start ip="$VIP4" arp_count=3 arp_interval=50
	[ "$status" -eq 0 ]
	[ "$(execs)" -eq 1 ]
	grep -q "execve(\"$FLOATIP\"" "$NETNS_DIR/strace"
	[ "$(forks)" -le 1 ]
}

@test "start without announcements, monitor (levels 0 and 10), stop, validate-all: no fork, no exec" {
	for args in "start ip=$VIP4 arp_count=0" "monitor ip=$VIP4" "validate-all ip=$VIP4" \
		"start ip=$VIP6 nodad=true arp_count=0" "monitor ip=$VIP6" "stop ip=$VIP6" \
		"stop ip=$VIP4" "meta-data"; do
		# shellcheck disable=SC2086
		traced $args
		echo "== $args: status $status"
		[ "$(execs)" -eq 1 ]
		[ "$(forks)" -eq 0 ]
	done
	fip start ip="$VIP4" arp_count=0
	OCF_CHECK_LEVEL=10 traced monitor ip="$VIP4"
	[ "$(execs)" -eq 1 ]
	[ "$(forks)" -eq 0 ]
}

@test "IPv6 start with DAD (optimistic requested): no exec, no fork" {
	traced start ip="$VIP6" arp_count=0
	[ "$status" -eq 0 ]
	[ "$(execs)" -eq 1 ]
	[ "$(forks)" -eq 0 ]
}
