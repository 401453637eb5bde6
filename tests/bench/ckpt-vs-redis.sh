#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Small synchronous commits, vnfha-ckptd against Redis, side by side in one
# run over one veth pair between two network namespaces (203.0.113.1 ->
# 203.0.113.2), the client beside the primary:
#   Redis (Debian's redis-server): a primary and one replica; each update a
#     SET of 300 bytes and WAIT 1 0, sent as a pair (one write, not MULTI);
#     TLS off, and on (tls-port, tls-replication; Debian builds Redis with
#     OpenSSL, the client side here is GnuTLS);
#   vnfha: 300 bytes changed and committed in sync mode (until the replica
#     holds it), TLS 1.3 PSK and plaintext, in regions of 4 KiB, 64 MiB and
#     1 GiB: "ranges" (vnfha_ckpt_write, bytes named), "tracked" (uffd-wp
#     finds the page: PAGEMAP_SCAN), "tracked-faults" (write-protect faults
#     find it: VNFHA_CKPT_OPEN_TRACK_FAULTS), "scan" (the whole-region
#     vnfha_ckpt_commit, for reference); and 1, 4, 16, 64 concurrent
#     committers.
# Per cell: commits/s, latency p50/p99, how long the writer was blocked
# (p99, inside submit; blk50_pre%: of the submits blocked over 50 us, the
# share during which the thread was preempted), bytes on the veth per
# commit (both ways), CPU-us per commit of the client process, the primary and
# the replica (their sum against Redis's: where a commit's cost goes, and
# whether a cell is bound by CPU or by waiting); for vnfha also commits per
# version (grouping), versions per ACK (pipelining) and fsyncs per commit
# (a durable cell, 16 committers). Each cell runs REPEAT times: median
# [min-max] (the grouping columns: median). Ratios against Redis at the same
# thread count and TLS.
# Usage (root, from a built tree):
#   [REPEAT=3] [SECONDS_PER_RUN=3] [SIZES="4096 67108864 1073741824"]
#   [THREADS="1 4 16 64"] tests/bench/ckpt-vs-redis.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
B=$PWD
# shellcheck source=tests/bench/ckpt-bench.bash
. tests/bench/ckpt-bench.bash
REPEAT=${REPEAT:-3}
SECS=${SECONDS_PER_RUN:-3}
SIZES=${SIZES:-"4096 67108864 1073741824"}
THREADS=${THREADS:-"1 4 16 64"}
P="vr$$"
WORK=$(mktemp -d /dev/shm/vnfha-redis-bench.XXXXXX)
PIDS=()

trap bench_cleanup EXIT

for prog in redis-server redis-cli openssl; do
	command -v "$prog" >/dev/null || { echo "bench: $prog is not installed (tests/deps.sh)" >&2; exit 1; }
done
make -s src/ckptd/vnfha-ckptd src/ckptd/vnfha-ckpt tests/bench/ckpt-load >/dev/null
LOAD="$B/tests/bench/ckpt-load"

bench_netns_up

veth_bytes() {
	local d=/sys/class/net/${P}x/statistics
	"${A[@]}" cat "$d/tx_bytes" "$d/rx_bytes" | awk '{ s += $1 } END { print s }'
}
TCK=$(getconf CLK_TCK)

