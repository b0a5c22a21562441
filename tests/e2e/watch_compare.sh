#!/bin/bash
# Several resolvers compared: two dnsmasq instances that answer
# www.shop.test differently give one disagree event with both answers (in
# --json and in the change log); the second restarted with the first's
# answer gives one agree; without --compare none of this is printed. Each
# runs the --exec hook (SOCKPIT_EVENT, SOCKPIT_ANSWERS, the JSON line on
# stdin), and a later run resumes from the name's answer, not from them. In
# the Watch pane the change-log table shows them read back from the log, c
# turns the comparison on: a ≠ mark on the row, a new disagree in the table
# (80x24 too), and each server's answer in the details.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-compare.XXXXXX)
SP_PID= PID1= PID2=
TM="tmux -L sp-watch-cmp-$$"
cleanup() {
    [ -n "$SP_PID" ] && kill "$SP_PID" 2>/dev/null
    command -v tmux >/dev/null && $TM kill-server 2>/dev/null
    for p in $PID1 $PID2; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state TZ=UTC LC_ALL=C.UTF-8
mkdir -p "$T/d1" "$T/d2"
: > "$T/d1/hosts"; : > "$T/d2/hosts"
P1=$(free_port); P2=$(free_port)
start_dns "$T/d1" "$P1" --address=/www.shop.test/198.18.7.1 || exit 1
PID1=$DNS_PID
start_dns "$T/d2" "$P2" --address=/www.shop.test/198.18.7.2 || exit 1
PID2=$DNS_PID
S1="127.0.0.1:$P1" S2="127.0.0.1:$P2"

# The hook keeps each kind's environment and stdin in files of its own.
HOOK='printf "%s\n" "$SOCKPIT_EVENT|$SOCKPIT_NAME|$SOCKPIT_RRTYPE|$SOCKPIT_OLD|$SOCKPIT_NEW" "$SOCKPIT_ANSWERS" \
    > "$HOOK_DIR/$SOCKPIT_EVENT.env"; cat > "$HOOK_DIR/$SOCKPIT_EVENT.json"'
mkdir -p "$T/hooks"
HOOK_DIR=$T/hooks "$SOCKPIT" watch --compare --dns-server "$S1,$S2" --json --interval 0.3 --count 3 \
    --state-dir "$T/state" --exec "$HOOK" www.shop.test/A > "$T/out.json" 2> "$T/err" &
SP_PID=$!
has() { grep -q "\"event\":\"$1\"" "$T/out.json"; }
wait_for 5 has disagree || fail "no disagree: $(cat "$T/out.json" "$T/err")"
grep -q "\"name\":\"www.shop.test\",\"event\":\"disagree\",\"rrtype\":\"A\",\"answers\":{\"$S1\":\[\"198.18.7.1\"\],\"$S2\":\[\"198.18.7.2\"\]}" \
    "$T/out.json" || fail "disagree answers: $(cat "$T/out.json")"

# The second server now gives the first's answer.
kill "$PID2"; wait "$PID2" 2>/dev/null; PID2=
start_dns "$T/d2" "$P2" --address=/www.shop.test/198.18.7.1 || exit 1
PID2=$DNS_PID
wait_for 5 has agree || fail "no agree: $(cat "$T/out.json" "$T/err")"
wait "$SP_PID" || fail "exit status $?: $(cat "$T/err")"; SP_PID=
[ "$(grep -c '"event":"disagree"' "$T/out.json")" = 1 ] || fail "not one disagree: $(cat "$T/out.json")"
[ "$(grep -c '"event":"agree"' "$T/out.json")" = 1 ] || fail "not one agree: $(cat "$T/out.json")"
grep -q "agree\",\"rrtype\":\"A\",\"answers\":{\"$S1\":\[\"198.18.7.1\"\],\"$S2\":\[\"198.18.7.1\"\]}" \
    "$T/out.json" || fail "agree answers: $(cat "$T/out.json")"
grep -q "  www.shop.test  disagree  A: $S1 198.18.7.1; $S2 198.18.7.2$" "$T/state/dns-changes.log" ||
    fail "disagree log line: $(cat "$T/state/dns-changes.log")"
grep -q "  www.shop.test  agree  A: $S1 198.18.7.1; $S2 198.18.7.1$" "$T/state/dns-changes.log" ||
    fail "agree log line: $(cat "$T/state/dns-changes.log")"
# The hooks ran to their end before the exit: one server's answer a line.
printf 'disagree|www.shop.test|A||\n%s 198.18.7.1\n%s 198.18.7.2\n' "$S1" "$S2" | cmp -s - "$T/hooks/disagree.env" ||
    fail "disagree hook env: $(cat "$T/hooks/disagree.env" "$T/err" "$T/state/hooks.log" 2>&1)"
printf 'agree|www.shop.test|A||\n%s 198.18.7.1\n%s 198.18.7.1\n' "$S1" "$S2" | cmp -s - "$T/hooks/agree.env" ||
    fail "agree hook env: $(cat "$T/hooks/agree.env" 2>&1)"
grep '"event":"disagree"' "$T/out.json" | cmp -s - "$T/hooks/disagree.json" ||
    fail "disagree hook stdin: $(cat "$T/hooks/disagree.json" 2>&1)"

# One server is nothing to compare: said so.
"$SOCKPIT" watch --compare --dns-server "$S1" --count 1 --state-dir "$T/state" www.shop.test > /dev/null 2> "$T/err" &&
    fail "--compare with one server ran"
grep -q "only one DNS server to ask ($S1): give two or more" "$T/err" || fail "one-server message: $(cat "$T/err")"

# Without --compare: the usual events only (a restart resumes: nothing new
# for the first server's unchanged answer), never a comparison.
kill "$PID2"; wait "$PID2" 2>/dev/null; PID2=
start_dns "$T/d2" "$P2" --address=/www.shop.test/198.18.7.2 || exit 1
PID2=$DNS_PID
"$SOCKPIT" watch --dns-server "$S2" --json --interval 0.3 --count 1 --duration 5 --state-dir "$T/state" \
    www.shop.test/A > "$T/plain.json" 2> "$T/err" || fail "plain watch: $(cat "$T/err")"
# From the answer logged before the disagree and agree lines.
grep -q '"event":"change","rrtype":"A","old":\["198.18.7.1"\],"new":\["198.18.7.2"\]' "$T/plain.json" ||
    fail "no change from the logged answer: $(cat "$T/plain.json" "$T/state/dns-changes.log")"
if grep -q 'agree' "$T/plain.json"; then fail "comparison without --compare: $(cat "$T/plain.json")"; fi

# The pane (the second server answers differently again).
command -v tmux >/dev/null || { echo "PASS (pane part skipped: tmux missing)"; exit 0; }
mkdir -p "$T/config"
printf 'www.shop.test type=A\n' > "$T/config/watch.list"
screen() { $TM capture-pane -p -t w; }
shows() { screen | grep -qF -- "$1"; }
$TM -u new-session -d -s w -x 120 -y 30 "'$SOCKPIT' --pane watch --dns-server $S1,$S2 --interval 0.3 \
    --state-dir '$T/state' --config-dir '$T/config' --chat 127.0.0.1:9; echo EXIT=\$?; sleep 30"
DIS="www.shop.test  disagree  A: $S1 198.18.7.1; $S2 198.18.7.2"
wait_for 5 shows "www.shop.test 198.18.7" || fail "no row: $(screen)"
# The change-log table, read back from the log: the first run's events.
wait_for 3 shows "$DIS" || fail "no disagree read back: $(screen)"
shows "www.shop.test  agree  A: $S1 198.18.7.1; $S2 198.18.7.1" || fail "no agree read back: $(screen)"
shows "≠" && fail "a mark before c: $(screen)"
$TM send-keys -t w c
wait_for 5 shows "www.shop.test ≠ 198.18.7" || fail "no mark: $(screen)"
# The new disagree joins the one read back.
two() { [ "$(screen | grep -cF -- "$DIS")" -ge 2 ]; }
wait_for 3 two || fail "no new disagree in the change log: $(screen)"
$TM send-keys -t w Enter
wait_for 3 shows "A per server (≠ they disagree):" || fail "no details: $(screen)"
screen | grep -qE "$S1 +198.18.7.1" || fail "no first server's answer: $(screen)"
screen | grep -qE "$S2 +198.18.7.2" || fail "no second server's answer: $(screen)"
# Under each disagree of the history, each server's answer on its own line.
[ "$(screen | grep -cE "^[^0-9]* {4}$S2 +198.18.7.2")" -ge 2 ] || fail "no answers under the events: $(screen)"
$TM send-keys -t w Escape c
wait_for 3 shows "Comparing the DNS servers: off" || fail "c did not turn it off: $(screen)"
shows "www.shop.test ≠ 198.18.7" && fail "mark stays after off: $(screen)"
$TM resize-window -t w -x 80 -y 24
# Redrawn at 80 columns: the line is cut (…), its start still read.
small() { screen | grep -qE "www.shop.test  disagree  A: $S1 198.18.7.*…"; }
wait_for 3 small || fail "80x24: no disagree in the change log: $(screen)"
$TM send-keys -t w q
wait_for 5 shows "EXIT=0" || fail "pane did not quit cleanly: $(screen)"
echo "PASS"
