#!/usr/bin/env bash
# Nothing lost: SIGKILL at random moments during 200+ DNS events and 200
# watch.list edits. Afterwards watch.list always parses (never a partial
# file) and holds every edit the pane had shown, and every event line a
# killed `sockpit watch` printed is in dns-changes.log.
#
# Events: `sockpit watch --interval 0.2` against a dnsmasq on 127.0.0.1 whose
# answers change (rewritten hosts file + SIGHUP) every 0.15 s, killed -9
# after 0.3 to 1.2 s and restarted until 200 events were printed.
# Edits: the DNS watch pane in tmux (`a` adds, `d` deletes), killed -9 every
# few edits, sometimes right after the keys (the edit may or may not have
# landed), sometimes after the pane showed it (it must have landed).
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux missing"; exit 77; }
T=$(mktemp -d /tmp/sp-wkill.XXXXXX)
TM="tmux -L sp-wkill-$$"
SP_PID= CHG_PID=
cleanup() {
    [ -n "$SP_PID" ] && kill -9 "$SP_PID" 2>/dev/null
    [ -n "$CHG_PID" ] && kill "$CHG_PID" 2>/dev/null
    $TM kill-server 2>/dev/null
    stop_dns
    rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state LC_ALL=C.UTF-8
START=$SECONDS
PORT=$(free_port)
hosts() { for n in 1 2 3 4 5; do echo "198.18.$n.$((RANDOM % 250 + 1)) n$n.test"; done; }
hosts > "$T/hosts"
start_dns "$T" "$PORT" || exit 1
DNS=127.0.0.1:$PORT

# ---- events: batch runs killed -9 ----
( while :; do hosts > "$T/hosts.new"; mv "$T/hosts.new" "$T/hosts"; kill -HUP "$DNS_PID"; sleep 0.15; done ) &
CHG_PID=$!
: > "$T/printed"
runs=0
while [ "$(wc -l < "$T/printed")" -lt 200 ] && [ $runs -lt 40 ]; do
    runs=$((runs + 1))
    "$SOCKPIT" watch --interval 0.2 --dns-server "$DNS" --state-dir "$T/state" --config-dir "$T/config" \
        n1.test n2.test n3.test n4.test n5.test gone.test > "$T/run.out" 2> "$T/run.err" &
    SP_PID=$!
    sleep "0.$((RANDOM % 9 + 3))"
    kill -9 "$SP_PID"
    wait "$SP_PID" 2>/dev/null
    SP_PID=
    # Only whole lines count as printed.
    python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d[:d.rfind(b"\n")+1])' \
        "$T/run.out" >> "$T/printed"
done
kill "$CHG_PID"; wait "$CHG_PID" 2>/dev/null; CHG_PID=
python3 - "$T/printed" "$T/state/dns-changes.log" <<'PY' || exit 1
import re, sys
printed = open(sys.argv[1], encoding="utf-8").read().splitlines()
log = open(sys.argv[2], encoding="utf-8").read()
assert log.endswith("\n"), "dns-changes.log ends in a partial line"
lines = log.splitlines()
T_ = r"(A|AAAA|A,AAAA): "
SET = r"([0-9a-f:., ]+|\(none\))"
fmt = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  [a-z0-9.-]+  (first  %s%s|error  %s[A-Za-z]+|recover  %s%s|"
                 r"%s%s → %s  \(.*\))$" % (T_, SET, T_, T_, SET, T_, SET, SET))
bad = [l for l in lines if not fmt.match(l)]
assert not bad, "log lines that do not parse: %r" % bad[:3]
logset = set(lines)
missing = [l for l in printed if l not in logset]
assert not missing, "printed but not in dns-changes.log: %r" % missing[:5]
kinds = {}
for l in printed:
    k = l.split("  ")[2].split()[0]
    k = k if k in ("first", "error", "recover") else "change"
    kinds[k] = kinds.get(k, 0) + 1
