#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Committers against Redis in interleaved rounds, for ratios that hold on a
# shared, noisy machine: in each round and at each committer count, Redis
# (SET of 300 bytes + WAIT 1 0) runs, then vnfha in each of HOWS, one after
# the other, SECONDS_PER_RUN each; a ratio is taken within a round (the
# same minute of the machine), then its median over the rounds is printed
# with its range. Same namespaces, veth pair and load program as
# ckpt-vs-redis.sh (tests/bench/ckpt-load): one vnfha-ckptd primary and
# replica, one Redis primary and replica, 64 MiB region, sync.
# Per run: commits/s, p50/p99 (us), CPU-us per commit of the client
# process, the primary and the replica (/proc/PID/stat of each daemon or
# redis-server, the client's own getrusage), and for vnfha commits per
# version.
# HOWS: ranges (one handle shared by the committers), ranges-each (a handle
# per committer thread, as each Redis client has its own connection).
# Usage (root, from a built tree):
#   [ROUNDS=5] [SECONDS_PER_RUN=3] [THREADS="1 4 16 64"] [TLS=off|on]
#   [HOWS="ranges"] tests/bench/ckpt-redis-rounds.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
B=$PWD
# shellcheck source=tests/bench/ckpt-bench.bash
. tests/bench/ckpt-bench.bash
ROUNDS=${ROUNDS:-5}
SECS=${SECONDS_PER_RUN:-3}
THREADS=${THREADS:-"1 4 16 64"}
TLS=${TLS:-off}
HOWS=${HOWS:-ranges}
P="vq$$"
WORK=$(mktemp -d /dev/shm/vnfha-redis-rounds.XXXXXX)
PIDS=()

trap bench_cleanup EXIT

case $TLS in on | off) ;; *) echo "bench: TLS='$TLS': use on or off" >&2; exit 2 ;; esac
for how in $HOWS; do
	case $how in ranges | ranges-each) ;; *) echo "bench: HOWS: '$how' is not ranges or ranges-each" >&2; exit 2 ;; esac
done
for prog in redis-server redis-cli openssl; do
	command -v "$prog" >/dev/null || { echo "bench: $prog is not installed (tests/deps.sh)" >&2; exit 1; }
done
make -s src/ckptd/vnfha-ckptd src/ckptd/vnfha-ckpt tests/bench/ckpt-load >/dev/null
LOAD="$B/tests/bench/ckpt-load"
TCK=$(getconf CLK_TCK)

bench_netns_up

# --- Redis: a primary and its replica, TLS as asked
bench_redis_pair "$TLS"
rpp=$REDIS_PRIMARY rpr=$REDIS_REPLICA port=$REDIS_PORT ca=$REDIS_CA cli=("${REDIS_CLI[@]}")

# --- vnfha: a primary and its replica, the region's first (full) copy done
head -c 4096 /dev/urandom >"$WORK/key"
chmod 600 "$WORK/key"
extra=(--key "$WORK/key")
[ "$TLS" = off ] && extra=(--plaintext)
bench_ckptd_pair 10 "${extra[@]}"
"${A[@]}" "$LOAD" vnfha "$WORK/a.sock" r 67108864 scan 1 1 >/dev/null 2>&1 || true

# The primary's "versions tickets" for checkpoint r.
counters() {
	"$B/src/ckptd/vnfha-ckpt" --socket "$WORK/a.sock" status |
		awk '$1 == "commits" && $2 == "r" { v = $4; t = $6 } END { print v + 0, t + 0 }'
}

