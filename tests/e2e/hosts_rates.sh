#!/bin/bash
# Interface throughput: a peer of the bridge lab sends 1000 UDP datagrams a
# second of 1000 bytes (1042 bytes a frame with the UDP, IP and ethernet
# headers); `sockpit hosts --interfaces --rates 2` in the watcher shows the
# bridge port's receive rate within 10 %, and the Interfaces view shows it.
set -u
S=${SOCKPIT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

"$S" hosts --rates 1 >/dev/null 2>&1; [ $? = 2 ] || fail "--rates without --interfaces is not a usage error"
"$S" hosts --interfaces --rates 0.1 >/dev/null 2>&1; [ $? = 2 ] || fail "--rates 0.1 accepted"

[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: no ip netns"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: no dnsmasq"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/lan.sh"
TM="sp-rates-$$"
cleanup() { tmux -L "$TM" kill-server 2>/dev/null; lan_cleanup; }
trap cleanup EXIT
lan_setup 10 || fail "lab set-up failed"
lan_poke 10 || fail "peer 10 does not answer ARP"
R="python3 $SOCKPIT_SRC/tests/data/hosts/lan_responders.py"
WANT=1042000

# Measure once the sender is under way: its interface has sent 200 frames.
sending() {
    local f="/sys/class/net/eth0/statistics/tx_packets" a b
    a=$(ip netns exec "$(lan_peer 10)" cat "$f")
    for _ in $(seq 200); do
        b=$(ip netns exec "$(lan_peer 10)" cat "$f")
        [ $((b - a)) -ge 200 ] && return 0
        sleep 0.05
    done
    return 1
}
lan_run 10 $R pace 198.18.1.1 1000 6
sending || fail "the sender did not start"
out=$(ip netns exec "$LAN_W" "$S" hosts --interfaces --rates 2 --json) || fail "--rates failed"
echo "$out" | grep '"ifname":"lp10"'
rx=$(echo "$out" | python3 -c 'import json,sys
for l in sys.stdin:
    o = json.loads(l)
    if o["ifname"] == "lp10":
        print(int(o["rx_bps"]))')
[ -n "$rx" ] || fail "no rate for lp10: $out"
echo "rx $rx B/s, sent $WANT B/s: $(python3 -c "print(round($rx * 100 / $WANT, 1))") %"
[ "$rx" -ge $((WANT * 90 / 100)) ] && [ "$rx" -le $((WANT * 110 / 100)) ] || fail "rx $rx B/s not within 10 % of $WANT"
plain=$(ip netns exec "$LAN_W" "$S" hosts --interfaces --rates 1) || fail "plain --rates failed"
echo "$plain" | grep -q "^INTERFACE  *STATE  *RX/S  *TX/S  *RXPKT/S  *TXPKT/S  *ERRORS  *DROPS" || fail "plain header: $plain"

# The Interfaces view: the rate column and the sparkline.
command -v tmux >/dev/null || { echo "PASS (no tmux: pane not checked)"; exit 0; }
screen() { tmux -L "$TM" capture-pane -p; }
wait_for() {
    for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
    screen
    return 1
}
lan_run 10 $R pace 198.18.1.1 1000 30
sending || fail "the sender did not start"
ip netns exec "$LAN_W" env -u TMUX HOME="$LAN_TMP" TERM=xterm-256color LANG=C.UTF-8 \
    tmux -L "$TM" -f /dev/null new-session -d -x 150 -y 30 \
    "$S --pane hosts --resolve ptr --dns-server $LAN_DNS --chat 127.0.0.1:9 --state-dir $LAN_TMP --config-dir $LAN_TMP; sleep 30"
wait_for "198\.18\.1\.10 " || fail "the pane did not start"
tmux -L "$TM" send-keys i
wait_for "lp10 +up .* (9[0-9][0-9]\.[0-9]|1\.0[0-9]) (kB|MB)/s" || fail "no rate in the Interfaces view"
wait_for "lp10 .*[▁▂▃▄▅▆▇█]{2}" || fail "no sparkline"
echo "PASS"
