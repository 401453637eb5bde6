#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The lab's pool watcher for the lb scenarios: asks HAProxy's runtime API
for a backend's servers every 20 ms until killed, and writes one line per
change to OUT: "<epoch ms> <members>", the members being the servers HAProxy
sends traffic to (running, no maintenance or drain bit), sorted, blank-
separated ("-" for none). A recovery in place takes a member out of the pool
for a few hundred milliseconds: a poll from the shell (a process per poll)
can miss it, this cannot.
Usage: lb-pool-watch.py ADDRESS BACKEND OUT"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bats"))
import lb_api  # noqa: E402


def members(address, backend):
    try:
        text = lb_api.api(address, "show servers state " + backend)
    except OSError:
        return None
    out = []
    for line in text.splitlines():
        f = line.split()
        # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...
        if len(f) > 6 and f[0] != "#" and f[5] == "2" and (int(f[6]) & 0x7F) == 0:
            out.append(f[3])
    return " ".join(sorted(out)) or "-"


def main():
    address, backend, out = sys.argv[1], sys.argv[2], sys.argv[3]
    last = None
    with open(out, "a", buffering=1) as f:
        while True:
            now = members(address, backend)
            if now is not None and now != last:
                f.write("%d %s\n" % (time.time() * 1000, now))
                last = now
            time.sleep(0.02)


if __name__ == "__main__":
    main()
