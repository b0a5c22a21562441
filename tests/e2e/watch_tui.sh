#!/bin/bash
# The DNS watch pane in tmux: empty state, events kept across a kill -9 of
# `sockpit watch`, adding (and refusing) names, a live change, interval,
# filter, delete, small terminal, quit.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux missing"; exit 77; }
T=$(mktemp -d /tmp/sp-watch-tui.XXXXXX)
TM="tmux -L sp-watch-$$"
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill -9 "$SP_PID" 2>/dev/null; $TM kill-server 2>/dev/null; stop_dns; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state
PORT=$(free_port)
printf '198.18.5.1 www.test\n198.18.6.1 kept.test\n' > "$T/hosts"
start_dns "$T" "$PORT" || exit 1

# Persistence: events printed by a batch run that is then killed -9.
"$SOCKPIT" watch --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state" --config-dir "$T/config" \
    kept.test nothere.test > "$T/batch.out" &
SP_PID=$!
wait_for 5 grep -q "nothere.test  error  NXDOMAIN" "$T/batch.out" || fail "batch printed nothing"
wait_for 5 grep -q "kept.test  first  198.18.6.1" "$T/batch.out" || fail "batch printed no first"
kill -9 "$SP_PID"
wait "$SP_PID" 2>/dev/null
SP_PID=
while read -r line; do
    grep -qxF "$line" "$T/state/dns-changes.log" || fail "printed but not in the log: $line"
done < "$T/batch.out"

screen() { $TM capture-pane -p -t w; }
shows() { screen | grep -qF -- "$1"; }
$TM new-session -d -s w -x 100 -y 30 "'$SOCKPIT' --pane watch --dns-server 127.0.0.1:$PORT --interval 0.5 \
    --state-dir '$T/state' --config-dir '$T/config' --chat 127.0.0.1:9; echo EXIT=\$?; sleep 30"
wait_for 5 shows "No names are watched yet" || fail "no empty state: $(screen)"
shows "$T/config/watch.list" || fail "empty state does not name the file: $(screen)"
shows "kept.test  first  198.18.6.1" || fail "old events not loaded: $(screen)"
shows "nothere.test  error  NXDOMAIN" || fail "old error not loaded: $(screen)"

# A bad name is refused with a message; a good one is added and saved.
$TM send-keys -t w a 'bad..name' Enter
wait_for 3 shows "Not a valid name" || fail "bad name accepted: $(screen)"
$TM send-keys -t w a 'www.test' Enter
wait_for 5 shows "www.test  first  198.18.5.1" || fail "no first event: $(screen)"
grep -qx "www.test" "$T/config/watch.list" || fail "watch.list not written: $(cat "$T/config/watch.list")"
$TM send-keys -t w a 'Other.Test' Enter
wait_for 3 grep -qx "other.test" "$T/config/watch.list" || fail "second name not saved"
wait_for 5 shows "other.test  error  NXDOMAIN" || fail "no NXDOMAIN for other.test: $(screen)"

# A live change shows up in the log view.
printf '198.18.5.1 www.test\n198.18.5.7 www.test\n' > "$T/hosts"
reload_dns
wait_for 3 shows "www.test  198.18.5.1 → 198.18.5.1, 198.18.5.7  (+198.18.5.7)" || fail "no change: $(screen)"

# Interval of the selected (first) row, kept in watch.list.
$TM send-keys -t w g i C-u '2.5' Enter
wait_for 3 grep -qx "www.test interval=2.5" "$T/config/watch.list" || fail "interval not saved: $(cat "$T/config/watch.list")"
$TM send-keys -t w t
wait_for 3 grep -qx "www.test interval=ttl" "$T/config/watch.list" || fail "ttl mode not saved"

# History box, filter, delete with confirmation.
$TM send-keys -t w Enter
wait_for 3 shows "www.test: history" || fail "no history box: $(screen)"
$TM send-keys -t w Escape
$TM send-keys -t w / other
wait_for 3 bash -c "! $TM capture-pane -p -t w | grep -q '^www.test '" || fail "filter did not hide www.test"
$TM send-keys -t w Enter
$TM send-keys -t w d
wait_for 3 shows "Stop watching other.test?" || fail "no confirmation: $(screen)"
$TM send-keys -t w y
wait_for 3 bash -c "! grep -q other.test '$T/config/watch.list'" || fail "delete not saved"
grep -qx "www.test interval=ttl" "$T/config/watch.list" || fail "delete lost the other name"

# Small terminal and back, then quit.
$TM resize-window -t w -x 40 -y 12
sleep 0.5
$TM resize-window -t w -x 100 -y 30
sleep 0.3
$TM send-keys -t w Escape q
wait_for 5 shows "EXIT=0" || fail "did not quit cleanly: $(screen)"
echo ok
