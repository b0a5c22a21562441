#!/bin/bash
# `sockpit conns --all-namespaces` (root): a python listener and client
# holding a connection inside an `ip netns` namespace show with the
# namespace's name and the python's PID, and are absent without the
# option; a namespace no process is in (only named in /run/netns) is
# dumped too (its TIME-WAIT socket, owner null); where cgroup v2 is
# writable the python goes into a docker-<id>.scope cgroup and the rows
# carry the container label; the text table gets a NETNS column; the pane
# (as root) shows them with a Netns column and groups remote hosts by
# namespace; without root one note and the host rows.
set -u
: "${SOCKPIT:?}"
[ "$(id -u)" = 0 ] || exit 77
command -v ip >/dev/null && ip netns list >/dev/null 2>&1 || exit 77
command -v python3 >/dev/null || exit 77
T=$(mktemp -d /tmp/sp-conns-netns.XXXXXX)
NS=sp-cn-$$ NS2=sp-cn-$$-b PY= CG_DIRS= TM=sp-cn-tui-$$
ID=5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7083f2a1b4c
cleanup() {
    tmux -L "$TM" kill-server 2>/dev/null
    [ -n "$PY" ] && kill "$PY" 2>/dev/null && wait "$PY" 2>/dev/null
    for d in $CG_DIRS; do rmdir "$d" 2>/dev/null; done
    ip netns del "$NS" 2>/dev/null
    ip netns del "$NS2" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

ip netns add "$NS" || fail "ip netns add $NS"
ip -n "$NS" link set lo up || fail "lo up in $NS"
ip netns add "$NS2" || fail "ip netns add $NS2"
ip -n "$NS2" link set lo up || fail "lo up in $NS2"

# ip netns exec execs the python: $! is its PID. Ports chosen by the kernel.
ip netns exec "$NS" python3 -c '
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
open(sys.argv[1] + ".tmp", "w").write("%d\n" % l.getsockname()[1])
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)' "$T/port" & PY=$!
# In the second namespace the client closes first and the python exits:
# the TIME-WAIT socket stays with no process in the namespace.
ip netns exec "$NS2" python3 -c '
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
c.close(); a.recv(1); a.close(); l.close()' || fail "the TIME-WAIT maker"
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port" 2>/dev/null)
[ -n "$PORT" ] || fail "the python in $NS did not start"

# A docker-looking cgroup for the python where cgroup v2 lets us make one
# (systemd's docker-ID.scope), or else v1's controller-less name=systemd
# hierarchy (the cgroupfs driver's /docker/ID).
LABEL= LEAF=
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
    B=/sys/fs/cgroup/sp-test-$$.slice
    mkdir "$B" 2>/dev/null && mkdir "$B/docker-$ID.scope" && LEAF=$B/docker-$ID.scope && CG_DIRS="$LEAF $B"
elif [ "$(stat -fc %T /sys/fs/cgroup/systemd 2>/dev/null)" = cgroupfs ]; then
    B=/sys/fs/cgroup/systemd/sp-test-$$
    mkdir "$B" 2>/dev/null && mkdir "$B/docker" && mkdir "$B/docker/$ID" && LEAF=$B/docker/$ID \
        && CG_DIRS="$LEAF $B/docker $B"
fi
if [ -n "$LEAF" ] && echo "$PY" > "$LEAF/cgroup.procs" 2>/dev/null; then
    LABEL=docker:${ID:0:12}
else
    echo "no writable cgroup hierarchy took the python: container label not checked"
fi

# Poll until the rows show (the namespace is there at once, but be fair).
for _ in $(seq 50); do
    "$SOCKPIT" conns --all-namespaces --json > "$T/all.json" 2> "$T/all.err" || fail "exit $?: $(cat "$T/all.err")"
    grep -q "\"netns\":\"$NS\"" "$T/all.json" && grep -q "\"netns\":\"$NS2\"" "$T/all.json" && break
    sleep 0.1
done
python3 - "$T/all.json" "$NS" "$NS2" "$PY" "$PORT" "$LABEL" <<'PY' || fail "rows: $(grep -v '"host"' "$T/all.json")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ns, ns2, py, port, label = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
mine = [r for r in rows if r["netns"] == ns]
pair = [r for r in mine if r["local"] == "127.0.0.1:" + port or r["remote"] == "127.0.0.1:" + port]
assert len(pair) == 2, mine
for r in pair:
    assert r["pid"] == py and r["process"] == "python3" and r["state"] == "ESTAB", r
    if label:
        assert r.get("container") == label, r
    keys = list(r)
    assert keys.index("netns") == keys.index("process") + 1, keys