print("events: %d printed, all %d found in dns-changes.log (%d lines); %s"
      % (len(printed), len(printed), len(lines), ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
assert len(printed) >= 200, "only %d events printed" % len(printed)
PY
echo "events: $runs runs killed -9"

# ---- edits: the DNS watch pane killed -9 ----
LIST=$T/config/watch.list
rm -f "$LIST"
$TM -f /dev/null new-session -d -s w -x 100 -y 40 "sleep 600"
$TM set-option -g remain-on-exit on >/dev/null
start_tui() {
    $TM respawn-pane -k -t w "exec '$SOCKPIT' --pane watch --dns-server $DNS --interval 5 --chat 127.0.0.1:9 \
        --state-dir '$T/state' --config-dir '$T/config'"
    wait_for 5 shows "[3 DNS watch]" || fail "the pane did not start: $(screen)"
    SP_PID=$($TM display -p -t w '#{pane_pid}')
}
screen() { $TM capture-pane -p -t w; }
shows() { screen | grep -qF -- "$1"; }
row() { screen | grep -q "^$1 "; }
norow() { ! row "$1"; }
dead() { [ "$($TM display -p -t w '#{pane_dead}')" = 1 ]; }
kill_tui() { kill -9 "$SP_PID"; wait_for 5 dead || fail "sockpit outlived SIGKILL"; SP_PID=; }

# check_list UNSURE: watch.list parses (every line a name, with an optional
# interval) and holds exactly the names in $want, give or take UNSURE (the
# edit in flight when sockpit was killed). Adopts what the file says of it.
check_list() {
    local got
    [ -f "$LIST" ] || { [ -z "$want" ] && return 0; fail "watch.list is gone"; }
    [ -z "$(tail -c 1 "$LIST")" ] || fail "watch.list ends in a partial line"
    grep -vqE '^[a-z0-9.-]+( interval=[0-9.a-z]+)?$' "$LIST" && fail "watch.list has a bad line: $(cat "$LIST")"
    got=$(sort "$LIST" | tr '\n' ' ')
    if [ -n "$1" ]; then
        if grep -qx "$1" "$LIST"; then want=$(printf '%s\n' $want "$1" | sort -u | tr '\n' ' ')
        else want=$(printf '%s\n' $want | grep -vx "$1" | tr '\n' ' '); fi
        unsure_kills=$((unsure_kills + 1))
    fi
    [ "$got" = "$(printf '%s\n' $want | sed '/^$/d' | sort | tr '\n' ' ')" ] ||
        fail "watch.list holds '$got', the pane had shown '$want'"
}

want=""
edits=0 kills=0 unsure_kills=0 next=0
start_tui
while [ $edits -lt 200 ]; do
    n=$(printf '%s\n' $want | sed '/^$/d' | wc -l)
    if [ "$n" -lt 2 ] || { [ "$n" -lt 8 ] && [ $((RANDOM % 2)) = 0 ]; }; then
        next=$((next + 1)); name=e$next.test op=add
        $TM send-keys -t w a "$name" Enter
    else
        op=del
        $TM send-keys -t w g d
        wait_for 5 shows "Stop watching" || fail "no confirmation: $(screen)"
        name=$(screen | sed -n 's/.*Stop watching \([a-z0-9.-]*\)?.*/\1/p' | head -1)
        $TM send-keys -t w y
    fi
    edits=$((edits + 1))
    case $((RANDOM % 12)) in
        0)  # killed with the edit in flight
            sleep "0.0$((RANDOM % 5))"
            kill_tui; kills=$((kills + 1))
            check_list "$name"
            start_tui
            continue ;;
    esac
    if [ $op = add ]; then
        wait_for 5 row "$name" || fail "$name not shown: $(screen)"
        want="$want $name"
    else
        wait_for 5 norow "$name" || fail "$name still shown: $(screen)"
        want=$(printf '%s\n' $want | grep -vx "$name" | tr '\n' ' ')
    fi
    if [ $((RANDOM % 12)) = 0 ]; then
        kill_tui; kills=$((kills + 1))
        check_list ""
        start_tui
    fi
done
kill_tui; kills=$((kills + 1))
check_list ""
stale=$(find "$T/config" -name 'watch.list.tmp.*' | wc -l)
echo "edits: $edits edits, $kills kills (-9), $unsure_kills with an edit in flight;" \
    "watch.list parsed after every kill; $stale temp files left by kills"
echo "watch_kill: ok in $((SECONDS - START)) s"
