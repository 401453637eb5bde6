# SPDX-License-Identifier: GPL-2.0-or-later
# A fresh host inside this one, for the tests of defaults: a mount
# namespace (in a test's network namespace) whose /run is empty, whose
# /var/lib has no vnfha, whose /etc/pacemaker is an empty directory and
# whose /etc/passwd and /etc/group are copies the test may add users to.
# The real host sees none of it; processes started there die with the
# network namespace (netns_teardown).
#
#   load netns; load host
#   netns_setup; host_ns_start "$NS_A"
#   host_ns CMD...              # CMD in that namespace (mount + net)
#   host_add_user NAME UID [GROUPS]   # NAME:UID, login group NAME:UID,
#                                     # member of the comma-separated GROUPS
#   host_add_group NAME GID
#   host_key MODE OWNER:GROUP   # /etc/pacemaker/authkey there, 4096 random bytes

host_ns_start() {
	local ns=$1 pid
	HOST_DIR=$NETNS_DIR/host
	mkdir -p "$HOST_DIR/varlib-upper" "$HOST_DIR/varlib-work" "$HOST_DIR/etc-pacemaker"
	cp /etc/passwd /etc/group "$HOST_DIR/"
	[ -d /etc/pacemaker ] || { echo "host_ns_start: no /etc/pacemaker (install pacemaker)" >&2; return 1; }
	(
		exec 3>&- # bats waits for fd 3
		exec ip netns exec "$ns" unshare --mount --propagation private sleep infinity
	) &
	pid=$!
	disown "$pid" # netns_teardown kills it; no job notice
	# mounted below only once the holder runs in its own mount namespace
	for _ in $(seq 250); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.02
	done
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] || return 1
	HOST_PID=$pid
	export HOST_PID HOST_DIR
	host_ns mount -t tmpfs -o mode=0755 tmpfs /run
	host_ns mount -t overlay overlay \
		-o "lowerdir=/var/lib,upperdir=$HOST_DIR/varlib-upper,workdir=$HOST_DIR/varlib-work" /var/lib
	host_ns rm -rf /var/lib/vnfha
	host_ns mount --bind "$HOST_DIR/etc-pacemaker" /etc/pacemaker
	host_ns mount --bind "$HOST_DIR/passwd" /etc/passwd
	host_ns mount --bind "$HOST_DIR/group" /etc/group
}

host_ns() {
	nsenter -t "$HOST_PID" -m -n -- "$@"
}

host_add_group() {
	printf '%s:x:%s:\n' "$1" "$2" >>"$HOST_DIR/group"
}

# (The files are bind-mounted: rewritten in place, never replaced.)
host_add_user() {
	local name=$1 uid=$2 g groups
	printf '%s:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' "$name" "$uid" "$uid" >>"$HOST_DIR/passwd"
	host_add_group "$name" "$uid"
	for g in ${3//,/ }; do
		groups=$(awk -F: -v g="$g" -v u="$name" 'BEGIN { OFS = ":" }
			$1 == g { $4 = $4 == "" ? u : $4 "," u } { print }' "$HOST_DIR/group")
		printf '%s\n' "$groups" >"$HOST_DIR/group"
	done
}

host_key() {
	host_ns rm -f /etc/pacemaker/authkey
	host_ns dd if=/dev/urandom of=/etc/pacemaker/authkey bs=4096 count=1 status=none
	host_ns chown "$2" /etc/pacemaker/authkey
	host_ns chmod "$1" /etc/pacemaker/authkey
}
