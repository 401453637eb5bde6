# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the checkpoint benchmarks (sourced): two network namespaces
# ${P}a and ${P}b joined by one veth pair, 203.0.113.1 <-> 203.0.113.2, and
# the commands to run in each (A, Bn); wait_for polls a command with a
# deadline; bench_ckptd_pair starts a primary and its replica there, and
# bench_redis_pair Redis's, the anchor; stat3, med and ratio sum up
# repeated runs. The caller sets P and tears the namespaces down (trap).
# shellcheck shell=bash

bench_netns_up() {
	ip netns add "${P}a"
	ip netns add "${P}b"
	ip link add "${P}x" netns "${P}a" type veth peer name "${P}y" netns "${P}b"
	ip -n "${P}a" addr add 203.0.113.1/24 dev "${P}x"
	ip -n "${P}b" addr add 203.0.113.2/24 dev "${P}y"
	for ns in a b; do
		ip -n "${P}$ns" link set lo up
	done
	ip -n "${P}a" link set "${P}x" up
	ip -n "${P}b" link set "${P}y" up
	# shellcheck disable=SC2034 # A and Bn are for the caller
	A=(ip netns exec "${P}a")
	# shellcheck disable=SC2034
	Bn=(ip netns exec "${P}b")
}

bench_netns_down() {
	ip netns del "${P}a" 2>/dev/null || true
	ip netns del "${P}b" 2>/dev/null || true
}

# bench_cleanup (the caller's EXIT trap): every PID in PIDS stopped, the
# namespaces gone, WORK removed (its logs copied to /tmp first with KEEP=1).
bench_cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	bench_netns_down
	if [ -n "${KEEP:-}" ]; then
		cp "$WORK"/*.log /tmp/ 2>/dev/null || true
	fi
	rm -rf "$WORK"
}

# wait_for SECONDS CMD...: until CMD succeeds, or exit 1 after SECONDS
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || { echo "bench: timed out: $*" >&2; exit 1; }
		sleep 0.02
	done
}

# bench_ckptd_pair SECONDS DAEMON-ARGS...: a vnfha-ckptd replica in ${P}b
# (store $WORK/sb, socket $WORK/b.sock) and a primary in ${P}a sending to it
# ($WORK/sa, $WORK/a.sock), with DAEMON-ARGS (--key F or --plaintext); logs
# appended to $WORK/[ab].log, both PIDs added to PIDS and set in
# CKPTD_PRIMARY and CKPTD_REPLICA. Returns once the primary is connected
# (exit 1 after SECONDS). Needs B (the build directory) and WORK.
bench_ckptd_pair() {
	local secs=$1
	shift
	"${Bn[@]}" "$B/src/ckptd/vnfha-ckptd" --role replica --listen 203.0.113.2:7410 \
		--store "$WORK/sb" --socket "$WORK/b.sock" "$@" 2>>"$WORK/b.log" &
	CKPTD_REPLICA=$!
	PIDS+=("$CKPTD_REPLICA")
	"${A[@]}" "$B/src/ckptd/vnfha-ckptd" --role primary --listen 203.0.113.1:7410 \
		--peer 203.0.113.2:7410 --store "$WORK/sa" --socket "$WORK/a.sock" "$@" \
		2>>"$WORK/a.log" &
	CKPTD_PRIMARY=$!
	PIDS+=("$CKPTD_PRIMARY")
	wait_for "$secs" sh -c "$B/src/ckptd/vnfha-ckpt --socket $WORK/a.sock status | grep -q ' connected'"
}

# utime + stime of a process, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# bench_redis_pair on|off: a redis-server primary in ${P}a (203.0.113.1)
# and its replica in ${P}b, TLS as asked (tls-port, tls-replication; a
# self-signed certificate for both addresses, made once in WORK); logs in
# WORK. Returns once the replica's link is up (exit 1 after 20 s), with
# both PIDs added to PIDS and set in REDIS_PRIMARY and REDIS_REPLICA, the
# client's port in REDIS_PORT, CA file in REDIS_CA ("-": plaintext) and
# redis-cli arguments in REDIS_CLI.
# shellcheck disable=SC2034 # REDIS_* are for the caller
bench_redis_pair() {
	local tls=$1 ports
	local common=(--save "" --appendonly no --protected-mode no --daemonize no --loglevel warning)
	if [ "$tls" = on ]; then
		[ -s "$WORK/redis.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
			-subj /CN=vnfha-bench -addext "subjectAltName=IP:203.0.113.1,IP:203.0.113.2" \
			-keyout "$WORK/redis.key" -out "$WORK/redis.crt" 2>/dev/null
		ports=(--port 0 --tls-port 6380 --tls-cert-file "$WORK/redis.crt"
			--tls-key-file "$WORK/redis.key" --tls-ca-cert-file "$WORK/redis.crt"
			--tls-auth-clients no --tls-replication yes)
		REDIS_CLI=(redis-cli --tls --cacert "$WORK/redis.crt" -p 6380)
		REDIS_PORT=6380 REDIS_CA=$WORK/redis.crt
	else
		ports=(--port 6379)
		REDIS_CLI=(redis-cli -p 6379)
		REDIS_PORT=6379 REDIS_CA=-
	fi
	mkdir -p "$WORK/r$tls.a" "$WORK/r$tls.b"
	"${A[@]}" redis-server "${common[@]}" "${ports[@]}" --bind 203.0.113.1 \
		--dir "$WORK/r$tls.a" --logfile "$WORK/redis-$tls-a.log" &
	REDIS_PRIMARY=$!
	PIDS+=("$REDIS_PRIMARY")
	"${Bn[@]}" redis-server "${common[@]}" "${ports[@]}" --bind 203.0.113.2 \
		--dir "$WORK/r$tls.b" --logfile "$WORK/redis-$tls-b.log" \
		--replicaof 203.0.113.1 "$REDIS_PORT" &
	REDIS_REPLICA=$!
	PIDS+=("$REDIS_REPLICA")
	wait_for 20 sh -c "ip netns exec ${P}b ${REDIS_CLI[*]} -h 203.0.113.2 info replication | grep -q 'master_link_status:up'"
}

# Figures of repeated runs, one per line on stdin: stat3 prints "median
# [min-max]", med the median; ratio A B prints A/B to two places ("n/a"
# without both).
stat3() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
		printf "%s [%s-%s]", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
med() { sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
