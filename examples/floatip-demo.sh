#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A floating IP on its own, without a cluster: a floating IP (IPv4 and IPv6) moves
# between two "nodes" and a client follows it by the gratuitous ARP /
# unsolicited NA alone. Two node namespaces and a client namespace hang on a
# bridge (in a switch namespace); ocf:vnfha:floatip is run exactly as
# Pacemaker runs it (OCF_* environment), entering each node's namespace by
# itself (network_namespace). Everything is torn down at the end, also on
# failure. Run as root on Debian 12; installs what it needs (tests/deps.sh,
# skip with VNFHA_SKIP_DEPS=1) and builds the tree if it is not built.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run as root (it creates network namespaces)" >&2
	exit 1
fi
if [ "${VNFHA_SKIP_DEPS:-0}" != 1 ]; then
	tests/deps.sh
fi
if [ ! -x agents/floatip ]; then
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure
	make -j"$(nproc)"
fi

P=vd$$
SW=${P}sw N1=${P}n1 N2=${P}n2 CL=${P}cl
VIP4=198.51.100.10
VIP6=2001:db8:5::10
FLOATIP="$top/agents/floatip"

teardown() {
	local ns
	for ns in "$N1" "$N2" "$CL" "$SW"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap teardown EXIT

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

# on NS COMMAND...: shows and runs a command in a namespace.
on() {
	local ns=$1
	shift
	printf '%s$ %s\n' "${ns#"$P"}" "$*"
	ip netns exec "$ns" "$@"
}

# floatip NODE ACTION IP: the agent, as pacemaker-execd would run it.
floatip() {
	local rc=0
	printf '%s: floatip %s ip=%s\n' "${1#"$P"}" "$2" "$3"
	env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=vip \
		OCF_RESKEY_ip="$3" OCF_RESKEY_network_namespace="$1" "$FLOATIP" "$2" || rc=$?
	printf '   -> exit code %d\n' "$rc"
	return "$rc"
}

mac_of() {
	ip netns exec "$1" cat /sys/class/net/eth0/address
}

# neigh_is NS IP MAC: the client's neighbour entry for IP names MAC.
neigh_is() {
	[[ $(ip netns exec "$1" ip neigh show "$2" dev eth0) == *"lladdr $3"* ]]
}

say "Setting up: node1, node2 and a client on one bridge"
for ns in "$SW" "$N1" "$N2" "$CL"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip -n "$SW" link add br0 type bridge
ip -n "$SW" link set br0 up
i=1
for ns in "$N1" "$N2" "$CL"; do
	ip link add eth0 netns "$ns" type veth peer name "p$i" netns "$SW"
	ip -n "$SW" link set "p$i" master br0 up
	ip -n "$ns" link set eth0 up
	i=$((i + 1))
done
ip -n "$N1" addr add 198.51.100.1/24 dev eth0
ip -n "$N2" addr add 198.51.100.2/24 dev eth0
ip -n "$CL" addr add 198.51.100.100/24 dev eth0
ip -n "$N1" addr add 2001:db8:5::1/64 dev eth0 nodad
ip -n "$N2" addr add 2001:db8:5::2/64 dev eth0 nodad
ip -n "$CL" addr add 2001:db8:5::100/64 dev eth0 nodad
MAC1=$(mac_of "$N1")
MAC2=$(mac_of "$N2")
echo "node1 eth0 $MAC1 198.51.100.1  2001:db8:5::1"
echo "node2 eth0 $MAC2 198.51.100.2  2001:db8:5::2"
echo "client     $(mac_of "$CL") 198.51.100.100 2001:db8:5::100"
echo "floating IP: $VIP4 and $VIP6 (no nic, no cidr_netmask: found from the routing table)"

say "Start the floating IP on node1"
floatip "$N1" start "$VIP4"
floatip "$N1" start "$VIP6"
floatip "$N1" monitor "$VIP4"
on "$N1" ip -brief addr show dev eth0

say "The client reaches it; its neighbour entries point at node1 ($MAC1)"
on "$CL" ping -c 2 -i 0.2 -W 2 "$VIP4"
on "$CL" ping -6 -c 2 -i 0.2 -W 2 "$VIP6"
on "$CL" ip neigh show "$VIP4"
on "$CL" ip -6 neigh show "$VIP6"
neigh_is "$CL" "$VIP4" "$MAC1" && neigh_is "$CL" "$VIP6" "$MAC1"

say "Move it: stop on node1, start on node2 (the client sends nothing meanwhile)"
floatip "$N1" stop "$VIP4"
floatip "$N1" stop "$VIP6"
floatip "$N1" monitor "$VIP4" || true
floatip "$N2" start "$VIP4"
floatip "$N2" start "$VIP6"

say "The client's entries now point at node2 ($MAC2): the GARP and NA did it"
# start returns after the first announcement is on the wire; no ping yet.
on "$CL" ip neigh show "$VIP4"
on "$CL" ip -6 neigh show "$VIP6"
ok=1
neigh_is "$CL" "$VIP4" "$MAC2" || { echo "IPv4 entry did not switch" >&2; ok=0; }
neigh_is "$CL" "$VIP6" "$MAC2" || { echo "IPv6 entry did not switch" >&2; ok=0; }
on "$CL" ping -c 2 -i 0.2 -W 2 "$VIP4"
on "$CL" ping -6 -c 2 -i 0.2 -W 2 "$VIP6"

say "Clean up"
floatip "$N2" stop "$VIP4"
floatip "$N2" stop "$VIP6"
if [ "$ok" = 1 ]; then
	echo "demo: the floating IP moved and the client followed it"
else
	echo "demo: FAILED" >&2
	exit 1
fi
