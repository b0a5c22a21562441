# Sourced by the hosts e2e tests: a LAN of network namespaces. The watcher
# ($LAN_W, where sockpit runs) holds a bridge lanbr$$ at 198.18.1.1/24; each
# peer is a namespace with a veth whose other end is a port of that bridge,
# at 198.18.1.N. Multicast and broadcast stay on the bridge. Everything is
# removed by its own name or pid in lan_cleanup.
#   lan_setup N...        creates the watcher and peers 198.18.1.N (root)
#   lan_peer N            the namespace of peer N
#   lan_run N CMD...      starts CMD in the background in peer N (pid kept)
#   lan_poke N            makes the watcher resolve peer N (one UDP datagram)
#   $LAN_DNS              a dnsmasq on the watcher's 127.0.0.1 with no PTR data
#   $LAN_BR $LAN_TMP

LAN_W="sp-lan-w-$$"
LAN_BR="lanbr$$"
LAN_TMP=$(mktemp -d)
LAN_DNS=127.0.0.1:5300
LAN_PIDS=""
LAN_PEERS=""

lan_peer() { echo "sp-lan-$1-$$"; }

lan_cleanup() {
    for pid in $LAN_PIDS; do kill "$pid" 2>/dev/null; done
    for pid in $LAN_PIDS; do wait "$pid" 2>/dev/null; done
    if [ -f "$LAN_TMP/dnsmasq.pid" ]; then kill "$(cat "$LAN_TMP/dnsmasq.pid")" 2>/dev/null; fi
    for n in $LAN_PEERS; do ip netns del "$(lan_peer "$n")" 2>/dev/null; done
    ip netns del "$LAN_W" 2>/dev/null
    rm -rf "$LAN_TMP"
}

lan_add_peer() {
    local n=$1 ns
    ns=$(lan_peer "$n")
    ip netns add "$ns" || return 1
    LAN_PEERS="$LAN_PEERS $n"
    ip -n "$LAN_W" link add "lp$n" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$LAN_W" link set "lp$n" master "$LAN_BR" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 address "02:00:00:00:01:$(printf %02x "$n")"
    ip -n "$ns" addr add "198.18.1.$n/24" brd + dev eth0
    ip -n "$ns" link set eth0 up
}

lan_setup() {
    ip netns add "$LAN_W" || return 1
    ip -n "$LAN_W" link set lo up
    ip -n "$LAN_W" link add "$LAN_BR" type bridge || return 1
    ip -n "$LAN_W" link set "$LAN_BR" address 02:00:00:00:01:01
    ip -n "$LAN_W" addr add 198.18.1.1/24 brd + dev "$LAN_BR"
    ip -n "$LAN_W" link set "$LAN_BR" up
    for n in "$@"; do lan_add_peer "$n" || return 1; done
    # No PTR data at all: --local answers NXDOMAIN for the lab's zone.
    ip netns exec "$LAN_W" dnsmasq --port=5300 --listen-address=127.0.0.1 --bind-interfaces --no-resolv \
        --no-hosts --local=/18.198.in-addr.arpa/ --local=/19.198.in-addr.arpa/ --local=/local/ \
        --pid-file="$LAN_TMP/dnsmasq.pid" --user=root --log-facility=/dev/null || return 1
    for _ in $(seq 50); do
        [ -s "$LAN_TMP/dnsmasq.pid" ] && break
        sleep 0.05
    done
    return 0
}

lan_run() {
    local n=$1
    shift
    ip netns exec "$(lan_peer "$n")" "$@" &
    LAN_PIDS="$LAN_PIDS $!"
}

lan_poke() {
    ip netns exec "$LAN_W" bash -c "echo x >/dev/udp/198.18.1.$1/9" 2>/dev/null
    for _ in $(seq 60); do
        ip -n "$LAN_W" neigh show "198.18.1.$1" | grep -q REACHABLE && return 0
        sleep 0.05
    done
    return 1
}
