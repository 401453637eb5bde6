#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark harness for lb-removal.sh (runs inside its network namespace).

Three VNFC stand-ins behind a real HAProxy, a client sending a steady
stream of requests (one every 10 ms, open loop, each on a new connection); one member
is killed (SIGKILL) and we measure
  - removal: time from the kill until HAProxy stops choosing the member
    (its row shows drain/maint, health DOWN, or is gone), polled every 5 ms
    through the runtime API;
  - failed: client requests that failed from the kill until 1 s after removal.
Modes:
  vnfha  the pool is managed by ocf:vnfha:lbmember; the member's supervisor
         (the vnfc agent's job in the cluster) sees its child die and the
         member is stopped at once (lbmember stop). No HAProxy health checks.
  hc     HAProxy's own health checks alone: check inter INTER fall FALL.
  tuned  HAProxy tuned to react fast (lb-removal.sh writes its configuration:
         short inter, fall 1, observe layer4 on-error mark-down, redispatch).
Usage: lb-bench.py MODE RUNS DIR AGENT BACKEND_PY INTER_MS FALL
Prints one line per run and a summary line "MODE median_removal_ms median_failed".
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bats"))
import lb_api  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lb_load  # noqa: E402

MODE, RUNS, DIR, AGENT, BACKEND_PY = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
INTER_MS, FALL = int(sys.argv[6]), int(sys.argv[7])
SOCK = os.path.join(DIR, "admin.sock")
PORTS = {"n1": 8001, "n2": 8002, "n3": 8003}
VICTIM = "n2"


def api(cmd):
    return lb_api.api(SOCK, cmd)


def row(name):
    for line in api("show servers state be").splitlines():
        f = line.split()
        if len(f) > 6 and f[3] == name:
            return int(f[5]), int(f[6])  # op_state, admin_state
    return None


def in_pool(name):
    r = row(name)
    return r is not None and r[0] == 2 and (r[1] & 0x7F) == 0


def agent(action, name):
    env = {"PATH": os.environ["PATH"], "OCF_ROOT": "/usr/lib/ocf",
           "OCF_RESOURCE_INSTANCE": "lbm", "OCF_RESKEY_CRM_meta_on_node": name,
           "OCF_RESKEY_socket": SOCK, "OCF_RESKEY_backend": "be",
           "OCF_RESKEY_address": "127.0.0.1", "OCF_RESKEY_port": str(PORTS[name]),
           "OCF_RESKEY_drain_timeout": "2s"}
    return subprocess.run([AGENT, action], env=env, capture_output=True).returncode


def start_backend(name):
    p = subprocess.Popen([sys.executable, BACKEND_PY, "127.0.0.1", str(PORTS[name]), name],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORTS[name]), timeout=0.2).close()
            return p
        except OSError:
            time.sleep(0.02)
    raise SystemExit("backend %s did not start" % name)


def wait_until(pred, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return False


def main():
    procs = {n: start_backend(n) for n in PORTS}
    if MODE == "vnfha":
        for n in PORTS:
            assert agent("start", n) == 0, "lbmember start %s failed" % n
    removal, failed = [], []
    for run in range(RUNS):
        if not wait_until(lambda: all(in_pool(n) for n in PORTS), 15):
            raise SystemExit("pool not complete before run %d" % run)
        client = lb_load.Client("http://127.0.0.1:8080/", 0.010)
        client.start()
        time.sleep(1.0)
        victim = procs[VICTIM]
        stopped = threading.Event()

        def supervise():
            victim.wait()  # the supervisor learns of the death at once
            if MODE == "vnfha":
                agent("stop", VICTIM)
            stopped.set()

        sup = threading.Thread(target=supervise, daemon=True)
        sup.start()
        t_kill = time.time()
        victim.send_signal(signal.SIGKILL)
        while in_pool(VICTIM):
            time.sleep(0.005)
            if time.time() - t_kill > 30:
                raise SystemExit("member never left the pool")
        t_gone = time.time()
        time.sleep(1.0)
        client.finish()
        n_failed = sum(1 for t, ok in client.results if t >= t_kill - 0.05 and not ok)
        n_before = sum(1 for t, ok in client.results if t < t_kill - 0.05 and not ok)
        removal.append((t_gone - t_kill) * 1000)
        failed.append(n_failed)
        print("%s run %2d: removal %7.1f ms, failed requests %3d (before the kill: %d, total %d)"
              % (MODE, run + 1, removal[-1], n_failed, n_before, len(client.results)),
              flush=True)
        sup.join(10)
        procs[VICTIM] = start_backend(VICTIM)
        if MODE == "vnfha":
            assert agent("start", VICTIM) == 0
    for p in procs.values():
        p.kill()
    print("SUMMARY %s %.1f %.1f" % (MODE, statistics.median(removal), statistics.median(failed)))


if __name__ == "__main__":
    main()
