#!/usr/bin/env bash
# Names beside PTR on a /24 of mixed responders: one peer namespace holds
# 198.18.1.2-254, a third answering mDNS, a third LLMNR, a third NetBIOS
# node status; the watcher's neighbour table lists all 253. Prints how many
# `sockpit hosts` names with every source against PTR alone (no PTR data),
# and how long each run took, in the same run. Needs root.
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (namespaces)"; exit 77; }
. "$SRC/tests/data/hosts/lan.sh"
trap lan_cleanup EXIT
lan_setup 2 >/dev/null || exit 1
peer=$(lan_peer 2)
for n in $(seq 3 254); do echo "addr add 198.18.1.$n/24 dev eth0"; done | ip -n "$peer" -batch -
for n in $(seq 2 254); do echo "neigh replace 198.18.1.$n lladdr 02:00:00:00:01:02 dev $LAN_BR nud reachable"; done |
    ip -n "$LAN_W" -batch -
lan_run 2 python3 "$SRC/tests/data/hosts/lan_responders.py" mixed 198.18.1
for _ in $(seq 100); do ip netns exec "$peer" ss -uln | grep -q ':137 ' && break; sleep 0.05; done
sleep 0.3 # the responder's multicast joins follow its binds
run() {
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$(ip netns exec "$LAN_W" "$SOCKPIT" hosts --json --dns-server "$LAN_DNS" "$@")
    t1=$(date +%s.%N)
    echo "$(echo "$out" | grep -c '"name":"') $(echo "$out" | grep -c '"ip":"198.18.1.') $(python3 -c "print('%.2f' % ($t1 - $t0))")"
    echo "$out" >"$LAN_TMP/last"
}
read -r ptr_named total ptr_s <<<"$(run --resolve ptr)"
read -r all_named _ all_s <<<"$(run)"
src() { grep -c "\"source\":\"$1\"" "$LAN_TMP/last"; }
echo "neighbours: $total; named by PTR alone: $ptr_named ($ptr_s s); named by ptr,mdns,llmnr,nbns: $all_named ($all_s s)"
echo "by source: mdns $(src mdns), llmnr $(src llmnr), nbns $(src nbns)"
