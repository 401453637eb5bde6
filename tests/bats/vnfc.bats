#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:vnfc outside a cluster: every action against the real demo VNFC
# (vnfha-counterd) in a throwaway network namespace. Pacemaker's own CLI
# tools are replaced by recorders on PATH here so the test can read the
# exact argv the agent and its supervisor pass to crm_attribute and
# crm_resource; the cluster scenarios (tests/cluster/vnf-*.bats) run the
# real ones.

setup() {
	load netns
	netns_setup
	AGENT="$VNFHA_BUILDDIR/agents/vnfc"
	COUNTERD="$VNFHA_BUILDDIR/examples/vnfha-counterd"
	CLIENT="$VNFHA_BUILDDIR/examples/vnfha-counter-client"
	BIN="$NETNS_DIR/bin"
	mkdir -p "$BIN"
	for tool in crm_attribute crm_resource; do
		printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s/%s.calls"\n' "$NETNS_DIR" "$tool" > "$BIN/$tool"
		chmod +x "$BIN/$tool"
	done
	export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE="vnf:0"
	export OCF_RESKEY_binary="$COUNTERD" OCF_RESKEY_args="--state none --port 7000"
	export OCF_RESKEY_state_dir="$NETNS_DIR/run" OCF_RESKEY_CRM_meta_on_node=nodeA
	# what Pacemaker passes an instance of a promotable clone
	export OCF_RESKEY_CRM_meta_clone=0 OCF_RESKEY_CRM_meta_clone_max=2 \
		OCF_RESKEY_CRM_meta_promotable=true OCF_RESKEY_CRM_meta_promoted_max=1
}

teardown() {
	netns_teardown
}

ra() {
	PATH="$BIN:$PATH" ip netns exec "$NS_A" "$AGENT" "$@"
}

# The running demo VNFC's PID (the process, not its libtool wrapper).
counterd_pid() {
	local p
	for p in $(ip netns pids "$NS_A"); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" != vnfc ] &&
			tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q 'vnfha-counterd --state'; then
			echo "$p"
		fi
	done
}

incr() {
	ip netns exec "$NS_A" "$CLIENT" --server 127.0.0.1:7000 --key k --duration 1 --interval 50
}

@test "vnfc: start, promote, demote, stop follow the OCF codes" {
	run ra monitor;  [ "$status" -eq 7 ]
	run ra start;    [ "$status" -eq 0 ]
	run ra start;    [ "$status" -eq 0 ]   # idempotent
	run ra monitor;  [ "$status" -eq 0 ]
	# A standby serves nobody.
	run ip netns exec "$NS_A" "$CLIENT" --server 127.0.0.1:7000 --get; [ "$status" -ne 0 ]
	run ra promote;  [ "$status" -eq 0 ]
	run ra monitor;  [ "$status" -eq 8 ]
	run incr
	[[ "$output" == *"summary acked="* ]]
	[[ "$output" != *"acked=0 "* ]]
	run ra demote;   [ "$status" -eq 0 ]
	run ra monitor;  [ "$status" -eq 0 ]
	run ra stop;     [ "$status" -eq 0 ]
	run ra monitor;  [ "$status" -eq 7 ]
	run ra stop;     [ "$status" -eq 0 ]   # stop of stopped
	# Scores through crm_attribute --promotion, set on start and kept by stop
	# (a recovery in place would otherwise abort its own transition twice).
	grep -qx -- "--promotion -v 10 -q" "$NETNS_DIR/crm_attribute.calls"
	run grep -c -- "-D" "$NETNS_DIR/crm_attribute.calls"
	[ "$output" = 0 ]
}

# Waits until the recorder of TOOL has a call (5 s at most).
wait_calls() {
	for _ in $(seq 100); do
		[ -s "$NETNS_DIR/$1.calls" ] && return 0
		sleep 0.05
	done
	return 1
}

# Runs the agent's ACTION: its exit status in RA_STATUS, how long it took
# in RA_MS (milliseconds).
ra_timed() {
	local t=$EPOCHREALTIME
	RA_STATUS=0
	ra "$@" || RA_STATUS=$?
	RA_MS=$(((${EPOCHREALTIME/./} - ${t/./}) / 1000))
}