# run ROUND TH NAME PRIMARY REPLICA CMD...: one run; prints its line
#   round R th N NAME commits/s p50 p99 cpu_client cpu_primary cpu_replica commits/version
run() {
	local r=$1 th=$2 name=$3 pp=$4 rp=$5 c0p c0r v0 v1 out
	shift 5
	c0p=$(cpu_ticks "$pp")
	c0r=$(cpu_ticks "$rp")
	read -r -a v0 <<<"$(counters)"
	if ! out=$("${A[@]}" "$@" 2>>"$WORK/load.log"); then
		echo "round $r th $th $name failed ($(tail -1 "$WORK/load.log"))"
		return 0
	fi
	read -r -a v1 <<<"$(counters)"
	awk -v r="$r" -v th="$th" -v name="$name" -v cp=$(($(cpu_ticks "$pp") - c0p)) \
		-v cr=$(($(cpu_ticks "$rp") - c0r)) -v h="$TCK" -v dv=$((v1[0] - v0[0])) \
		-v dt=$((v1[1] - v0[1])) -v vnfha="${name#redis}" '
		$1 == "commits" { n = $2 } $1 == "commits_per_s" { c = $2 }
		$1 == "p50_us" { p = $2 } $1 == "p99_us" { q = $2 } $1 == "cpu_us_per_commit" { u = $2 }
		END {
			if (n == 0) { printf "round %s th %s %s no commits\n", r, th, name; exit }
			printf "round %s th %s %s %s %s %s %.0f %.0f %.0f %s\n", r, th, name, c, p, q, u,
				cp * 1e6 / h / n, cr * 1e6 / h / n,
				(vnfha != "" && dv > 0) ? sprintf("%.2f", dt / dv) : "-"
		}' <<<"$out"
}

echo "== $ROUNDS rounds of ${SECONDS_PER_RUN:-3}s, TLS $TLS, 300-byte change, sync; $(
	"${A[@]}" "${cli[@]}" -h 203.0.113.1 info server | awk -F: '/redis_version/ { print "redis " $2 }' | tr -d '\r')"
echo "round R th N NAME commits/s p50_us p99_us cpu_us_client cpu_us_primary cpu_us_replica commits/version"
for r in $(seq "$ROUNDS"); do
	for th in $THREADS; do
		run "$r" "$th" redis "$rpp" "$rpr" "$LOAD" redis 203.0.113.1 "$port" "$ca" "$th" "$SECS"
		for how in $HOWS; do
			run "$r" "$th" "$how" "$CKPTD_PRIMARY" "$CKPTD_REPLICA" \
				"$LOAD" vnfha "$WORK/a.sock" r 67108864 "$how" "$th" "$SECS"
		done
	done
done | tee "$WORK/runs"

# Per committer count and NAME: medians, and the per-round ratio to Redis
# (commits/s; CPU per commit, client + primary + replica): median [min-max].
echo
echo "== medians over the rounds; ratios to Redis taken within each round: median [min-max]"
awk '$1 == "round" && NF == 12 {
	k = $4 " " $5; n[k]++; c[k, n[k]] = $6; p[k, n[k]] = $7; q[k, n[k]] = $8
	u[k, n[k]] = $9 + $10 + $11; names[$5] = 1; ths[$4] = 1; by[$2, $4, $5] = $6; cpu[$2, $4, $5] = $9 + $10 + $11
	if ($2 > rounds) rounds = $2
}
function sorted(a, m,   i, j, t) { for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } }
function med(arr, k, m,   i, a) { for (i = 1; i <= m; i++) a[i] = arr[k, i]; sorted(a, m); return a[int((m + 1) / 2)] }
function ratio(th, name, what,   r, m, a) {
	m = 0
	for (r = 1; r <= rounds; r++) {
		if (what == "c" && by[r, th, name] > 0 && by[r, th, "redis"] > 0) a[++m] = by[r, th, name] / by[r, th, "redis"]
		if (what == "u" && cpu[r, th, name] > 0 && cpu[r, th, "redis"] > 0) a[++m] = cpu[r, th, name] / cpu[r, th, "redis"]
	}
	if (m == 0) return "n/a"
	sorted(a, m)
	return sprintf("%.2f [%.2f-%.2f]", a[int((m + 1) / 2)], a[1], a[m])
}
END {
	for (th in ths) for (name in names) {
		k = th " " name
		if (!n[k]) continue
		line = sprintf("%3d committers %-11s commits/s %6d  p50 %6.1f  p99 %7.1f  cpu_us/commit %4d", th, name,
			med(c, k, n[k]), med(p, k, n[k]), med(q, k, n[k]), med(u, k, n[k]))
		if (name != "redis") line = line sprintf("  vs redis: commits/s %s, cpu/commit %s", ratio(th, name, "c"), ratio(th, name, "u"))
		print line
	}
}' "$WORK/runs" | sort -n -k1,1 -k3,3
