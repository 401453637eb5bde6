#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One HAProxy runtime API command over TCP, for the lb scenarios (the lab
has no socat). Usage: lb-api.py ADDRESS PORT COMMAND; exit 1 if unreachable."""
import socket
import sys

try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    s.sendall((sys.argv[3] + "\n").encode())
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
except OSError as e:
    sys.exit("lb-api: %s" % e)
sys.stdout.write(out.decode())