# Starts and promotes the VNFC, kills it with SIGKILL and waits until its
# supervisor has called crm_resource (the recorder).
kill_active() {
	local pid
	ra start
	ra promote
	pid=$(counterd_pid)
	[ -n "$pid" ]
	kill -9 "$pid"
	wait_calls crm_resource
}

@test "vnfc: start does not wait for the promotion score; the supervisor sets it" {
	printf '#!/bin/sh\nsleep 2\nprintf "%%s\\n" "$*" >> "%s/crm_attribute.calls"\n' \
		"$NETNS_DIR" > "$BIN/crm_attribute"
	ra_timed start
	[ "$RA_STATUS" -eq 0 ]
	[ "$RA_MS" -lt 1500 ]
	[ ! -e "$NETNS_DIR/crm_attribute.calls" ]
	wait_calls crm_attribute
	run cat "$NETNS_DIR/crm_attribute.calls"
	[ "$output" = "--promotion -v 10 -q" ]
	ra stop
	# hooks: ready as soon as it runs, so the score follows at once too
	rm "$NETNS_DIR/crm_attribute.calls"
	OCF_RESKEY_binary=/bin/sleep OCF_RESKEY_args="'1000'" OCF_RESKEY_protocol=hooks ra start
	wait_calls crm_attribute
	run cat "$NETNS_DIR/crm_attribute.calls"
	[ "$output" = "--promotion -v 10 -q" ]
	OCF_RESKEY_protocol=hooks ra stop
}

@test "vnfc: a promotion score the cluster could not take (exit 71) is set again" {
	# fails twice as on a Pacemaker Remote node whose proxy cannot reach the
	# CIB, then takes it: three calls, the score set
	cat >"$BIN/crm_attribute" <<-EOF2
		#!/bin/sh
		printf '%s\n' "\$*" >> "$NETNS_DIR/crm_attribute.calls"
		[ "\$(wc -l <"$NETNS_DIR/crm_attribute.calls")" -gt 2 ] && exit 0
		echo "crm_attribute: Could not connect to the CIB: Communication error on send" >&2
		exit 71
	EOF2
	chmod +x "$BIN/crm_attribute"
	ra start
	for _ in $(seq 60); do
		[ "$(wc -l <"$NETNS_DIR/crm_attribute.calls")" -ge 3 ] && break
		sleep 0.05
	done
	sleep 0.5 # no fourth call
	run cat "$NETNS_DIR/crm_attribute.calls"
	[ "$output" = "$(printf -- '--promotion -v 10 -q\n%.0s' 1 2 3)" ]
	ra stop
}

# Milliseconds from T (microseconds since the epoch) to the first recorded
# crm_attribute call (the recorder below stamps each call).
score_after() {
	awk -v t="$1" '{ print int(($1 - t) / 1000); exit }' "$NETNS_DIR/crm_attribute.calls"
}

@test "vnfc: a recovery in place refreshes the kept promotion score after its promote" {
	# shellcheck disable=SC2016 # expanded by the recorder
	printf '#!/bin/bash\necho "${EPOCHREALTIME/./}" >> "%s/crm_attribute.calls"\n' \
		"$NETNS_DIR" > "$BIN/crm_attribute"
	# The first start on this executor (this shell, the agent's parent):
	# the score at once.
	t=${EPOCHREALTIME/./}
	ra start
	wait_calls crm_attribute
	[ "$(score_after "$t")" -lt 500 ]
	sleep 0.2 # the supervisor has its answer
	ra promote
	ra demote
	ra stop
	# A recovery in place: the same executor, the score kept by the stop.
	# The new supervisor refreshes it a second after ready, not beside
	# the promote that follows the start.
	rm "$NETNS_DIR/crm_attribute.calls"
	t=${EPOCHREALTIME/./}
	ra start
	ra promote
	wait_calls crm_attribute
	echo "refreshed after $(score_after "$t") ms"
	[ "$(score_after "$t")" -ge 900 ]
	ra stop
	# Another executor (Pacemaker restarted: the transient attribute may be
	# gone): at once again.
	rm "$NETNS_DIR/crm_attribute.calls"
	t=${EPOCHREALTIME/./}
	(ra start)
	wait_calls crm_attribute
	echo "set after $(score_after "$t") ms"
	[ "$(score_after "$t")" -lt 500 ]
	ra stop
}

