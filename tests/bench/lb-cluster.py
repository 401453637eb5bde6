#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Harness of lb-cluster.sh, run in the lab's client netns. HAProxy on the
VIP has two backends over the same three VNFC instances: "be" managed by
the cluster (ocf:vnfha:lbmember) and "be_hc" watched by HAProxy's health
checks alone. An open-loop client streams to each (50 req/s); RUNS times,
the second member's VNFC (node2, or remote2 when LB_MEMBERS names the
remote nodes) is killed and we record when each backend stops choosing it
(polled every 10 ms) and the requests each client saw fail from the kill to
1 s after both removals. Then the VNFC is cleaned up and rejoins.
Usage: lb-cluster.py LAB VIP RUNS"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bats"))
import lb_api  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lb_load  # noqa: E402

LAB, VIP, RUNS = sys.argv[1], sys.argv[2], int(sys.argv[3])
IDS = os.environ.get("LB_MEMBERS", "1 2 3").split()
NODES = tuple(("remote" + i[1:]) if i.startswith("r") else ("node" + i) for i in IDS)
VICTIM_ID, VICTIM = IDS[1], NODES[1]


def api(cmd):
    return lb_api.api(VIP + ":9999", cmd)


def ready(backend):
    """Servers HAProxy chooses: running and no maintenance/drain bit."""
    try:
        text = api("show servers state " + backend)
    except OSError:
        return set()
    out = set()
    for line in text.splitlines():
        f = line.split()
        if len(f) > 6 and f[0] != "#" and f[5] == "2" and (int(f[6]) & 0x7F) == 0:
            out.add(f[3])
    return out


def lab(*args):
    return subprocess.run([LAB] + list(args), check=True, capture_output=True,
                          text=True).stdout.strip()


def wait(pred, limit, what):
    deadline = time.time() + limit
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)


def main():
    clients = {"vnfha": lb_load.Client("http://%s:8080/" % VIP, 0.02),
               "hc": lb_load.Client("http://%s:8081/" % VIP, 0.02)}
    for c in clients.values():
        c.start()
    rows = []
    for run in range(RUNS):
        wait(lambda: ready("be") == set(NODES) and ready("be_hc") == set(NODES), 90,
             "a full pool")
        time.sleep(1.0)
        pid = lab("on", VICTIM_ID, "pgrep", "-o", "-f", "lb-backend.py 0.0.0.0 8001")
        t_kill = time.time()
        lab("kill-process", VICTIM_ID, pid)
        t_sent = time.time()
        gone = {}
        while len(gone) < 2 and time.time() - t_kill < 30:
            for name, be in (("vnfha", "be"), ("hc", "be_hc")):
                if name not in gone and VICTIM not in ready(be):
                    gone[name] = time.time()
            time.sleep(0.01)
        if len(gone) < 2:
            raise SystemExit("%s did not leave both pools: %s" % (VICTIM, gone))
        time.sleep(1.0)
        end = max(gone.values()) + 1.0
        row = {n: ((gone[n] - t_kill) * 1000, clients[n].failed(t_kill, end)) for n in gone}
        rows.append(row)
        print("run %2d: vnfha removal %6.0f ms, %3d failed | HAProxy checks removal %6.0f ms,"
              " %3d failed (kill sent within %.0f ms)"
              % (run + 1, row["vnfha"][0], row["vnfha"][1], row["hc"][0], row["hc"][1],
                 (t_sent - t_kill) * 1000), flush=True)
        lab("on", "1", "crm_resource", "--cleanup", "-r", "vnfc-clone")
    for c in clients.values():
        c.finish()
    med = {n: (statistics.median(r[n][0] for r in rows), statistics.median(r[n][1] for r in rows))
           for n in ("vnfha", "hc")}
    print("SUMMARY %.0f %.1f %.0f %.1f" % (med["vnfha"][0], med["vnfha"][1], med["hc"][0],
                                          med["hc"][1]))


if __name__ == "__main__":
    main()
