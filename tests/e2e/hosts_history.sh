#!/bin/bash
# The host history: `sockpit hosts --watch` in the watcher namespace of a
# bridge lab logs new stations, exactly one flip-flop when another MAC takes
# over an IP (possible ARP spoofing), a station gone after --gone-after and
# back; a second run remembers the stations from hosts.log.
set -u
S=${SOCKPIT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

"$S" hosts --watch --sweep 198.18.0.0/24 >/dev/null 2>&1; [ $? = 2 ] || fail "--watch --sweep is not a usage error"
"$S" hosts --watch --gone-after 0 >/dev/null 2>&1; [ $? = 2 ] || fail "--gone-after 0 accepted"

[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: no ip netns"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: no dnsmasq"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/lan.sh"
WPID=""
cleanup() { [ -n "$WPID" ] && kill "$WPID" 2>/dev/null; lan_cleanup; }
trap cleanup EXIT
lan_setup 10 11 12 || fail "lab set-up failed"
STATE="$LAN_TMP/state"
OUT="$LAN_TMP/watch.out"

start_watch() {
    ip netns exec "$LAN_W" "$S" hosts --watch --json --gone-after 2 --state-dir "$STATE" >"$OUT" 2>"$LAN_TMP/watch.err" &
    WPID=$!
}
stop_watch() {
    kill -INT "$WPID"
    wait "$WPID"
    local rc=$?
    WPID=""
    [ "$rc" = 0 ] || fail "--watch exited $rc on SIGINT"
}
wait_line() { # PATTERN [COUNT]
    for _ in $(seq 100); do
        [ "$(grep -c -- "$1" "$OUT")" -ge "${2:-1}" ] && return 0
        sleep 0.05
    done
    return 1
}

start_watch
for n in 10 11 12; do lan_poke "$n" || fail "peer $n does not answer ARP"; done
for n in 10 11 12; do
    wait_line "\"event\":\"new\",\"ip\":\"198.18.1.$n\",\"mac\":\"02:00:00:00:01:$(printf %02x "$n")\"" ||
        fail "no new event for .$n: $(cat "$OUT")"
done

# Peer 11's MAC takes over .10 in the watcher's table: one flip-flop.
ip -n "$LAN_W" neigh replace 198.18.1.10 lladdr 02:00:00:00:01:0b dev "$LAN_BR" nud permanent
wait_line '"event":"flip-flop","ip":"198.18.1.10","mac":"02:00:00:00:01:0b",.*"old_mac":"02:00:00:00:01:0a"' ||
    fail "no flip-flop: $(cat "$OUT")"

# .12 leaves the table: gone after 2 s; then back.
ip -n "$LAN_W" neigh del 198.18.1.12 dev "$LAN_BR"
wait_line '"event":"gone","ip":"198.18.1.12"' || fail "no gone event: $(cat "$OUT")"
[ "$(grep -c '"flip-flop"' "$OUT")" = 1 ] || fail "not exactly one flip-flop: $(cat "$OUT")"
lan_poke 12 || fail "peer 12 does not come back"
wait_line '"event":"back","ip":"198.18.1.12"' || fail "no back event: $(cat "$OUT")"
stop_watch
cat "$OUT"

LOG="$STATE/hosts.log"
grep -Eq '^[0-9-]{10} [0-9:]{8}  flip-flop  198\.18\.1\.10  02:00:00:00:01:0b  '"$LAN_BR"'  02:00:00:00:01:0a$' "$LOG" ||
    fail "flip-flop not logged: $(cat "$LOG")"
[ "$(grep -c '  new  ' "$LOG")" = 3 ] || fail "log: $(cat "$LOG")"
echo "$(cat "$OUT")" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' || fail "not JSON Lines"

# A second run knows the stations: putting .10's own MAC back is a
# flip-flop, not a new station; plain output names both vendors.
ip netns exec "$LAN_W" "$S" hosts --watch --gone-after 2 --state-dir "$STATE" >"$OUT" 2>&1 &
WPID=$!
ip -n "$LAN_W" neigh replace 198.18.1.10 lladdr 02:00:00:00:01:0a dev "$LAN_BR" nud permanent
wait_line "flip-flop  198.18.1.10  02:00:00:00:01:0a  $LAN_BR  02:00:00:00:01:0b  possible ARP spoofing" ||
    fail "second run: $(cat "$OUT")"
grep -q "  new  " "$OUT" && fail "second run forgot the stations: $(cat "$OUT")"
stop_watch

# The Hosts pane: the History view (newest first, the flip-flop in red with
# the MAC it replaced), a live flip-flop on the status line, and `a` showing
# a remembered station the table no longer has.
command -v tmux >/dev/null || { echo "PASS (no tmux: pane not checked)"; exit 0; }
TM="sp-hist-$$"
cleanup() { tmux -L "$TM" kill-server 2>/dev/null; [ -n "$WPID" ] && kill "$WPID" 2>/dev/null; lan_cleanup; }
screen() { tmux -L "$TM" capture-pane -p; }
wait_for() {
    for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
    return 1
}
ip netns exec "$LAN_W" env -u TMUX HOME="$LAN_TMP" TERM=xterm-256color LANG=C.UTF-8 \
    tmux -L "$TM" -f /dev/null new-session -d -x 150 -y 30 \
    "$S --pane hosts --resolve ptr --dns-server $LAN_DNS --chat 127.0.0.1:9 --state-dir $STATE --config-dir $LAN_TMP; sleep 30"
wait_for "198\.18\.1\.10 " || { screen; fail "the pane did not start"; }
tmux -L "$TM" send-keys h
wait_for "host events, newest first" || { screen; fail "no History view"; }
wait_for "flip-flop +198\.18\.1\.10 +02:00:00:00:01:0a .*02:00:00:00:01:0b" || { screen; fail "History lacks the flip-flop"; }
ip -n "$LAN_W" neigh replace 198.18.1.10 lladdr 02:00:00:00:01:0c dev "$LAN_BR" nud permanent
wait_for "possible ARP spoofing: 198\.18\.1\.10 is now at 02:00:00:00:01:0c" || { screen; fail "no live flip-flop alert"; }
before=$(screen | grep -nE -m1 "flip-flop +198\.18\.1\.10 +02:00:00:00:01:0c" | cut -d: -f1)
older=$(screen | grep -nE -m1 "flip-flop +198\.18\.1\.10 +02:00:00:00:01:0a" | cut -d: -f1)
[ -n "$before" ] && [ -n "$older" ] && [ "$before" -lt "$older" ] || { screen; fail "History is not newest first"; }
tmux -L "$TM" send-keys h
# Peer 11 leaves the wire first, so nothing it sends can bring it back.
ip -n "$(lan_peer 11)" link set eth0 down
ip -n "$LAN_W" neigh del 198.18.1.11 dev "$LAN_BR"
wait_for ", 1 gone" || { screen; fail "no gone count"; }
tmux -L "$TM" send-keys a
wait_for "198\.18\.1\.11 +02:00:00:00:01:0b .*gone" || { screen; fail "a did not show the remembered station"; }
echo "PASS"
