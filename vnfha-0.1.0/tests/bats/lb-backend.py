#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny VNFC stand-in for the lb tests: answers every HTTP GET with its
name; GET /slow?ms=N answers after N milliseconds (a long session to drain).
Usage: lb-backend.py ADDRESS PORT NAME (NAME "-": the host name)"""
import http.server
import socket
import socketserver
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/slow":
            ms = int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0])
            time.sleep(ms / 1000.0)
        body = (self.server.name + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    addr, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if ":" in addr:
        Server.address_family = socket.AF_INET6
    srv = Server((addr, port), Handler)
    srv.name = socket.gethostname() if name == "-" else name
    srv.serve_forever()


if __name__ == "__main__":
    main()
