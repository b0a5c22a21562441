#!/bin/bash
# Wake-on-LAN: `sockpit wake MAC --interface IF` in the watcher namespace of
# a bridge lab; a listener on UDP port 9 in one peer and a packet socket for
# ether type 0x0842 in another each receive the exact 102-byte magic packet.
# Then `w` on a row of the Hosts pane, confirmed with y.
set -u
S=${SOCKPIT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

"$S" wake >/dev/null 2>&1; [ $? = 2 ] || fail "no MAC is not a usage error"
"$S" wake 02:00:00:00:01 >/dev/null 2>&1; [ $? = 2 ] || fail "a short MAC is not a usage error"
msg=$("$S" wake 02:00:00:00:01:0g 2>&1)
echo "$msg" | grep -q "is not a MAC address" || fail "no MAC message: $msg"
"$S" wake 02:00:00:00:01:0a --interface nosuchif0 >/dev/null 2>&1; [ $? = 1 ] || fail "unknown interface is not exit 1"

[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: no ip netns"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: no dnsmasq"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/lan.sh"
TM="sp-wake-$$"
cleanup() { tmux -L "$TM" kill-server 2>/dev/null; lan_cleanup; }
trap cleanup EXIT
lan_setup 10 11 || fail "lab set-up failed"
R="python3 $SOCKPIT_SRC/tests/data/hosts/lan_responders.py"
listen() {
    rm -f "$LAN_TMP/udp" "$LAN_TMP/frame"
    lan_run 10 $R wol 9 "$LAN_TMP/udp"
    lan_run 11 $R wolether eth0 "$LAN_TMP/frame"
    for _ in $(seq 100); do
        ip netns exec "$(lan_peer 10)" ss -uln | grep -q ':9 ' &&
            ip netns exec "$(lan_peer 11)" ss -0 -p 2>/dev/null | grep -q python && break
        sleep 0.05
    done
}
expect_packets() {
    for _ in $(seq 100); do
        [ -s "$LAN_TMP/udp" ] && [ -s "$LAN_TMP/frame" ] && break
        sleep 0.05
    done
    python3 - "$LAN_TMP/udp" "$LAN_TMP/frame" <<'PY' || fail "not the magic packet"
import sys
want = b"\xff" * 6 + bytes.fromhex("02000000010a") * 16
for path in sys.argv[1:]:
    got = open(path, "rb").read()
    if got != want:
        sys.exit("%s: %d bytes %s" % (path, len(got), got.hex()))
print("both got the 102-byte magic packet")
PY
}

listen
out=$(ip netns exec "$LAN_W" "$S" wake 02:00:00:00:01:0a --interface "$LAN_BR") || fail "wake failed: $out"
echo "$out"
echo "$out" | grep -q "UDP to 198.18.1.255:9 on $LAN_BR; ether frame 0x0842 on $LAN_BR" || fail "wake output: $out"
expect_packets
js=$(ip netns exec "$LAN_W" "$S" wake --json 02-00-00-00-01-0A --interface "$LAN_BR") || fail "wake --json failed"
echo "$js" | grep -qx "{\"mac\":\"02:00:00:00:01:0a\",\"ifname\":\"$LAN_BR\",\"udp\":true,\"udp_to\":\"198.18.1.255:9\",\"frame\":true,\"error\":null}" ||
    fail "wake --json: $js"

# `w` on the neighbour's row, confirmed.
command -v tmux >/dev/null || { echo "PASS (no tmux: pane not checked)"; exit 0; }
for pid in $LAN_PIDS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
LAN_PIDS=""
lan_poke 10 || fail "peer 10 does not answer ARP"
listen
screen() { tmux -L "$TM" capture-pane -p; }
wait_for() {
    for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
    screen
    return 1
}
ip netns exec "$LAN_W" env -u TMUX HOME="$LAN_TMP" TERM=xterm-256color LANG=C.UTF-8 \
    tmux -L "$TM" -f /dev/null new-session -d -x 150 -y 30 \
    "$S --pane hosts --resolve ptr --dns-server $LAN_DNS --chat 127.0.0.1:9 --state-dir $LAN_TMP --config-dir $LAN_TMP; sleep 30"
wait_for "198\.18\.1\.10 " || fail "the pane did not start"
tmux -L "$TM" send-keys / 1 9 8 . 1 8 . 1 . 1 0 Enter
wait_for "^1 rows" || fail "filter"
tmux -L "$TM" send-keys w
wait_for "Wake 02:00:00:00:01:0a on $LAN_BR" || fail "no confirmation"
tmux -L "$TM" send-keys y
wait_for "magic packet sent: UDP to 198\.18\.1\.255:9 on $LAN_BR; ether frame 0x0842" || fail "no result shown"
expect_packets
echo "PASS"
