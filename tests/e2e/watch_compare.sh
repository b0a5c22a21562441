#!/bin/bash
# Several resolvers compared: two dnsmasq instances that answer
# www.shop.test differently give one disagree event with both answers (in
# --json and in the change log); the second restarted with the first's
# answer gives one agree; without --compare none of this is printed. In the
# Watch pane, c turns the comparison on: a ≠ mark on the row and each
# server's answer in the details.
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

"$SOCKPIT" watch --compare --dns-server "$S1,$S2" --json --interval 0.3 --count 3 --state-dir "$T/state" \
    www.shop.test/A > "$T/out.json" 2> "$T/err" &
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
grep -q '"event":"change"' "$T/plain.json" || fail "no change: $(cat "$T/plain.json")"
if grep -q 'agree' "$T/plain.json"; then fail "comparison without --compare: $(cat "$T/plain.json")"; fi

# The pane (the second server answers differently again).
command -v tmux >/dev/null || { echo "PASS (pane part skipped: tmux missing)"; exit 0; }
mkdir -p "$T/config"
printf 'www.shop.test type=A\n' > "$T/config/watch.list"
screen() { $TM capture-pane -p -t w; }
shows() { screen | grep -qF -- "$1"; }
$TM -u new-session -d -s w -x 120 -y 30 "'$SOCKPIT' --pane watch --dns-server $S1,$S2 --interval 0.3 \
    --state-dir '$T/state' --config-dir '$T/config' --chat 127.0.0.1:9; echo EXIT=\$?; sleep 30"
wait_for 5 shows "www.shop.test 198.18.7" || fail "no row: $(screen)"
shows "≠" && fail "a mark before c: $(screen)"
$TM send-keys -t w c
wait_for 5 shows "www.shop.test ≠ 198.18.7" || fail "no mark: $(screen)"
$TM send-keys -t w Enter
wait_for 3 shows "A per server (≠ they disagree):" || fail "no details: $(screen)"
screen | grep -qE "$S1 +198.18.7.1" || fail "no first server's answer: $(screen)"
screen | grep -qE "$S2 +198.18.7.2" || fail "no second server's answer: $(screen)"
$TM send-keys -t w Escape c
wait_for 3 shows "Comparing the DNS servers: off" || fail "c did not turn it off: $(screen)"
shows "www.shop.test ≠ 198.18.7" && fail "mark stays after off: $(screen)"
$TM send-keys -t w q
wait_for 5 shows "EXIT=0" || fail "pane did not quit cleanly: $(screen)"
echo "PASS"
