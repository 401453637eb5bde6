#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: the load balancer as the cluster manager. Time from a VNFC's
# failure (kill, hang) to its removal from HAProxy's pool and to the VNFM's
# event (vnfha-lbwatch), and client requests failed per failure, for
#   tcp         HAProxy's plain TCP checks, check inter INTER fall 3 rise 2
#   tuned       HAProxy tuned to react fast: inter/fastinter/downinter TUNED,
#               fall 1, observe layer4 error-limit 1 on-error mark-down,
#               option redispatch, retries 2
#   agent       vnfha: agent-check answered by the VNFC (libvnfha
#               vnfha_lbagent_*, heartbeat timeout 300 ms), check and agent
#               every INTER, fall 1
#   agent+tuned vnfha's agent-check on top of the tuned settings (agent-inter TUNED)
# side by side in one run, each with the same three VNFCs, client (100
# req/s, a new connection each) and lbwatch (its defaults). Medians of RUNS
# per kind, with the spread. The Pacemaker path (ocf:vnfha:lbmember, which
# needs the cluster lab) is a column of its own when LB_CLUSTER_OUT names
# the output of tests/bench/lb-cluster.sh (run it under the lab lock).
# Needs root, haproxy, python3.
# SEED (default: random, printed) places each failure between two checks.
#   [SEED=N] [LB_CLUSTER_OUT=FILE] tests/bench/lb-agent.sh [RUNS] [INTER_MS] [TUNED_MS] [KINDS]
set -euo pipefail
runs=${1:-10} inter=${2:-1000} tuned=${3:-100} kinds=${4:-kill,hang}
window=5 seed=${SEED:-$RANDOM}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${VNFHA_BUILDDIR:-$src}
vnfc="$build/tests/bats/lb-vnfc" lbwatch="$build/src/lbwatch/vnfha-lbwatch"
for f in "$vnfc" "$lbwatch"; do
	[ -x "$f" ] || { echo "build first (make check builds $f)" >&2; exit 1; }
done
# shellcheck source=tests/bench/lb-bench.bash
. "$src/tests/bench/lb-bench.bash"
lb_bench_ns vhlba

tuned_opts="inter $tuned fastinter $tuned downinter $tuned fall 1 rise 2 observe layer4 error-limit 1 on-error mark-down"
haproxy_config() {
	local srv retries=0 redispatch="" n
	case $1 in
	tcp) srv="check inter $inter fall 3 rise 2" ;;
	tuned) srv="check $tuned_opts" retries=2 redispatch="option redispatch" ;;
	agent) srv="check inter $inter fall 1 rise 2 agent-check agent-inter $inter" ;;
	agent+tuned)
		srv="check $tuned_opts agent-check agent-inter $tuned" retries=2
		redispatch="option redispatch"
		;;
	esac
	cat <<CFG
global
	stats socket $dir/admin.sock mode 600 level admin
	stats timeout 10s
defaults
	mode http
	timeout connect 1s
	timeout client 5s
	timeout server 2s
	retries $retries
	$redispatch
frontend fe
	bind 127.0.0.1:8080
	default_backend be
backend be
	balance roundrobin
CFG
	for n in 1 2 3; do
		printf '\tserver n%d 127.0.0.%d:800%d %s agent-addr 127.0.0.%d agent-port 900%d\n' \
			"$n" "$n" "$n" "$srv" "$n" "$n"
	done
}

modes=(tcp tuned agent agent+tuned)
echo "lb-agent: $runs runs per kind ($kinds), check inter ${inter} ms (tuned ${tuned} ms)," \
	"VNFC heartbeat timeout 300 ms, client 100 req/s, window ${window} s, SEED=$seed"
for m in "${modes[@]}"; do
	haproxy_config "$m" >"$dir/haproxy.cfg"
	ip netns exec "$ns" haproxy -db -f "$dir/haproxy.cfg" </dev/null >"$dir/haproxy-$m.log" 2>&1 &
	hpid=$!
	for _ in $(seq 100); do [ -S "$dir/admin.sock" ] && break; sleep 0.05; done
	rm -f "$dir/lbwatch.state"
	ip netns exec "$ns" python3 "$src/tests/bench/lb-agent-bench.py" "$m" "$dir" "$vnfc" \
		"$lbwatch" "$runs" "$kinds" "$window" "$seed" | tee "$dir/$m.out"
	kill "$hpid"
	wait "$hpid" 2>/dev/null || true
	rm -f "$dir/admin.sock"
done
summaries=("$dir"/*.out)
if [ -n "${LB_CLUSTER_OUT:-}" ]; then
	summaries+=("$LB_CLUSTER_OUT")
fi
python3 "$src/tests/bench/lb_load.py" agent-report "$runs" "$inter" "$tuned" "${summaries[@]}"
