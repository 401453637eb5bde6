#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The lab's client for the lb scenarios: an open-loop stream of HTTP GETs
(RATE per second, each on a new connection, each with a 3 s timeout) to URL
for SECONDS; one line per request to OUT: "<start ms> <end ms> ok|fail <answer>".
Usage: lb-client.py URL RATE SECONDS OUT"""
import sys
import threading
import time
import urllib.request


def main():
    url, rate, seconds, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    lines, lock, threads = [], threading.Lock(), []

    def one():
        t0 = time.time()
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                body = r.read().decode().strip()
                res = ("ok " if r.status == 200 else "fail ") + body
        except Exception as e:  # every failure counts, whatever its kind
            res = "fail " + type(e).__name__
        with lock:
            lines.append("%d %d %s" % (t0 * 1000, time.time() * 1000, res))

    end = time.monotonic() + seconds
    nxt = time.monotonic()
    while time.monotonic() < end:
        th = threading.Thread(target=one, daemon=True)
        th.start()
        threads.append(th)
        nxt += 1.0 / rate
        time.sleep(max(0.0, nxt - time.monotonic()))
    for th in threads:
        th.join()
    with open(out, "w") as f:
        f.write("\n".join(sorted(lines, key=lambda l: int(l.split()[0]))) + "\n")


if __name__ == "__main__":
    main()
