# SPDX-License-Identifier: GPL-2.0-or-later
# lab-remote.bash — the lab's Pacemaker Remote nodes and link faults, sourced
# by `lab` (tests/cluster/README.md, "Remote nodes").
#
# Debian's pacemaker-remote declares Conflicts: pacemaker, so it is never
# installed on this machine: `apt-get download` fetches the build that
# matches the installed pacemaker, `dpkg-deb -x` unpacks it into a cache
# directory, and every remote node runs that pacemaker-remoted in its own
# namespaces. It links the installed pacemaker's libraries (libcrmcommon,
# liblrmd, ...), whose internal ABI changes between releases: hence the
# exact version match.

REMOTED_CACHE=${VNFHA_LAB_REMOTED_CACHE:-/var/cache/vnfha-lab}

# The cache directory of the pacemaker-remote matching the installed pacemaker.
remoted_dir() {
	local v
	v=$(dpkg-query -W -f='${Version}' pacemaker 2>/dev/null) ||
		die "pacemaker is not installed (tests/deps.sh)"
	echo "$REMOTED_CACHE/pacemaker-remote_$v"
}

# Prints the path of pacemaker-remoted; downloads and unpacks it first when
# the cache does not hold it (apt-get download works against the local
# Debian mirror, no internet needed).
remoted_get() {
	local dir v tmp debs
	dir=$(remoted_dir)
	if [ ! -x "$dir/usr/sbin/pacemaker-remoted" ]; then
		v=${dir##*/pacemaker-remote_}
		log "fetching pacemaker-remote $v into $dir"
		mkdir -p "$REMOTED_CACHE"
		tmp=$(mktemp -d "$REMOTED_CACHE/.get.XXXXXX")
		# apt's download sandbox user must be able to write there
		chown _apt "$tmp" 2>/dev/null || true
		if ! (cd "$tmp" && apt-get download -q "pacemaker-remote=$v" >&2); then
			rm -rf "$tmp"
			die "apt-get download pacemaker-remote=$v failed (apt-get update first?)"
		fi
		debs=("$tmp"/pacemaker-remote_*.deb)
		[ -f "${debs[0]}" ] || die "apt-get download left no pacemaker-remote .deb in $tmp"
		dpkg-deb -x "${debs[0]}" "$tmp/root"
		[ -x "$tmp/root/usr/sbin/pacemaker-remoted" ] ||
			die "${debs[0]} has no usr/sbin/pacemaker-remoted"
		rm -rf "$dir"
		mv "$tmp/root" "$dir"
		rm -rf "$tmp"
	fi
	echo "$dir/usr/sbin/pacemaker-remoted"
}

# Boots every remote node (pacemaker-remoted listening on 3121), then joins
# each to the cluster with the connection resource `pcs cluster node
# add-remote` creates: ocf:pacemaker:remote named after the node, its server
# the node's address (remote node names do not resolve in the lab), the
# agent's default operations (monitor every 60 s, timeout 30 s) unless
# --remote-monitor S asks for interval=S timeout=S, no reconnect_interval
# unless --remote-reconnect S (then a fenced node's connection is retried
# every S seconds instead of at once: a connection started while the node
# still boots waits on TCP's SYN back-off, 30-45 s here); then waits until
# every one is online.
remotes_up() {
	local j mon=() names=() reconnect=()
	[ "$REMOTES" -gt 0 ] || return 0
	for j in $(remote_ids); do
		node_dirs "$j"
		install -d -m 0755 "$(node_dir "$j")/etc-corosync"
		attach "$(node_ns "$j")" "$(port "$j")" "$(node_ip "$j")" "$(node_ip6 "$j")"
		power_on "$j"
	done
	[ -z "$REMOTE_MONITOR" ] ||
		mon=(op monitor interval="${REMOTE_MONITOR}s" timeout="${REMOTE_MONITOR}s")
	[ -z "$REMOTE_RECONNECT" ] || reconnect=(reconnect_interval="${REMOTE_RECONNECT}s")
	for j in $(remote_ids); do
		remote_port_wait "$j" 10 || die "pacemaker-remoted on $(node_name "$j") does not listen; see $(node_dir "$j")/console.log"
		# `pcs cluster node add-remote` would also copy the key and start
		# the service through pcsd, which the lab does not run (the key is
		# shared, remoted runs): the resource it creates, made directly.
		on_node 1 pcs resource create "$(node_name "$j")" ocf:pacemaker:remote \
			server="$(node_ip "$j")" "${reconnect[@]}" "${mon[@]}" --force >&2
		names+=("$(node_name "$j")")
	done
	printf 'REMOTES_ADDED=1\n' >>"$VNFHA_LAB/settings"
	# shellcheck disable=SC2034 # read by cluster_ready (lab)
	REMOTES_ADDED=1
	wait_online 120 || die "remote nodes ${names[*]} not online in 120 s; see $VNFHA_LAB/nodes/r*/"
}

# remote_port_wait ID SECONDS: until pacemaker-remoted listens on node ID.
remote_port_wait() {
	local deadline=$(($(now_ms) + $2 * 1000))
	until [ -n "$(ip netns exec "$(node_ns "$1")" ss -Htln 'sport = :3121' 2>/dev/null)" ]; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# --- link faults: the traffic between two nodes alone ---------------------------

# A bridge filter in the switch netns drops every frame from one node's port
# to the other's (ARP too), as a broken path between two hosts would; the
# pair stays cut across reboots (the ports keep their names).
link_table() {
	ip netns exec "$(SW_NS)" nft list table bridge vnfhalab >/dev/null 2>&1 && return 0
	ip netns exec "$(SW_NS)" nft -f - <<-'EOF'
		table bridge vnfhalab {
			set cuts { type ifname . ifname; }
			chain forward { type filter hook forward priority 0; iifname . oifname @cuts drop; }
		}
	EOF
}

# link_set add|delete ID1 ID2
link_set() {
	local a b
	a=$(port "$2")
	b=$(port "$3")
	[ "$a" != "$b" ] || die "cut-link wants two different nodes"
	link_table
	ip netns exec "$(SW_NS)" nft "$1" element bridge vnfhalab cuts \
		"{ \"$a\" . \"$b\", \"$b\" . \"$a\" }" 2>/dev/null ||
		[ "$1" = delete ] # healing a pair that is not cut is a no-op
}

# Every cut pair, "K L" per line (node ids).
link_cuts() {
	# (no set before the first cut-link; no element, no match: no cut)
	{ ip netns exec "$(SW_NS)" nft list set bridge vnfhalab cuts 2>/dev/null || true; } |
		{ grep -o '"[a-z0-9]*" \. "[a-z0-9]*"' || true; } | tr -d '".' |
		awk '{ a = $1; b = $2; sub(/^n/, "", a); sub(/^n/, "", b); if (a < b) print a, b }' |
		sort -u
}
