#!/bin/bash
# The DNS watch pane in tmux: empty state, events kept across a kill -9 of
# `sockpit watch`, adding (and refusing) names, a live change, interval,
# filter, delete, small terminal, quit. Then at 80x24 with 50 names: the
# hint bar keeps Quit, the header is whole, the count line, sorting, search,
# the focus moving to the change log and scrolling it, clicks, freezing.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux missing"; exit 77; }
T=$(mktemp -d /tmp/sp-watch-tui.XXXXXX)
TM="tmux -L sp-watch-$$"
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill -9 "$SP_PID" 2>/dev/null; $TM kill-server 2>/dev/null; stop_dns; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state
PORT=$(free_port)
printf '198.18.5.1 www.test\n198.18.6.1 kept.test\n' > "$T/hosts"
start_dns "$T" "$PORT" || exit 1

# Persistence: events printed by a batch run that is then killed -9.
"$SOCKPIT" watch --interval 0.3 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state" --config-dir "$T/config" \
    kept.test nothere.test > "$T/batch.out" &
SP_PID=$!
wait_for 5 grep -q "nothere.test  error  A,AAAA: NXDOMAIN" "$T/batch.out" || fail "batch printed nothing"
wait_for 5 grep -q "kept.test  first  A: 198.18.6.1" "$T/batch.out" || fail "batch printed no first"
kill -9 "$SP_PID"
wait "$SP_PID" 2>/dev/null
SP_PID=
while read -r line; do
    grep -qxF "$line" "$T/state/dns-changes.log" || fail "printed but not in the log: $line"
done < "$T/batch.out"

screen() { $TM capture-pane -p -t w; }
shows() { screen | grep -qF -- "$1"; }
$TM new-session -d -s w -x 100 -y 30 "'$SOCKPIT' --pane watch --dns-server 127.0.0.1:$PORT --interval 0.5 \
    --state-dir '$T/state' --config-dir '$T/config' --chat 127.0.0.1:9; echo EXIT=\$?; sleep 30"
wait_for 5 shows "No names are watched yet" || fail "no empty state: $(screen)"
shows "$T/config/watch.list" || fail "empty state does not name the file: $(screen)"
shows "kept.test  first  A: 198.18.6.1" || fail "old events not loaded: $(screen)"
shows "nothere.test  error  A,AAAA: NXDOMAIN" || fail "old error not loaded: $(screen)"

# A bad name is refused with a message; a good one is added and saved.
$TM send-keys -t w a 'bad..name' Enter
wait_for 3 shows "Not a valid name" || fail "bad name accepted: $(screen)"
$TM send-keys -t w a 'www.test' Enter
wait_for 5 shows "www.test  first  A: 198.18.5.1" || fail "no first event: $(screen)"
grep -qx "www.test" "$T/config/watch.list" || fail "watch.list not written: $(cat "$T/config/watch.list")"
$TM send-keys -t w a 'Other.Test' Enter
wait_for 3 grep -qx "other.test" "$T/config/watch.list" || fail "second name not saved"
wait_for 5 shows "other.test  error  A,AAAA: NXDOMAIN" || fail "no NXDOMAIN for other.test: $(screen)"

# A live change shows up in the log view.
printf '198.18.5.1 www.test\n198.18.5.7 www.test\n' > "$T/hosts"
reload_dns
wait_for 3 shows "www.test  A: 198.18.5.1 → 198.18.5.1, 198.18.5.7  (+198.18.5.7)" || fail "no change: $(screen)"

# Interval of the selected row (the last by name), kept in watch.list.
$TM send-keys -t w G i C-u '2.5' Enter
wait_for 3 grep -qx "www.test interval=2.5" "$T/config/watch.list" || fail "interval not saved: $(cat "$T/config/watch.list")"
$TM send-keys -t w t
wait_for 3 grep -qx "www.test interval=ttl" "$T/config/watch.list" || fail "ttl mode not saved"

