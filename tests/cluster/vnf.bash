# SPDX-License-Identifier: GPL-2.0-or-later
# The demo VNF in the cluster lab, shared by the VNF scenarios
# (tests/cluster/vnf-*.bats), the benchmark and examples/demo.sh. Needs
# `lab` (tests/cluster/lab.bash or a function of the same name) and
# VNFHA_BUILDDIR.
#
#   statesync (promotable, notify) -> vnfc (promotable, colocated, ordered)
#   -> floatip on the promoted VNFC. The VNFC is vnfha-counterd, which commits
#   every update in VNF_MODE (sync by default) before acknowledging it.
#   The VIP starts after the promotion but is not stopped by a demotion
#   (symmetrical=false): when the VNFC is recovered in place the address
#   stays, so clients get a reset at once instead of a silent drop.

VNF_VIP=${VNF_VIP:-198.51.100.60}
VNF_PORT=${VNF_PORT:-7000}
VNF_MODE=${VNF_MODE:-sync}
# The VNFC's monitor interval in seconds when promoted (unpromoted: one more).
VNF_MONITOR=${VNF_MONITOR:-10}
VNF_KEY=/run/vnfha-lab/shared/authkey
# statesync's sync_method: tcp (default), cpg or shared_dir.
VNF_SYNC_METHOD=${VNF_SYNC_METHOD:-tcp}
# statesync's store_dir (shared_dir: a directory every node mounts).
VNF_STORE_DIR=${VNF_STORE_DIR:-/run/vnfha/store}

# One pre-shared key for the checkpoint channel, as Pacemaker Remote's.
vnf_new_key() {
	head -c 32 /dev/urandom > "$VNFHA_LAB/shared/authkey"
	chmod 600 "$VNFHA_LAB/shared/authkey"
}

# vnf_create_statesync: the checkpoint service alone (pcs), with a new key.
vnf_create_statesync() {
	vnf_new_key
	lab on 1 pcs resource create ss ocf:vnfha:statesync key_file=$VNF_KEY \
		sync_method="$VNF_SYNC_METHOD" store_dir="$VNF_STORE_DIR" op monitor interval=6s role=Promoted \
		op monitor interval=7s role=Unpromoted promotable notify=true
}

# vnf_create [pcs|crm]: the three resources and their constraints.
vnf_create() {
	local how=${1:-pcs} key=$VNF_KEY
	local counterd="$VNFHA_BUILDDIR/examples/vnfha-counterd"
	local args="--port $VNF_PORT --mode $VNF_MODE"
	local mon=$VNF_MONITOR mon2=$((VNF_MONITOR + 1))
	if [ "$how" = crm ]; then
		vnf_new_key
		lab on 1 crm configure <<-EOF
			primitive ss ocf:vnfha:statesync params key_file=$key store_dir=$VNF_STORE_DIR \
				sync_method=$VNF_SYNC_METHOD \
				op monitor interval=6s role=Promoted op monitor interval=7s role=Unpromoted
			clone ss-clone ss meta promotable=true notify=true
			primitive vnf ocf:vnfha:vnfc params binary=$counterd args="$args" heartbeat_timeout=1000 \
				op monitor interval=${mon}s role=Promoted op monitor interval=${mon2}s role=Unpromoted
			clone vnf-clone vnf meta promotable=true
			primitive vip ocf:vnfha:floatip params ip=$VNF_VIP cidr_netmask=24 op monitor interval=2s
			colocation vnf-with-ss inf: vnf-clone:Promoted ss-clone:Promoted
			order ss-before-vnf Mandatory: ss-clone:promote vnf-clone:promote
			colocation vip-with-vnf inf: vip vnf-clone:Promoted
			order vnf-before-vip Mandatory: vnf-clone:promote vip:start symmetrical=false
			commit
		EOF
	else
		vnf_create_statesync
		vnf_create_vnfc
	fi
	lab on 1 crm_resource --wait --timeout=120s
}

# vnf_create_vnfc: the VNFC and its address on top of statesync (pcs), as
# the README configures them.
vnf_create_vnfc() {
	local counterd="$VNFHA_BUILDDIR/examples/vnfha-counterd"
	local args="--port $VNF_PORT --mode $VNF_MODE"
	local mon=$VNF_MONITOR mon2=$((VNF_MONITOR + 1))
	lab on 1 pcs resource create vnf ocf:vnfha:vnfc binary="$counterd" args="$args" \
		heartbeat_timeout=1000 op monitor interval="${mon}s" role=Promoted \
		op monitor interval="${mon2}s" role=Unpromoted promotable
	vnf_create_vip
}

