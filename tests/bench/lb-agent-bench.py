#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Harness of lb-agent.sh, run inside its network namespace: three VNFCs
(tests/bats/lb-vnfc, libvnfha's agent-check responder) behind a real
HAProxy configured as MODE says, vnfha-lbwatch beside it telling a VNFM
receiver (a thread here, stamping each event's arrival) about the pool, and
an open-loop client (100 req/s, a new connection each). RUNS times per
failure kind, VNFC n2 fails and we record
  removal  ms from the failure until HAProxy stops choosing n2 (runtime API
           polled every 5 ms), or None when it never does within WINDOW s;
  event    ms from the failure until the VNFM receiver has the event;
  failed   client requests that failed, started from the failure until 1 s
           after the removal (or the end of the window).
Kinds: kill (SIGKILL of the VNFC), hang (its main loop stops: no heartbeat,
nothing served; the kernel still accepts its connections). Each failure
comes after a random pause of 0 to 1 s (seeded: SEED, printed), so it
falls anywhere between two checks rather than always at the same point.
Usage: lb-agent-bench.py MODE DIR VNFC LBWATCH RUNS KINDS WINDOW_S SEED
Prints one line per run and "SUMMARY MODE KIND removal event failed never"."""
import http.server
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bats"))
import lb_api  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lb_load  # noqa: E402

MODE, DIR, VNFC, LBWATCH = sys.argv[1:5]
RUNS, KINDS, WINDOW = int(sys.argv[5]), sys.argv[6].split(","), float(sys.argv[7])
SEED = int(sys.argv[8])
SOCK = os.path.join(DIR, "admin.sock")
VICTIM = "n2"
HB_MS = 300  # the VNFCs' heartbeat timeout
events = []  # (arrival time, body)


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        events.append((time.time(), body.decode()))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def in_pool(name):
    for line in lb_api.api(SOCK, "show servers state be").splitlines():
        f = line.split()
        if len(f) > 6 and f[3] == name:
            return f[5] == "2" and (int(f[6]) & 0x7F) == 0
    return False


def start_vnfc(n):
    ctl = os.path.join(DIR, "n%d.ctl" % n)
    with open(ctl, "w") as f:
        f.write("ok\n")
    return subprocess.Popen([VNFC, "n%d" % n, "127.0.0.%d:800%d" % (n, n),
                             "127.0.0.%d:900%d" % (n, n), str(HB_MS), ctl],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def set_ctl(n, word):
    with open(os.path.join(DIR, "n%d.ctl" % n), "w") as f:
        f.write(word + "\n")


def wait_until(pred, limit):
    deadline = time.time() + limit
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return False


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 8200), Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    procs = {n: start_vnfc(n) for n in (1, 2, 3)}
    watch = subprocess.Popen([LBWATCH, "--socket", SOCK, "--backend", "be", "--url",
                              "http://127.0.0.1:8200/", "--state-file",
                              os.path.join(DIR, "lbwatch.state")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    rng = random.Random(SEED)
    for kind in KINDS:
        rows = []
        for run in range(RUNS):
            if not wait_until(lambda: all(in_pool("n%d" % n) for n in (1, 2, 3)), 30):
                raise SystemExit("pool not whole before %s run %d" % (kind, run))
            time.sleep(0.5)
            n_ev = len(events)
            client = lb_load.Client("http://127.0.0.1:8080/", 0.010)
            client.start()
            time.sleep(1.0 + rng.random())
            t_fail = time.time()
            if kind == "kill":
                procs[2].send_signal(signal.SIGKILL)
            else:
                set_ctl(2, "hang")
            removed = wait_until(lambda: not in_pool(VICTIM), WINDOW)
            t_gone = time.time() if removed else None
            wait_until(lambda: len(events) > n_ev, 2.0 if removed else 0.1)
            t_ev = events[n_ev][0] if len(events) > n_ev else None
            end = (t_gone if removed else t_fail + WINDOW) + 1.0
            time.sleep(max(0.0, end - time.time()))
            client.finish()
            failed = client.failed(t_fail, end)
            row = ((t_gone - t_fail) * 1000 if removed else None,
                   (t_ev - t_fail) * 1000 if t_ev else None, failed)
            rows.append(row)
            print("%-8s %-4s run %2d: removal %s, VNFM event %s, failed requests %3d" % (
                MODE, kind, run + 1,
                "%7.1f ms" % row[0] if row[0] is not None else "  never  ",
                "%7.1f ms" % row[1] if row[1] is not None else "  none   ", failed), flush=True)
            if kind == "kill":
                procs[2].wait()
                procs[2] = start_vnfc(2)
            else:
                set_ctl(2, "ok")
        rem = [r[0] for r in rows if r[0] is not None]
        ev = [r[1] for r in rows if r[1] is not None]
        fails = [r[2] for r in rows]
        out[kind] = rows
        print("SUMMARY %s %s %s %s %.1f %d %s" % (
            MODE, kind, "%.1f" % statistics.median(rem) if rem else "never",
            "%.1f" % statistics.median(ev) if ev else "none", statistics.median(fails),
            len(rows) - len(rem),
            "spread removal %s failed %d-%d" % (
                "%.0f-%.0f" % (min(rem), max(rem)) if rem else "-", min(fails), max(fails))),
              flush=True)
    watch.terminate()
    watch.wait()
    for p in procs.values():
        p.kill()


if __name__ == "__main__":
    main()
