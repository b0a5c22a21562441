#!/usr/bin/env bash
# `sockpit probe` against a namespace lab host (198.18.0.2, named peer.test
# by the lab's dnsmasq) with known services: an HTTP page with a title, TLS
# servers whose certificates this test makes with openssl (valid for the
# name, self-signed, for another host, expired), an SSH-like banner, a port
# that accepts and never speaks, an nft DROP (filtered) and a REJECT with
# tcp reset (closed); and hostile ones: an endless banner, binary garbage,
# TLS junk, a 1 GiB body and a header flood. Every state and detail must be
# exact, every read bounded and escaped, and the hostile ports must not
# stall the others.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
S=$SOCKPIT

# Usage errors need no lab.
expect_rc() { local want=$1; shift; "$@" >/dev/null 2>&1; local rc=$?; [ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want"; }
expect_rc 2 "$S" probe
expect_rc 2 "$S" probe 127.0.0.1 0
expect_rc 2 "$S" probe 127.0.0.1 10-5
expect_rc 2 "$S" probe 10.0.0.0/16
expect_rc 2 "$S" probe 127.0.0.1 22 33
expect_rc 2 "$S" probe 127.0.0.1 --rate 0
msg=$("$S" probe 203.0.113.9 22 2>&1 >/dev/null)
echo "$msg" | grep -q "^sockpit probe: 203.0.113.9 is not loopback.*add --any-address" || fail "scope message: $msg"
[ "$(echo "$msg" | wc -l)" = 2 ] || fail "scope refusal is not one line + hint: $msg"

[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: no dnsmasq"; exit 77; }
command -v nft >/dev/null || { echo "SKIP: no nft (apt-get install nftables)"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: no openssl"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/netns.sh"
lab_pid=
cleanup() {
    [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null
    hosts_cleanup
}
trap cleanup EXIT
hosts_setup || fail "namespace set-up failed"
inA() { ip netns exec "$NS_A" "$@"; }

# Certificates: a lab CA signs the valid, wrong-host and expired ones.
C=$HOSTS_TMP/certs
mkdir -p "$C/ca"
(
    cd "$C" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=Probe Lab CA"
    : >ca/index.txt
    echo 01 >ca/serial
    printf '[ca]\ndefault_ca=L\n[L]\ndir=%s/ca\ndatabase=$dir/index.txt\nnew_certs_dir=$dir\nserial=$dir/serial\n' "$C" >ca.cnf
    printf 'default_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n[p]\ncommonName=supplied\n' >>ca.cnf
    sign() { # sign NAME CN SAN [ca dates...]
        local name=$1 cn=$2 san=$3
        shift 3
        openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn" \
            -addext "subjectAltName=$san"
        openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$name.csr" -out "$name.pem" -notext "$@"
    }
    sign valid peer.test "DNS:peer.test,IP:198.18.0.2" -days 30
    sign wrong other.test "DNS:other.test" -days 30
    sign expired peer.test "DNS:peer.test,IP:198.18.0.2" -startdate 20200101000000Z -enddate 20200201000000Z
    openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -days 30 -subj /CN=peer.test \
        -addext "subjectAltName=DNS:peer.test,IP:198.18.0.2"
) >"$HOSTS_TMP/openssl.log" 2>&1 || fail "openssl: $(tail -3 "$HOSTS_TMP/openssl.log")"

ip netns exec "$NS_B" nft -f - <<'NFT' || fail "nft rules"
table inet probe_lab {
    chain input {
        type filter hook input priority 0;
        tcp dport 7001 drop
        tcp dport 7002 reject with tcp reset
    }
}
NFT
ip netns exec "$NS_B" python3 "$SOCKPIT_SRC/tests/peers/probe_lab.py" 198.18.0.2 "$C" &
lab_pid=$!
for _ in $(seq 100); do [ -e "$C/ready" ] && break; sleep 0.05; done
[ -e "$C/ready" ] || fail "lab services did not start"

ports=22,23,80,443,6001-6005,7000-7002,8443,9443,10443
start=$(date +%s.%N)
out=$(inA "$S" probe peer.test "$ports" --dns-server "$HOSTS_DNS" --banner --http --tls --all-states \
    --timeout 500 --json) || fail "probe failed: $out"
took=$(echo "$(date +%s.%N) - $start" | bc)
echo "$out"
echo "took ${took}s"
python3 - "$out" "$took" <<'PY' || fail "results differ"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
took = float(sys.argv[2])
summary = lines[-1]
ports = {l["port"]: l for l in lines[:-1]}
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
want(sorted(ports) == [22, 23, 80, 443, 6001, 6002, 6003, 6004, 6005, 7000, 7001, 7002, 8443, 9443, 10443],
     "ports listed: %s" % sorted(ports))
want(all(l["ip"] == "198.18.0.2" and l["proto"] == "tcp" for l in ports.values()), "ip/proto")
state = {p: l["state"] for p, l in ports.items()}
want(state == {22: "open", 23: "closed", 80: "open", 443: "open", 6001: "open", 6002: "open", 6003: "open",
               6004: "open", 6005: "open", 7000: "open", 7001: "filtered", 7002: "closed", 8443: "open",
               9443: "open", 10443: "open"}, "states %s" % state)
want(ports[7001].get("reason") == "no answer", "7001 reason")
want(ports[7002].get("reason") == "reset" and ports[23].get("reason") == "reset", "closed reasons")
want(ports[22]["service"] == "ssh" and ports[80]["service"] == "http" and ports[443]["service"] == "https",
     "service names")
want(ports[22]["banner"] == "SSH-2.0-LabSSH_1.0" and ports[22]["http"] is None, "ssh banner %r" % ports[22]["banner"])
h = ports[80]["http"] or {}
want(h.get("status") == 200 and h.get("title") == "Peer lab" and h.get("server") == "lab-httpd/1.0"
     and h.get("tls") is False, "http %s" % h)
want(ports[80]["tls"] is None and ports[80].get("tls_error"), "80 is not TLS")
def tls(p):
    return ports[p]["tls"] or {}
t = tls(443)
want(t.get("subject") == "CN=peer.test" and t.get("issuer") == "CN=Probe Lab CA"
     and t.get("sans") == ["DNS:peer.test", "IP:198.18.0.2"] and not t.get("expired")
     and not t.get("self_signed") and not t.get("wrong_host") and t.get("days_left") in (29, 30)
     and len(t.get("sha256", "")) == 95 and t.get("protocol", "").startswith("TLSv1.")
     and t.get("cipher"), "valid cert %s" % t)
h = ports[443]["http"] or {}
want(h.get("status") == 200 and h.get("title") == "Secure peer" and h.get("tls") is True, "https %s" % h)
want(tls(8443).get("self_signed") is True and not tls(8443).get("wrong_host") and not tls(8443).get("expired"),
     "self-signed %s" % tls(8443))
want(tls(9443).get("wrong_host") is True and tls(9443).get("subject") == "CN=other.test"
     and not tls(9443).get("self_signed"), "wrong host %s" % tls(9443))
want(tls(10443).get("expired") is True and tls(10443).get("days_left", 0) < -300
     and tls(10443).get("not_after") == "2020-02-01T00:00:00Z" and not tls(10443).get("wrong_host"),
     "expired %s" % tls(10443))
want(ports[7000]["banner"] is None and ports[7000]["http"] is None and ports[7000]["tls"] is None
     and "timed out" in ports[7000].get("tls_error", ""), "silent %s" % ports[7000])
b = ports[6001]["banner"] or ""
want(len(b) == 1024 and set(b) == {"A"}, "endless banner length %d" % len(b))
want(ports[6002]["banner"] and ports[6002]["banner"].startswith("\x1b[2J"), "garbage banner")
want(ports[6003]["tls"] is None and ports[6003].get("tls_error"), "tls junk %s" % ports[6003])
h = ports[6004]["http"] or {}
want(h.get("status") == 200 and h.get("title") == "Big", "1 GiB body %s" % h)
h = ports[6005]["http"] or {}
want(h.get("status") == 200 and h.get("title") is None, "header flood %s" % h)
want(summary.get("probe") == "peer.test" and summary.get("total") == 15 and summary.get("open") == 12
     and summary.get("closed") == 2 and summary.get("filtered") == 1, "summary %s" % summary)
# The silent port's chain (banner wait, HTTP wait, handshake wait) is the
# longest; the hostile ones must not add to it.
want(took < 9, "took %.1f s" % took)
for b in bad:
    print("MISMATCH:", b)
sys.exit(1 if bad else 0)
PY

# The table: sorted by port, garbage escaped (no ESC or BEL reaches stdout).
table=$(inA "$S" probe 198.18.0.2 6002,22,80 --banner) || fail "table run failed"
echo "$table"
printf '%s' "$table" | grep -q $'\x1b' && fail "raw ESC in the table"
printf '%s' "$table" | grep -q $'\x07' && fail "raw BEL in the table"
echo "$table" | grep -q '^198.18.0.2  6002  open .*\\x1b\[2J' || fail "garbage not shown escaped"
[ "$(echo "$table" | awk 'NR>1 && $2 ~ /^[0-9]+$/ {print $2}' | tr '\n' ' ')" = "22 80 6002 " ] || fail "table not sorted by port"
echo "$table" | tail -1 | grep -q "^probed 198.18.0.2: 3 ports on 1 address in [0-9]* ms" || fail "table summary"

# A /24 of the lab: the one host with open ports, nothing else.
net=$(inA "$S" probe 198.18.0.0/24 22,80 --timeout 300 --json) || fail "/24 probe failed"
[ "$(echo "$net" | grep -c '"state":"open"')" = 2 ] || fail "/24: $(echo "$net" | grep open)"
echo "$net" | tail -1 | grep -q '"addresses":254,"ports":2,"total":508,"open":2' || fail "/24 summary: $(echo "$net" | tail -1)"

# A name that does not resolve: exit 1 with one line.
msg=$(inA "$S" probe nosuch.test 22 --dns-server "$HOSTS_DNS" 2>&1 >/dev/null)
rc=$?
[ "$rc" = 1 ] || fail "unresolved name exited $rc"
echo "$msg" | grep -q "^sockpit probe: 'nosuch.test' did not resolve" || fail "resolve message: $msg"
echo "probe_lab: ok"