# History box, filter, delete with confirmation.
$TM send-keys -t w Enter
wait_for 3 shows "www.test: history" || fail "no history box: $(screen)"
$TM send-keys -t w Escape
$TM send-keys -t w / other
wait_for 3 bash -c "! $TM capture-pane -p -t w | grep -q '^www.test '" || fail "filter did not hide www.test"
$TM send-keys -t w Enter
$TM send-keys -t w d
wait_for 3 shows "Stop watching other.test?" || fail "no confirmation: $(screen)"
$TM send-keys -t w y
wait_for 3 bash -c "! grep -q other.test '$T/config/watch.list'" || fail "delete not saved"
grep -qx "www.test interval=ttl" "$T/config/watch.list" || fail "delete lost the other name"

# Small terminal and back, then quit.
$TM resize-window -t w -x 40 -y 12
sleep 0.5
$TM resize-window -t w -x 100 -y 30
sleep 0.3
$TM send-keys -t w Escape q
wait_for 5 shows "EXIT=0" || fail "did not quit cleanly: $(screen)"
$TM kill-session -t w

# ---- 80x24, 50 names: 49 that answer and one that does not ----
: > "$T/hosts"
: > "$T/list50"
for i in $(seq -w 1 49); do
    echo "198.18.7.$((10#$i)) name-$i.test" >> "$T/hosts"
    echo "name-$i.test" >> "$T/list50"
done
echo "gone.test" >> "$T/list50"
reload_dns
mkdir -p "$T/config50"
cp "$T/list50" "$T/config50/watch.list"
# TERM=xterm-256color: ncurses decodes the SGR mouse reports sent below.
$TM new-session -d -s v -x 80 -y 24 "TERM=xterm-256color LANG=C.UTF-8 '$SOCKPIT' --pane watch \
    --dns-server 127.0.0.1:$PORT --interval 0.5 --state-dir '$T/state50' --config-dir '$T/config50' \
    --chat 127.0.0.1:9; echo EXIT=\$?; sleep 30"
screen() { $TM capture-pane -p -t v; }
keys() { $TM send-keys -t v "$@"; }
click() { # click X Y (0-based screen cell)
    $TM send-keys -t v -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' $(($1 + 1)) $(($2 + 1)) $(($1 + 1)) $(($2 + 1)))"
}
line() { screen | sed -n "$1p"; }
# The first names row (screen line 3: tab bar, header) starts with $1.
first_row() { line 3 | grep -q "^$1 "; }
# The screen line (1-based) of the change log's header.
log_header() { screen | grep -n '^Change log' | cut -d: -f1; }
wait_for 5 shows "gone.test  error  A,AAAA: NXDOMAIN" || fail "no NXDOMAIN for gone.test: $(screen)"
wait_for 5 shows "name-49.test  first" || fail "not every name answered: $(screen)"

# The hint bar keeps Help and Quit; the header is whole, the sparkline gave
# way; 50 names do not fit: the count line says so.
hints=$(screen | tail -1 | sed 's/ *$//')
case $hints in "F1 Help "*"q/F10 Quit") ;; *) fail "80x24 hint bar: '$hints'" ;; esac
header=$(line 2)
for t in Name Addresses "Last change" Error; do
    case $header in *"$t"*) ;; *) fail "80x24 header lacks $t: '$header'" ;; esac
done
case $header in *"…"*|*"RTT history"*) fail "80x24 header cut or too wide: '$header'" ;; esac
screen | grep -qE '^[0-9]+ of 50 shown' || fail "no count line for the names: $(screen)"
[ "$(log_header)" -le 19 ] || fail "the change log has less than 3 rows: $(screen)"
screen | awk 'length > 80 { exit 1 }' || fail "a line is wider than 80 columns"

