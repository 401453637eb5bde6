#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints, for each established TCP socket of process PID with PORT at
either end, whether Nagle's algorithm is off on it (TCP_NODELAY), read
from the process's own socket (pidfd_getfd, Linux >= 5.6, as root):

    tcp-nodelay.py PID PORT  ->  "LOCALPORT REMOTEPORT nodelay 0|1" lines
"""
import ctypes
import os
import socket
import sys

SYS_PIDFD_GETFD = 438  # x86_64 and every other architecture's unified number


def established(pid, port):
    """inode -> (local port, remote port) of PID's established sockets on PORT."""
    found = {}
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    local = int(cols[1].rsplit(":", 1)[1], 16)
                    remote = int(cols[2].rsplit(":", 1)[1], 16)
                    if cols[3] == "01" and port in (local, remote):
                        found[cols[9]] = (local, remote)
        except FileNotFoundError:
            pass
    return found


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    socks = established(pid, port)
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        inode = target[len("socket:["):-1] if target.startswith("socket:[") else None
        if inode not in socks:
            continue
        mine = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
        if mine < 0:
            sys.exit(f"pidfd_getfd {pid} {fd}: {os.strerror(ctypes.get_errno())}")
        with socket.socket(fileno=mine) as s:
            on = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        local, remote = socks[inode]
        print(f"{local} {remote} nodelay {1 if on else 0}")
    os.close(pidfd)


if __name__ == "__main__":
    main()
