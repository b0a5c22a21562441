#!/usr/bin/env python3
"""A hostile chat server for tests, on loopback only.

Frames are the chat protocol's: a signed 32-bit little-endian length, then
the payload. Each command acts on the newest connection (waiting up to 10 s
for one):

  escapes      three frames holding ESC ] 0;pwned-title BEL, ESC [2J, ESC [31m
               ("ESC1 ... END1", "ESC2 ... END2", "ESC3 ... END3")
  badutf8      one frame of invalid UTF-8 between "BAD " and " END"
  split        the frame "SPLIT-FRAME-OK" written one byte at a time, 30 ms apart
  flood [N [F]]  N bytes (default 10,000,000) of valid F-byte frames (default
               1,000) as fast as the socket takes them, then "FLOOD-END <k>"
  huge         a header claiming 2147483647 bytes (2 GiB - 1), then a little data
  negative     a header of -5
  silence      nothing: the connection stays open and quiet
  close        close the connection

Each command is logged when done ("done CMD conn N ..."), each accept as
"conn N", with a CLOCK_MONOTONIC timestamp first, so a test can wait for a
phase and compare times with its own measurements.

Usage:
  hostile_chat.py PORTFILE LOGFILE CTLFIFO   commands, one a line, from the FIFO
  hostile_chat.py PORTFILE LOGFILE --auto    by itself: the first connection
      gets escapes, badutf8, split, flood, huge; the second negative; later
      ones silence.
Binds 127.0.0.1:0 and writes the port to PORTFILE. Stops by itself after 10
minutes, or on "quit"."""
import os
import socket
import struct
import sys
import threading
import time

ESCAPES = [b"ESC1 \x1b]0;pwned-title\x07 END1", b"ESC2 \x1b[2J END2", b"ESC3 \x1b[31m END3"]
BAD_UTF8 = b"BAD \xff\xfe \xc3( \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf END"
FRAME = 1000


def frame(payload):
    return struct.pack("<i", len(payload)) + payload


class Server:
    def __init__(self, logpath):
        self.log_file = open(logpath, "a", buffering=1)
        self.lock = threading.Condition()
        self.conn = None
        self.nconn = 0
        self.floods = 0
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(16)

    def log(self, text):
        self.log_file.write("%.6f %s\n" % (time.monotonic(), text))

    def accept_loop(self):
        while True:
            s, _ = self.lsock.accept()
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.nconn += 1
                n = self.nconn
                self.conn = s
                self.lock.notify_all()
            self.log("conn %d" % n)
            threading.Thread(target=self.drain, args=(s, n), daemon=True).start()

    def drain(self, s, n):
        """Reads and drops what the client sends; logs when it leaves."""
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
        self.log("closed %d" % n)

    def current(self):
        with self.lock:
            self.lock.wait_for(lambda: self.conn is not None, timeout=10)
            return self.conn, self.nconn

    def run(self, cmd):
        words = cmd.split()
        if not words:
            return
        s, n = self.current()
        if s is None:
            self.log("error %s: no connection" % cmd)
            return
        what = words[0]
        extra = ""
        try:
            if what == "escapes":
                s.sendall(b"".join(frame(p) for p in ESCAPES))
            elif what == "badutf8":
                s.sendall(frame(BAD_UTF8))
            elif what == "split":
                for b in frame(b"SPLIT-FRAME-OK"):
                    s.sendall(bytes([b]))
                    time.sleep(0.03)
            elif what == "flood":
                total = int(words[1]) if len(words) > 1 else 10_000_000
                size = int(words[2]) if len(words) > 2 else FRAME
                self.floods += 1
                k = self.floods
                count = max(1, total // (size + 4))
                # Small frames: one buffer of all of them; big ones: the same
                # frame again and again, so the peer's memory stays small.
                per = count if size <= 65536 else 1
                chunk = b"".join(frame((b"FLOOD %d %06d " % (k, i)).ljust(size, b".")) for i in range(per))
                self.log("flood start %d" % k)
                t0 = time.monotonic()
                for _ in range(count // per):
                    s.sendall(chunk)
                secs = time.monotonic() - t0
                s.sendall(frame(b"FLOOD-END %d" % k))
                extra = "%d bytes %d frames in %.3f s" % (len(chunk) * (count // per), count, secs)
            elif what == "huge":
                s.sendall(struct.pack("<i", 0x7FFFFFFF) + b"x" * 64)
            elif what == "negative":
                s.sendall(struct.pack("<i", -5))
            elif what == "silence":
                pass
            elif what == "close":
                s.close()
                with self.lock:
                    if self.conn is s:
                        self.conn = None
            else:
                self.log("error unknown command %s" % what)
                return
        except OSError as e:
            self.log("error %s conn %d: %s" % (what, n, e))
            return
        self.log("done %s conn %d %s" % (what, n, extra))

    def auto(self):
        for cmd in ["escapes", "badutf8", "split", "flood", "huge"]:
            self.run(cmd)
        self.wait_conn(2)
        self.run("negative")
        self.wait_conn(3)
        self.run("silence")

    def wait_conn(self, n):
        with self.lock:
            self.lock.wait_for(lambda: self.nconn >= n, timeout=30)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    srv = Server(sys.argv[2])
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.lsock.getsockname()[1])
    os.rename(tmp, sys.argv[1])
    threading.Thread(target=srv.accept_loop, daemon=True).start()
    deadline = time.monotonic() + 600
    threading.Timer(600, lambda: os._exit(0)).start()
    if sys.argv[3] == "--auto":
        srv.auto()
        time.sleep(max(0, deadline - time.monotonic()))
        os._exit(0)
    # Writers may come and go: a closed FIFO is opened again.
    while True:
        with open(sys.argv[3]) as ctl:
            for line in ctl:
                if line.strip() == "quit":
                    os._exit(0)
                srv.run(line.strip())


if __name__ == "__main__":
    main()
