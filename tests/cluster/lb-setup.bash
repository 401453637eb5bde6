# SPDX-License-Identifier: GPL-2.0-or-later
# The HA load balancer of the lb scenarios and of tests/bench/lb-cluster.sh,
# on a running lab (tests/cluster/lab; VNFHA_LAB set):
#   vnfc      clone: one web server per member node on :8001, as
#             LB_VNFC_AGENT says:
#             hooks (the default): tests/bats/lb-backend.py (answering its
#               node name) under ocf:vnfha:vnfc protocol=hooks, whose
#               supervisor reports the server's death to Pacemaker at once;
#             vnfc: tests/bats/lb-vnfc under ocf:vnfha:vnfc, speaking the
#               role protocol with a heartbeat: its supervisor reports a
#               death or LB_HB_MS of silence (a hang) at once (the LB
#               bench's Pacemaker column; every instance answers "vnfc");
#             anything: lb-backend.py under ocf:heartbeat:anything, the
#               monitor alone.
#             Under ocf:vnfha:vnfc a promotable clone: every instance serves,
#             promoted or not
#   lb        group: lb-vip (IPaddr2 on LB_VIP) then lb-haproxy
#             (ocf:heartbeat:anything running HAProxy in the foreground),
#             on full cluster nodes only
#   lbm       clone of ocf:vnfha:lbmember, colocated with and ordered after
#             vnfc, ordered after lb; manages backend "be" (frontend :8080)
#   vnfm      vnfha-alert posting to a receiver in the client's netns
# HAProxy also has backend "be_hc" (frontend :8081): the same servers,
# static, watched by HAProxy's own health checks only (the benchmark's anchor).
# LB_MEMBERS: the lab ids of the member nodes (default: every full node;
# "r1 r2 r3 r4": the remote nodes, the seed's case 2); the pool's resources
# run there alone. LB_LBM_PARAMS: more lbmember parameters (NAME=VALUE words).

LB_VIP=198.51.100.60
LB_RX_PORT=8300
LB_SRC=${VNFHA_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LB_BUILD=${VNFHA_BUILDDIR:-$LB_SRC}
LB_VNFC_AGENT=${LB_VNFC_AGENT:-hooks}
LB_HB_MS=${LB_HB_MS:-300}

# The member nodes' lab ids.
lb_members() {
	local lab="$LB_SRC/tests/cluster/lab"
	if [ -n "${LB_MEMBERS:-}" ]; then
		echo "$LB_MEMBERS"
	else
		seq -s ' ' "$(sed -n 's/^NODES=//p' "$VNFHA_LAB/settings")"
	fi
}

# Pacemaker's name of lab id K (node2, remote1).
lb_name() {
	case $1 in
	r*) echo "remote${1#r}" ;;
	*) echo "node$1" ;;
	esac
}

# PID of member K's web server, as node K sees it (any LB_VNFC_AGENT).
lb_vnfc_pid() {
	local what="lb-backend.py 0.0.0.0 8001"
	[ "$LB_VNFC_AGENT" != vnfc ] || what="lb-vnfc vnfc 0.0.0.0:8001"
	"$LB_SRC/tests/cluster/lab" on "$1" pgrep -o -f "$what"
}

# lb_lab_vnfc INTER_MS: the VNFC clone, disabled, as LB_VNFC_AGENT says.
# Under ocf:vnfha:vnfc its two monitors (one per role) in whole seconds:
# pcs takes no two "ms" intervals of one resource; the supervisor, not the
# monitor, reports a death (or, with the heartbeat, a hang).
lb_lab_vnfc() {
	local lab="$LB_SRC/tests/cluster/lab" mon_s=$((($1 + 999) / 1000))
	local mon=(op monitor interval="${mon_s}s" role=Promoted
		op monitor interval="$((mon_s + 1))s" role=Unpromoted promotable interleave=true)
	case $LB_VNFC_AGENT in
	hooks)
		"$lab" on 1 pcs resource create vnfc ocf:vnfha:vnfc binary=/usr/bin/python3 \
			args="$LB_SRC/tests/bats/lb-backend.py 0.0.0.0 8001 -" protocol=hooks \
			"${mon[@]}" --disabled
		;;
	vnfc)
		"$lab" on 1 pcs resource create vnfc ocf:vnfha:vnfc binary="$LB_BUILD/tests/bats/lb-vnfc" \
			args="vnfc 0.0.0.0:8001 127.0.0.1:9001 $LB_HB_MS /run/lb-vnfc.ctl" \
			heartbeat_timeout="$LB_HB_MS" "${mon[@]}" --disabled
		;;
	anything)
		"$lab" on 1 pcs resource create vnfc ocf:heartbeat:anything binfile=/usr/bin/python3 \
			cmdline_options="$LB_SRC/tests/bats/lb-backend.py 0.0.0.0 8001 -" \
			pidfile=/run/vnfc.pid op monitor interval="${1}ms" clone interleave=true \
			--disabled
		;;
	*)
		echo "LB_VNFC_AGENT=$LB_VNFC_AGENT: use hooks, vnfc or anything" >&2
		return 2
		;;
	esac
}

