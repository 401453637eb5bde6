#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vnfha:floatip against resource-agents' IPaddr2 (the anchor), side by
# side in one run on the same namespace and veth pair: median wall time and
# CPU time (user + system of the agent and every child it waited for, from
# wait4's rusage) per start, monitor and stop, IPv4 and IPv6, and the ratio
# IPaddr2 / floatip, and how many programs one monitor execs. Rounds
# alternate the agents so drift hits both alike.
# Usage: floatip-vs-ipaddr2.sh [ROUNDS] [MONITORS_PER_ROUND]   (root)
# Environment: VNFHA_BUILDDIR (default: the current directory).
set -euo pipefail
rounds=${1:-15}
monitors=${2:-5}
builddir=${VNFHA_BUILDDIR:-$(pwd)}
srcdir=${VNFHA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
floatip="$builddir/agents/floatip"
ipaddr2=/usr/lib/ocf/resource.d/heartbeat/IPaddr2
[ -x "$floatip" ] || { echo "build first: $floatip is missing" >&2; exit 1; }
[ -x "$ipaddr2" ] || { echo "resource-agents' IPaddr2 is missing" >&2; exit 1; }
# shellcheck source=../bats/netns.bash
. "$srcdir/tests/bats/netns.bash"
trap netns_teardown EXIT
netns_setup
netns_number 198.51.100 2001:db8:5

# The driver runs inside namespace A so neither agent pays for `ip netns
# exec`; it spawns each action and reads the child's rusage from wait4.
netns_a python3 - "$rounds" "$monitors" "$floatip" "$ipaddr2" "$IF_A" <<'PY'
import os, statistics, sys, time

rounds, monitors = int(sys.argv[1]), int(sys.argv[2])
agents = {"floatip": sys.argv[3], "IPaddr2": sys.argv[4]}
nic = sys.argv[5]
cases = {
    "IPv4": {"ip": "198.51.100.10", "cidr_netmask": "24"},
    "IPv6": {"ip": "2001:db8:5::10", "cidr_netmask": "64", "nodad": "true"},
}
base = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG")}
base.update(OCF_ROOT="/usr/lib/ocf", OCF_RESOURCE_INSTANCE="vip",
            OCF_RESKEY_CRM_meta_timeout="20000")

def run(path, action, params, interval):
    env = dict(base)
    env.update({"OCF_RESKEY_" + k: v for k, v in params.items()})
    env.update(OCF_RESKEY_nic=nic, OCF_RESKEY_CRM_meta_interval=str(interval))
    devnull = os.open(os.devnull, os.O_RDWR)
    t0 = time.monotonic()
    pid = os.posix_spawn(path, [path, action], env,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, ru = os.wait4(pid, 0)
    wall = (time.monotonic() - t0) * 1000
    os.close(devnull)
    rc = os.waitstatus_to_exitcode(status)
    return rc, wall, (ru.ru_utime + ru.ru_stime) * 1000

want = {"start": 0, "monitor": 0, "stop": 0}
samples = {}
for r in range(rounds):
    order = list(agents) if r % 2 == 0 else list(reversed(agents))
    for family, params in cases.items():
        for name in order:
            steps = [("start", 0)] + [("monitor", 10000)] * monitors + [("stop", 0)]
            for action, interval in steps:
                rc, wall, cpu = run(agents[name], action, params, interval)
                if rc != want[action]:
                    sys.exit(f"{name} {family} {action} returned {rc}")
                samples.setdefault((family, action, name), []).append((wall, cpu))
            # not running after stop: monitor must say 7 for both
            rc, _, _ = run(agents[name], "monitor", params, 10000)
            if rc != 7:
                sys.exit(f"{name} {family} monitor after stop returned {rc}")

print(f"floatip vs IPaddr2: {rounds} rounds, {monitors} monitors per round, "
      f"median per action (ms)")
print(f"{'':5} {'action':8} {'floatip wall':>13} {'cpu':>7} {'IPaddr2 wall':>13} {'cpu':>7}"
      f" {'wall x':>7} {'cpu x':>7}")
for family in cases:
    for action in ("start", "monitor", "stop"):
        f = samples[(family, action, "floatip")]
        i = samples[(family, action, "IPaddr2")]
        fw, fc = statistics.median(s[0] for s in f), statistics.median(s[1] for s in f)
        iw, ic = statistics.median(s[0] for s in i), statistics.median(s[1] for s in i)
        # CPU below the clock's resolution reads 0: ratio against 0.1 ms
        print(f"{family:5} {action:8} {fw:13.2f} {fc:7.2f} {iw:13.2f} {ic:7.2f}"
              f" {iw / max(fw, 0.01):7.1f} {ic / max(fc, 0.1):7.1f}")
PY

# Processes each monitor runs (execve calls, the agent's own included).
count_execs() {
	local agent=$1
	local -a env=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_ip=198.51.100.10
		OCF_RESKEY_cidr_netmask=24 "OCF_RESKEY_nic=$IF_A" OCF_RESKEY_CRM_meta_interval=10000)
	netns_a env "${env[@]}" "$agent" start >/dev/null 2>&1
	netns_a env "${env[@]}" strace -f -qq -e trace=execve -o "$NETNS_DIR/execs" \
		"$agent" monitor >/dev/null 2>&1
	netns_a env "${env[@]}" "$agent" stop >/dev/null 2>&1
	grep -c 'execve(' "$NETNS_DIR/execs"
}
if command -v strace >/dev/null; then
	echo "execs per IPv4 monitor: floatip $(count_execs "$floatip"), IPaddr2 $(count_execs "$ipaddr2")"
fi