@test "vnfc: the supervisor reports a dead VNFC to Pacemaker at once" {
	# No monitor needed: the supervisor calls crm_resource --fail itself.
	kill_active
	run cat "$NETNS_DIR/crm_resource.calls"
	[ "$output" = "--fail --resource vnf --node nodeA" ]
	run ra monitor;  [ "$status" -eq 9 ]   # failed while promoted
	run ra demote;   [ "$status" -eq 0 ]
	run ra stop;     [ "$status" -eq 0 ]
	run ra monitor;  [ "$status" -eq 7 ]
}

@test "vnfc: with no controller to connect to, the supervisor reports with crm_resource" {
	# The supervisor tries the controller's IPC 1 s after the start (there
	# is no Pacemaker in this namespace), says so, and reports the same
	# request with crm_resource instead.
	export OCF_RESKEY_log_file="$NETNS_DIR/vnf.log"
	ra start
	ra promote
	for _ in $(seq 60); do
		grep -q "reporting failures of vnf with crm_resource: " "$OCF_RESKEY_log_file" && break
		sleep 0.05
	done
	grep "reporting failures of vnf with crm_resource: " "$OCF_RESKEY_log_file"
	pid=$(counterd_pid)
	[ -n "$pid" ]
	kill -9 "$pid"
	wait_calls crm_resource
	run cat "$NETNS_DIR/crm_resource.calls"
	[ "$output" = "--fail --resource vnf --node nodeA" ]
	run ra monitor;  [ "$status" -eq 9 ]
	grep "crm_resource --fail took the failure of vnf in" "$OCF_RESKEY_log_file"
	run grep -c "the controller took the failure" "$OCF_RESKEY_log_file"
	[ "$output" = 0 ]
	ra stop
}

@test "vnfc: a recurring monitor leaves a reported failure to Pacemaker's recovery" {
	kill_active
	# A probe tells at once.
	ra_timed monitor
	[ "$RA_STATUS" -eq 9 ]
	[ "$RA_MS" -lt 1000 ]
	# A recurring monitor does not report the death a second time while the
	# recovery is on its way (its first action cancels the monitor); with no
	# recovery it tells after its wait, half its budget here (4 s - 1 s).
	OCF_RESKEY_CRM_meta_interval=1000 OCF_RESKEY_CRM_meta_timeout=4000 ra_timed monitor
	[ "$RA_STATUS" -eq 9 ]
	[ "$RA_MS" -ge 1400 ]
	[ "$RA_MS" -lt 3000 ]
	# Cancelled as pacemaker-execd cancels an in-flight monitor: killed.
	OCF_RESKEY_CRM_meta_interval=1000 PATH="$BIN:$PATH" \
		ip netns exec "$NS_A" "$AGENT" monitor 3>&- &
	mon=$!
	sleep 0.3
	kill -0 "$mon"   # still waiting
	kill -9 "$mon"
	run ra demote;   [ "$status" -eq 0 ]
	run ra stop;     [ "$status" -eq 0 ]
}

@test "vnfc: a failure the supervisor could not report is reported by the next monitor" {
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s/crm_resource.calls"\nexit 1\n' \
		"$NETNS_DIR" > "$BIN/crm_resource"
	kill_active
	sleep 0.1
	OCF_RESKEY_CRM_meta_interval=1000 OCF_RESKEY_CRM_meta_timeout=4000 ra_timed monitor
	[ "$RA_STATUS" -eq 9 ]
	[ "$RA_MS" -lt 1000 ]
	ra stop
}

@test "vnfc: an unpromoted VNFC that dies is a plain failure" {
	ra start
	pid=$(counterd_pid)
	[ -n "$pid" ]
	kill -9 "$pid"
	sleep 0.3
	run ra monitor;  [ "$status" -eq 1 ]
	ra stop
}

@test "vnfc: a VNFC that stops heartbeating is killed and reported" {
	export OCF_RESKEY_heartbeat_timeout=600
	ra start
	ra promote
	pid=$(counterd_pid)
	[ -n "$pid" ]
	kill -STOP "$pid"
	sleep 1.2
	run cat "$NETNS_DIR/crm_resource.calls"
	[ "$output" = "--fail --resource vnf --node nodeA" ]
	run ra monitor;  [ "$status" -eq 9 ]
	run kill -0 "$pid"; [ "$status" -ne 0 ]   # killed, not left hanging
	ra stop
}

