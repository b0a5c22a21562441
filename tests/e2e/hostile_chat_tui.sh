#!/usr/bin/env bash
# The Chat pane against a hostile server (tests/peers/hostile_chat.py), one
# phase at a time: escape sequences arrive as visible text and the tmux pane
# title stays; invalid UTF-8 shows as U+FFFD; a frame written one byte at a
# time arrives whole; during 10 MB floods a pane-switch key is answered
# within 100 ms more than the same key without a flood, and RSS stays under
# 64 MiB afterwards; a 2 GiB and a negative length are each reported on
# screen; then silence leaves the TUI connected, responsive and idle.
# Loopback only.
set -u
SOCKPIT=${SOCKPIT:?}
SRC=${SOCKPIT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/lib/tui.sh"
KEY_MS=${KEY_MS:-100}
RSS_MIB=${RSS_MIB:-64}
FLOODS=${FLOODS:-5}
FLOOD_FRAME=${FLOOD_FRAME:-100}
# Under ASan freed memory waits in a quarantine and shadow memory counts in
# RSS: keep the quarantine small (no effect on a normal build).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"

P_DIR=$(mktemp -d)
ppid=
peer_cleanup() {
    exec 3>&- 2>/dev/null
    [ -n "$ppid" ] && kill "$ppid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$P_DIR"
    tui_cleanup
}
trap peer_cleanup EXIT

mkfifo "$P_DIR/ctl"
python3 "$SRC/tests/peers/hostile_chat.py" "$P_DIR/port" "$P_DIR/log" "$P_DIR/ctl" & ppid=$!
exec 3>"$P_DIR/ctl"
for _ in $(seq 100); do [ -s "$P_DIR/port" ] && break; sleep 0.05; done
PORT=$(cat "$P_DIR/port") || fail "the hostile peer did not start"

# peer_wait TEXT [SECONDS]: waits for a line of the peer's log.
peer_wait() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ $SECONDS -lt $deadline ]; do
        grep -qF -- "$1" "$P_DIR/log" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "--- peer log:" >&2; cat "$P_DIR/log" >&2
    fail "the peer never logged '$1'"
}
peer() { echo "$*" >&3; peer_wait "done $* conn" 30; }

tui_start 100 30 --pane chat --chat "127.0.0.1:$PORT"
tui_wait "connected to 127.0.0.1:$PORT"
peer_wait "conn 1"
PID=$(tui_pid) || fail "no sockpit process"
title_before=$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_title}')

# Escape sequences: shown as text, not obeyed.
peer escapes
tui_wait 'ESC1 \x1b]0;pwned-title\x07 END1'
tui_wait 'ESC2 \x1b[2J END2'
tui_wait 'ESC3 \x1b[31m END3'
tui_screen | grep -qF "connected to 127.0.0.1:$PORT" || fail "the screen was cleared"
title=$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_title}')
[ "$title" = "$title_before" ] || fail "the pane title changed to '$title'"
case $title in *pwned*) fail "the pane title is '$title'" ;; esac
# No red: the coloured capture holds no SGR 31 on the ESC3 line.
tmux -L "$TUI_SOCK" capture-pane -e -p -t "$TUI_SESSION" | grep -F 'END3' | grep -qF $'\e[31m' &&
    fail "ESC [31m turned the text red"
echo "escapes: shown escaped, pane title unchanged ('$title')"

peer badutf8
tui_wait 'BAD �'
tui_screen | grep -F 'BAD ' | grep -qF ' END' || fail "the invalid UTF-8 frame is not shown whole"
echo "invalid UTF-8: shown with U+FFFD"

peer split
tui_wait 'SPLIT-FRAME-OK'
tui_screen | grep -q 'protocol error' && fail "a protocol error after the split frame"
echo "split frame: arrived whole"

# Floods: each time, switch panes with a key while the flood comes in and
# time until the screen shows the switch. The key came during the flood if
# the peer had not finished writing when it was sent (its log has
# CLOCK_MONOTONIC times, as Python's time.monotonic) or flood bytes were
# still queued on the connection just after (ss: Recv-Q of sockpit's end,
# Send-Q of the peer's).
cat > "$P_DIR/keys.py" <<'PY'
import subprocess, sys, time
sock, session, log, floods, ctl, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
def queued():
    out = subprocess.run(['ss', '-tnH', 'state', 'established', '( sport = :%s or dport = :%s )' % (port, port)],
                         capture_output=True, text=True).stdout
    return sum(int(l.split()[0]) + int(l.split()[1]) for l in out.splitlines() if l.strip())
def tmux(*a):
    return subprocess.run(['tmux', '-L', sock] + list(a), capture_output=True, text=True).stdout
def screen():
    return tmux('capture-pane', '-p', '-t', session)
