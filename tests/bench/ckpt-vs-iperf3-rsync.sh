#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-ckptd against its anchors, in one run over one veth pair between
# two network namespaces (203.0.113.1 -> 203.0.113.2):
#   iperf3 (the TCP limit), rsync daemon (-W full copy, default delta),
#   vnfha: full 1 GiB commit (sync, until the replica acked), resync of a
#   new replica (1 GiB), 1% of blocks dirty, 4 KiB sync commits p50/p99;
#   TLS on and off; peak RSS (VmHWM) of both daemons.
# Usage (root, from a built tree): [BENCH_DIR=/dev/shm] tests/bench/ckpt-vs-iperf3-rsync.sh [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=$PWD
# shellcheck source=tests/bench/ckpt-bench.bash
. tests/bench/ckpt-bench.bash
SIZE_MIB=${1:-1024}
SIZE=$((SIZE_MIB << 20))
BLOCKS=$((SIZE / 65536))
DIRTY=$((BLOCKS / 100))
COMMITS=${COMMITS:-2000}
P="vb$$"
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/vnfha-ckpt-bench.XXXXXX") # BENCH_DIR=/dev/shm: no disk
PIDS=()

trap bench_cleanup EXIT

for prog in iperf3 rsync; do
	command -v "$prog" >/dev/null || { echo "bench: $prog is not installed" >&2; exit 1; }
done
make -s src/ckptd/vnfha-ckptd src/ckptd/vnfha-ckpt tests/bats/ckpt-api >/dev/null