@test "vnfc: hooks drive an unmodified program" {
	# shellcheck disable=SC2030,SC2031 # each @test is a process of its own: its exports stay in it
	export OCF_RESKEY_binary=/bin/sleep OCF_RESKEY_args="'1000'" OCF_RESKEY_protocol=hooks
	export OCF_RESKEY_promote_cmd="/usr/bin/touch $NETNS_DIR/promoted"
	export OCF_RESKEY_demote_cmd="/bin/rm $NETNS_DIR/promoted"
	export OCF_RESKEY_health_cmd="/usr/bin/test -e $NETNS_DIR/healthy"
	touch "$NETNS_DIR/healthy"
	run ra start;    [ "$status" -eq 0 ]
	run ra monitor;  [ "$status" -eq 0 ]
	run ra promote;  [ "$status" -eq 0 ]
	[ -e "$NETNS_DIR/promoted" ]
	run ra monitor;  [ "$status" -eq 8 ]
	rm "$NETNS_DIR/healthy"
	run ra monitor;  [ "$status" -eq 9 ]
	touch "$NETNS_DIR/healthy"
	run ra demote;   [ "$status" -eq 0 ]
	[ ! -e "$NETNS_DIR/promoted" ]
	run ra stop;     [ "$status" -eq 0 ]
}

@test "vnfc: arguments reach the program literally, never through a shell" {
	# shellcheck disable=SC2030,SC2031 # each @test is a process of its own: its exports stay in it
	export OCF_RESKEY_binary=/usr/bin/printf OCF_RESKEY_protocol=hooks
	# shellcheck disable=SC2030,SC2031 # each @test is a process of its own: its exports stay in it
	export OCF_RESKEY_args="'<%s>' '\$(touch $NETNS_DIR/pwned)' ;id"
	export OCF_RESKEY_log_file="$NETNS_DIR/vnf.log"
	ra start || true
	for _ in $(seq 50); do
		grep -q '<;id>' "$NETNS_DIR/vnf.log" 2>/dev/null && break
		sleep 0.02
	done
	run cat "$NETNS_DIR/vnf.log"
	[[ "$output" == *"<\$(touch $NETNS_DIR/pwned)><;id>"* ]]
	[ ! -e "$NETNS_DIR/pwned" ]
	ra stop
}

@test "vnfc: the VNFC's stdout and stderr go to a persistent log, by default under /var/log/vnfha" {
	rsc="vnfhatest$$"
	log="/var/log/vnfha/vnfc-$rsc.log"
	rm -f "$log"
	export OCF_RESOURCE_INSTANCE="$rsc:0" OCF_RESKEY_binary=/bin/sh OCF_RESKEY_protocol=hooks
	export OCF_RESKEY_args="-c 'echo to-stdout; echo to-stderr >&2; exec sleep 1000'"
	run ra start
	echo "$output"
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		grep -q to-stderr "$log" 2>/dev/null && break
		sleep 0.02
	done
	run cat "$log"
	rm -f "$log"
	ra stop
	[[ "$output" == *to-stdout* ]]
	[[ "$output" == *to-stderr* ]]
	# persistent: not on the tmpfs state_dir
	[ ! -e "$NETNS_DIR/run/$rsc.log" ]
	[ "$(stat -c %a /var/log/vnfha)" = 750 ] || [ "$(stat -c %a /var/log/vnfha)" = 755 ]
}

@test "vnfc: log_file names the log, owned by the VNFC's user, mode 0640; bad ones are refused" {
	export OCF_RESKEY_binary=/bin/sh OCF_RESKEY_protocol=hooks OCF_RESKEY_user=nobody
	export OCF_RESKEY_args="-c 'echo hello-log >&2; exec sleep 1000'"
	export OCF_RESKEY_log_file="$NETNS_DIR/logs/deeper/vnf.log"
	run ra start
	echo "$output"
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		grep -q hello-log "$OCF_RESKEY_log_file" 2>/dev/null && break
		sleep 0.02
	done
	grep -q hello-log "$OCF_RESKEY_log_file"
	[ "$(stat -c '%a %U' "$OCF_RESKEY_log_file")" = "640 nobody" ]
	[ "$(stat -c %a "$NETNS_DIR/logs/deeper")" = 750 ]
	ra stop
	OCF_RESKEY_log_file=relative.log run ra validate-all
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter log_file='relative.log'"*"absolute file path"* ]]
	OCF_RESKEY_log_file="$NETNS_DIR/" run ra validate-all
	[ "$status" -eq 6 ]
	# a path this node cannot open (a directory is in the way): host-dependent, never 6
	mkdir "$NETNS_DIR/adir"
	OCF_RESKEY_log_file="$NETNS_DIR/adir" run ra start
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:cannot open log_file='$NETNS_DIR/adir' for the VNFC's output: Is a directory"* ]]
}