# The VIP and the constraints that tie ss, vnf and vip together (pcs), as
# the README writes them.
vnf_create_vip() {
	lab on 1 pcs resource create vip ocf:vnfha:floatip ip="$VNF_VIP" cidr_netmask=24 \
		op monitor interval=2s
	lab on 1 pcs constraint colocation add Promoted vnf-clone with Promoted ss-clone INFINITY
	lab on 1 pcs constraint order promote ss-clone "then" promote vnf-clone
	lab on 1 pcs constraint colocation add vip with Promoted vnf-clone INFINITY
	lab on 1 pcs constraint order promote vnf-clone "then" start vip symmetrical=false
}

# The node number whose VNFC is promoted, as a node with quorum sees it (a
# cut or frozen node may still believe its own view); waits up to 60 s for
# one, empty when there is none by then.
vnf_active() {
	local k n found deadline=$((SECONDS + 60))
	while [ $SECONDS -lt $deadline ]; do
		for n in $(seq "$(lab_nodes)"); do
			[ "$(timeout 5 "$LAB_CMD" on "$n" crm_node -q 2>/dev/null)" = 1 ] || continue
			k=$(timeout 5 "$LAB_CMD" on "$n" crm_resource --locate --resource vnf-clone \
				2>/dev/null | sed -n 's/.*running on: node\([0-9]*\) Promoted.*/\1/p')
			if [ -n "$k" ]; then
				found=$k
				break 2
			fi
		done
		sleep 0.5
	done
	echo "${found:-}"
}

# How many lines of node K's vnfc log (the supervisor's and the VNFC's
# output, /var/log/vnfha/vnfc-vnf.log) hold TEXT; 0 without the file.
vnf_log_count() {
	lab on "$1" cat /var/log/vnfha/vnfc-vnf.log 2>/dev/null | grep -c -F -- "$2" || true
}

# PID of vnfha-counterd on node K, as node K sees it.
vnf_pid() {
	lab on "$1" pgrep -f -o "vnfha-counterd --port" | head -n 1
}

# The demo client against the VIP, in the client namespace, for S seconds:
# VNF_CLIENT_THREADS clients at once (4 by default), each on its own
# connection and key; the demo VNF serves them all from one event loop,
# each answer held until its own update is on a replica.
vnf_client() {
	lab client "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server "$VNF_VIP:$VNF_PORT" --interval "${VNF_INTERVAL:-10}" \
		--threads "${VNF_CLIENT_THREADS:-4}" --duration "$1"
}

# Starts the client (VNF_CLIENT_THREADS threads, as vnf_client) for S
# seconds in the background, every acknowledged update recorded in
# CLIENT_LOG. `ip netns exec` execs the client, so CLIENT_PID is the client
# itself: `kill -INT "$CLIENT_PID"` ends its run early (a background job of
# a script ignores SIGINT; the client does not), and `wait "$CLIENT_PID"`
# returns its verdict: 0 no acknowledged update lost, 3 some lost
# (examples/vnfha-counter-client.c).
vnf_client_start() {
	local ns
	ns=$(lab netns client)
	CLIENT_LOG=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/vnf-client.XXXXXX")
	ip netns exec "$ns" "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
		--server "$VNF_VIP:$VNF_PORT" --interval "${VNF_INTERVAL:-10}" \
		--threads "${VNF_CLIENT_THREADS:-4}" --duration "$1" >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	sleep 1
}

# vnf_client_wait: waits for the client; CLIENT_RC is its exit status.
vnf_client_wait() {
	CLIENT_RC=0
	wait "$CLIENT_PID" || CLIENT_RC=$?
	CLIENT_PID=
	cat "$CLIENT_LOG"
	echo "client exit status $CLIENT_RC"
}

# vnf_client_check N: waits for the client, then: it exited 0 (no loss) with
# its summary, no recovery lost anything, and it saw at least N recoveries.
vnf_client_check() {
	vnf_client_wait
	[ "$CLIENT_RC" -eq 0 ]
	grep -q '^summary .* lost=0 ' "$CLIENT_LOG"
	[ "$(grep -c '^recovered .* lost=[1-9]' "$CLIENT_LOG")" -eq 0 ]
	[ "$(grep -c '^recovered ' "$CLIENT_LOG")" -ge "$1" ]
}

