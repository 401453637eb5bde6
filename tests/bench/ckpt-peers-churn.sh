#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sync commits while the primary's replica list is set again and again, as
# statesync does whenever attrd's list changes (a replica joins or leaves,
# the same nodes in a new order): against the same load on a list left
# alone, side by side in one run. A primary and its replica in two network
# namespaces over one veth pair (203.0.113.1 -> 203.0.113.2, TLS 1.3 PSK);
# ckpt-load commits 300 bytes of a 4 KiB region in sync mode from THREADS
# threads for SECONDS_PER_RUN s, once quiet and once with
# `vnfha-ckpt peers set` of the same replica every PERIOD_MS. Per run:
# commits/s, latency p50/p99, and how many sessions the replica saw open
# (a list named again should keep its one session). Each runs REPEAT times:
# median [min-max]; the ratios are churn / quiet.
# Usage (root, from a built tree):
#   [REPEAT=5] [SECONDS_PER_RUN=3] [THREADS=4] [PERIOD_MS=100] tests/bench/ckpt-peers-churn.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
B=$PWD
# shellcheck source=tests/bench/ckpt-bench.bash
. tests/bench/ckpt-bench.bash
REPEAT=${REPEAT:-5}
SECS=${SECONDS_PER_RUN:-3}
THREADS=${THREADS:-4}
PERIOD_MS=${PERIOD_MS:-100}
P="vp$$"
WORK=$(mktemp -d /dev/shm/vnfha-churn-bench.XXXXXX)
PIDS=()
trap bench_cleanup EXIT

make -s src/ckptd/vnfha-ckptd src/ckptd/vnfha-ckpt tests/bench/ckpt-load >/dev/null
CKPT=("$B/src/ckptd/vnfha-ckpt" --socket "$WORK/a.sock")
head -c 4096 /dev/urandom >"$WORK/key"
chmod 600 "$WORK/key"
bench_netns_up
bench_ckptd_pair 20 --key "$WORK/key"

sessions() { grep -c "primary .* connected" "$WORK/b.log" || true; }

declare -A OUT
# one_run quiet|churn: a ckpt-load run, its figures appended to OUT[KIND.*]
one_run() {
	local kind=$1 out s0 churn=
	s0=$(sessions)
	if [ "$kind" = churn ]; then
		(
			end=$((SECONDS + SECS + 1))
			while [ $SECONDS -lt $end ]; do
				"${CKPT[@]}" peers set 203.0.113.2:7410 >/dev/null
				sleep "$(awk -v m="$PERIOD_MS" 'BEGIN { printf "%.3f", m / 1000 }')"
			done
		) &
		churn=$!
	fi
	out=$("${A[@]}" "$B/tests/bench/ckpt-load" vnfha "$WORK/a.sock" r 4096 ranges "$THREADS" "$SECS")
	[ -z "$churn" ] || wait "$churn"
	for k in commits_per_s p50_us p99_us; do
		OUT[$kind.$k]+="$(awk -v k="$k" '$1 == k { print $2 }' <<<"$out") "
	done
	OUT[$kind.sessions]+="$(($(sessions) - s0)) "
}

for _ in $(seq "$REPEAT"); do
	one_run quiet
	one_run churn
done

echo "sync commits of 300 bytes, $THREADS threads, ${SECS} s per run, $REPEAT runs; churn: the same replica list set every ${PERIOD_MS} ms"
printf '%-6s %-26s %-26s %-26s %s\n' run commits/s p50_us p99_us "replica sessions opened"
for kind in quiet churn; do
	printf '%-6s %-26s %-26s %-26s %s\n' "$kind" \
		"$(tr ' ' '\n' <<<"${OUT[$kind.commits_per_s]}" | grep . | stat3)" \
		"$(tr ' ' '\n' <<<"${OUT[$kind.p50_us]}" | grep . | stat3)" \
		"$(tr ' ' '\n' <<<"${OUT[$kind.p99_us]}" | grep . | stat3)" \
		"$(tr ' ' '\n' <<<"${OUT[$kind.sessions]}" | grep . | stat3)"
done
for k in commits_per_s p50_us p99_us; do
	echo "ratio churn/quiet $k $(ratio "$(tr ' ' '\n' <<<"${OUT[churn.$k]}" | grep . | med)" \
		"$(tr ' ' '\n' <<<"${OUT[quiet.$k]}" | grep . | med)")"
done
