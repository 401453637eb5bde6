#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small HTTP receiver playing the VNF manager in the lb tests: appends
each POST body as one line to OUT and answers CODE (200 by default).
With CODE "hang" it accepts connections and never answers.
Usage: lb-receiver.py ADDRESS PORT OUT [CODE]"""
import http.server
import socket
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(self.server.out, "ab") as f:
            f.write(self.headers.get("Content-Type", "").encode() + b" " + body + b"\n")
        self.send_response(self.server.code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    addr, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    code = sys.argv[4] if len(sys.argv) > 4 else "200"
    if code == "hang":
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(16)
        held = []
        while True:
            c, _ = s.accept()
            held.append(c)  # never answered
            time.sleep(0.01)
    srv = http.server.ThreadingHTTPServer((addr, port), Handler)
    srv.out = out
    srv.code = int(code)
    srv.serve_forever()


if __name__ == "__main__":
    main()
