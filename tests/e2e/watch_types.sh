#!/bin/bash
# More than addresses: MX, TXT and the CNAME chain from dnsmasq (changed by
# restarting it with other records), NS, CAA and SOA from the scripted
# server; values compared as sets in canonical form, so a reordered answer
# or a TTL alone is no change. Names come as NAME/TYPES on the command line
# and as type= in watch.list.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-types.XXXXXX)
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill "$SP_PID" 2>/dev/null; stop_dns; stop_zones; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state TZ=UTC LC_ALL=C.UTF-8
PORT=$(free_port)
printf '198.18.5.1 edge.test\n' > "$T/hosts"
mail1=(--mx-host=mail.test,mx1.test,10 --txt-record=mail.test,"v=spf1 -all" --cname=www.test,edge.test)
start_dns "$T" "$PORT" "${mail1[@]}" || exit 1

mkdir -p "$T/config"
printf 'mail.test type=MX,TXT\n' > "$T/config/watch.list"
"$SOCKPIT" watch --json --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state" \
    --config-dir "$T/config" > "$T/out.json" 2> "$T/err" &
SP_PID=$!
# has EVENT RRTYPE: such an event was printed.
has() { grep -q "\"event\":\"$1\",\"rrtype\":\"$2\"" "$T/out.json"; }
wait_for 5 has first TXT || fail "no first TXT: $(cat "$T/out.json" "$T/err")"
wait_for 5 has first MX || fail "no first MX: $(cat "$T/out.json")"
grep -q '"rrtype":"MX","old":\[\],"new":\["10 mx1.test"\]' "$T/out.json" || fail "MX value: $(cat "$T/out.json")"
grep -q '"rrtype":"TXT","old":\[\],"new":\["\\"v=spf1 -all\\""\]' "$T/out.json" || fail "TXT value: $(cat "$T/out.json")"

# Restarted with another MX and a second TXT: one change each.
stop_dns
start_dns "$T" "$PORT" --mx-host=mail.test,mx2.test,20 --txt-record=mail.test,"v=spf1 -all" \
    --txt-record=mail.test,"a=b, (c)" --cname=www.test,edge.test || exit 1
wait_for 5 has change MX || fail "no MX change: $(cat "$T/out.json")"
wait_for 5 has change TXT || fail "no TXT change: $(cat "$T/out.json")"
kill "$SP_PID"; wait "$SP_PID"; SP_PID=
grep -q "  mail.test  MX: 10 mx1.test → 20 mx2.test  (+20 mx2.test, -10 mx1.test)$" "$T/state/dns-changes.log" ||
    fail "MX change line: $(cat "$T/state/dns-changes.log")"
# '(' and ')' are escaped in the canonical form, so the line reads back
# (dnsmasq cuts a TXT record at commas into strings; they are joined).
grep -qF 'TXT: "v=spf1 -all" → "a=b \040c\041", "v=spf1 -all"' "$T/state/dns-changes.log" ||
    fail "TXT change line: $(cat "$T/state/dns-changes.log")"
# The restart itself may time out and recover, but is no other change.
[ "$(grep -c ' mail.test .*→' "$T/state/dns-changes.log")" = 2 ] || fail "other changes: $(cat "$T/state/dns-changes.log")"

# Resumed, nothing changed: nothing printed, values included.
"$SOCKPIT" watch --duration 1 --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state" \
    --config-dir "$T/config" > "$T/again" || fail "resume run failed"
[ ! -s "$T/again" ] || fail "resume logged: $(cat "$T/again")"

# The CNAME chain, from the command line.
"$SOCKPIT" watch --count 2 --duration 5 --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state2" \
    www.test/CNAME,A > "$T/cname" || fail "cname run: $(cat "$T/cname")"
grep -q "www.test  first  CNAME: edge.test$" "$T/cname" || fail "CNAME: $(cat "$T/cname")"
grep -q "www.test  first  A: 198.18.5.1$" "$T/cname" || fail "A after CNAME: $(cat "$T/cname")"

# NS, CAA and SOA from the scripted server; a reordered NS set is no change.
put_zone "$T/zone.json" '{"zone.test": {"NS": ["ns1.test", "ns2.test"], "CAA": ["0 issue letsencrypt.org"],
                          "SOA": ["2026120101"]}}'
start_zone "$T/zone.json" "$T/zport" || exit 1
"$SOCKPIT" watch --json --interval 0.3 --dns-server "127.0.0.1:$(cat "$T/zport")" --state-dir "$T/state3" \
    zone.test/NS,CAA,SOA > "$T/zone.out" 2> "$T/err" &
SP_PID=$!
wait_for 5 grep -q '"rrtype":"SOA","old":\[\],"new":\["2026120101"\]' "$T/zone.out" || fail "SOA: $(cat "$T/zone.out")"
grep -q '"rrtype":"NS","old":\[\],"new":\["ns1.test","ns2.test"\]' "$T/zone.out" || fail "NS: $(cat "$T/zone.out")"
grep -q '"rrtype":"CAA","old":\[\],"new":\["0 issue \\"letsencrypt.org\\""\]' "$T/zone.out" || fail "CAA: $(cat "$T/zone.out")"
put_zone "$T/zone.json" '{"zone.test": {"NS": ["ns2.test", "ns1.test"], "CAA": ["0 issue letsencrypt.org"],
                          "SOA": ["2026120102"]}}'
wait_for 5 grep -q '"event":"change","rrtype":"SOA","old":\["2026120101"\],"new":\["2026120102"\]' "$T/zone.out" ||
    fail "no SOA serial change: $(cat "$T/zone.out")"
put_zone "$T/zone.json" '{"zone.test": {"NS": ["evil.test"], "CAA": ["0 issue letsencrypt.org"], "SOA": ["2026120102"]}}'
wait_for 5 grep -q '"event":"change","rrtype":"NS","old":\["ns1.test","ns2.test"\],"new":\["evil.test"\]' "$T/zone.out" ||
    fail "no NS change: $(cat "$T/zone.out")"
[ "$(grep -c '"event":"change"' "$T/zone.out")" = 2 ] || fail "a reordered NS set was a change: $(cat "$T/zone.out")"
kill "$SP_PID"; wait "$SP_PID"; SP_PID=
[ ! -s "$T/err" ] || fail "stderr: $(cat "$T/err")"
echo "ok"
