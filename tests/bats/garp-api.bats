#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The announce.h calls ocf:vnfha:floatip makes, on a real link: the first
# announcement comes at once, the rest from one detached child that holds
# nothing of its parent's (own session, stdio on /dev/null, no other
# inherited descriptor), paced as asked, second burst included.

load garp-common

API="$VNFHA_BUILDDIR/tests/bats/announce-api"

@test "first + background: returns at once; 2 + 2 NAs, paced, second burst after the delay" {
	netns_capture_start "$NS_B" "$IF_B" "icmp6 and ip6[40] == 136 and src host $VIP6"
	start=$(date +%s%N)
	run netns_a "$API" first+background "$IF_A" "$VIP6" 2 100 300
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	echo "returned after $elapsed_ms ms: $output"
	[ "$status" -eq 0 ]
	[ "$elapsed_ms" -lt 100 ]
	netns_capture_wait 4
	netns_capture_stop
	netns_capture_decode | gaps_are 0.090 0.250 0.290 0.450 0.090 0.250
}

# is_detached PID MAX_FDS: the child has a session of its own (setsid),
# cwd /, stdin/stdout/stderr on /dev/null and besides them at most MAX_FDS
# sockets (its packet socket): the descriptor 9 the test held is gone.
is_detached() {
	[ -d "/proc/$1" ] &&
		[ "$(ps -o sid= -p "$1" | tr -d ' ')" = "$1" ] &&
		[ "$(readlink "/proc/$1/cwd")" = / ] &&
		find "/proc/$1/fd" -mindepth 1 -printf '%f %l\n' | awk '
			$1 <= 2 && $2 != "/dev/null" { bad = 1 }
			$1 > 2 && $2 !~ /^socket:/ { bad = 1 }
			END { exit bad }' &&
		[ "$(find "/proc/$1/fd" -mindepth 1 -printf '%f\n' | awk '$1 > 2' | wc -l)" -le "$2" ]
}

# check_detached PID MAX_FDS: the child may still be detaching when its
# parent returns; a bounded wait, then the verdict.
check_detached() {
	for _ in $(seq 50); do
		is_detached "$@" && return 0
		sleep 0.01
	done
	ps -o pid,sid,cmd -p "$1" >&2 || true
	ls -l "/proc/$1/fd" >&2 || true
	return 1
}

@test "start: the child is detached, holds only its socket, then exits" {
	exec 9>"$NETNS_DIR/held"
	pid=$(netns_a "$API" start "$IF_A" "$VIP4" 3 300 0)
	exec 9>&-
	echo "child $pid"
	check_detached "$pid" 1
	# It ends by itself after the burst (~600 ms).
	for _ in $(seq 40); do
		[ -d "/proc/$pid" ] || break
		sleep 0.05
	done
	# one read: it may exit between a look at /proc/PID and a read of its stat
	state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || state=gone
	echo "after the burst: $state"
	[ "$state" = gone ] || [ "$state" = Z ]
}

@test "spawn (what background uses): the child is detached too" {
	exec 9>"$NETNS_DIR/held"
	pid=$(netns_a "$API" spawn "$IF_A" "$VIP4" 3 300 0)
	exec 9>&-
	echo "child $pid"
	check_detached "$pid" 1
}

@test "start and all: 3 ARP request/reply pairs each" {
	netns_capture_start "$NS_B" "$IF_B" "arp"
	run netns_a "$API" all "$IF_A" "$VIP4" 3 50 0
	[ "$status" -eq 0 ]
	netns_capture_wait 6
	run netns_a "$API" start "$IF_A" "$VIP4" 3 50 0
	[ "$status" -eq 0 ]
	netns_capture_wait 12
	netns_capture_stop
	[ "$(netns_capture_decode | grep -c "Request who-has $VIP4 tell $VIP4")" -eq 6 ]
	[ "$(netns_capture_decode | grep -c "Reply $VIP4 is-at $MAC_A")" -eq 6 ]
}

@test "first on an IFF_NOARP link: no child, an error" {
	netns_a ip link set "$IF_A" arp off
	run netns_a "$API" start "$IF_A" "$VIP4" 3 50 0
	echo "$output"
	[ "$status" -eq 1 ]
	# no child PID was printed
	[ "$(printf '%s' "$output" | grep -cE '^[0-9]+$')" -eq 0 ]
}
