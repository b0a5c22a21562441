#!/bin/bash
# Hooks: `sockpit watch --exec` runs the command for every event with the
# event in SOCKPIT_* and as its --json line on stdin; a hook past
# --exec-timeout is killed and logged, a failing one is logged, and the
# watch keeps running through both.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-exec.XXXXXX)
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill "$SP_PID" 2>/dev/null && wait "$SP_PID"; stop_dns; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state TZ=UTC LC_ALL=C.UTF-8
PORT=$(free_port)
printf '198.18.5.1 www.test\n198.18.5.7 slow.test\n198.18.5.8 fail.test\n' > "$T/hosts"
start_dns "$T" "$PORT" || exit 1

cat > "$T/hook.sh" <<'SH'
#!/bin/sh
case "$SOCKPIT_NAME" in
slow.test) exec sleep 30 ;;
fail.test) echo "failing on purpose"; exit 5 ;;
esac
printf '%s|%s|%s|%s|%s\n' "$SOCKPIT_NAME" "$SOCKPIT_EVENT" "$SOCKPIT_RRTYPE" "$SOCKPIT_OLD" "$SOCKPIT_NEW" \
    >> "$HOOK_OUT/env"
cat >> "$HOOK_OUT/stdin"
SH
chmod +x "$T/hook.sh"
export HOOK_OUT=$T
"$SOCKPIT" watch --json --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state" \
    --exec "$T/hook.sh" --exec-timeout 0.5 www.test/A slow.test/A fail.test/A > "$T/out.json" 2> "$T/err" &
SP_PID=$!
LOG=$T/state/hooks.log
has() { grep -qF -- "$1" "$2" 2>/dev/null; }
# same_json EVENT: the hook's stdin holds the line --json printed for it.
same_json() {
    local line
    line=$(grep -F '"name":"www.test","event":"'"$1"'"' "$T/out.json" | head -1)
    [ -n "$line" ] && grep -qxF -- "$line" "$T/stdin" 2>/dev/null
}

wait_for 5 has 'www.test|first|A||198.18.5.1' "$T/env" || fail "no first hook: $(cat "$T/env" "$T/err" 2>&1)"
wait_for 5 same_json first || fail "first JSON: $(cat "$T/stdin" "$T/out.json" 2>&1)"

wait_for 5 has 'hook for fail.test first A: exit status 5' "$LOG" || fail "failure not logged: $(cat "$LOG" "$T/err")"
has 'failing on purpose' "$LOG" || fail "hook output not in hooks.log: $(cat "$LOG")"
has 'hook for fail.test first A: exit status 5' "$T/err" || fail "failure not on stderr: $(cat "$T/err")"
wait_for 5 has 'hook for slow.test first A: still running after 0.5 s: sending SIGTERM' "$LOG" ||
    fail "time limit not logged: $(cat "$LOG")"
wait_for 5 has 'hook for slow.test first A: killed by signal 15' "$LOG" || fail "kill not logged: $(cat "$LOG")"
kill -0 "$SP_PID" || fail "the watch ended: $(cat "$T/err")"

# Another address: a change, through the hook too.
stop_dns
printf '198.18.5.2 www.test\n198.18.5.7 slow.test\n198.18.5.8 fail.test\n' > "$T/hosts"
start_dns "$T" "$PORT" || exit 1
wait_for 5 has 'www.test|change|A|198.18.5.1|198.18.5.2' "$T/env" || fail "no change hook: $(cat "$T/env" "$T/out.json")"
wait_for 5 same_json change || fail "change JSON: $(cat "$T/stdin" "$T/out.json")"
kill -0 "$SP_PID" || fail "the watch ended: $(cat "$T/err")"
kill "$SP_PID"; wait "$SP_PID"; rc=$?; SP_PID=
[ "$rc" = 0 ] || fail "watch exit status $rc: $(cat "$T/err")"
# No hook outlives the watch.
! pgrep -f "$T/hook.sh" >/dev/null || fail "a hook is still running"

# `exec =` in the config file; the hook of the last event --count prints
# still runs to its end before the watch exits.
mkdir -p "$XDG_CONFIG_HOME/sockpit"
printf 'exec = sleep 0.3; echo "$SOCKPIT_EVENT $SOCKPIT_NEW" > %s/cfg-hook\n' "$T" > "$XDG_CONFIG_HOME/sockpit/config"
"$SOCKPIT" watch --count 1 --duration 5 --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state2" \
    www.test/A > "$T/cfg-out" 2>&1 || fail "config run: $(cat "$T/cfg-out")"
[ "$(cat "$T/cfg-hook" 2>/dev/null)" = "first 198.18.5.2" ] || fail "config hook: $(cat "$T/cfg-hook" "$T/cfg-out" 2>&1)"
echo "ok"
