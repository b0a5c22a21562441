#!/usr/bin/env bash
# A hostile DNS server (tests/peers/hostile_dns.py, on 127.0.0.1) against the
# hosts sweep, the DNS watch and both TUI panes: PTR names and CNAMEs with
# escape sequences, NUL bytes and invalid UTF-8, over-long labels, a
# compression loop, a truncated reply, a mismatched ID, a datagram flood and
# silence. sockpit must finish in bounded time, report per-name errors or
# escaped names, and never let a control byte reach the terminal.
#
# c-ares 1.18.1 refuses reply names that are not host names (EBADRESP), so
# the hostile names show up as errors; the escaped forms on screen are
# checked with a hostile watch.list, the other outside text the pane shows.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux missing"; exit 77; }

D=$(mktemp -d /tmp/sp-hdns.XXXXXX)
DNS_PID=
cleanup() {
    [ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null
    tui_cleanup
    rm -rf "$D"
}
trap cleanup EXIT
export HOME="$D/home" XDG_CONFIG_HOME="$D/home/.config" XDG_STATE_HOME="$D/home/.state" LC_ALL=C.UTF-8
mkdir -p "$HOME"

python3 "$SOCKPIT_SRC/tests/peers/hostile_dns.py" "$D/port" &
DNS_PID=$!
for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.05; done
[ -s "$D/port" ] || { echo "FAIL: hostile DNS server did not start" >&2; exit 1; }
PORT=$(cat "$D/port")
DNS=127.0.0.1:$PORT

# no_ctl FILE: no byte below 0x20 but newline, no DEL, valid UTF-8.
no_ctl() {
    python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f]
if bad:
    sys.exit("raw control bytes in %s: %r" % (sys.argv[1], sorted(set(bad))))
data.decode("utf-8")
PY
}

# timed NAME LIMIT CMD...: runs CMD with stdout in $D/NAME.out, fails if it
# takes over LIMIT seconds or exits non-zero; prints the milliseconds.
timed() {
    local name=$1 limit=$2 t0 rc
    shift 2
    t0=$(date +%s%N)
    timeout -s KILL "$limit" "$@" >"$D/$name.out" 2>"$D/$name.err"
    rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    [ $rc = 0 ] || { echo "FAIL: $name exited $rc after $ms ms" >&2; cat "$D/$name.err" >&2; exit 1; }
    echo "$name: $ms ms"
}

# ---- (a) hosts sweep: PTR queries only, to the hostile server ----
timed sweep-json 20 "$SOCKPIT" hosts --sweep 198.18.77.0/28 --dns-server "$DNS" --json
python3 - "$D/sweep-json.out" <<'PY' || exit 1
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]  # strict: no raw control chars
summary = [r for r in rows if "sweep" in r]
names = {r["ip"]: r["name"] for r in rows if "ip" in r}
assert len(summary) == 1 and summary[0]["total"] == 14, summary
assert summary[0]["named"] == len(names), (summary, names)
# Last octet % 10: 7 and 9 are ok, 5 is flood (right answer first), 1 and 11 long labels.
for ip, want in (("198.18.77.7", "ok.test"), ("198.18.77.9", "ok.test"), ("198.18.77.5", "flood.test")):
    assert names.get(ip) == want, (ip, names.get(ip))
for ip in ("198.18.77.1", "198.18.77.11"):
    assert names.get(ip, "").startswith("a" * 63), names.get(ip)
# Control bytes, NUL, loops, truncation, wrong ID, silence: never a name with raw bytes.
for ip, name in names.items():
    assert not any(ord(c) < 0x20 or ord(c) == 0x7f for c in name), (ip, name)
for last in (2, 3, 4, 6, 8, 10, 12, 13, 14):
    ip = "198.18.77.%d" % last
    if ip in names:
        assert "\x1b" not in names[ip] and "\0" not in names[ip], (ip, names[ip])
print("sweep-json: %d of %d named, %d without a name (errors or time-outs), %d ms"
      % (len(names), summary[0]["total"], summary[0]["total"] - len(names), summary[0]["ms"]))
PY
timed sweep-plain 20 "$SOCKPIT" hosts --sweep 198.18.77.0/28 --dns-server "$DNS"
no_ctl "$D/sweep-plain.out" || exit 1
grep -q '^198\.18\.77\.7  *ok\.test$' "$D/sweep-plain.out" || { echo "FAIL: plain sweep lacks ok.test" >&2; cat "$D/sweep-plain.out" >&2; exit 1; }
grep -q '^swept 198\.18\.77\.0/28: 14 addresses' "$D/sweep-plain.out" "$D/sweep-plain.err" ||
    { echo "FAIL: no sweep summary" >&2; exit 1; }

