#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by the lb benchmarks: an open-loop HTTP client and the report.
As a program: lb_load.py report RUNS LABEL_A MS_A FAILED_A LABEL_B MS_B FAILED_B
prints the side-by-side table and the ratios B/A."""
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


def report(runs, a, b):
    """a, b: (label, median removal ms, median failed requests)."""
    print()
    print("%-44s %14s %16s" % ("median of %s runs" % runs, "removal (ms)", "failed requests"))
    for label, ms, fails in (a, b):
        print("%-44s %14.1f %16.1f" % (label, ms, fails))
    print("ratio removal time    %s / %s: %.1fx" % (b[0].split()[0], a[0].split()[0],
                                                  b[1] / max(a[1], 0.1)))
    if a[2]:
        print("ratio failed requests %s / %s: %.1fx" % (b[0].split()[0], a[0].split()[0],
                                                      b[2] / a[2]))
    else:
        print("failed requests: %s had none, %s %.1f" % (a[0].split()[0], b[0].split()[0], b[2]))


if __name__ == "__main__" and sys.argv[1:2] == ["report"]:
    r = sys.argv[2:]
    report(r[0], (r[1], float(r[2]), float(r[3])), (r[4], float(r[5]), float(r[6])))