bench_netns_up

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
gbps() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.2f", bytes * 8 / s / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
hwm() { awk '/VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$1/status"; }
# Peak private memory (RssAnon: heap, stacks) of a daemon, sampled until
# the file $2 appears. VmHWM also counts the shared pages of an
# application's region the primary maps (RssShmem): those are the
# application's own memory, mapped twice, not a copy.
anon_peak() {
	local max=0 v
	while [ ! -e "$2" ] && v=$(awk '/RssAnon/ { print $2 }' "/proc/$1/status" 2>/dev/null); do
		[ "${v:-0}" -gt "$max" ] && max=$v
		sleep 0.05
	done
	awk -v k="$max" 'BEGIN { printf "%.1f MiB", k / 1024 }'
}

# Touches MiB of memory and frees it, right before a measured part: on a
# VM whose RAM the host backs lazily and takes back when freed (a
# Firecracker guest here), the first touch of a guest page costs a host
# fault (~3.5 s/GiB), and whichever run came first measured mostly that.
warm() {
	python3 -c 'import sys; n = int(sys.argv[1]) << 20; b = bytearray(n); b[::4096] = b"\1" * (n // 4096)' "$1"
}

echo "== data: $SIZE_MIB MiB random, $BLOCKS blocks of 64 KiB, $DIRTY dirty (1%)"
head -c "$SIZE" /dev/urandom >"$WORK/data"

# --- iperf3
"${Bn[@]}" iperf3 -s -B 203.0.113.2 >/dev/null 2>&1 &
PIDS+=($!)
wait_for 5 "${A[@]}" bash -c 'exec 3<>/dev/tcp/203.0.113.2/5201'
sleep 0.2
IPERF=$("${A[@]}" iperf3 -c 203.0.113.2 -t 5 -J | python3 -c \
	'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))')
echo "iperf3 TCP:                         $IPERF Gbit/s"

# --- rsync daemon
mkdir -p "$WORK/rdst"
cat >"$WORK/rsyncd.conf" <<CONF
use chroot = no
uid = root
gid = root
[m]
path = $WORK/rdst
read only = no
CONF
"${Bn[@]}" rsync --daemon --no-detach --address=203.0.113.2 --port=8730 \
	--config="$WORK/rsyncd.conf" &
PIDS+=($!)
wait_for 5 "${A[@]}" bash -c 'exec 3<>/dev/tcp/203.0.113.2/8730'
warm $((SIZE_MIB * 2))
t0=$(now)
"${A[@]}" rsync -W "$WORK/data" rsync://203.0.113.2:8730/m/data
RSYNC_W=$(secs "$t0" "$(now)")
echo "rsync -W (full):                    ${RSYNC_W} s  $(gbps "$SIZE" "$RSYNC_W") Gbit/s"
cp "$WORK/data" "$WORK/data1"
python3 - "$WORK/data1" "$DIRTY" <<'PY'
import os, sys
f, n = sys.argv[1], int(sys.argv[2])
size = os.path.getsize(f)
with open(f, "r+b") as h:
    for b in range(n):
        h.seek((b * 7919 * 65536) % size)
        h.write(os.urandom(1))
PY
cp "$WORK/data1" "$WORK/data"
t0=$(now)
"${A[@]}" rsync --no-W "$WORK/data" rsync://203.0.113.2:8730/m/data
RSYNC_D=$(secs "$t0" "$(now)")
echo "rsync delta (1% dirty):             ${RSYNC_D} s"

# --- vnfha
head -c 4096 /dev/urandom >"$WORK/key"
chmod 600 "$WORK/key"
API="$B/tests/bats/ckpt-api"
declare -A RES
for mode in tls plaintext; do
	extra=(--key "$WORK/key")
	if [ "$mode" = plaintext ]; then
		extra=(--plaintext)
	fi
	rm -rf "$WORK/sa" "$WORK/sb" "$WORK/sc"
	warm $((SIZE_MIB * 5)) # the region, three stores, slack
	bench_ckptd_pair 5 "${extra[@]}"
	rpid=$CKPTD_REPLICA ppid=$CKPTD_PRIMARY
	rm -f "$WORK/done"
	anon_peak "$ppid" "$WORK/done" >"$WORK/anon.p" &
	samplers=($!)
	anon_peak "$rpid" "$WORK/done" >"$WORK/anon.r" &
	samplers+=($!)
	# full: a 1 GiB region written, committed (sync: until the replica acked)
	full=$("$API" "$WORK/a.sock" big write "$SIZE" 5 | awk '/commit_ms/ { print $2 / 1000 }')
	# 1% of the blocks changed in place, committed
	dirty=$("$API" "$WORK/a.sock" big dirty 3 "$DIRTY" | awk '/commit_ms/ { print $2 / 1000 }')
	# 4 KiB sync commits
	lat=$("$API" "$WORK/a.sock" small bench 4096 "$COMMITS")
	# a new, empty replica: pure replication of the stored 1 GiB
	"${Bn[@]}" "$B/src/ckptd/vnfha-ckptd" --role replica --listen 203.0.113.2:7411 \
		--store "$WORK/sc" --socket "$WORK/c.sock" "${extra[@]}" 2>>"$WORK/c.log" &
	cpid=$!
	PIDS+=("$cpid")
	wait_for 5 "$B/src/ckptd/vnfha-ckpt" --socket "$WORK/c.sock" status
	want=$("$B/src/ckptd/vnfha-ckpt" --socket "$WORK/a.sock" latest big)
	t0=$(now)
	"$B/src/ckptd/vnfha-ckpt" --socket "$WORK/a.sock" peers set 203.0.113.2:7410 203.0.113.2:7411
	wait_for 120 sh -c "[ \"\$($B/src/ckptd/vnfha-ckpt --socket $WORK/c.sock latest big)\" = '$want' ]"
	resync=$(secs "$t0" "$(now)")
	touch "$WORK/done"
	wait "${samplers[@]}"
	echo "vnfha $mode: full commit $SIZE_MIB MiB:   ${full} s  $(gbps "$SIZE" "$full") Gbit/s"
	echo "vnfha $mode: new replica resync:      ${resync} s  $(gbps "$SIZE" "$resync") Gbit/s"
	echo "vnfha $mode: 1% dirty commit:         ${dirty} s"
	echo "vnfha $mode: 4 KiB sync commits:      $lat"
	echo "vnfha $mode: peak RSS primary $(hwm "$ppid"), replica $(hwm "$rpid"), new replica $(hwm "$cpid")"
	echo "vnfha $mode: peak private RSS (RssAnon) primary $(cat "$WORK/anon.p"), replica $(cat "$WORK/anon.r")"
	# where the time went, from the primary's log
	grep -h "\[$ppid\].*\(committed 'big'\|has 'big'\)" "$WORK/a.log" | sed 's/^.*INFO: /    /'
	RES[$mode.full]=$full
	RES[$mode.resync]=$resync
	RES[$mode.dirty]=$dirty
	kill "$ppid" "$rpid" "$cpid"
	wait "$ppid" "$rpid" "$cpid" 2>/dev/null || true
done

echo "== ratios (target)"
for mode in tls plaintext; do
	full=${RES[$mode.full]}
	resync=${RES[$mode.resync]}
	echo "$mode: full commit / iperf3:     $(ratio "$(gbps "$SIZE" "$full")" "$IPERF")  (>= 0.80)"
	echo "$mode: resync / iperf3:          $(ratio "$(gbps "$SIZE" "$resync")" "$IPERF")  (>= 0.80)"
	echo "$mode: rsync -W time / full:     $(ratio "$RSYNC_W" "$full")  (>= 3)"
	echo "$mode: full / 1% dirty:          $(ratio "$full" "${RES[$mode.dirty]}")  (>= 20)"
	echo "$mode: rsync delta / 1% dirty:   $(ratio "$RSYNC_D" "${RES[$mode.dirty]}")"
done
