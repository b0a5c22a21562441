# Sourced by the hosts e2e tests and benchmarks: two network namespaces
# joined by a veth pair, 198.18.0.1 (where sockpit runs, MAC of VMware) and
# 198.18.0.2 (the peer, MAC of Intel), and a dnsmasq on 127.0.0.1:5353
# inside the first one with PTR data for 198.18.0.1-60. Nothing leaves the
# namespaces. Everything is removed by its own name or pid in hosts_cleanup.
#   hosts_setup            creates it all (needs root; the caller skips with 77)
#   $NS_A $NS_B $IF_A      names; run things with `ip netns exec "$NS_A" ...`
#   $HOSTS_DNS             the --dns-server value

NS_A="sp-hosts-a-$$"
NS_B="sp-hosts-b-$$"
IF_A="spa$$"
IF_B="spb$$"
HOSTS_TMP=$(mktemp -d)
HOSTS_DNS=127.0.0.1:5353
MAC_A=00:50:56:00:00:01
MAC_B=00:1b:21:00:00:02
HOSTS_PIDS=""

hosts_cleanup() {
    for pid in $HOSTS_PIDS; do kill "$pid" 2>/dev/null; done
    if [ -f "$HOSTS_TMP/dnsmasq.pid" ]; then kill "$(cat "$HOSTS_TMP/dnsmasq.pid")" 2>/dev/null; fi
    ip netns del "$NS_A" 2>/dev/null
    ip netns del "$NS_B" 2>/dev/null
    rm -rf "/etc/netns/$NS_A" "$HOSTS_TMP"
}

hosts_setup() {
    ip netns add "$NS_A" || return 1
    ip netns add "$NS_B" || return 1
    ip link add "$IF_A" type veth peer name "$IF_B" || return 1
    ip link set "$IF_A" netns "$NS_A"
    ip link set "$IF_B" netns "$NS_B"
    ip -n "$NS_A" link set "$IF_A" address "$MAC_A"
    ip -n "$NS_B" link set "$IF_B" address "$MAC_B"
    ip -n "$NS_A" addr add 198.18.0.1/24 dev "$IF_A"
    ip -n "$NS_B" addr add 198.18.0.2/24 dev "$IF_B"
    ip -n "$NS_A" link set lo up
    ip -n "$NS_B" link set lo up
    ip -n "$NS_A" link set "$IF_A" up
    ip -n "$NS_B" link set "$IF_B" up
    : >"$HOSTS_TMP/hosts"
    echo "198.18.0.1 self.test" >>"$HOSTS_TMP/hosts"
    echo "198.18.0.2 peer.test" >>"$HOSTS_TMP/hosts"
    for i in $(seq 3 60); do echo "198.18.0.$i h$i.test" >>"$HOSTS_TMP/hosts"; done
    # --local makes dnsmasq answer NXDOMAIN itself for the rest of the zone.
    ip netns exec "$NS_A" dnsmasq --port=5353 --listen-address=127.0.0.1 --bind-interfaces \
        --no-resolv --no-hosts --addn-hosts="$HOSTS_TMP/hosts" --local=/18.198.in-addr.arpa/ \
        --local=/19.198.in-addr.arpa/ --local=/test/ --pid-file="$HOSTS_TMP/dnsmasq.pid" --user=root \
        --log-facility=/dev/null || return 1
    # Wait for dnsmasq and for IPv6 DAD so the links are settled.
    for _ in $(seq 50); do
        [ -s "$HOSTS_TMP/dnsmasq.pid" ] && break
        sleep 0.05
    done
    return 0
}
