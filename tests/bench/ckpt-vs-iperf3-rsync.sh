#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-ckptd against its anchors, in one run over one veth pair between
# two network namespaces (203.0.113.1 -> 203.0.113.2):
#   iperf3 (the TCP limit), rsync daemon (-W full copy, default delta),
#   vnfha: full 1 GiB commit (sync, until the replica acked), resync of a
#   new replica (1 GiB), 1% of blocks dirty, 4 KiB sync commits p50/p99;
#   TLS on and off; peak RSS (VmHWM) of both daemons; and the encrypted
#   anchors: a bare TLS 1.3 PSK stream of the same bytes with AES-128-GCM
#   (the real ceiling of an encrypted copy here; sender gnutls-cli with
#   vnfha-ckptd's own priority string; receiver openssl s_server, as
#   gnutls-serv can only echo or serve HTTP), and rsync over ssh
#   (-e 'ssh -c aes128-gcm@openssh.com', a throwaway sshd in the replica's
#   namespace), full copy and delta of a 1%-modified file.
# Every measurement runs REPEAT times (default 3); medians, (min-max) spread.
# Usage (root, from a built tree):
#   [REPEAT=3] [MODES="tls plaintext"] [BENCH_DIR=/dev/shm] tests/bench/ckpt-vs-iperf3-rsync.sh [SIZE_MIB]
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
REPEAT=${REPEAT:-3}
MODES=${MODES:-tls plaintext} # vnfha-ckptd's transports measured
P="vb$$"
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/vnfha-ckpt-bench.XXXXXX") # BENCH_DIR=/dev/shm: no disk
PIDS=()

trap bench_cleanup EXIT

for prog in iperf3 rsync openssl gnutls-cli ssh ssh-keygen /usr/sbin/sshd ss; do
	command -v "$prog" >/dev/null || { echo "bench: $prog is not installed" >&2; exit 1; }
done
make -s src/ckptd/vnfha-ckptd src/ckptd/vnfha-ckpt tests/bats/ckpt-api >/dev/null

bench_netns_up

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
gbps() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.2f", bytes * 8 / s / 1e9 }'; }
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

declare -A RES # name -> one value per run, space separated
add() { RES[$1]+="$2 "; }
# stat NAME: "median (min-max)" of its runs
stat() {
	tr ' ' '\n' <<<"${RES[$1]}" | grep . | sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.3f (%.3f-%.3f)", m, v[1], v[NR] }'
}
last() { awk '{ print $NF }' <<<"${RES[$1]}"; }
mbps() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.1f", bytes / s / 1e6 }'; }

echo "== data: $SIZE_MIB MiB random, $BLOCKS blocks of 64 KiB, $DIRTY dirty (1%), $REPEAT runs"
head -c "$SIZE" /dev/urandom >"$WORK/data0"
cp "$WORK/data0" "$WORK/data1"
python3 - "$WORK/data1" "$DIRTY" <<'PY'
import os, sys
f, n = sys.argv[1], int(sys.argv[2])
size = os.path.getsize(f)
with open(f, "r+b") as h:
    for b in range(n):
        h.seek((b * 7919 * 65536) % size)
        h.write(os.urandom(1))
PY

# --- servers: iperf3, rsync daemon, sshd (throwaway keys, test port)
"${Bn[@]}" iperf3 -s -B 203.0.113.2 >/dev/null 2>&1 &
PIDS+=($!)
mkdir -p "$WORK/rdst" "$WORK/sdst"
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
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/userkey"
cp "$WORK/userkey.pub" "$WORK/authorized_keys"
cat >"$WORK/sshd_config" <<CONF
ListenAddress 203.0.113.2:8722
HostKey $WORK/hostkey
AuthorizedKeysFile $WORK/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PidFile none
Ciphers aes128-gcm@openssh.com
CONF
mkdir -p /run/sshd # sshd's privilege separation directory
"${Bn[@]}" /usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>>"$WORK/sshd.log" &
PIDS+=($!)
SSH="ssh -c aes128-gcm@openssh.com -p 8722 -i $WORK/userkey -o BatchMode=yes"
SSH+=" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
for port in 5201 8730 8722; do
	wait_for 5 "${A[@]}" bash -c "exec 3<>/dev/tcp/203.0.113.2/$port"