declare -A OUT # cell.metric -> "v1 v2 ..."
# The primary's counters for checkpoint NAME: "versions tickets fsyncs acks acked_versions"
vcounters() {
	"$B/src/ckptd/vnfha-ckpt" --socket "$WORK/a.sock" status | awk -v n="$1" '
		$1 == "commits" && $2 == n { v = $4; t = $6; f = $8 }
		$1 == "peer" { for (i = 1; i < NF; i++) { if ($i == "acks") a = $(i + 1); if ($i == "acked_versions") b = $(i + 1) } }
		END { print v + 0, t + 0, f + 0, a + 0, b + 0 }'
}
# vrun CELL NAME CMD...: run() for a vnfha cell, plus what grouping did:
# commits per version, versions per ACK, fsyncs per commit
vrun() {
	local cell=$1 name=$2 c0 c1 tpv vpa fpc
	shift 2
	read -r -a c0 <<<"$(vcounters "$name")"
	run "$cell" "$vp" "$vr" "$@"
	read -r -a c1 <<<"$(vcounters "$name")"
	read -r tpv vpa fpc < <(awk -v dv=$((c1[0] - c0[0])) -v dt=$((c1[1] - c0[1])) \
		-v df=$((c1[2] - c0[2])) -v da=$((c1[3] - c0[3])) -v db=$((c1[4] - c0[4])) \
		'BEGIN { printf "%.1f %.1f %.2f\n", dv ? dt / dv : 0, da ? db / da : 0, dt ? df / dt : 0 }')
	OUT[$cell.tpv]+="$tpv "
	OUT[$cell.vpa]+="$vpa "
	OUT[$cell.fpc]+="$fpc "
}
# run CELL PRIMARY_PID REPLICA_PID CMD...: one measured run of the load
run() {
	local cell=$1 pp=$2 rp=$3 c0p c0r b0 out
	shift 3
	c0p=$(cpu_ticks "$pp")
	c0r=$(cpu_ticks "$rp")
	b0=$(veth_bytes)
	if ! out=$("${A[@]}" "$@" 2>>"$WORK/load.log"); then
		echo "  $cell: failed ($(tail -1 "$WORK/load.log"))"
		return 0
	fi
	local n cp cr bytes
	n=$(awk '/^commits / { print $2 }' <<<"$out")
	[ "${n:-0}" -gt 0 ] || return 0
	cp=$(( $(cpu_ticks "$pp") - c0p ))
	cr=$(( $(cpu_ticks "$rp") - c0r ))
	bytes=$(( $(veth_bytes) - b0 ))
	for k in commits_per_s p50_us p99_us blocked_p99_us; do
		OUT[$cell.$k]+="$(awk -v k="$k" '$1 == k { print $2 }' <<<"$out") "
	done
	# Of the submits blocked over 50 us, the share preempted meanwhile (the
	# CPU taken away, not a lock or a system call of ours): ckpt-load.
	OUT[$cell.pre]+="$(awk '$1 == "blocked_over_50us" { s = $2 } $1 == "of_which_preempted" { p = $2 }
		END { if (s > 0) printf "%.0f", 100 * p / s }' <<<"$out") "
	OUT[$cell.bytes]+="$((bytes / n)) "
	OUT[$cell.cpu_p]+="$(awk -v t="$cp" -v n="$n" -v h="$TCK" 'BEGIN { printf "%.0f", t * 1e6 / h / n }') "
	OUT[$cell.cpu_r]+="$(awk -v t="$cr" -v n="$n" -v h="$TCK" 'BEGIN { printf "%.0f", t * 1e6 / h / n }') "
	OUT[$cell.cpu_c]+="$(awk '$1 == "cpu_us_per_commit" { printf "%.0f", $2 }' <<<"$out") "
}

# --- Redis
for tls in off on; do
	bench_redis_pair "$tls"
	rpp=$REDIS_PRIMARY rpr=$REDIS_REPLICA port=$REDIS_PORT ca=$REDIS_CA cli=("${REDIS_CLI[@]}")
	echo "== redis TLS $tls: $("${A[@]}" "${cli[@]}" -h 203.0.113.1 info server | awk -F: '/redis_version/ { print "redis " $2 }' | tr -d '\r')"
	for th in $THREADS; do
		for _ in $(seq "$REPEAT"); do
			run "redis.$tls.t$th" "$rpp" "$rpr" "$LOAD" redis 203.0.113.1 "$port" "$ca" "$th" "$SECS"
		done
	done
	kill "$rpp" "$rpr"
	wait "$rpp" "$rpr" 2>/dev/null || true
done

# --- vnfha
head -c 4096 /dev/urandom >"$WORK/key"
chmod 600 "$WORK/key"
for tls in on off; do
	extra=(--key "$WORK/key")
	[ $tls = off ] && extra=(--plaintext)
	rm -rf "$WORK/sa" "$WORK/sb"
	bench_ckptd_pair 10 "${extra[@]}"
	vr=$CKPTD_REPLICA vp=$CKPTD_PRIMARY
	echo "== vnfha TLS $tls"
	for size in $SIZES; do
		# The first commit of a region is a full copy: done before measuring.
		"${A[@]}" "$LOAD" vnfha "$WORK/a.sock" "r$size" "$size" scan 1 1 >/dev/null 2>&1 || true
		for how in ranges tracked tracked-faults scan; do
			for _ in $(seq "$REPEAT"); do
				vrun "vnfha.$tls.$how.s$size.t1" "r$size" \
					"$LOAD" vnfha "$WORK/a.sock" "r$size" "$size" "$how" 1 "$SECS"
			done
		done
	done
	"${A[@]}" "$LOAD" vnfha "$WORK/a.sock" threads 67108864 scan 1 1 >/dev/null 2>&1 || true
	for th in $THREADS; do
		for _ in $(seq "$REPEAT"); do
			vrun "vnfha.$tls.ranges.threads.t$th" threads \
				"$LOAD" vnfha "$WORK/a.sock" threads 67108864 ranges "$th" "$SECS"
		done
	done
	# Durable: every commit on a replica's stable storage; one fsync per
	# version (per batch), however many commits it groups.
	for _ in $(seq "$REPEAT"); do
		vrun "vnfha.$tls.durable.t16" threads \
			"$LOAD" vnfha "$WORK/a.sock" threads 67108864 ranges-durable 16 "$SECS"
	done
	kill "$vp" "$vr"
	wait "$vp" "$vr" 2>/dev/null || true
