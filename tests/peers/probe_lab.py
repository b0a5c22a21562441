#!/usr/bin/env python3
"""The probe lab's services on ADDR, one thread per connection. Certificates
come from DIR (made by the test with openssl): valid.pem, self.pem,
wrong.pem, expired.pem with their .key files. Writes DIR/ready when every
port listens; runs until killed."""
import http.server
import os
import random
import socket
import ssl
import sys
import threading

ADDR, DIR = sys.argv[1], sys.argv[2]


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ADDR, port))
    s.listen(16)
    return s


def serve(port, handler):
    s = listener(port)

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=guard, args=(handler, c), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def guard(handler, c):
    try:
        handler(c)
    except (OSError, ssl.SSLError):
        pass
    finally:
        c.close()


def ssh(c):
    c.sendall(b"SSH-2.0-LabSSH_1.0\r\n")
    c.recv(100)


def silent(c):
    while c.recv(4096):
        pass


def endless(c):
    chunk = b"A" * 4096
    while True:
        c.sendall(chunk)


def garbage(c):
    rng = random.Random(7)
    c.sendall(b"\x1b[2J\x1b]0;owned\x07\x00\xff\xfe" + bytes(rng.randrange(256) for _ in range(600)))
    c.recv(100)


def tls_junk(c):
    c.recv(4096)
    c.sendall(b"\x16\x03\x03\x00\x10" + b"\xde\xad\xbe\xef" * 64)
    c.recv(100)


def big_body(c):
    c.recv(4096)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n<title>Big</title>")
    chunk = b"x" * 65536
    while True:
        c.sendall(chunk)


def header_flood(c):
    c.recv(4096)
    c.sendall(b"HTTP/1.1 200 OK\r\n")
    line = b"X-Flood: " + b"a" * 100 + b"\r\n"
    while True:
        c.sendall(line * 64)


class Page(http.server.BaseHTTPRequestHandler):
    server_version = "lab-httpd/1.0"
    sys_version = ""
    title = b"Peer lab"

    def do_GET(self):
        body = b"<html><head><title>" + self.title + b"</title></head><body>hi</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class SecurePage(Page):
    title = b"Secure peer"


class Server(http.server.ThreadingHTTPServer):
    # A probe ends its connections with a reset: not worth a traceback.
    def handle_error(self, request, client_address):
        pass


def web(port, cert=None):
    srv = Server((ADDR, port), SecurePage if cert else Page)
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(DIR, cert + ".pem"), os.path.join(DIR, cert + ".key"))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()


web(80)
web(443, "valid")
web(8443, "self")
web(9443, "wrong")
web(10443, "expired")
for port, handler in ((22, ssh), (7000, silent), (7001, silent), (7002, silent), (6001, endless),
                      (6002, garbage), (6003, tls_junk), (6004, big_body), (6005, header_flood)):
    serve(port, handler)
open(os.path.join(DIR, "ready"), "w").close()
threading.Event().wait()
