# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by garp.bats and garp-api.bats: a veth pair numbered from
# 198.51.100.0/24 and 2001:db8:5::/64, the VIPs on side A, and timing checks.

load netns

VIP4=198.51.100.10
VIP6=2001:db8:5::10

setup() {
	netns_setup
	netns_number 198.51.100 2001:db8:5
	netns_a ip addr add "$VIP4/24" dev "$IF_A"
	netns_a ip addr add "$VIP6/64" dev "$IF_A" nodad
}

teardown() {
	netns_teardown
}

# Seconds between consecutive timestamps (first field) of the lines on stdin.
gaps() {
	awk 'NR > 1 { printf "%.3f\n", $1 - prev } { prev = $1 }'
}

# all_between MIN MAX: every number on stdin is within [MIN, MAX].
all_between() {
	awk -v lo="$1" -v hi="$2" '$1 < lo || $1 > hi { bad = 1; print "gap " $1 " outside " lo ".." hi > "/dev/stderr" } END { exit bad }'
}

# gaps_are LO HI [LO HI...]: the frames on stdin (decoded, timestamp first)
# are one more than the pairs given, and the n-th gap lies in the n-th range.
gaps_are() {
	gaps | tee /dev/stderr | awk -v ranges="$*" '
		BEGIN { n = split(ranges, r, " ") / 2 }
		{ if (NR > n || $1 < r[2 * NR - 1] || $1 > r[2 * NR]) bad = 1 }
		END { if (NR != n) bad = 1; exit bad }'
}
