#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""HAProxy runtime API for the lb tests and benchmarks (no socat here).
As a program: lb_api.py ADDRESS COMMAND prints the answer (exit 1 if
nothing answers); as a module: api(ADDRESS, COMMAND). ADDRESS is a Unix
socket path or HOST:PORT.

lb_api.py ADDRESS --wait-pool BACKEND "SERVER..." SECONDS prints "watching",
then asks every 10 ms which servers are UP and ready in BACKEND; when they
are exactly SERVER..., prints the wall-clock time in milliseconds and exits
0 (1 after SECONDS). One process polling from the start: a test that timed
a change by starting a program per look measured its own start-ups (a few
hundred ms each on a loaded machine)."""
import socket
import sys
import time


def api(address, cmd):
    if address.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        s.connect(address)
    else:
        host, port = address.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=2)
    with s:
        s.sendall((cmd + "\n").encode())
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                return out.decode()
            out += d


def ready_servers(address, backend):
    """The servers of backend that are UP (op state 2) and ready (admin 0)."""
    names = set()
    for line in api(address, "show servers state " + backend).splitlines():
        f = line.split()
        if len(f) > 6 and not line.startswith("#") and f[5] == "2" and f[6] == "0":
            names.add(f[3])
    return names


def wait_pool(address, backend, servers, seconds):
    want = set(servers.split())
    deadline = time.monotonic() + seconds
    print("watching", flush=True)
    while time.monotonic() < deadline:
        try:
            if ready_servers(address, backend) == want:
                print(time.time_ns() // 1000000, flush=True)
                return 0
        except OSError:
            pass  # HAProxy restarting: look again
        time.sleep(0.01)
    print("lb_api: %s of %s not %r after %s s" % (address, backend, servers, seconds),
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        if len(sys.argv) == 6 and sys.argv[2] == "--wait-pool":
            sys.exit(wait_pool(sys.argv[1], sys.argv[3], sys.argv[4], float(sys.argv[5])))
        sys.stdout.write(api(sys.argv[1], sys.argv[2]))
    except OSError as e:
        sys.exit("lb_api: %s" % e)
