#!/usr/bin/env python3
"""Chat peers for tests/bench/tui_bandwidth.sh, on loopback only.

  tui_bandwidth_peer.py PORTFILE silent        accepts and stays quiet
  tui_bandwidth_peer.py PORTFILE flood RATE    sends RATE frames a second to
      each connection: chat-like lines of varying text, paced in 10 ms steps

Frames are the chat protocol's (tests/peers/chatwire.py). Binds 127.0.0.1:0,
writes the port to PORTFILE, stops by itself after 10 minutes."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from chatwire import send_frame  # noqa: E402

WORDS = ("the quick brown fox jumps over a lazy dog while packets arrive "
         "from every host on the segment and the resolver answers slowly").split()


def line(i):
    n = 4 + i % 9
    return ("msg %d: " % i + " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(n))).encode()


def flood(conn, rate):
    i, step = 0, 0.01
    per_step = max(1, int(rate * step))
    t = time.monotonic()
    try:
        while True:
            for _ in range(per_step):
                send_frame(conn, line(i))
                i += 1
            t += step
            delay = t - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    except OSError:
        pass


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
    rate = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    threading.Timer(600, lambda: os._exit(0)).start()
    held = []
    while True:
        conn, _ = ls.accept()
        held.append(conn)
        if mode == "flood":
            threading.Thread(target=flood, args=(conn, rate), daemon=True).start()


if __name__ == "__main__":
    main()