done

# --- bare TLS 1.3 PSK stream: vnfha-ckptd's priority string, read from its source
PRIO=$(awk '/#define PRIORITY/ { f = 1 } /#define IDENTITY/ { f = 0 } f' src/ckpt/ckpt_tls.c |
	grep -o '"[^"]*"' | tr -d '"\n')
PSK=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkfifo "$WORK/hold" "$WORK/sink"
TLSPORT=8440
# tls_stream CLIENT: seconds to send data0 over TLS 1.3 PSK AES-128-GCM from
# ${P}a to ${P}b until the receiver has all of it (bytes counted)
tls_stream() {
	local sp wp t0 got
	TLSPORT=$((TLSPORT + 1))
	wc -c <"$WORK/sink" >"$WORK/tls.n" &
	wp=$!
	PIDS+=("$wp")
	# stdin: a FIFO opened read-write, never EOF (s_server quits on stdin EOF)
	"${Bn[@]}" openssl s_server -accept "203.0.113.2:$TLSPORT" -nocert -psk "$PSK" \
		-psk_identity vnfha-ckpt -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256 \
		-naccept 1 -quiet <>"$WORK/hold" >"$WORK/sink" 2>>"$WORK/tls.log" &
	sp=$!
	PIDS+=("$sp")
	wait_for 5 sh -c "ip netns exec ${P}b ss -Hltn 'sport = :$TLSPORT' | grep -q ."
	t0=$(now)
	case $1 in
	gnutls)
		"${A[@]}" gnutls-cli --pskusername vnfha-ckpt --pskkey "$PSK" --priority "$PRIO" \
			-p "$TLSPORT" 203.0.113.2 <"$WORK/data0" >>"$WORK/tls.log" 2>&1 ;;
	esac
	wait "$sp" "$wp"
	secs "$t0" "$(now)"
	got=$(cat "$WORK/tls.n")
	[ "$got" -eq "$SIZE" ] || { echo "bench: TLS stream ($1) delivered $got of $SIZE bytes" >&2; exit 1; }
}
"${A[@]}" gnutls-cli --pskusername vnfha-ckpt --pskkey "$PSK" --priority "$PRIO" --list 2>/dev/null |
	grep -m1 "^TLS_" | sed 's/^/vnfha priority, first suite: /' || true

