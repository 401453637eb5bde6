# SPDX-License-Identifier: GPL-2.0-or-later
# Shared set-up for the lb*.bats tests: a network namespace with a real
# HAProxy (config written here), backends served by lb-backend.py, and a
# runner for the lbmember agent. Everything is torn down in teardown_file.
# Unprivileged, setup_file sets up nothing and each test skips (netns.bash).

load netns

LB_AGENT="$VNFHA_BUILDDIR/agents/lbmember"
LB_BACKEND="$VNFHA_SRCDIR/tests/bats/lb-backend.py"

# lb_ns_setup: namespace + work directory, names unique per run.
lb_ns_setup() {
	export LB_NS="vhlb$$x$RANDOM"
	export LB_DIR
	LB_DIR=$(mktemp -d /tmp/vnfha-lb.XXXXXX)
	ip netns add "$LB_NS"
	ip -n "$LB_NS" link set lo up
}

lb_ns_teardown() {
	local pid
	if [ -n "${LB_NS:-}" ]; then
		for pid in $(ip netns pids "$LB_NS" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null || true
		done
		ip netns del "$LB_NS" 2>/dev/null || true
	fi
	if [ -n "${LB_DIR:-}" ]; then
		rm -rf "$LB_DIR"
	fi
}

lb_exec() {
	ip netns exec "$LB_NS" "$@"
}

# lb_backend NAME PORT [ADDR]: a backend server on ADDR (127.0.0.1):PORT;
# its pid in $LB_DIR/NAME.pid
lb_backend() {
	ip netns exec "$LB_NS" python3 "$LB_BACKEND" "${3:-127.0.0.1}" "$2" "$1" </dev/null >/dev/null 2>&1 &
	echo $! >"$LB_DIR/$1.pid"
	lb_wait_port "$2" "${3:-127.0.0.1}"
}

# lb_wait_port PORT [ADDR]: waits (bounded) until something listens there.
lb_wait_port() {
	for _ in $(seq 100); do
		lb_exec bash -c "exec 3<>/dev/tcp/${2:-127.0.0.1}/$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2
	return 1
}

# lb_haproxy [EXTRA BACKEND LINES...]: HAProxy with frontend :8080 -> backend be,
# admin sockets at $LB_DIR/admin.sock and 127.0.0.1:9999.
lb_haproxy() {
	cat >"$LB_DIR/haproxy.cfg" <<CFG
global
	stats socket $LB_DIR/admin.sock mode 600 level admin
	stats socket ipv4@127.0.0.1:9999 level admin
	stats timeout 10s
defaults
	mode http
	timeout connect 1s
	timeout client 20s
	timeout server 20s
	retries 0
frontend fe
	bind 127.0.0.1:8080
	default_backend be
backend be
	balance roundrobin
backend be_static
	balance roundrobin
	server n1 127.0.0.1:8001
$(printf '%s\n' "$@")
CFG
	# MALLOC_PERTURB_: memory HAProxy frees is overwritten at once, so a use
	# after free crashes the test's HAProxy instead of passing by luck
	ip netns exec "$LB_NS" env MALLOC_PERTURB_=165 haproxy -db -f "$LB_DIR/haproxy.cfg" \
		</dev/null >"$LB_DIR/haproxy.log" 2>&1 &
	echo $! >"$LB_DIR/haproxy.pid"
	lb_wait_port 9999
}

# lb_api COMMAND: one runtime API command over the Unix socket.
lb_api() {
	python3 "$VNFHA_SRCDIR/tests/bats/lb_api.py" "$LB_DIR/admin.sock" "$1"
}

# lb_state SERVER [BACKEND]: "op admin addr port weight" or "absent"
lb_state() {
	lb_api "show servers state ${2:-be}" | awk -v s="$1" '
		$4 == s { print $6, $7, $5, $19, $8; found = 1 }
		END { if (!found) print "absent" }'
}

# lb_agent ACTION [NAME=VALUE...]: runs the agent with OCF_RESKEY_NAME=VALUE.
lb_agent() {
	local action=$1
	shift
	local envs=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=lbm
		OCF_RESKEY_CRM_meta_on_node=n1 OCF_RESKEY_CRM_meta_interval=5000)
	local kv
	for kv in "$@"; do
		envs+=("OCF_RESKEY_$kv")
	done
	env -i PATH="$PATH" "${envs[@]}" ip netns exec "$LB_NS" "$LB_AGENT" "$action"
}

# lb_params: sets P, the parameters of node n1's member (add more after it).
lb_params() {
	# shellcheck disable=SC2034 # P: for the .bats files that load this
	P=(socket="$LB_DIR/admin.sock" backend=be "address=n1=127.0.0.1 n2=127.0.0.2" port=8001)
}

lb_get() {
	lb_exec curl -fsS -m 5 "http://127.0.0.1:8080$1"
}
