#!/usr/bin/env bash
# The interface on a pseudo-terminal that is not its controlling terminal,
# then the master closed (a multiplexer or SSH gone without a SIGHUP for
# us): it ends at once with status 1 and one line, instead of spinning on
# a hang-up epoll keeps reporting.
set -u
python3 - "$SOCKPIT" <<'PY'
import os, select, subprocess, sys, time
sockpit = sys.argv[1]
m, s = os.openpty()
env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", HOME="/nonexistent-sockpit-home")
p = subprocess.Popen([sockpit, "--dns-server", "127.0.0.1:9", "--chat", "127.0.0.1:9"],
                     stdin=s, stdout=s, stderr=subprocess.PIPE, start_new_session=True, env=env)
os.close(s)
# Wait for the first frame, then hang up.
buf, end = b"", time.monotonic() + 10
while b"Services" not in buf and time.monotonic() < end:
    if select.select([m], [], [], 0.2)[0]:
        try:
            buf += os.read(m, 65536)
        except OSError:
            break
os.close(m)
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    p.kill()
    sys.exit("FAIL: still running 10 s after the hang-up (%d CPU ticks used)" % (int(fields[11]) + int(fields[12])))
err = p.stderr.read().decode()
if rc != 1 or "input ended" not in err:
    sys.exit("FAIL: exit %d, stderr %r" % (rc, err[-300:]))
print("tui_hangup: ok")
PY