# lb_lab_configure CHECK_INTER_MS CHECK_FALL [REDISPATCH]
# REDISPATCH (default yes): HAProxy retries a refused connection on another
# server, which hides most failures from clients whichever way the pool is kept.
lb_lab_configure() {
	local inter=${1:-1000} fall=${2:-3} redispatch=${3:-yes} lab="$LB_SRC/tests/cluster/lab"
	local k client_ns retry="retries 2\n\toption redispatch 1" members addrs='' rule
	client_ns=$("$lab" netns client)
	[ "$redispatch" = yes ] || retry="retries 0"
	cat >"$VNFHA_LAB/shared/haproxy.cfg" <<CFG
global
	# admin API on the VIP: every node's lbmember reaches the active HAProxy
	stats socket ipv4@$LB_VIP:9999 level admin
	stats timeout 10s
defaults
	mode http
	timeout connect 1s
	timeout client 10s
	timeout server 10s
	# with redispatch, a connection refused by a VNFC that just died goes to
	# another member
	$(printf '%b' "$retry")
frontend fe
	bind $LB_VIP:8080
	default_backend be
backend be
	balance roundrobin
frontend fe_hc
	bind $LB_VIP:8081
	default_backend be_hc
backend be_hc
	balance roundrobin
$(for k in $(lb_members); do
		printf '\tserver %s %s:8001 check inter %d fall %d rise 2\n' "$(lb_name "$k")" \
			"$("$lab" addr "$k")" "$inter" "$fall"
	done)
CFG
	# The VNFM: records every POST body.
	ip netns exec "$client_ns" python3 "$LB_SRC/tests/bats/lb-receiver.py" \
		"$("$lab" addr client)" "$LB_RX_PORT" "$VNFHA_LAB/shared/alerts" \
		</dev/null >/dev/null 2>&1 3>&- &
	echo $! >"$VNFHA_LAB/shared/receiver.pid"

	"$lab" on 1 pcs alert create id=vnfm path="$LB_BUILD/src/alert/vnfha-alert" \
		options vnfha_vnf=demo vnfha_timeout=1s vnfha_retries=1
	"$lab" on 1 pcs alert recipient add vnfm id=vnfm-rx \
		value="http://$("$lab" addr client):$LB_RX_PORT/vnfm"
	lb_lab_vnfc "$inter"
	members=
	for k in $(lb_members); do
		members+="$(lb_name "$k") "
		addrs+="$(lb_name "$k")=$("$lab" addr "$k") "
	done
	"$lab" on 1 pcs resource create lb-vip ocf:heartbeat:IPaddr2 ip="$LB_VIP" cidr_netmask=24 \
		op monitor interval=2s --group lb
	"$lab" on 1 pcs resource create lb-haproxy ocf:heartbeat:anything \
		binfile=/usr/sbin/haproxy cmdline_options="-db -f /run/vnfha-lab/shared/haproxy.cfg" \
		pidfile=/run/haproxy-lb.pid op monitor interval=2s --group lb
	# shellcheck disable=SC2086 # LB_LBM_PARAMS: NAME=VALUE words
	"$lab" on 1 pcs resource create lbm ocf:vnfha:lbmember socket="$LB_VIP:9999" backend=be \
		address="${addrs% }" port=8001 drain_timeout=2s ${LB_LBM_PARAMS:-} \
		op monitor interval=2s clone interleave=true --disabled
	# HAProxy on full nodes; the pool on its member nodes alone. The pool's
	# resources start once placed: an instance on a node without an
	# address would fail.
	"$lab" on 1 pcs constraint location lb rule score=-INFINITY '#kind' ne cluster
	rule=()
	for k in $members; do rule+=(and '#uname' ne "$k"); done
	"$lab" on 1 pcs constraint location vnfc-clone rule score=-INFINITY "${rule[@]:1}"
	"$lab" on 1 pcs constraint colocation add lbm-clone with vnfc-clone INFINITY
	"$lab" on 1 pcs constraint order start vnfc-clone "then" start lbm-clone
	"$lab" on 1 pcs constraint order start lb "then" start lbm-clone
	"$lab" on 1 pcs resource enable vnfc-clone lbm-clone
	"$lab" on 1 crm_resource --wait --timeout=90s
}

lb_lab_unconfigure() {
	kill "$(cat "$VNFHA_LAB/shared/receiver.pid" 2>/dev/null)" 2>/dev/null || true
}

# lb_api CMD: one command to HAProxy's runtime API at the VIP (from the
# client's netns: CLIENT_NS, or looked up).
lb_api() {
	ip netns exec "${CLIENT_NS:-$("$LB_SRC/tests/cluster/lab" netns client)}" python3 \
		"$LB_SRC/tests/bats/lb_api.py" "$LB_VIP:9999" "$1"
}