# vnf_expect_promoted moved|stayed OLD: after a fault on node OLD, the VNFC
# is promoted on another node (moved: the node was killed, cut off or
# frozen, and fenced) or on OLD again (stayed: a killed process is recovered
# in place, where statesync is still promoted). Fails when no node is
# promoted (vnf_active waits up to 60 s for one).
vnf_expect_promoted() {
	local want=$1 old=$2 now
	now=$(vnf_active)
	echo "promoted: node$old before the fault, node${now:-(none)} after; expected: $want"
	[ -n "$now" ]
	case $want in
	moved) [ "$now" != "$old" ] ;;
	stayed) [ "$now" = "$old" ] ;;
	*) echo "vnf_expect_promoted: moved or stayed, not '$want'" >&2; return 2 ;;
	esac
}

# vnf_check_kill process|node LABEL: under the client, the active VNFC's
# process killed (it fails over in place) or the active node killed and
# fenced (another node serves the state); no acknowledged update lost, the
# recovery time on fd 3.
vnf_check_kill() {
	local what=$1 old fault secs=12 want=stayed
	[ "$what" = process ] || secs=25 want=moved
	old=$(vnf_active)
	[ -n "$old" ]
	vnf_client_start "$secs"
	fault=$(lab_now_ms)
	case $what in
	process) lab kill-process "$old" "$(vnf_pid "$old")" ;;
	node) lab kill-node "$old" ;;
	*) echo "vnf_check_kill: process or node, not '$what'" >&2; return 2 ;;
	esac
	vnf_client_check 1
	echo "$2 $what kill -> answering again after $(vnf_recovery_ms "$CLIENT_LOG" "$fault") ms" >&3
	vnf_expect_promoted "$want" "$old"
}

vnf_check_process_kill() { vnf_check_kill process "$1"; }
vnf_check_node_kill() { vnf_check_kill node "$1"; }

# Milliseconds from FAULT_MS (epoch ms) until every client thread that
# recovered after it was answered again (the latest of their first
# recoveries in LOG); nothing when there was none.
vnf_recovery_ms() {
	awk -v f="$2" '/^recovered at_ms=/ {
		at = substr($2, 7) + 0; key = ($6 ~ /^key=/) ? $6 : "key=";
		if (at > f && !(key in first)) { first[key] = at; if (at > last) last = at }
	} END { if (last) print last - f }' "$1"
}

# setup_file of the VNF scenarios: a 3-node lab with fencing, token 1000 ms,
# the VNF created with pcs and serving.
vnf_setup_file() {
	lab_available || return 0
	lab_setup_file -n 3 -t 1000 --fencing
	vnf_create pcs
	vnf_wait_serving 60
}

# vnf_stale_start ID: node ID's replica stops receiving checkpoints (its
# replication port drops everything) until vnf_stale_stop, which also lifts
# the stale-replica tests' ban (constraint vnf-stale-test); STALE_NS is the
# netns in between.
vnf_stale_start() {
	STALE_NS=$(lab netns "$1")
	ip netns exec "$STALE_NS" nft add table inet vnfhastale
	ip netns exec "$STALE_NS" nft add chain inet vnfhastale in \
		'{ type filter hook input priority 0; }'
	ip netns exec "$STALE_NS" nft add rule inet vnfhastale in tcp dport 7410 drop
}

vnf_stale_stop() {
	[ -n "${STALE_NS:-}" ] || return 0
	ip netns exec "$STALE_NS" nft delete table inet vnfhastale 2>/dev/null || true
	lab on any pcs constraint remove vnf-stale-test 2>/dev/null || true
	STALE_NS=
}

# The client stopped, if it still runs.
vnf_client_stop() {
	if [ -n "${CLIENT_PID:-}" ]; then
		kill "$CLIENT_PID" 2>/dev/null || true
		wait "$CLIENT_PID" 2>/dev/null || true
		CLIENT_PID=
	fi
}

# teardown of the VNF scenarios: the client stopped, every node back up and
# every failure forgotten.
vnf_teardown() {
	vnf_client_stop
	lab_recover
}

# Waits until the VNF answers through the VIP (S seconds at most).
vnf_wait_serving() {
	local deadline=$((SECONDS + ${1:-60}))
	while [ $SECONDS -lt $deadline ]; do
		lab client "$VNFHA_BUILDDIR/examples/vnfha-counter-client" \
			--server "$VNF_VIP:$VNF_PORT" --get >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
