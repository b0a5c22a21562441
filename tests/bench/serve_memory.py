#!/usr/bin/env python3
"""Memory and CPU of one `sockpit serve` binary under three loads, on
loopback; one line each, for serve_memory.sh to print side by side:
  partial  PARTIAL clients each hold an unfinished frame of 1 MiB - 1 bytes
           (bot mode): the server's RSS, and how many it dropped;
  stuck    STUCK room clients that never read while one member sends
           64 KiB messages: the server's peak RSS, and how many were dropped;
  churn    CHURN connects and closes against a room of MEMBERS members:
           the server's CPU seconds, and the notice frames one member got.
Usage: serve_memory.py SOCKPIT LABEL"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

SOCKPIT, LABEL = sys.argv[1], sys.argv[2]
PARTIAL = int(os.environ.get('PARTIAL', 300))
STUCK = int(os.environ.get('STUCK', 400))
MEMBERS = int(os.environ.get('MEMBERS', 1000))
CHURN = int(os.environ.get('CHURN', 2000))
MIB = 1024 * 1024


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(*args):
    port = free_port()
    log = tempfile.TemporaryFile('w+')
    proc = subprocess.Popen([SOCKPIT, 'serve', '--listen', '127.0.0.1:%d' % port, *args], stderr=log)
    proc.log = log
    for _ in range(200):
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    sys.exit('%s: the server did not start' % LABEL)


def status(proc, key):
    with open('/proc/%d/status' % proc.pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(proc):
    with open('/proc/%d/stat' % proc.pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def settled_rss(proc):
    """The RSS once it has not changed for a second (the server reads
    what the clients sent after sendall returned), at most 20 s."""
    last, same, end = -1, 0, time.monotonic() + 20
    while same < 4 and time.monotonic() < end:
        time.sleep(0.25)
        rss = status(proc, 'VmRSS')
        same = same + 1 if rss == last else 0
        last = rss
    return last


def connect(port, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(('127.0.0.1', port))
    return s


def drops(proc):
    """The server's log lines of clients it dropped, and the first."""
    proc.log.seek(0)
    lines = [l.strip() for l in proc.log if 'dropped' in l]
    return len(lines), lines[0].split(' ', 2)[2] if lines else 'none'


def stop(proc, socks):
    for s in socks:
        s.close()
    proc.terminate()
    proc.wait()


def partial():
    proc, port = start()
    socks = []
    body = b'x' * (MIB - 2)
    for _ in range(PARTIAL):
        s = connect(port)
        s.sendall(struct.pack('<i', MIB - 1) + body)
        socks.append(s)
    rss = settled_rss(proc)
    n, first = drops(proc)
    stop(proc, socks)
    print('%s partial: %d clients with a 1 MiB-1 frame unfinished: RSS %.0f MiB, %d dropped (first: %s)'
          % (LABEL, PARTIAL, rss / MIB, n, first))


def stuck():
    proc, port = start('--room')
    socks = [connect(port, rcvbuf=4096) for _ in range(STUCK)]
    sender = connect(port)
    sender.settimeout(0.05)
    msg = b'y' * (64 * 1024)
    frame = struct.pack('<i', len(msg)) + msg
    sent = 0
    # 10 MiB to each stuck client: past the old 4 MiB cap and the kernel's buffers.
    for _ in range(160):
        try:
            sender.sendall(frame)
            sent += 1
        except OSError:
            break
        try:
            while sender.recv(65536):
                pass
        except (socket.timeout, BlockingIOError):
            pass
        except OSError:
            break
    rss = settled_rss(proc)
    peak = status(proc, 'VmHWM')
    n, first = drops(proc)
    stop(proc, socks + [sender])
    print('%s stuck: %d room clients not reading, %d messages of 64 KiB: peak RSS %.0f MiB, RSS after %.0f MiB, '
          '%d dropped (first: %s)' % (LABEL, STUCK, sent, peak / MIB, rss / MIB, n, first))


def churn():
    proc, port = start('--room')
    members = []
    for _ in range(MEMBERS):
        members.append(connect(port))
    watcher = members[0]
    time.sleep(1)
    watcher.setblocking(False)
    try:
        while watcher.recv(1 << 20):
            pass
    except BlockingIOError:
        pass
    t0, c0 = time.monotonic(), cpu_seconds(proc)
    for _ in range(CHURN):
        connect(port).close()
    # Until the server has caught up: a last member in, its welcome back.
    last = connect(port)
    last.settimeout(120)
    last.recv(4)
    time.sleep(0.5)
    cpu, wall = cpu_seconds(proc) - c0, time.monotonic() - t0
    data = b''
    try:
        while True:
            chunk = watcher.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    frames, off = 0, 0
    while off + 4 <= len(data):
        n = struct.unpack_from('<i', data, off)[0]
        off += 4 + n
        frames += 1
    stop(proc, members + [last])
    print('%s churn: %d connects+closes against %d members: server CPU %.2f s (wall %.1f s), '
          '%d notice frames to one member' % (LABEL, CHURN, MEMBERS, cpu, wall, frames))


for name in (sys.argv[3:] or ['partial', 'stuck', 'churn']):
    globals()[name]()
