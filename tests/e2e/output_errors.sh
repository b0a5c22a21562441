#!/bin/bash
# Output that cannot be written is a failure with one clear line (exit 1),
# for every batch command; a reader that stops reading (`| head -1`) is a
# quiet, successful end. Everything talks to loopback only: a dnsmasq and
# our own `sockpit serve` started here.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-output.XXXXXX)
SERVE_PID=
cleanup() { [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; stop_dns; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/c XDG_STATE_HOME=$T/s
DNS=$(free_port)
printf '198.18.5.1 www.test\n' > "$T/hosts"
start_dns "$T" "$DNS" || exit 1
CHAT=$(free_port)
"$SOCKPIT" serve --listen "127.0.0.1:$CHAT" 2>"$T/serve.log" &
SERVE_PID=$!
wait_for 5 grep -q listening "$T/serve.log" || fail "serve did not start: $(cat "$T/serve.log")"

# full NAME ARGS...: `sockpit ARGS > /dev/full` exits 1 and says why.
full() {
    local name=$1
    shift
    "$SOCKPIT" "$@" > /dev/full 2> "$T/err"
    local rc=$?
    [ "$rc" = 1 ] || fail "$name > /dev/full: exit $rc, want 1 ($(cat "$T/err"))"
    grep -q "writing the output failed" "$T/err" ||
        fail "$name > /dev/full: no message: $(cat "$T/err")"
}
full services services
full "services --json" services --json
full "hosts --no-resolve" hosts --no-resolve
full "hosts --sweep" hosts --sweep 127.0.0.0/30 --dns-server "127.0.0.1:$DNS"
full "watch --count 1" watch --count 1 --dns-server "127.0.0.1:$DNS" --state-dir "$T/st" --config-dir "$T/cfg" www.test
full "chat" chat "127.0.0.1:$CHAT" hello
full "--help" --help

# head -1: the first line arrives, and the command still exits 0.
for args in "services" "services --json" "hosts --no-resolve"; do
    # shellcheck disable=SC2086
    out=$("$SOCKPIT" $args 2>"$T/err" | head -1; echo "rc=${PIPESTATUS[0]}")
    [ "$(echo "$out" | tail -1)" = "rc=0" ] || fail "sockpit $args | head -1: $(echo "$out" | tail -1) ($(cat "$T/err"))"
    [ ! -s "$T/err" ] || fail "sockpit $args | head -1 printed: $(cat "$T/err")"
done
echo "output_errors: ok"