def log_time(text, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for line in open(log):
            if text in line:
                return float(line.split()[0])
        time.sleep(0.002)
    sys.exit('peer never logged ' + text)
def press(key, mark, backlog=False):
    t0 = time.monotonic()
    tmux('send-keys', '-t', session, key)
    # Bytes of the flood still on their way when the key was in sockpit's
    # terminal: more than 0 means the key came during the flood.
    left = queued() if backlog else 0
    while mark not in screen():
        if time.monotonic() - t0 > 5:
            sys.exit('key %s never answered' % key)
    return t0, time.monotonic(), left
times, during = [], 0
frame_size = int(sys.argv[7])
# The reference, measured in the same run: the same keys with no flood. A
# loaded machine slows both; only the difference is the flood's doing.
idle = []
for _ in range(5):
    t0, t1, _ = press('1', '[1 Services]')
    idle.append((t1 - t0) * 1000)
    press('4', '[4 Chat]')
with open(ctl, 'w', buffering=1) as c:
    for k in range(1, floods + 1):
        c.write('flood 10000000 %d\n' % frame_size)
        log_time('flood start %d' % k)
        t0, t1, backlog = press('1', '[1 Services]', True)
        ms = (t1 - t0) * 1000
        times.append(ms)
        # The k-th "done flood" line is this flood's end.
        dones = [float(l.split()[0]) for l in open(log) if ' done flood ' in l]
        while len(dones) < k:
            time.sleep(0.01)
            dones = [float(l.split()[0]) for l in open(log) if ' done flood ' in l]
        still = t0 < dones[k - 1] or backlog > 0
        during += still
        press('4', '[4 Chat]')
        end = time.monotonic() + 30
        while 'FLOOD-END %d' % k not in screen():
            if time.monotonic() > end:
                sys.exit('FLOOD-END %d never shown' % k)
            time.sleep(0.01)
        start = log_time('flood start %d' % k)
        print('flood %d: key answered in %.1f ms (%s, %d bytes queued); all 10 MB shown after %.0f ms'
              % (k, ms, 'sent during the flood' if still else 'sent after it', backlog, (time.monotonic() - start) * 1000))
print('KEYS max %.1f median %.1f during %d idle %.1f' % (max(times), sorted(times)[len(times) // 2], during, max(idle)))
PY
out=$(python3 "$P_DIR/keys.py" "$TUI_SOCK" "$TUI_SESSION" "$P_DIR/log" "$FLOODS" "$P_DIR/ctl" "$PORT" "$FLOOD_FRAME") ||
    fail "flood measurement: $out"
echo "$out"
read -r _ _ max _ median _ during _ idle <<<"$(echo "$out" | grep '^KEYS')"
[ "$during" -ge 1 ] || fail "no key press landed while a flood was running"
awk -v m="$max" -v i="$idle" -v lim="$KEY_MS" 'BEGIN { exit !(m < i + lim) }' ||
    fail "a key took ${max} ms under the flood, ${idle} ms without (limit: ${KEY_MS} ms more)"
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID/status")
echo "RSS after $FLOODS floods of 10 MB: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB)"
[ "$rss" -lt $((RSS_MIB * 1024)) ] || fail "RSS ${rss} KiB after the flood (limit ${RSS_MIB} MiB)"

# 100 MB more, in frames of 1,000,000 bytes: the scrollback keeps a bounded
# amount of text, not 10,000 messages of any size.
echo "flood 100000000 1000000" >&3
tui_wait "FLOOD-END $((FLOODS + 1))" 60
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")
echo "RSS after 100 MB in 1 MB frames: $((rss / 1024)) MiB"
[ "$rss" -lt $((RSS_MIB * 1024)) ] || fail "RSS ${rss} KiB after 100 MB of big frames (limit ${RSS_MIB} MiB)"

# Bad lengths, each on its own connection: reported, then a reconnect.
peer huge
tui_wait "protocol error: frame length 2147483647 exceeds limit 1048576" 10
peer_wait "conn 2" 10
tui_wait "connected to 127.0.0.1:$PORT" 5
peer negative
tui_wait "protocol error: negative frame length -5" 10
peer_wait "conn 3" 10
echo "2 GiB and negative lengths: reported, reconnected"

# Silence: still connected, keys answered, no CPU spent waiting.
peer silence
tui_wait " CONNECTED " 5
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
c0=$(cpu)
sleep 2
c1=$(cpu)
tui_keys 1
tui_wait "[1 Services]"
tui_keys 4
tui_wait "[4 Chat]"
tui_screen | grep -q " CONNECTED " || fail "not connected during the silence"
ticks=$((c1 - c0))
[ "$ticks" -le 5 ] || fail "sockpit used $ticks clock ticks in 2 s of silence"
echo "silence: connected, responsive, $ticks clock ticks of CPU in 2 s"

tui_keys q
[ "$(tui_exit_status 5)" = 0 ] || fail "sockpit did not exit with 0"
echo "hostile chat tui ok"