@test "vnfc: stop escalates to SIGKILL after stop_timeout" {
	# shellcheck disable=SC2030,SC2031 # each @test is a process of its own: its exports stay in it
	export OCF_RESKEY_binary=/usr/bin/env OCF_RESKEY_protocol=hooks
	# shellcheck disable=SC2030,SC2031 # each @test is a process of its own: its exports stay in it
	export OCF_RESKEY_args="sh -c \"trap '' TERM; while :; do sleep 0.1; done\"" OCF_RESKEY_stop_timeout=300
	ra start
	run ra stop;     [ "$status" -eq 0 ]
	run ra monitor;  [ "$status" -eq 7 ]
}

@test "vnfc: bad parameters name the parameter and the fix" {
	OCF_RESKEY_binary=counterd run ra validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter binary='counterd'"*"absolute path"* ]]
	OCF_RESKEY_args="'open" run ra start
	[ "$status" -eq 6 ]
	[[ "$output" == *"args="*"quote is not closed"* ]]
	OCF_RESKEY_protocol=corba run ra validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"use one of libvnfha, hooks"* ]]
	OCF_RESKEY_env="1X=2" run ra validate-all
	[ "$status" -eq 6 ]
	OCF_RESKEY_heartbeat_timeout=-1 run ra validate-all
	[ "$status" -eq 6 ]
	OCF_RESKEY_user='vnf user' run ra validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter user='vnf user'"*"as useradd and groupadd take it"* ]]
	OCF_RESKEY_group=-g run ra validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter group='-g'"* ]]
	# A user or group missing on this node is this node's problem (Pacemaker
	# tries another node), not a configuration error.
	OCF_RESKEY_user=vnfha-no-such-user run ra validate-all
	[ "$status" -eq 0 ]
	OCF_RESKEY_user=vnfha-no-such-user run ra start
	[ "$status" -eq 5 ]
	[[ "$output" == *"ocf-exit-reason:parameter user='vnfha-no-such-user': no such user on this node; create it on every node the resource may run on (adduser --system vnfha-no-such-user)"* ]]
	OCF_RESKEY_group=vnfha-no-such-group run ra start
	[ "$status" -eq 5 ]
	[[ "$output" == *"ocf-exit-reason:parameter group='vnfha-no-such-group': no such group on this node"* ]]
	# A missing program is "not installed" on this node, not a config error.
	OCF_RESKEY_binary=/nonexistent/vnfc run ra start
	[ "$status" -eq 5 ]
	# monitor never says ERR_CONFIGURED; stop with bad parameters succeeds.
	OCF_RESKEY_binary=counterd run ra monitor
	[ "$status" -eq 7 ]
	OCF_RESKEY_binary=counterd run ra stop
	[ "$status" -eq 0 ]
	run ra frobnicate
	[ "$status" -eq 3 ]
}

@test "vnfc: a start that fails on this node says why with the table's code, never 6" {
	# not a program: "not installed" here (ENOEXEC)
	printf '\177ELF not really\n' >"$NETNS_DIR/notaprog"
	chmod 755 "$NETNS_DIR/notaprog"
	OCF_RESKEY_binary="$NETNS_DIR/notaprog" run ra start
	echo "$output"
	[ "$status" -eq 5 ]
	[[ "$output" == *"ocf-exit-reason:cannot start '$NETNS_DIR/notaprog': Exec format error"* ]]
	# a program root may run but user=nobody may not reach (EACCES): a permission
	mkdir -m 700 "$NETNS_DIR/private"
	cp /bin/true "$NETNS_DIR/private/vnfc"
	OCF_RESKEY_binary="$NETNS_DIR/private/vnfc" OCF_RESKEY_user=nobody run ra start
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == *"cannot start '$NETNS_DIR/private/vnfc': Permission denied"* ]]
	# a state_dir this node cannot create (a file is in the way, ENOTDIR)
	touch "$NETNS_DIR/file"
	OCF_RESKEY_state_dir="$NETNS_DIR/file/run" run ra start
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:cannot create state_dir='$NETNS_DIR/file/run': Not a directory"* ]]
}

