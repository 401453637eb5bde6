# SPDX-License-Identifier: GPL-2.0-or-later
# The HA load balancer of the lb scenarios and of tests/bench/lb-cluster.sh,
# on a running lab (tests/cluster/lab; VNFHA_LAB set):
#   vnfc      clone: one web server per node (ocf:heartbeat:anything running
#             tests/bats/lb-backend.py on :8001, answering its node name);
#             with LB_VNFC_AGENT=vnfc, ocf:vnfha:vnfc (promotable) running
#             tests/bats/lb-vnfc on :8001 instead: its supervisor reports a
#             death or LB_HB_MS of silence (a hang) to Pacemaker at once
#   lb        group: lb-vip (IPaddr2 on LB_VIP) then lb-haproxy
#             (ocf:heartbeat:anything running HAProxy in the foreground)
#   lbm       clone of ocf:vnfha:lbmember, colocated with and ordered after
#             vnfc, ordered after lb; manages backend "be" (frontend :8080)
#   vnfm      vnfha-alert posting to a receiver in the client's netns
# HAProxy also has backend "be_hc" (frontend :8081): the same three servers,
# static, watched by HAProxy's own health checks only (the benchmark's anchor).

LB_VIP=198.51.100.60
LB_RX_PORT=8300
LB_SRC=${VNFHA_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LB_BUILD=${VNFHA_BUILDDIR:-$LB_SRC}
LB_VNFC_AGENT=${LB_VNFC_AGENT:-anything}
LB_HB_MS=${LB_HB_MS:-300}

# lb_lab_vnfc INTER_MS: the VNFC clone as LB_VNFC_AGENT says (vnfc: its
# monitors in whole seconds, one per role: pcs takes no two "ms" intervals;
# its supervisor, not the monitor, reports a death or a hang).
lb_lab_vnfc() {
	local lab="$LB_SRC/tests/cluster/lab"
	if [ "$LB_VNFC_AGENT" = vnfc ]; then
		"$lab" on 1 pcs resource create vnfc ocf:vnfha:vnfc binary="$LB_BUILD/tests/bats/lb-vnfc" \
			args="vnfc 0.0.0.0:8001 127.0.0.1:9001 $LB_HB_MS /run/lb-vnfc.ctl" \
			heartbeat_timeout="$LB_HB_MS" op monitor interval="$(($1 / 1000 + 1))s" role=Promoted \
			op monitor interval="$(($1 / 1000 + 2))s" role=Unpromoted promotable interleave=true
		return
	fi
	"$lab" on 1 pcs resource create vnfc ocf:heartbeat:anything binfile=/usr/bin/python3 \
		cmdline_options="$LB_SRC/tests/bats/lb-backend.py 0.0.0.0 8001 -" \
		pidfile=/run/vnfc.pid op monitor interval="${1}ms" clone interleave=true
}

# lb_lab_configure CHECK_INTER_MS CHECK_FALL [REDISPATCH]
# REDISPATCH (default yes): HAProxy retries a refused connection on another
# server, which hides most failures from clients whichever way the pool is kept.
lb_lab_configure() {
	local inter=${1:-1000} fall=${2:-3} redispatch=${3:-yes} lab="$LB_SRC/tests/cluster/lab"
	local k client_ns retry="retries 2\n\toption redispatch 1"
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
$(for k in 1 2 3; do
		printf '\tserver node%d %s:8001 check inter %d fall %d rise 2\n' "$k" \
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
	"$lab" on 1 pcs resource create lb-vip ocf:heartbeat:IPaddr2 ip="$LB_VIP" cidr_netmask=24 \
		op monitor interval=2s --group lb
	"$lab" on 1 pcs resource create lb-haproxy ocf:heartbeat:anything \
		binfile=/usr/sbin/haproxy cmdline_options="-db -f /run/vnfha-lab/shared/haproxy.cfg" \
		pidfile=/run/haproxy-lb.pid op monitor interval=2s --group lb
	"$lab" on 1 pcs resource create lbm ocf:vnfha:lbmember socket="$LB_VIP:9999" backend=be \
		address="node1=$("$lab" addr 1) node2=$("$lab" addr 2) node3=$("$lab" addr 3)" \
		port=8001 drain_timeout=2s op monitor interval=2s clone interleave=true
	"$lab" on 1 pcs constraint colocation add lbm-clone with vnfc-clone INFINITY
	"$lab" on 1 pcs constraint order start vnfc-clone "then" start lbm-clone
	"$lab" on 1 pcs constraint order start lb "then" start lbm-clone
	"$lab" on 1 crm_resource --wait --timeout=90s
}

lb_lab_unconfigure() {
	kill "$(cat "$VNFHA_LAB/shared/receiver.pid" 2>/dev/null)" 2>/dev/null || true
}
