#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by the lb benchmarks: an open-loop HTTP client and the reports.
As a program: lb_load.py report RUNS LABEL_A MS_A FAILED_A LABEL_B MS_B FAILED_B [...]
prints the side-by-side table and the ratios of each other column to A;
lb_load.py agent-report RUNS INTER TUNED FILE... the table of lb-agent.sh."""
import sys
import threading
import time
import urllib.request


class Client(threading.Thread):
    """Open loop: a GET starts every PERIOD seconds whether or not earlier
    ones finished, as independent clients send them; results are
    (start time, ok) with time.time() stamps."""

    def __init__(self, url, period):
        super().__init__(daemon=True)
        self.url, self.period = url, period
        self.results, self.threads = [], []
        self.stop = False

    def one(self, t):
        try:
            with urllib.request.urlopen(self.url, timeout=5) as r:
                ok = r.status == 200
                r.read()
        except Exception:  # every failure counts, whatever its kind
            ok = False
        self.results.append((t, ok))

    def run(self):
        nxt = time.time()
        while not self.stop:
            th = threading.Thread(target=self.one, args=(time.time(),), daemon=True)
            th.start()
            self.threads.append(th)
            nxt += self.period
            time.sleep(max(0.0, nxt - time.time()))

    def finish(self):
        self.stop = True
        self.join()
        for th in self.threads:
            th.join()

    def failed(self, t0, t1):
        return sum(1 for t, ok in list(self.results) if t0 <= t <= t1 and not ok)


def report(runs, a, *others):
    """a, others: (label, median removal ms, median failed requests)."""
    print()
    print("%-60s %14s %16s" % ("median of %s runs" % runs, "removal (ms)", "failed requests"))
    for label, ms, fails in (a,) + others:
        print("%-60s %14.1f %16.1f" % (label, ms, fails))
    for b in others:
        print("ratio removal time    %s / %s: %.1fx" % (b[0], a[0].split()[0],
                                                      b[1] / max(a[1], 0.1)))
        if a[2]:
            print("ratio failed requests %s / %s: %.1fx" % (b[0], a[0].split()[0], b[2] / a[2]))
        else:
            print("failed requests: %s had none, %s %.1f" % (a[0].split()[0], b[0], b[2]))


LABELS = {"tcp": "HAProxy TCP checks (inter {i} fall 3)",
          "tuned": "HAProxy tuned (inter {t}, fall 1, observe L4)",
          "agent": "vnfha agent-check (inter {i}, fall 1)",
          "agent+tuned": "vnfha agent-check + tuned (inter {t})",
          "lbmember": "vnfha lbmember, Pacemaker (lab, vnfc)",
          "lab-tcp": "HAProxy TCP checks, lab (inter {i} fall 3)"}


def agent_report(runs, inter, tuned, paths):
    """Side-by-side table of lb-agent.sh's and, when given, lb-cluster.sh's
    SUMMARY MODE KIND removal event failed never spread... lines."""
    rows = {}
    for path in paths:
        for line in open(path):
            f = line.split()
            if not f or f[0] != "SUMMARY":
                continue
            num = lambda v: None if v in ("never", "none") else float(v)  # noqa: E731
            rows[(f[1], f[2])] = (num(f[3]), num(f[4]), float(f[5]), int(f[6]),
                                  " ".join(f[7:]))
    for kind in ("kill", "hang"):
        have = [m for m in LABELS if (m, kind) in rows]
        if not have:
            continue
        print()
        print("%s: median of %s runs" % (kind, runs))
        print("%-46s %11s %11s %8s %6s  %s" % ("", "removal ms", "event ms", "failed",
                                              "never", "spread"))
        for m in have:
            rem, ev, fl, never, spread = rows[(m, kind)]
            print("%-46s %11s %11s %8.1f %6d  %s" % (
                LABELS[m].format(i=inter, t=tuned), "never" if rem is None else "%.1f" % rem,
                "-" if ev is None else "%.1f" % ev, fl, never, spread))
        for a, b in (("tcp", "agent"), ("tuned", "agent+tuned"), ("tuned", "agent"),
                     ("lbmember", "agent"), ("lab-tcp", "lbmember"), ("tuned", "lbmember")):
            if (a, kind) in rows and (b, kind) in rows:
                ra, rb = rows[(a, kind)][0], rows[(b, kind)][0]
                fa, fb = rows[(a, kind)][2], rows[(b, kind)][2]
                if ra is None or rb is None:
                    print("ratio removal %s / %s: %s" % (a, b, "%s never removes it" % (
                        a if ra is None else b)))
                else:
                    print("ratio removal %s / %s: %.1fx" % (a, b, ra / max(rb, 0.1)))
                print("failed requests %s / %s: %.1f / %.1f" % (a, b, fa, fb))


if __name__ == "__main__" and sys.argv[1:2] == ["agent-report"]:
    agent_report(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])

if __name__ == "__main__" and sys.argv[1:2] == ["report"]:
    r = sys.argv[2:]
    cols = [(r[i], float(r[i + 1]), float(r[i + 2])) for i in range(1, len(r) - 2, 3)]
    report(r[0], *cols)
