#!/usr/bin/env bash
# Bad input against `sockpit serve`: negative length, 0x7fffffff, half a
# frame then close, invalid UTF-8, a client that never reads, 1,000 idle
# connections. After each a well-behaved client still gets its answers, and
# the server's memory has not grown without bound.
set -u
SOCKPIT=${SOCKPIT:?}
T=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -5 "$T/serve.log" >&2; exit 1; }
P=$(python3 "${SOCKPIT_SRC:?}/tests/lib/free_port.py")
ulimit -n 4096 2>/dev/null
# Under ASan freed memory waits in a quarantine: keep it small so RSS shows
# what the server really holds (no effect on a normal build).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
"$SOCKPIT" serve --listen "127.0.0.1:$P" --max-frame 65536 2>"$T/serve.log" & spid=$!
for _ in $(seq 100); do grep -q listening "$T/serve.log" && break; sleep 0.05; done

cat > "$T/abuse.py" <<'PY'
import socket, struct, sys, time
port = int(sys.argv[1]); pid = int(sys.argv[2])
def rss_kib():
    for l in open('/proc/%d/status' % pid):
        if l.startswith('VmRSS:'): return int(l.split()[1])
def conn(): return socket.create_connection(('127.0.0.1', port))
import os
sys.path.insert(0, os.path.join(os.environ['SOCKPIT_SRC'], 'tests', 'peers'))
from chatwire import recv_frame, send_frame
def ask(m):
    s = conn(); b = m.encode() if isinstance(m, str) else m
    send_frame(s, b); r = recv_frame(s); s.close(); return r
def good(step):
    r = ask('hello')
    if not r.startswith(b'Hello'): print('FAIL after', step, r); sys.exit(1)
def closed_by_server(s):
    s.settimeout(5)
    try: return s.recv(1) == b''
    except ConnectionResetError: return True
good('start')
base = rss_kib()
for rnd in range(3):
    s = conn(); s.sendall(struct.pack('<i', -5))
    assert closed_by_server(s), 'negative length kept open'
    s = conn(); s.sendall(struct.pack('<i', 0x7fffffff))
    assert closed_by_server(s), '0x7fffffff kept open'
    s = conn(); s.sendall(struct.pack('<i', 60000) + b'x' * 30000); s.close()
    good('half frame')
    r = ask(b'\xff\xfe\xc3 hello \xed\xa0\x80')
    assert r == b'Sorry.' or r.startswith(b'Hello'), r
    good('invalid utf-8')
    # Never reads: 64 KiB requests whose answers pile up until the server
    # drops it at its 4 MiB queue cap.
    s = conn(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    req = (struct.pack('<i', 5) + b'hello') * 6000
    sent = 0; t0 = time.time()
    try:
        while time.time() - t0 < 20:
            s.sendall(req); sent += len(req)
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    s.close()
    good('never-reading client')
    idle = [conn() for _ in range(1000)]
    good('1000 idle connections')
    for c in idle: c.close()
    time.sleep(0.3)
    good('idle closed')
    print('round', rnd, 'rss KiB', rss_kib(), 'base', base)
grow = rss_kib() - base
print('rss growth KiB', grow)
if grow > 48 * 1024: print('FAIL: memory grew by', grow, 'KiB'); sys.exit(1)
PY
python3 "$T/abuse.py" "$P" "$spid" || fail "abuse"
grep -q "negative frame length -5" "$T/serve.log" || fail "no protocol error log line"
grep -q "frame length 2147483647 exceeds limit 65536" "$T/serve.log" || fail "no limit log line"
grep -q "does not read" "$T/serve.log" || fail "the never-reading client was not dropped"
grep -q "in the middle of a frame" "$T/serve.log" || fail "no half-frame log line"
kill -TERM "$spid"; wait "$spid"; rc=$?; spid=
[ $rc -eq 0 ] || fail "exit $rc"
echo "chat abuse ok"
