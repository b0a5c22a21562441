#!/bin/bash
# `sockpit hosts` in batch form: usage errors first (no root needed), then
# neighbours, interfaces, names, sweeps and probes inside namespaces.
set -u
S=${SOCKPIT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() {
    local want=$1; shift
    "$@" >/dev/null 2>&1
    local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want"
}

expect_rc 0 "$S" hosts --help
expect_rc 0 "$S" help hosts
expect_rc 2 "$S" hosts --sweep 198.18.0.0
expect_rc 2 "$S" hosts --sweep 198.18.0.0/33
expect_rc 2 "$S" hosts --sweep 198.18.300.0/24
expect_rc 2 "$S" hosts --sweep 10.0.0.0/15
expect_rc 2 "$S" hosts --sweep /24
expect_rc 2 "$S" hosts --sweep 2001:db8::/64
expect_rc 2 "$S" hosts --probe
expect_rc 2 "$S" hosts --bogus
expect_rc 2 "$S" hosts --sweep-concurrency 0
expect_rc 2 "$S" hosts --probe-rate 99999
expect_rc 2 "$S" hosts --dns-server nonsense
expect_rc 2 "$S" hosts --sweep 198.18.0.0/24 --no-resolve
msg=$("$S" hosts --sweep 10.0.0.0/8 2>&1 >/dev/null)
echo "$msg" | grep -q "larger than a /16" || fail "no /16 message: $msg"
[ "$("$S" hosts --sweep /24 2>&1 | wc -l)" = 2 ] || fail "usage error is not one line + hint"

[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: no dnsmasq"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/netns.sh"
trap hosts_cleanup EXIT
hosts_setup || fail "namespace set-up failed"
inA() { ip netns exec "$NS_A" "$@"; }

# One UDP datagram makes the kernel resolve the peer (no ping on minimal systems).
poke() {
    inA bash -c "echo x >/dev/udp/198.18.0.2/9"
    for _ in $(seq 40); do
        inA ip neigh show 198.18.0.2 | grep -q REACHABLE && return 0
        sleep 0.05
    done
    return 1
}
poke || fail "peer does not answer ARP"
out=$(inA "$S" hosts --json --interfaces --dns-server "$HOSTS_DNS") || fail "hosts --json failed"
echo "$out"
echo "$out" | grep -qx "{\"ip\":\"198.18.0.2\",\"mac\":\"$MAC_B\",\"vendor\":\"Intel Corporate\",\"ifname\":\"$IF_A\",\"state\":\"REACHABLE\",\"name\":\"peer.test\",\"names\":\[{\"name\":\"peer.test\",\"source\":\"ptr\"}\]}" \
    || fail "peer row missing or wrong"
echo "$out" | grep -q "{\"ifname\":\"$IF_A\",\"up\":true,\"mac\":\"$MAC_A\",\"mtu\":1500,\"addrs\":\[\"198.18.0.1/24\"" \
    || fail "interface row missing or wrong"
echo "$out" | grep -q '"ifname":"lo","up":true' || fail "no lo interface"
echo "$out" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' || fail "not JSON Lines"

# Plain table and --no-resolve.
plain=$(inA "$S" hosts --dns-server "$HOSTS_DNS") || fail "plain failed"
echo "$plain" | grep -q "^IP  *MAC  *VENDOR  *INTERFACE  *STATE  *NAME" || fail "no table header: $plain"
echo "$plain" | grep -q "198.18.0.2 .*Intel Corporate .*REACHABLE .*peer.test" || fail "no plain row: $plain"
nr=$(inA "$S" hosts --json --no-resolve) || fail "--no-resolve failed"
echo "$nr" | grep -q '"ip":"198.18.0.2".*"name":null' || fail "--no-resolve still named: $nr"

# FAILED rows only with --all.
inA ip neigh replace 198.18.0.77 dev "$IF_A" nud failed 2>/dev/null ||
    inA ip neigh replace 198.18.0.77 lladdr 00:00:00:00:00:77 dev "$IF_A" nud failed 2>/dev/null
if inA ip neigh show 198.18.0.77 | grep -q FAILED; then
    inA "$S" hosts --json --no-resolve | grep -q 198.18.0.77 && fail "FAILED row shown without --all"
    inA "$S" hosts --json --no-resolve --all | grep -q '"ip":"198.18.0.77".*"state":"FAILED"' || fail "--all lost FAILED"
fi

# A sweep of the /24: 60 names, 254 addresses.
sw=$(inA "$S" hosts --json --sweep 198.18.0.0/24 --dns-server "$HOSTS_DNS") || fail "sweep failed"
[ "$(echo "$sw" | grep -c '"name"')" = 60 ] || fail "sweep found $(echo "$sw" | grep -c '"name"') names, want 60"
echo "$sw" | grep -qx '{"ip":"198.18.0.42","name":"h42.test"}' || fail "sweep line missing"
echo "$sw" | grep -q '^{"sweep":"198.18.0.0/24","total":254,"named":60,"unanswered":0,"ms":[0-9]*}$' || fail "bad summary: $(echo "$sw" | tail -1)"
echo "$sw" | grep -q '"ip":"198.18.0.2","mac"' && fail "sweep without --probe printed neighbours"
inA "$S" hosts --sweep 198.18.0.0/24 --dns-server "$HOSTS_DNS" --sweep-concurrency 1 | tail -1 |
    grep -q "swept 198.18.0.0/24: 254 addresses, 60 named" || fail "plain sweep summary"

# Probes fill the neighbour table: forget the peer, probe, and it is back.
inA ip neigh flush all
inA ip neigh show | grep -q 198.18.0.2 && fail "flush did not forget the peer"
pr=$(inA "$S" hosts --json --no-resolve --sweep 198.18.0.0/28 --probe --probe-rate 1000) || fail "probe failed"
echo "$pr" | grep -q '"sweep":"198.18.0.0/28","total":14,.*"probes":14' || fail "probe summary: $pr"
echo "$pr" | grep -q "\"ip\":\"198.18.0.2\",\"mac\":\"$MAC_B\"" || fail "probe did not bring the peer back: $pr"

# The /proc/net/arp fallback.
poke
fb=$(SOCKPIT_NETLINK=off inA "$S" hosts --json --no-resolve 2>"$HOSTS_TMP/err") || fail "fallback failed"
echo "$fb" | grep -q "\"ip\":\"198.18.0.2\",\"mac\":\"$MAC_B\",\"vendor\":\"Intel Corporate\",\"ifname\":\"$IF_A\",\"state\":\"REACHABLE\"" ||
    fail "fallback row: $fb"
grep -q "/proc/net/arp every 2 s" "$HOSTS_TMP/err" || fail "fallback note missing"

# No OUI file: blank vendors and one note, not an error.
SOCKPIT_OUI=/nonexistent inA "$S" hosts --no-resolve >/dev/null 2>&1 || fail "missing OUI file is an error"
echo "PASS"