# Sorting: by name (the default), inverted, by header click, with s.
first_row gone.test || fail "not sorted by name: $(line 3)"
line 2 | grep -q "Name▴" || fail "no sort marker: $(line 2)"
keys I
wait_for 3 first_row name-49.test || fail "I did not invert: $(line 3)"
line 2 | grep -q "Name▾" || fail "no descending marker: $(line 2)"
x=$(line 2 | grep -bo Error | cut -d: -f1)
click "$x" 1
wait_for 3 first_row gone.test || fail "a click on Error did not sort errors first: $(line 3)"
line 2 | grep -q "Error▾" || fail "no marker on Error: $(line 2)"
keys s
wait_for 3 shows "sorted by name" || fail "s did not cycle to name: $(screen)"
keys s
wait_for 3 shows "sorted by last change" || fail "s did not cycle to last change: $(screen)"
line 2 | grep -q "Last change▾" || fail "no marker on Last change: $(line 2)"
printf '198.18.7.133 name-33.test\n' >> "$T/hosts"
reload_dns
wait_for 5 first_row name-33.test || fail "the newest change is not first: $(line 3)"
keys s
wait_for 3 shows "sorted by RTT" || fail "s did not cycle to RTT: $(screen)"
line 2 | grep -q "RTT▾" || fail "no marker on RTT: $(line 2)"
# Back to names, an order that answers do not move, for the clicks below.
click 1 1
wait_for 3 bash -c "$TM capture-pane -p -t v | sed -n 2p | grep -q 'Name▴'" || fail "a click on Name did not sort: $(line 2)"

# Search selects without hiding: Enter then shows that name's history.
keys F3 C-u name-42 Enter
wait_for 3 shows "name-41.test" || fail "search hid rows"
keys Enter
wait_for 3 shows "name-42.test: history" || fail "search did not select name-42: $(screen)"
keys Escape

# The focus moves to the change log, which scrolls: G shows its oldest
# events, Enter the history of the selected event's name.
# Once the history box is gone (its redraw may lag the Escape).
wait_for 3 bash -c "$TM capture-pane -p -t v | grep -q '^Change log'" || fail "no change log after Escape: $(screen)"
newest=$(line $(($(log_header) + 1)))
case $newest in 20*) ;; *) fail "the newest event row is not an event: '$newest'" ;; esac
keys l
wait_for 3 bash -c "$TM capture-pane -p -t v | tail -1 | grep -q 'l Names'" || fail "no log focus: $(screen | tail -1)"
keys G
wait_for 3 bash -c "! $TM capture-pane -p -t v | grep -qF -- '$newest'" || fail "the log did not scroll: $(screen)"
screen | grep -qE '[0-9]+ of [0-9]+ shown$' || fail "no count line for the log: $(screen)"
name=$(screen | sed -n "$(( $(log_header) + 1 )),\$p" | grep -E '^[0-9-]+ ' | tail -1 | awk -F'  ' '{print $2}')
keys Enter
wait_for 3 shows "$name: history" || fail "Enter on the oldest shown event did not open $name: $(screen)"
keys Escape
keys l g
wait_for 3 bash -c "$TM capture-pane -p -t v | tail -1 | grep -q 'l Log'" || fail "l did not give the names back the focus"

# A click in the log area selects that log row (and gives the log the
# focus), not a name.
y=$(( $(log_header) + 1 ))   # the second event row, as screen row 0-based
name=$(line $((y + 1)) | awk -F'  ' '{print $2}')
click 5 "$y"
wait_for 3 bash -c "$TM capture-pane -p -t v | tail -1 | grep -q 'l Names'" || fail "a click in the log left the focus"
keys Enter
wait_for 3 shows "$name: history" || fail "the click did not select the log row of $name: $(screen)"
keys Escape
# A click on a names row gives the names the focus and selects it.
row=$(line 5 | cut -d' ' -f1)
click 2 4
wait_for 3 bash -c "$TM capture-pane -p -t v | tail -1 | grep -q 'l Log'" || fail "a click on a name left the focus in the log"
keys Enter
wait_for 3 shows "$row: history" || fail "the click did not select $row: $(screen)"
keys Escape

# Freezing: the count line counts the updates that wait; the selection
# survives the thaw.
keys Space
wait_for 5 bash -c "$TM capture-pane -p -t v | grep -qE 'FROZEN · [0-9]+ updates'" || fail "no FROZEN count: $(screen)"
keys Space
wait_for 3 bash -c "! $TM capture-pane -p -t v | grep -q FROZEN" || fail "did not thaw"
keys Enter
wait_for 3 shows "$row: history" || fail "the thaw lost the selection of $row: $(screen)"
keys Escape q
wait_for 5 shows "EXIT=0" || fail "did not quit cleanly at 80x24: $(screen)"
echo ok
