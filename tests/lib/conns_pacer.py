#!/usr/bin/env python3
"""Loopback traffic at a known pace, for the Connections tests.

conns_pacer.py sink PORTFILE            accept on a free 127.0.0.1 port (written
                                        to PORTFILE) and read everything
conns_pacer.py send PORT RATE SECONDS   connect and send RATE bytes/s for
                                        SECONDS, then wait to be killed
"""
import socket
import sys
import threading
import time


def sink(portfile):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)

    def drain(c):
        while c.recv(1 << 16):
            pass

    while True:
        c, _ = s.accept()
        threading.Thread(target=drain, args=(c,), daemon=True).start()


def send(port, rate, seconds):
    c = socket.create_connection(("127.0.0.1", port))
    chunk = b"x" * 8192
    start = time.monotonic()
    sent = 0
    while True:
        elapsed = time.monotonic() - start
        if elapsed >= seconds:
            break
        due = int(rate * elapsed)
        while sent + len(chunk) <= due:
            c.sendall(chunk)
            sent += len(chunk)
        time.sleep(0.002)
    time.sleep(3600)


if __name__ == "__main__":
    if sys.argv[1] == "sink":
        sink(sys.argv[2])
    else:
        send(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
