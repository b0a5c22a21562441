#!/usr/bin/env python3
"""Holds TCP listeners for the probe tests: N listeners on random ports of
ADDR (or the ports given), printed one per line on stdout once all are
listening; then accepts and closes connections until stdin closes."""
import random
import selectors
import socket
import sys


def main():
    addr = sys.argv[1]
    count = int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    sel = selectors.DefaultSelector()
    ports = []
    while len(ports) < count:
        port = rng.randint(1, 65535)
        if port in ports:
            continue
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((addr, port))
        except OSError:
            s.close()
            continue
        s.listen(64)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        ports.append(port)
    sel.register(sys.stdin, selectors.EVENT_READ)
    for p in sorted(ports):
        print(p)
    sys.stdout.flush()
    while True:
        for key, _ in sel.select():
            if key.fileobj is sys.stdin:
                if not sys.stdin.buffer.read1(4096):
                    return
                continue
            try:
                c, _ = key.fileobj.accept()
                c.close()
            except OSError:
                pass


main()