done

# --- table
cell() { printf '%s' "${OUT[$1.$2]:-}" | tr ' ' '\n' | grep -v '^$' | stat3; }
cellmed() { printf '%s' "${OUT[$1.$2]:-}" | tr ' ' '\n' | grep -v '^$' | med; }
# The median over runs of a run's client + primary + replica CPU-us per commit.
cpu_sum() {
	local -a cc cp cr
	read -r -a cc <<<"${OUT[$1.cpu_c]:-}"
	read -r -a cp <<<"${OUT[$1.cpu_p]:-}"
	read -r -a cr <<<"${OUT[$1.cpu_r]:-}"
	for i in "${!cc[@]}"; do
		echo $((cc[i] + cp[i] + cr[i]))
	done | med
}
row() {
	printf '%-34s %-26s %-24s %-26s %-20s %-9s %-14s %-12s %-12s %-12s %-9s %-9s %-9s\n' "$1" \
		"$(cell "$2" commits_per_s)" "$(cell "$2" p50_us)" "$(cell "$2" p99_us)" \
		"$(cell "$2" blocked_p99_us)" "$(cellmed "$2" pre)" "$(cell "$2" bytes)" "$(cell "$2" cpu_c)" \
		"$(cell "$2" cpu_p)" "$(cell "$2" cpu_r)" \
		"$(cellmed "$2" tpv)" "$(cellmed "$2" vpa)" "$(cellmed "$2" fpc)"
}
echo
echo "== results: median [min-max] of $REPEAT runs of ${SECS}s; 300-byte change, sync"
printf '%-34s %-26s %-24s %-26s %-20s %-9s %-14s %-12s %-12s %-12s %-9s %-9s %-9s\n' cell commits/s p50_us p99_us \
	writer_blocked_p99_us blk50_pre% wire_B/commit cpu_us_client cpu_us_prim cpu_us_repl commit/v v/ack fsync/c
for tls in off on; do
	for th in $THREADS; do
		row "redis TLS $tls, $th thr" "redis.$tls.t$th"
	done
done
for tls in on off; do
	for size in $SIZES; do
		for how in ranges tracked tracked-faults scan; do
			row "vnfha TLS $tls $how $((size >> 10))KiB" "vnfha.$tls.$how.s$size.t1"
		done
	done
	for th in $THREADS; do
		row "vnfha TLS $tls ranges 64MiB, $th thr" "vnfha.$tls.ranges.threads.t$th"
	done
	row "vnfha TLS $tls durable 64MiB, 16 thr" "vnfha.$tls.durable.t16"
done
echo
echo "== ratios (targets: vnfha commits/s >= redis at every count; >= 50000/s at 64;"
echo "   p50 <= 150 us, p99 <= 1000 us; 1 GiB p50 within 1.5x of 4 KiB; < 2048 B wire)"
for tls in on off; do
	for th in $THREADS; do
		v="vnfha.$tls.ranges.threads.t$th" r="redis.$tls.t$th"
		echo "TLS $tls, $th thr: commits/s vnfha/redis $(ratio "$(cellmed "$v" commits_per_s)" "$(cellmed "$r" commits_per_s)")," \
			"p99 redis/vnfha $(ratio "$(cellmed "$r" p99_us)" "$(cellmed "$v" p99_us)")," \
			"CPU-us per commit (client + primary + replica) vnfha/redis $(ratio "$(cpu_sum "$v")" "$(cpu_sum "$r")")"
	done
	read -r -a sz <<<"$SIZES"
	small=${sz[0]}
	large=${sz[${#sz[@]} - 1]}
	for how in ranges tracked tracked-faults scan; do
		echo "TLS $tls $how: p50 $((large >> 10)) KiB / $((small >> 10)) KiB" \
			"$(ratio "$(cellmed "vnfha.$tls.$how.s$large.t1" p50_us)" "$(cellmed "vnfha.$tls.$how.s$small.t1" p50_us)")"
	done
done