@test "vnfc: a VNFC run as an unprivileged user reaches its role socket and the checkpoint socket; other users get EACCES" {
	load host
	host_ns_start "$NS_A"
	host_add_group vnfhag 4245
	host_add_user vnfhat 4243
	host_add_user vnfhao 4244
	# The checkpoint daemon as statesync socket_group=vnfhag starts it (its
	# default store and socket, in this fresh host).
	(
		exec 3>&-
		exec nsenter -t "$HOST_PID" -m -n -- setsid "$VNFHA_BUILDDIR/src/ckptd/vnfha-ckptd" \
			--role primary --plaintext --listen 127.0.0.1:7410 --socket-group vnfhag \
			</dev/null >"$NETNS_DIR/ckptd.log" 2>&1
	) &
	disown $! # netns_teardown kills it; no job notice
	for _ in $(seq 100); do host_ns test -S /run/vnfha/ckpt.sock && break; sleep 0.05; done
	# vnfc with its default state_dir, as user vnfhat in group vnfhag
	unset OCF_RESKEY_state_dir
	export OCF_RESKEY_user=vnfhat OCF_RESKEY_group=vnfhag
	# async: this daemon has no replica to acknowledge a sync commit
	export OCF_RESKEY_args="--state ckpt --mode async --port 7000"
	hra() { host_ns env PATH="$BIN:$PATH" "$AGENT" "$@"; }
	run hra start
	echo "$output"
	[ "$status" -eq 0 ]
	run hra promote
	[ "$status" -eq 0 ]
	run hra monitor
	[ "$status" -eq 8 ]
	# It answered its role changes, and every update it acknowledged was
	# committed through the checkpoint socket.
	run incr
	echo "$output"
	[[ "$output" == *"summary acked="* ]]
	[[ "$output" != *"acked=0 "* ]]
	run host_ns "$VNFHA_BUILDDIR/src/ckptd/vnfha-ckpt" list
	[[ "$output" == *"counters"* ]]
	pid=$(counterd_pid)
	[ "$(ps -o uid=,gid= -p "$pid" | tr -s ' ')" = " 4243 4245" ]
	run host_ns stat -c '%a %u:%g' /run/vnfha/vnfc/vnf.sock /run/vnfha/vnfc /run/vnfha/ckpt.sock
	[ "${lines[0]}" = "660 4243:4245" ]
	[ "${lines[1]}" = "755 0:0" ]
	[ "${lines[2]}" = "660 0:4245" ]
	# Another local user reaches neither socket.
	run host_ns setpriv --reuid 4244 --regid 4244 --init-groups /usr/bin/python3 -c \
		'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).connect(sys.argv[1])' \
		/run/vnfha/vnfc/vnf.sock
	echo "$output"
	[[ "$output" == *"PermissionError"* ]]
	run host_ns setpriv --reuid 4244 --regid 4244 --init-groups \
		"$VNFHA_BUILDDIR/src/ckptd/vnfha-ckpt" status
	[ "$status" -eq 1 ]
	[[ "$output" == *"Permission denied"* ]]
	run hra stop
	[ "$status" -eq 0 ]
}

@test "vnfc: meta-data is valid OCF 1.1 with per-role monitors" {
	run "$AGENT" meta-data
	[ "$status" -eq 0 ]
	echo "$output" | xmllint --noout --relaxng "$VNFHA_SRCDIR/tests/ocf/ra-api-1.1.rng" -
	[[ "$output" == *'role="Promoted"'* ]]
	[[ "$output" == *'role="Unpromoted"'* ]]
	[[ "$output" == *'<action name="notify"'* ]]
}

