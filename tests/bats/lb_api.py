#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""HAProxy runtime API for the lb tests and benchmarks (no socat here).
As a program: lb_api.py ADDRESS COMMAND prints the answer (exit 1 if
nothing answers); as a module: api(ADDRESS, COMMAND). ADDRESS is a Unix
socket path or HOST:PORT."""
import socket
import sys


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


if __name__ == "__main__":
    try:
        sys.stdout.write(api(sys.argv[1], sys.argv[2]))
    except OSError as e:
        sys.exit("lb_api: %s" % e)