# ---- (b) watch: A/AAAA lookups, CNAMEs for the hostile cases ----
NAMES="ctl.test longlbl.test loop.test trunc.test badid.test flood.test nul.test ok.test silent.test"
# shellcheck disable=SC2086
timed watch 30 "$SOCKPIT" watch --dns-server "$DNS" --count 9 --duration 25 \
    --state-dir "$D/wstate" --config-dir "$D/wcfg" $NAMES
no_ctl "$D/watch.out" || exit 1
cat "$D/watch.out"
# One event per name, two for nul.test (its A answer is good, its AAAA one
# is not), none for longlbl.test: c-ares finds no records in its over-long
# CNAME (NODATA for both types), which is an answer, not an error.
[ "$(wc -l < "$D/watch.out")" = 9 ] || { echo "FAIL: want one event per name (two for nul.test)" >&2; exit 1; }
ev() { grep -qE "^[0-9-]+ [0-9:]+  $1  $2\$" "$D/watch.out" || { echo "FAIL: no '$1 $2' event" >&2; exit 1; }; }
ev ok.test "first  A: 198\.18\.9\.9"
ev flood.test "first  A: 198\.18\.9\.2"
for n in ctl loop trunc; do ev $n.test "error  A,AAAA: BADRESP"; done
ev nul.test "first  A: 198\.18\.9\.3"
ev nul.test "error  AAAA: BADRESP"
! grep -q " longlbl.test " "$D/watch.out" || { echo "FAIL: an event for longlbl.test" >&2; exit 1; }
ev badid.test "error  A,AAAA: timeout"
ev silent.test "error  A,AAAA: timeout"
# ok.test answers at once: it comes before the names that time out.
[ "$(grep -n ' ok.test ' "$D/watch.out" | cut -d: -f1)" -lt "$(grep -n ' silent.test ' "$D/watch.out" | cut -d: -f1)" ] ||
    { echo "FAIL: ok.test waited for the silent names" >&2; exit 1; }
no_ctl "$D/wstate/dns-changes.log" || exit 1
# shellcheck disable=SC2086
# A state directory of its own: in the first one every name resumes from
# the log and nothing is new.
timed watch-json 30 "$SOCKPIT" watch --json --dns-server "$DNS" --count 9 --duration 25 \
    --state-dir "$D/wstate-json" --config-dir "$D/wcfg" $NAMES
python3 - "$D/watch-json.out" <<'PY' || exit 1
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(evs) == 9, evs
errs = {e["name"]: e.get("error") for e in evs if e["event"] == "error"}
assert len(errs) == 6 and all(errs.values()), errs
print("watch-json: errors " + ", ".join("%s=%s" % kv for kv in sorted(errs.items())))
PY

# ---- (c) the TUI: Hosts sweep and DNS watch pane against the server ----
mkdir -p "$D/cfg" "$D/state"
# A hostile watch.list line: the pane reports it escaped and skips it.
printf 'evil\033]0;pwned\007\033[2J\033[31m.test\nok.test\n' > "$D/cfg/watch.list"
tui_start 100 30 --dns-server "$DNS" --pane watch --config-dir "$D/cfg" --state-dir "$D/state"
title0=$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_title}')
tui_wait 'evil\x1b]0;pwned\x07\x1b[2J' 5
tui_wait "ok.test  first  A: 198.18.9.9" 5
for n in ctl loop trunc nul longlbl badid flood silent; do
    tui_keys a "$n.test" Enter
    tui_wait "$n.test" 3
done
for n in ctl loop trunc; do tui_wait "$n.test  error  A,AAAA: BADRESP" 5; done
tui_wait "nul.test  error  AAAA: BADRESP" 5
tui_wait "flood.test  first  A: 198.18.9.2" 5
tui_wait "silent.test  error  A,AAAA: timeout" 10
tui_wait "badid.test  error  A,AAAA: timeout" 10

tui_keys 2 S C-u 198.18.77.0/28 Enter
tui_wait "14/14" 15
tui_screen | grep -qE '198\.18\.77\.7 +ok\.test' || fail "sweep result ok.test missing"
tui_screen | grep -qE '198\.18\.77\.5 +flood\.test' || fail "sweep result flood.test missing"

# Still answering keys, title unchanged, no raw escape drawn.
tui_keys '?'
tui_wait "Hosts:" 2
tui_keys Escape 3
tui_wait "[3 DNS watch]" 2
tmux -L "$TUI_SOCK" capture-pane -p -e -t "$TUI_SESSION" > "$D/screen.esc"
grep -q $'\e\\]' "$D/screen.esc" && fail "an OSC sequence reached the screen"
title=$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_title}')
[ "$title" = "$title0" ] || fail "pane title changed from '$title0' to '$title'"
case $title in *pwned*) fail "pane title is '$title'" ;; esac
kill -0 "$(tui_pid)" || fail "sockpit died"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "bad exit status"
no_ctl "$D/state/dns-changes.log" || exit 1
echo "hostile_dns: ok"
