#!/bin/bash
# Names beside PTR: a LAN of namespaces on a bridge with responders written
# from the RFCs (mDNS, an mDNS announcer, LLMNR, NetBIOS node status), two
# peers with no name and a DNS server without PTR data; then hostile
# responders (a compression loop, oversized, truncated, control characters)
# and a flood of announcements. sockpit runs in the watcher namespace, so
# multicast stays in the lab.
set -u
S=${SOCKPIT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

"$S" hosts --resolve ptr,bogus >/dev/null 2>&1 && fail "--resolve accepted a bad source"
msg=$("$S" hosts --resolve mdns,x 2>&1 >/dev/null)
echo "$msg" | grep -q "'x' is not a name source" || fail "no --resolve message: $msg"

[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: no dnsmasq"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: no ip netns"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/lan.sh"
trap lan_cleanup EXIT
R="python3 $SOCKPIT_SRC/tests/data/hosts/lan_responders.py"
lan_setup 10 11 12 13 14 15 20 21 22 23 || fail "lab set-up failed"
inW() { ip netns exec "$LAN_W" "$@"; }

lan_run 10 $R mdns 198.18.1.10 pi.local
lan_run 11 $R announce 198.18.1.11 printer.local
lan_run 12 $R llmnr 198.18.1.12 WINBOX
lan_run 13 $R nbns NBPEER LABGROUP
# 14 and 15: no name at all.
lan_run 20 $R hostile loop 198.18.1.20
lan_run 21 $R hostile big 198.18.1.21
lan_run 22 $R hostile trunc 198.18.1.22
lan_run 23 $R hostile ctrl 198.18.1.23
listening() { ip netns exec "$(lan_peer "$1")" ss -uln | grep -q ":$2 "; }
for _ in $(seq 100); do
    listening 10 5353 && listening 12 5355 && listening 13 137 && listening 20 5353 && listening 23 5353 && break
    sleep 0.05
done
for n in 10 11 12 13 14 15 20 21 22 23; do lan_poke "$n" || fail "peer $n does not answer ARP"; done

out=$(inW "$S" hosts --json --dns-server "$LAN_DNS" 2>"$LAN_TMP/err") || fail "hosts --json failed: $(cat "$LAN_TMP/err")"
echo "$out"
row() { echo "$out" | grep "\"ip\":\"198.18.1.$1\""; }
row 10 | grep -q '"name":"pi.local","names":\[{"name":"pi.local","source":"mdns"}\]' || fail "mDNS name: $(row 10)"
row 11 | grep -q '"name":"printer.local","names":\[{"name":"printer.local","source":"mdns"}\]' ||
    fail "announced name: $(row 11)"
row 12 | grep -q '"name":"WINBOX","names":\[{"name":"WINBOX","source":"llmnr"}\]' || fail "LLMNR name: $(row 12)"
row 13 | grep -q '"name":"NBPEER","names":\[{"name":"NBPEER","source":"nbns","workgroup":"LABGROUP"}\]' ||
    fail "NetBIOS name: $(row 13)"
for n in 14 15 20 21 22; do
    row "$n" | grep -q '"name":null,"names":\[\]' || fail "peer $n got a name: $(row "$n")"
done
# Control characters arrive as \DDD escapes, never as the bytes.
row 23 | grep -qF '"name":"\\027[31mevil\\007\\000x.local"' || fail "control characters: $(row 23)"
echo "$out" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' || fail "not JSON Lines"
printf '%s' "$out" | grep -q $'\x1b' && fail "a raw escape reached stdout"

plain=$(inW "$S" hosts --dns-server "$LAN_DNS") || fail "plain failed"
echo "$plain"
echo "$plain" | grep -q "^IP  *MAC  *VENDOR  *INTERFACE  *STATE  *NAME  *SOURCE" || fail "plain header"
echo "$plain" | grep -q "198.18.1.13 .*NBPEER  *nbns" || fail "plain NetBIOS row"
printf '%s' "$plain" | grep -q $'\x1b' && fail "a raw escape reached the plain table"

# PTR alone names none of them; --no-resolve asks nothing.
ptr=$(inW "$S" hosts --json --resolve ptr --dns-server "$LAN_DNS") || fail "--resolve ptr failed"
[ "$(echo "$ptr" | grep -c '"name":null')" = 10 ] || fail "PTR alone named some: $ptr"
only=$(inW "$S" hosts --json --resolve nbns) || fail "--resolve nbns failed"
echo "$only" | grep -q '"ip":"198.18.1.10".*"name":null' || fail "--resolve nbns asked mDNS"
echo "$only" | grep -q '"ip":"198.18.1.13".*"name":"NBPEER"' || fail "--resolve nbns lost NetBIOS"
inW "$S" hosts --json --no-resolve | grep -q '"names"' && fail "--no-resolve printed names"

# The Hosts pane names them too, with the source, and Enter lists the
# NetBIOS workgroup.
if command -v tmux >/dev/null; then
    TM="sp-names-$$"
    trap 'tmux -L "$TM" kill-server 2>/dev/null; lan_cleanup' EXIT
    screen() { tmux -L "$TM" capture-pane -p; }
    wait_for() {
        for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
        screen
        return 1
    }
    inW env -u TMUX HOME="$LAN_TMP" TERM=xterm-256color LANG=C.UTF-8 tmux -L "$TM" -f /dev/null new-session -d \
        -x 150 -y 30 "$S --pane hosts --dns-server $LAN_DNS --chat 127.0.0.1:9 --state-dir $LAN_TMP --config-dir $LAN_TMP; sleep 30"
    wait_for "198\.18\.1\.10 .*pi\.local  mdns" || fail "pane: no mDNS name"
    wait_for "198\.18\.1\.11 .*printer\.local  mdns" || fail "pane: no announced name"
    wait_for "198\.18\.1\.12 .*WINBOX  llmnr" || fail "pane: no LLMNR name"
    wait_for "198\.18\.1\.13 .*NBPEER  nbns" || fail "pane: no NetBIOS name"
    wait_for '198\.18\.1\.23 .*\\027\[31mevil' || fail "pane: control characters not escaped"
    tmux -L "$TM" send-keys / 1 9 8 . 1 8 . 1 . 1 3 Enter
    wait_for "^1 rows" || fail "pane: filter"
    tmux -L "$TM" send-keys Enter
    wait_for "NBPEER  nbns, workgroup LABGROUP" || fail "pane: details lack the workgroup"
    tmux -L "$TM" kill-server
fi

# A flood of announcements for 20000 addresses while sockpit runs: it ends,
# in bounded memory.
lan_run 14 bash -c "while :; do $R flood 20000 198.18.1.14 2>/dev/null || exit 0; done"
flood=$(inW python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(p.returncode, int(time.monotonic() - t), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stdout.write(p.stdout)' "$S" hosts --json --dns-server "$LAN_DNS") || fail "flood run failed"
read -r frc fsec frss <<<"$(echo "$flood" | head -1)"
echo "flood: rc $frc, $fsec s, max RSS $frss KiB"
[ "$frc" = 0 ] || fail "sockpit failed under the flood"
[ "$fsec" -le 10 ] || fail "sockpit took $fsec s under the flood"
[ "$frss" -le 65536 ] || fail "sockpit used $frss KiB under the flood"
echo "$flood" | grep -q '"ip":"198.18.1.13".*"name":"NBPEER"' || fail "flood lost the NetBIOS name"
echo "PASS"
