#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A TCP relay that damages data in flight, for the crash-safety tests.

Usage: ckpt-proxy.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT OFFSET
Relays every connection to the target; in the client-to-target direction
it flips one bit of the byte at OFFSET (counted per connection)."""
import socket
import sys
import threading


def pump(src, dst, offset):
    seen = 0
    try:
        while True:
            data = src.recv(1 << 16)
            if not data:
                break
            if offset is not None and seen <= offset < seen + len(data):
                buf = bytearray(data)
                buf[offset - seen] ^= 0x01
                data = bytes(buf)
            seen += len(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    lhost, lport, thost, tport, offset = sys.argv[1:6]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((lhost, int(lport)))
    ls.listen(8)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        t = socket.create_connection((thost, int(tport)))
        threading.Thread(target=pump, args=(c, t, int(offset)), daemon=True).start()
        threading.Thread(target=pump, args=(t, c, None), daemon=True).start()


if __name__ == "__main__":
    main()