# ra_agent ACTION: the agent with agent_address=127.0.0.1:9100 (as Pacemaker
# passes a resource's parameters to each action).
ra_agent() {
	OCF_RESKEY_agent_address=127.0.0.1:9100 ra "$@"
}

# agent_check PORT: what the agent on 127.0.0.1:PORT answers HAProxy.
agent_check() {
	ip netns exec "$NS_A" bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && cat <&3"
}

@test "vnfc: agent_address answers HAProxy's agent-check from the supervisor's view" {
	ra_agent start
	# unpromoted, it serves nobody: alive, but out of the load balancer's way
	[ "$(agent_check 9100)" = "up drain #vnfha: unpromoted" ]
	ra_agent promote
	[ "$(agent_check 9100)" = "up ready" ]
	kill -9 "$(counterd_pid)"
	# the supervisor outlives the VNFC: the next check reads down, with the reason
	for _ in $(seq 50); do
		[[ "$(agent_check 9100)" == down* ]] && break
		sleep 0.05
	done
	[ "$(agent_check 9100)" = "down ready #vnfha: the VNFC has failed" ]
	ra_agent stop
	run agent_check 9100
	[ "$status" -ne 0 ] # gone with the supervisor
	OCF_RESKEY_agent_address=nowhere run ra validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"agent_address"*"use a numeric A.B.C.D:PORT or [IPv6]:PORT"* ]]
}

@test "vnfc: a slow failure report holds up neither HAProxy's agent check nor a monitor" {
	# The report runs beside the supervisor's loop: a controller slow to
	# take it (crm_resource here, 3 s) must not keep the load balancer from
	# reading "down" at once, nor a monitor from its answer.
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s/crm_resource.calls"\nsleep 3\n' \
		"$NETNS_DIR" > "$BIN/crm_resource"
	export OCF_RESKEY_log_file="$NETNS_DIR/vnf.log"
	ra_agent start
	ra_agent promote
	kill -9 "$(counterd_pid)"
	wait_calls crm_resource # the report is under way
	run timeout 1 ip netns exec "$NS_A" bash -c "exec 3<>/dev/tcp/127.0.0.1/9100 && cat <&3"
	[ "$status" -eq 0 ]
	[ "$output" = "down ready #vnfha: the VNFC has failed" ]
	ra_timed monitor
	[ "$RA_STATUS" -eq 9 ]
	[ "$RA_MS" -lt 1000 ]
	run grep -c "crm_resource --fail took the failure of vnf" "$OCF_RESKEY_log_file"
	[ "$output" = 0 ] # still under way
	# logged once crm_resource (3 s) returns; waited for by the clock, with
	# slack for a loaded machine (100 polls of 50 ms once ran out)
	deadline=$((SECONDS + 15))
	until grep -q "crm_resource --fail took the failure of vnf" "$OCF_RESKEY_log_file"; do
		[ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.05
	done
	grep "crm_resource --fail took the failure of vnf in" "$OCF_RESKEY_log_file"
	run ra_agent stop
	[ "$status" -eq 0 ]
}

@test "vnfc refuses non-promotable use and promoted-max 2; notify is not needed" {
	run ra validate-all
	[ "$status" -eq 0 ]
	export OCF_RESKEY_CRM_meta_promoted_max=2
	run ra validate-all
	echo "$output"
	[ "$status" -eq 6 ]
	[[ $output == *"ocf-exit-reason:vnfc keeps one promoted instance: meta attribute promoted-max is '2'; set promoted-max=1 on the clone"* ]]
	run ra start
	[ "$status" -eq 6 ]
	[ -z "$(counterd_pid)" ]
	export OCF_RESKEY_CRM_meta_promoted_max=1 OCF_RESKEY_CRM_meta_promotable=false
	run ra start
	[ "$status" -eq 6 ]
	[[ $output == *"vnfc runs only as a promotable clone: meta attribute promotable is 'false'"* ]]
	unset OCF_RESKEY_CRM_meta_clone_max OCF_RESKEY_CRM_meta_clone OCF_RESKEY_CRM_meta_promotable
	run ra validate-all
	[ "$status" -eq 6 ]
	[[ $output == *"vnfc runs only as a promotable clone, not as a primitive"* ]]
	unset OCF_RESKEY_CRM_meta_on_node
	run ra validate-all
	[ "$status" -eq 0 ]
}