head -c 4096 /dev/urandom >"$WORK/key"
chmod 600 "$WORK/key"
API="$B/tests/bats/ckpt-api"
for ((run = 1; run <= REPEAT; run++)); do
	echo "== run $run/$REPEAT"
	v=$("${A[@]}" iperf3 -c 203.0.113.2 -t 5 -J | python3 -c \
		'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))')
	add iperf "$v"
	echo "iperf3 TCP:                         $v Gbit/s"

	warm $((SIZE_MIB * 2))
	v=$(tls_stream gnutls)
	add tls.gnutls "$v"
	echo "bare TLS 1.3 stream (gnutls-cli):   $v s  $(mbps "$SIZE" "$v") MB/s"

	# rsync daemon, then rsync over ssh: full copy, then delta of data1
	rm -f "$WORK/rdst/data" "$WORK/sdst/data"
	for via in daemon ssh; do
		if [ "$via" = daemon ]; then
			dst=rsync://203.0.113.2:8730/m/data
			e=()
		else
			dst=203.0.113.2:$WORK/sdst/data
			e=(-e "$SSH")
		fi
		warm $((SIZE_MIB * 2))
		t0=$(now)
		"${A[@]}" rsync -W "${e[@]}" "$WORK/data0" "$dst"
		v=$(secs "$t0" "$(now)")
		add "rsync.$via.full" "$v"
		printf '%-36s%s\n' "rsync $via -W (full):" "$v s  $(mbps "$SIZE" "$v") MB/s"
		t0=$(now)
		"${A[@]}" rsync --no-W "${e[@]}" "$WORK/data1" "$dst"
		v=$(secs "$t0" "$(now)")
		add "rsync.$via.dirty" "$v"
		printf '%-36s%s\n' "rsync $via delta (1% dirty):" "$v s"
	done
	cmp "$WORK/data1" "$WORK/sdst/data"

	for mode in $MODES; do
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
		echo "vnfha $mode: full commit $SIZE_MIB MiB:   ${full} s  $(mbps "$SIZE" "$full") MB/s"
		echo "vnfha $mode: new replica resync:      ${resync} s  $(mbps "$SIZE" "$resync") MB/s"
		echo "vnfha $mode: 1% dirty commit:         ${dirty} s"
		echo "vnfha $mode: 4 KiB sync commits:      $lat"
		echo "vnfha $mode: peak RSS primary $(hwm "$ppid"), replica $(hwm "$rpid"), new replica $(hwm "$cpid")"
		echo "vnfha $mode: peak private RSS (RssAnon) primary $(cat "$WORK/anon.p"), replica $(cat "$WORK/anon.r")"
		# where the time went, from the primary's log
		grep -h "\[$ppid\].*\(committed 'big'\|has 'big'\)" "$WORK/a.log" | sed 's/^.*INFO: /    /' || true
		add "$mode.full" "$full"
		add "$mode.resync" "$resync"
		add "$mode.dirty" "$dirty"
		kill "$ppid" "$rpid" "$cpid"
		wait "$ppid" "$rpid" "$cpid" 2>/dev/null || true
	done

	# this run's ratios, against the anchors of the same run (a transport
	# not in MODES has none: MODES=plaintext alone has no TLS ratios)
	[ -z "${RES[tls.full]:-}" ] ||
		add r.tls.gnutls "$(ratio "$(last tls.gnutls)" "$(last tls.full)")"
	for mode in $MODES; do
		add "r.$mode.iperf" "$(ratio "$(gbps "$SIZE" "$(last "$mode.full")")" "$(last iperf)")"
		add "r.$mode.full_dirty" "$(ratio "$(last "$mode.full")" "$(last "$mode.dirty")")"
	done
	for what in full dirty; do
		[ -z "${RES[tls.$what]:-}" ] ||
			add "r.ssh.$what" "$(ratio "$(last "rsync.ssh.$what")" "$(last "tls.$what")")"
		[ -z "${RES[plaintext.$what]:-}" ] ||
			add "r.daemon.$what" "$(ratio "$(last "rsync.daemon.$what")" "$(last "plaintext.$what")")"
	done
done

echo "== medians over $REPEAT runs (min-max)"
echo "iperf3 TCP Gbit/s:                       $(stat iperf)"
echo "bare TLS stream, gnutls-cli (vnfha prio): $(stat tls.gnutls) s"
echo "rsync over ssh aes128-gcm, full:          $(stat rsync.ssh.full) s"
echo "rsync over ssh aes128-gcm, 1% delta:      $(stat rsync.ssh.dirty) s"
echo "rsync daemon -W, full:                    $(stat rsync.daemon.full) s"
echo "rsync daemon, 1% delta:                   $(stat rsync.daemon.dirty) s"
for mode in $MODES; do
	echo "vnfha $mode: full commit:                $(stat "$mode.full") s"
	echo "vnfha $mode: new replica resync:         $(stat "$mode.resync") s"
	echo "vnfha $mode: 1% dirty commit:            $(stat "$mode.dirty") s"
done
echo "== ratios, per run against that run's anchor: median (min-max) (target)"
if [ -n "${RES[r.tls.gnutls]:-}" ]; then
	echo "tls full commit / bare TLS (gnutls-cli):  $(stat r.tls.gnutls)  (>= 0.80)"
	echo "tls: rsync+ssh full time / full commit:   $(stat r.ssh.full)"
	echo "tls: rsync+ssh delta / 1% dirty commit:   $(stat r.ssh.dirty)"
fi
if [ -n "${RES[r.daemon.full]:-}" ]; then
	echo "plaintext: rsync -W time / full commit:   $(stat r.daemon.full)  (>= 3)"
	echo "plaintext: rsync delta / 1% dirty:        $(stat r.daemon.dirty)"
fi
for mode in $MODES; do
	echo "$mode: full commit / iperf3:            $(stat "r.$mode.iperf")  (>= 0.80)"
	echo "$mode: full / 1% dirty:                 $(stat "r.$mode.full_dirty")  (>= 20)"
done
