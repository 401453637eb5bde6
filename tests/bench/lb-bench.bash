# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the lb benchmarks (lb-removal.sh, lb-agent.sh): sourced, not run.

# lb_bench_ns PREFIX: a network namespace $ns (PREFIX + our pid, loopback up)
# and a work directory $dir, both removed on exit with everything running in
# the namespace.
lb_bench_ns() {
	ns="$1$$"
	dir=$(mktemp -d "/tmp/vnfha-$1.XXXXXX")
	trap lb_bench_cleanup EXIT
	ip netns add "$ns"
	ip -n "$ns" link set lo up
}

lb_bench_cleanup() {
	local pid
	for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$dir"
}
