#!/bin/bash
# `sockpit watch` usage errors and help (no DNS traffic at all).
set -u
T=$(mktemp -d /tmp/sp-watch-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/c XDG_STATE_HOME=$T/s
fail() { echo "FAIL: $*"; exit 1; }
expect2() {
    "$SOCKPIT" watch --dns-server 127.0.0.1:9 --state-dir "$T/st" --config-dir "$T/cfg" "$@" > "$T/out" 2> "$T/err"
    rc=$?
    [ "$rc" = 2 ] || fail "$* -> exit $rc, want 2"
    [ ! -s "$T/out" ] || fail "$* printed on stdout"
    [ "$(wc -l < "$T/err")" = 2 ] || fail "$*: want one line + hint: $(cat "$T/err")"
    grep -q "Try 'sockpit watch --help'" "$T/err" || fail "$*: no hint"
}
expect2 'bad..name'
expect2 "$(printf 'a%.0s' $(seq 64)).test"
expect2 ''
expect2 --interval 0.1 a.test
expect2 --interval abc a.test
expect2 --interval 1 --ttl-mode a.test
expect2 --count 0 a.test
expect2 --bogus a.test
expect2 --dns-server nothing a.test
expect2                          # no names and no watch.list
grep -q "watch.list" "$T/err" || fail "no names: message does not name watch.list"
"$SOCKPIT" watch --help > "$T/out" || fail "--help status"
grep -q -- "--ttl-mode" "$T/out" || fail "--help text"
"$SOCKPIT" help watch | grep -q "Usage: sockpit watch" || fail "help watch"
mkdir -p "$T/cfg" && printf 'bad..name\n' > "$T/cfg/watch.list"
"$SOCKPIT" watch --dns-server 127.0.0.1:9 --state-dir "$T/st" --config-dir "$T/cfg" > "$T/out" 2> "$T/err"
[ $? = 2 ] || fail "a list with only bad lines: want exit 2"
grep -q "line 1 'bad..name'.*(skipped)" "$T/err" || fail "bad line not reported: $(cat "$T/err")"
echo ok