tw = [r for r in rows if r["netns"] == ns2]
assert tw and all(r["state"] == "TIME-WAIT" and r["pid"] is None for r in tw), tw
assert all("container" not in r for r in rows if r["netns"] == "host"), "host rows with a container"
PY
[ -s "$T/all.err" ] && fail "notes as root: $(cat "$T/all.err")"

# Without the option: only this namespace.
"$SOCKPIT" conns --json > "$T/host.json" || fail "plain exit $?"
grep -q '"netns":"host"' "$T/host.json" || [ ! -s "$T/host.json" ] || fail "host rows not host"
grep -v '"netns":"host"' "$T/host.json" | grep -q . && fail "other namespaces without --all-namespaces"
grep -q "\"pid\":$PY," "$T/host.json" && fail "the python's rows without --all-namespaces"

# The text table: a NETNS column after PROCESS.
"$SOCKPIT" conns --all-namespaces --pid "$PY" > "$T/plain.txt" || fail "plain exit"
head -1 "$T/plain.txt" | grep -Eq '^PROTO +STATE +LOCAL +REMOTE +SERVICE +PROCESS +NETNS +RTT ' \
    || fail "header: $(head -1 "$T/plain.txt")"
grep -Eq "^tcp +ESTAB .* python3/$PY +$NS " "$T/plain.txt" || fail "row: $(cat "$T/plain.txt")"

# The pane: the namespace's rows with their Netns cell, found by the filter.
if command -v tmux >/dev/null; then
    screen() { tmux -L "$TM" capture-pane -p; }
    wait_for() { # REGEX
        local deadline=$((SECONDS + 5))
        while [ $SECONDS -lt $deadline ]; do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
        echo "FAIL: the pane: waited for '$1'"; screen | sed '/^$/d'; exit 1
    }
    mkdir -p "$T/home"
    tmux -L "$TM" -f /dev/null new-session -d -x 160 -y 30 \
        "env HOME=$T/home XDG_CONFIG_HOME=$T/home XDG_STATE_HOME=$T/home LANG=C.UTF-8 \
         $SOCKPIT --pane conns --dns-server 127.0.0.1:9 --chat 127.0.0.1:9"
    wait_for "^Proto +State +Local +Remote +Process +Netns +RTT"
    tmux -L "$TM" send-keys / "$NS" Enter
    wait_for "127\.0\.0\.1:$PORT .* python3/$PY +$NS "
    wait_for "\| [0-9]+ network namespaces"
    # a: this namespace only (the other's rows go at once, not as closed
    # ones), then all of them again.
    tmux -L "$TM" send-keys a
    wait_for "\| this network namespace only \(a: all\)"
    screen | grep -qE "python3/$PY +$NS " && { echo "FAIL: a kept the other namespace's rows"; screen; exit 1; }
    screen | grep -q "^Proto .* Netns " && { echo "FAIL: a kept the Netns column"; screen; exit 1; }
    tmux -L "$TM" send-keys a
    wait_for "127\.0\.0\.1:$PORT .* python3/$PY +$NS "
    tmux -L "$TM" send-keys Escape g g
    wait_for "^127\.0\.0\.1 .*@$NS +2 "
    tmux -L "$TM" kill-server
fi

# Root without CAP_SYS_ADMIN: setns refused, one note per namespace, the
# host rows still there.
if command -v setpriv >/dev/null &&
    setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$SOCKPIT" conns --all-namespaces --json \
        > "$T/nocap.json" 2> "$T/nocap.err"; then
    [ "$(grep -c "network namespace $NS: cannot enter it: Operation not permitted (skipped)" "$T/nocap.err")" = 1 ] \
        || fail "no CAP_SYS_ADMIN: $(cat "$T/nocap.err")"
    grep -v '"netns":"host"' "$T/nocap.json" | grep -q . && fail "no CAP_SYS_ADMIN: other namespaces"
    [ -s "$T/host.json" ] && [ ! -s "$T/nocap.json" ] && fail "no CAP_SYS_ADMIN: no host rows"
fi

# Without root: the note once, exit 0, the host rows.
if command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$SOCKPIT" conns --all-namespaces --json \
        > "$T/user.json" 2> "$T/user.err" || fail "as nobody: exit $?"
    [ "$(grep -c 'other network namespaces need root: showing this one only' "$T/user.err")" = 1 ] \
        || fail "as nobody: $(cat "$T/user.err")"
    grep -v '"netns":"host"' "$T/user.json" | grep -q . && fail "as nobody: other namespaces"
fi
echo ok
