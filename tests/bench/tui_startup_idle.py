#!/usr/bin/env python3
"""Start-up time to the first complete frame, resident memory at start, and
CPU used while idle, of the TUI on a pseudo-terminal.

Usage: tui_startup_idle.py SOCKPIT [--runs N] [--idle SECONDS]
Prints the figures; exits 0 whatever they are (a benchmark, not a test)."""
import argparse, os, pty, select, socket, statistics, struct, fcntl, termios, time, tempfile, signal

def dead_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start(sockpit, home, cols=100, rows=30):
    port = dead_port()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(HOME=home, XDG_CONFIG_HOME=home + "/.config", XDG_STATE_HOME=home + "/.state",
                          TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        os.execv(sockpit, [sockpit, "--dns-server", f"127.0.0.1:{port}"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return pid, fd

def read_until(fd, marker, timeout=5.0):
    """Reads output until marker was seen and the terminal went quiet."""
    buf = b""
    end = time.monotonic() + timeout
    seen_at = None
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.005 if seen_at else 0.5)
        if not r:
            if seen_at:
                return seen_at, buf
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        buf += chunk
        if seen_at is None and marker in buf:
            seen_at = time.monotonic()
    return seen_at, buf

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tck

def stop(pid, fd):
    os.write(fd, b"q")
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sockpit")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--idle", type=float, default=30.0)
    a = ap.parse_args()
    home = tempfile.mkdtemp()
    times, rss = [], []
    for _ in range(a.runs):
        t0 = time.monotonic()
        pid, fd = start(a.sockpit, home)
        seen, _ = read_until(fd, b"Quit")
        if seen is None:
            print("startup: no frame within 5 s"); stop(pid, fd); return
        times.append((seen - t0) * 1000)
        rss.append(rss_kib(pid))
        stop(pid, fd)
    print(f"startup to first frame: median {statistics.median(times):.1f} ms, "
          f"min {min(times):.1f} ms, max {max(times):.1f} ms over {a.runs} runs (target < 50 ms)")
    print(f"resident memory after the first frame: median {statistics.median(rss) / 1024:.2f} MiB "
          f"(target < 8 MiB)")
    pid, fd = start(a.sockpit, home)
    read_until(fd, b"Quit")
    time.sleep(1.0)          # let start-up work (first refreshes, lookups) finish
    c0 = cpu_seconds(pid)
    end = time.monotonic() + a.idle
    while time.monotonic() < end:   # keep draining the pty so output never blocks the TUI
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            os.read(fd, 65536)
    used = cpu_seconds(pid) - c0
    print(f"idle for {a.idle:.0f} s: {used:.3f} s of CPU (utime+stime, target < 0.05 s)")
    stop(pid, fd)

if __name__ == "__main__":
    main()
