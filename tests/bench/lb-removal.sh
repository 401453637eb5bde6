#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: time from a pool member's failure to its removal from HAProxy's
# pool, and client requests failed per failure — ocf:vnfha:lbmember (member
# stopped the moment its supervisor sees the VNFC die) against HAProxy's own
# health checks alone at the same check interval, and against HAProxy tuned
# to react fast (inter/fastinter/downinter TUNED_MS, fall 1, observe layer4
# error-limit 1 on-error mark-down, option redispatch, retries 2): HAProxy
# at its best, not its defaults. Median of RUNS (>= 10).
# Runs in a network namespace of its own; needs root, haproxy, python3.
# MODES (default "vnfha hc tuned") runs only some sides; the report needs vnfha.
#   [MODES=...] tests/bench/lb-removal.sh [RUNS] [INTER_MS] [FALL] [TUNED_MS]
set -euo pipefail
runs=${1:-10} inter=${2:-1000} fall=${3:-3} tuned=${4:-100}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${VNFHA_BUILDDIR:-$src}
agent="$build/agents/lbmember"
[ -x "$agent" ] || { echo "build first: $agent is missing" >&2; exit 1; }
# shellcheck source=tests/bench/lb-bench.bash
. "$src/tests/bench/lb-bench.bash"
lb_bench_ns vhlbb
hpid=

# haproxy_config MODE: same frontend, timeouts and retries for both sides.
haproxy_config() {
	cat <<CFG
global
	stats socket $dir/admin.sock mode 600 level admin
	stats timeout 10s
defaults
	mode http
	timeout connect 1s
	timeout client 5s
	timeout server 5s
frontend fe
	bind 127.0.0.1:8080
	default_backend be
backend be
	balance roundrobin
CFG
	if [ "$1" = hc ]; then
		for n in 1 2 3; do
			printf '\tserver n%d 127.0.0.1:800%d check inter %d fall %d rise 2\n' \
				"$n" "$n" "$inter" "$fall"
		done
	fi
	if [ "$1" = tuned ]; then
		printf '\toption redispatch\n\tretries 2\n'
		for n in 1 2 3; do
			printf '\tserver n%d 127.0.0.1:800%d check inter %d fastinter %d downinter %d' \
				"$n" "$n" "$tuned" "$tuned" "$tuned"
			printf ' fall 1 rise 2 observe layer4 error-limit 1 on-error mark-down\n'
		done
	fi
}

run_mode() {
	haproxy_config "$1" >"$dir/haproxy.cfg"
	ip netns exec "$ns" haproxy -db -f "$dir/haproxy.cfg" </dev/null >"$dir/haproxy.log" 2>&1 &
	hpid=$!
	for _ in $(seq 100); do [ -S "$dir/admin.sock" ] && break; sleep 0.05; done
	ip netns exec "$ns" python3 "$src/tests/bench/lb-bench.py" "$1" "$runs" "$dir" "$agent" \
		"$src/tests/bats/lb-backend.py" "$inter" "$fall" | tee "$dir/$1.out"
	kill "$hpid"
	wait "$hpid" 2>/dev/null || true
	rm -f "$dir/admin.sock"
}

echo "lb-removal: $runs runs per side, HAProxy check inter ${inter}ms fall $fall," \
	"tuned inter ${tuned}ms, client 100 req/s"
for m in ${MODES:-vnfha hc tuned}; do
	run_mode "$m"
done
[ -e "$dir/vnfha.out" ] || exit 0
read -r _ _ v_ms v_fail < <(grep '^SUMMARY' "$dir/vnfha.out")
read -r _ _ h_ms h_fail < <(grep '^SUMMARY' "$dir/hc.out")
read -r _ _ t_ms t_fail < <(grep '^SUMMARY' "$dir/tuned.out")
python3 "$src/tests/bench/lb_load.py" report "$runs" "vnfha lbmember (supervisor + stop)" \
	"$v_ms" "$v_fail" "HAProxy checks (inter ${inter}ms fall $fall)" "$h_ms" "$h_fail" \
	"tuned HAProxy (inter ${tuned}ms fall 1 observe L4 redispatch)" "$t_ms" "$t_fail"