# The members HAProxy sends traffic to, by Pacemaker name, sorted, each with
# a blank after it ("node1 node2 "): ready, at their lab address, port 8001.
lb_pool() {
	local k want=''
	for k in $(lb_members); do
		want+="$(lb_name "$k")=$("$LB_SRC/tests/cluster/lab" addr "$k") "
	done
	lb_api "show servers state be" 2>/dev/null | awk -v want="$want" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { split(w[i], kv, "="); addr[kv[1]] = kv[2] } }
		NF > 6 && $1 != "#" && $7 == 0 && ($4 in addr) && $5 == addr[$4] && $19 == 8001 { print $4 }' |
		sort | tr '\n' ' '
}

# lb_wait_pool "WANT" SECONDS: until lb_pool is exactly WANT; prints the
# epoch ms then.
lb_wait_pool() {
	local want=$1 secs=$2 t0 now
	t0=$(lab_now_ms)
	while :; do
		[ "$(lb_pool)" = "$want" ] && { lab_now_ms; return 0; }
		now=$(lab_now_ms)
		if [ $((now - t0)) -gt $((secs * 1000)) ]; then
			echo "pool is [$(lb_pool)], want [$want]" >&2
			return 1
		fi
		sleep 0.05
	done
}

# lb_client_start SECONDS: the HTTP client in the client's netns, 50
# requests/s to the VIP's frontend for SECONDS, into CLIENT_OUT (one line per
# request: "<start ms> <end ms> ok|fail <member>"); CLIENT_PID is its PID.
lb_client_start() {
	CLIENT_OUT=$BATS_TEST_TMPDIR/client
	ip netns exec "${CLIENT_NS:-$("$LB_SRC/tests/cluster/lab" netns client)}" python3 \
		"$LB_SRC/tests/cluster/lb-client.py" "http://$LB_VIP:8080/" 50 "$1" "$CLIENT_OUT" \
		</dev/null 3>&- &
	# shellcheck disable=SC2034 # the caller's: it waits for the client
	CLIENT_PID=$!
}

# lb_inflight FROM_MS TO_MS: how many of CLIENT_OUT's requests were in flight
# at some instant of [FROM, TO], the span in which a kill landed (lab
# kill-process takes its own time, tens of ms on a busy machine): a request
# sent in it may be the victim's.
lb_inflight() {
	awk -v a="$1" -v b="$2" '$1 <= b && $2 >= a' "$CLIENT_OUT" | wc -l
}

# The pool as HAProxy sees it, every 20 ms (lb-pool-watch.py, in the
# client's netns), into LB_WATCH_OUT: "<epoch ms> <members>" per change.
lb_watch_start() {
	LB_WATCH_OUT=${BATS_TEST_TMPDIR:-$VNFHA_LAB}/pool-watch
	: >"$LB_WATCH_OUT"
	ip netns exec "$("$LB_SRC/tests/cluster/lab" netns client)" python3 \
		"$LB_SRC/tests/cluster/lb-pool-watch.py" "$LB_VIP:9999" be "$LB_WATCH_OUT" \
		</dev/null >/dev/null 2>&1 3>&- &
	LB_WATCH_PID=$!
	# Watching once it has written the pool it first saw: a failure made
	# before (its start takes a second on a loaded machine) and recovered
	# in place within it would go unseen (gate 42: first line 0.9 s after
	# the kill, node2 already back).
	local _
	for _ in $(seq 200); do
		[ -s "$LB_WATCH_OUT" ] && return 0
		sleep 0.05
	done
	echo "the pool watcher saw no pool in 10 s" >&2
	return 1
}

lb_watch_stop() {
	[ -n "${LB_WATCH_PID:-}" ] || return 0
	kill "$LB_WATCH_PID" 2>/dev/null || true
	wait "$LB_WATCH_PID" 2>/dev/null || true
	LB_WATCH_PID=
}

# lb_watch_wait with|without MEMBER SINCE_MS SECONDS: waits until the
# watcher saw, at or after epoch ms SINCE, a pool with (without) MEMBER;
# prints the epoch ms it saw it.
lb_watch_wait() {
	local how=$1 member=$2 since=$3 deadline=$((SECONDS + $4)) t
	while [ $SECONDS -lt $deadline ]; do
		t=$(awk -v m="$member" -v t="$since" -v want="$how" '$1 >= t {
			has = 0
			for (i = 2; i <= NF; i++) if ($i == m) has = 1
			if ((want == "with") == has) { print $1; exit } }' "$LB_WATCH_OUT")
		if [ -n "$t" ]; then
			echo "$t"
			return 0
		fi
		sleep 0.05
	done
	echo "the pool watcher saw no pool $how $member after $since:" >&2
	cat "$LB_WATCH_OUT" >&2
	return 1
}
