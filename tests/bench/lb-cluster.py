#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Harness of lb-cluster.sh, run in the lab's client netns. HAProxy on the
VIP has two backends over the same three VNFC instances: "be" managed by
the cluster (ocf:vnfha:lbmember) and "be_hc" watched by HAProxy's health
checks alone. An open-loop client streams to each (100 req/s). RUNS times
per failure kind, the second member's VNFC (node2, or remote2 when
LB_MEMBERS names the remote nodes) fails after a seeded random pause of 1
to 2 s and we record, from the moment of the failure (stamped inside that
node, right after the signal):
  removal  when each backend stops choosing it (polled every 10 ms), or
           never within WINDOW s;
  event    when the VNFM's receiver has vnfha-alert's resource-failure event
           for the VNFC there (its file polled every 10 ms; be only: the
           static backend has nobody to tell the VNFM);
  failed   requests each client saw fail from the failure to 1 s after the
           removal (or the end of the window).
Kinds: kill (SIGKILL), hang (SIGSTOP: alive, the kernel still accepts its
connections, no heartbeat). Then the VNFC is cleaned up and rejoins.
Usage: lb-cluster.py LAB VIP ALERTS RUNS KINDS WINDOW_S SEED
Prints one line per run and "SUMMARY MODE KIND removal event failed never
spread..." for MODE lbmember and lab-tcp (lb_load.py agent-report reads them)."""
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bats"))
import lb_api  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lb_load  # noqa: E402

LAB, VIP, ALERTS = sys.argv[1:4]
RUNS, KINDS, WINDOW = int(sys.argv[4]), sys.argv[5].split(","), float(sys.argv[6])
SEED = int(sys.argv[7])
IDS = os.environ.get("LB_MEMBERS", "1 2 3").split()
NODES = tuple(("remote" + i[1:]) if i.startswith("r") else ("node" + i) for i in IDS)
VICTIM_ID, VICTIM = IDS[1], NODES[1]
BACKENDS = (("lbmember", "be"), ("lab-tcp", "be_hc"))
# signals the victim's VNFC and prints the time right after, as its node sees it
FAULT = "import os,sys,time; os.kill(int(sys.argv[1]), int(sys.argv[2])); print(time.time())"


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


def vnfc_pid():
    """The victim's VNFC (lb-vnfc, or lb-backend.py under hooks or anything),
    as lb-setup.bash's lb_vnfc_pid finds it."""
    what = ("lb-vnfc vnfc 0.0.0.0:8001" if os.environ.get("LB_VNFC_AGENT") == "vnfc"
            else "lb-backend.py 0.0.0.0 8001")
    return lab("on", VICTIM_ID, "pgrep", "-o", "-f", what)


def alerts():
    try:
        with open(ALERTS) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def failure_event(lines):
    return any('"event":"resource-failure"' in ln and '"node":"%s"' % VICTIM in ln
               and '"resource":"vnfc"' in ln for ln in lines)


def wait(pred, limit, what):
    deadline = time.time() + limit
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)


def one_run(kind, clients, rng):
    wait(lambda: all(ready(be) == set(NODES) for _, be in BACKENDS), 90, "a full pool")
    time.sleep(1.0 + rng.random())
    n_alerts = len(alerts())
    pid = vnfc_pid()
    t_call = time.time()
    t_fault = float(lab("on", VICTIM_ID, "python3", "-c", FAULT, pid,
                        "9" if kind == "kill" else "19"))
    gone, t_ev = {}, None
    while time.time() - t_fault < WINDOW:
        for mode, be in BACKENDS:
            if mode not in gone and VICTIM not in ready(be):
                gone[mode] = time.time()
        if t_ev is None and failure_event(alerts()[n_alerts:]):
            t_ev = time.time()
        if len(gone) == len(BACKENDS) and t_ev is not None:
            break
        time.sleep(0.01)
    row = {}
    for mode, _ in BACKENDS:
        end = (gone[mode] if mode in gone else t_fault + WINDOW) + 1.0
        time.sleep(max(0.0, end - time.time()))
        row[mode] = ((gone[mode] - t_fault) * 1000 if mode in gone else None,
                     (t_ev - t_fault) * 1000 if t_ev is not None and mode == "lbmember"
                     else None, clients[mode].failed(t_fault, end))
    if kind == "hang":
        try:  # a VNFC nobody recovered (anything sees a live PID) goes on
            lab("kill-process", VICTIM_ID, "-CONT", pid)
        except subprocess.CalledProcessError:
            pass  # ocf:vnfha:vnfc's supervisor killed it
    lab("on", "1", "crm_resource", "--cleanup", "-r", "vnfc-clone")
    return row, (t_fault - t_call) * 1000


def fmt(v):
    return "%7.1f ms" % v if v is not None else "  never  "


def main():
    clients = {"lbmember": lb_load.Client("http://%s:8080/" % VIP, 0.01),
               "lab-tcp": lb_load.Client("http://%s:8081/" % VIP, 0.01)}
    for c in clients.values():
        c.start()
    rng = random.Random(SEED)
    rows = {}
    for kind in KINDS:
        for run in range(RUNS):
            row, lag = one_run(kind, clients, rng)
            for mode, r in row.items():
                rows.setdefault((mode, kind), []).append(r)
            print("%-4s run %2d: lbmember removal %s, VNFM event %s, %3d failed |"
                  " HAProxy checks removal %s, %3d failed (fault %.0f ms after the call)"
                  % (kind, run + 1, fmt(row["lbmember"][0]), fmt(row["lbmember"][1]),
                     row["lbmember"][2], fmt(row["lab-tcp"][0]), row["lab-tcp"][2], lag),
                  flush=True)
    for c in clients.values():
        c.finish()
    for (mode, kind), rs in rows.items():
        rem = [r[0] for r in rs if r[0] is not None]
        ev = [r[1] for r in rs if r[1] is not None]
        fails = [r[2] for r in rs]
        print("SUMMARY %s %s %s %s %.1f %d spread removal %s event %s failed %d-%d" % (
            mode, kind, "%.1f" % statistics.median(rem) if rem else "never",
            "%.1f" % statistics.median(ev) if ev else "none", statistics.median(fails),
            len(rs) - len(rem), "%.0f-%.0f" % (min(rem), max(rem)) if rem else "-",
            "%.0f-%.0f" % (min(ev), max(ev)) if ev else "-", min(fails), max(fails)),
              flush=True)


if __name__ == "__main__":
    main()
