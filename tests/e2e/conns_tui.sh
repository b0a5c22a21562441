#!/bin/bash
# The Connections pane in a detached tmux: a paced 2 MB/s loopback sender
# with its PID and a rate within 10 % (by connection and by process), the
# reverse name from a dnsmasq on loopback, group views (g), sort marker,
# < > I and a header click, search, clicks, details (tcp_info), freeze with
# pending updates and the selection kept, closed connections dimmed then
# gone, and 80x24 (the count line, nothing wider, Help and Quit stay).
set -u
: "${SOCKPIT:?}" "${SOCKPIT_SRC:?}"
command -v tmux >/dev/null && command -v python3 >/dev/null && command -v dnsmasq >/dev/null || exit 77
T=$(mktemp -d /tmp/sp-conns-tui.XXXXXX)
TM=sp-conns-$$
SINK= SEND= IDLE= DNS= HOLD=
cleanup() {
    tmux -L "$TM" kill-server 2>/dev/null
    [ -n "$HOLD" ] && ip netns del "$HOLD" 2>/dev/null
    for p in $SEND $IDLE $SINK; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    [ -f "$T/dnsmasq.pid" ] && kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- screen:"; tmux -L "$TM" capture-pane -p 2>/dev/null | sed '/^$/d'; exit 1; }
screen() { tmux -L "$TM" capture-pane -p; }
# 5 s unless told: an ASan build on a loaded machine redraws late, and
# these limits count whole seconds of $SECONDS (5 is 4 to 5 s).
wait_for() { # REGEX [SECONDS]
    local deadline=$((SECONDS + ${2:-5}))
    while [ $SECONDS -lt $deadline ]; do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
    return 1
}
wait_gone() { # REGEX [SECONDS]
    local deadline=$((SECONDS + ${2:-5}))
    while [ $SECONDS -lt $deadline ]; do screen | grep -qE -- "$1" || return 0; sleep 0.05; done
    return 1
}
keys() { tmux -L "$TM" send-keys "$@"; }
click() {
    local cx cy
    cx=$(printf "\\$(printf %03o $(($1 + 33)))") cy=$(printf "\\$(printf %03o $(($2 + 33)))")
    tmux -L "$TM" send-keys -l "$(printf '\033[M ')$cx$cy$(printf '\033[M#')$cx$cy"
}
row_of() { screen | grep -nE -m1 -- "$1" | cut -d: -f1 | awk '{print $1 - 1}'; }
col_of() { # REGEX-ROW TEXT: the 0-based column of TEXT in that row
    local line prefix
    line=$(screen | grep -E -m1 -- "$1")
    prefix=${line%%"$2"*}
    LC_ALL=C.UTF-8 bash -c 'echo ${#1}' _ "$prefix"
}
free_port() { python3 "$SOCKPIT_SRC/tests/lib/free_port.py"; }
PACER="$SOCKPIT_SRC/tests/lib/conns_pacer.py"
UP='(▴|\^)' DOWN='(▾|v)'

# Run as root, the pane has a Netns column (after Process) while more than
# one network namespace exists; tests running alongside make and remove
# theirs, and the columns right of Process would move between reading a
# header's place and clicking it. A namespace of our own holds the column.
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "sp-ct-$$" 2>/dev/null; then
    HOLD=sp-ct-$$
fi

# A DNS server on loopback that names 127.0.0.1 (nothing else is asked).
DPORT=$(free_port)
echo "127.0.0.1 sptest-lo.test" > "$T/hosts"
dnsmasq --port="$DPORT" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --addn-hosts="$T/hosts" --local=/127.in-addr.arpa/ --local-ttl=600 --pid-file="$T/dnsmasq.pid" \
    $( [ "$(id -u)" = 0 ] && echo --user=root ) 2> "$T/dnsmasq.err" || fail "dnsmasq: $(cat "$T/dnsmasq.err")"

python3 "$PACER" sink "$T/port" & SINK=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port")
[ -n "$PORT" ] || fail "the sink did not start"
python3 "$PACER" send "$PORT" 2000000 300 & SEND=$!
# 30 idle connections of another process, to cut rows at 80x24 and to close.
python3 -c '
import socket, sys, time
cs = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(30)]
print("up", flush=True)
time.sleep(600)' "$PORT" > "$T/idle" & IDLE=$!
for _ in $(seq 100); do [ -s "$T/idle" ] && break; sleep 0.05; done

mkdir -p "$T/home"
tmux -L "$TM" -f /dev/null new-session -d -x 150 -y 40 \
    "env HOME=$T/home XDG_CONFIG_HOME=$T/home XDG_STATE_HOME=$T/home LANG=C.UTF-8 \
     $SOCKPIT --pane conns --dns-server 127.0.0.1:$DPORT --chat 127.0.0.1:9 --conns-refresh 1; echo EXIT=\$? > $T/exit"

# The sender: its PID, 2 MB/s within 10 % (1.8M-2.2M), first (total rate).
RATE='(1\.[89]|2\.[012])M'
wait_for "\[5 Connections\]" || fail "the pane did not start"
wait_for "^Proto +State +Local +Remote +Process .*Rate$DOWN" || fail "header or sort marker"
wait_for "127\.0\.0\.1:$PORT sptest-lo\.test +python3/$SEND .* $RATE +0 +$RATE +[0-9]+s" 6 ||
    fail "the sender's row with its rate"
wait_for "^tcp +ESTAB +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$PORT sptest-lo\.test +python3/$SEND " ||
    fail "the sender is not the first row"
wait_for "127\.0\.0\.1:$PORT +127\.0\.0\.1:[0-9]+ sptest-lo\.test +python3/$SINK .* 0 +$RATE +$RATE " ||
    fail "the sink's row"

# Group views: by process (rate, count, sparkline), remote host, service.
keys g
wait_for "^Process +Conns +TX/s +RX/s +Rate$DOWN +Sent +Recv +History" || fail "by process"
wait_for "^python3/$SEND +1 +$RATE +0 +$RATE .*[▁▂▃▄▅▆▇█]" || fail "the sender's process row"
wait_for "^python3/$IDLE +30 " || fail "the idle process's 30 connections"
keys g
wait_for "^Remote host +Conns" || fail "by remote host"
wait_for "^127\.0\.0\.1 sptest-lo\.test +[0-9]+ " || fail "remote host row with its name"
keys g
wait_for "^Local service +Conns" || fail "by local service"
wait_for "^$PORT/tcp +6[0-9] +$RATE +$RATE " || fail "the sink's port as the service (both ends of 31)"
keys g
wait_for "^Proto +State +Local" || fail "g did not come back to connections"

# Our rows only from here (other programs' sockets come and go and would
# move the columns under the clicks).
keys /; keys -l "127.0.0.1:$PORT"
keys Enter
wait_for "filter '127.0.0.1:$PORT'" 6 || fail "filter by the port"
# Sorting: < > I and header clicks.
keys '<'
wait_for "RX/s$DOWN" || fail "< did not move the sort"
keys '>'
wait_for "Rate$DOWN" || fail "> did not come back"
keys I
wait_for "Rate$UP" || fail "I did not invert"
keys I
wait_for "Rate$DOWN" || fail "I did not invert back"
y=$(row_of "^Proto ")
click "$(col_of "^Proto " "Process")" "$y"
wait_for "Process$UP" || fail "header click did not sort by Process"
click "$(col_of "^Proto " "Rate")" "$y"
wait_for "Rate$DOWN" || fail "header click on Rate (highest first)"
click "$(col_of "^Proto " "Rate")" "$y"
wait_for "Rate$UP" || fail "second header click did not invert"
click "$(col_of "^Proto " "Rate")" "$y"
wait_for "Rate$DOWN" || fail "third header click did not invert back"

# Search selects without hiding; Enter shows the whole tcp_info.
keys F3
wait_for "Search:" || fail "F3 did not ask"
keys -l "python3/$SEND"
keys Enter
wait_for "python3/$IDLE" || fail "search hid rows"
keys Enter
wait_for "Process  python3/$SEND" || fail "search did not select the sender"
wait_for "tcp_info \([0-9]+ bytes\)" || fail "no tcp_info in the details"
wait_for "Rates +[0-9]+ B/s out" || fail "no rates in the details"
keys Escape
wait_gone "tcp_info \(" || fail "Esc did not close the details"
keys n
wait_for "python3/$IDLE" || fail "n hid rows"

# Filter by process; sorted by Remote the rows hold still. A click selects
# a row; a click on the footer line selects nothing.
keys / C-u; keys -l "python3/$SINK"
keys Enter
wait_for "filter 'python3/$SINK'" 6 || fail "filter by process"
wait_gone "python3/$IDLE" || fail "the filter kept other rows"
click "$(col_of "^Proto " "Remote")" "$(row_of "^Proto ")"
wait_for "Remote$UP" || fail "header click did not sort by Remote"
click 3 2
keys Enter
wait_for "Process  python3/$SINK" || fail "click did not select a row"
REMOTE=$(screen | grep -oE "Remote   127\.0\.0\.1:[0-9]+" | head -1 | awk '{print $2}')
[ -n "$REMOTE" ] || fail "no remote address in the details"
keys Escape
wait_gone "tcp_info \(" || fail "details not closed"
click 3 "$(row_of "by connection \|")"
keys Enter
wait_for "Remote   $REMOTE" || fail "a click off the rows moved the selection"
keys Escape
wait_gone "tcp_info \(" || fail "details not closed"

# Freeze: refreshes wait and are counted; the selection survives the thaw.
keys Space
wait_for "FROZEN" || fail "Space did not freeze"
wait_for "FROZEN · [0-9]+ updates?" || fail "no pending updates while frozen"
tmux -L "$TM" send-keys -l " "$'\r'
wait_for "Remote   $REMOTE" || fail "the selection did not survive the thaw"
keys Escape
wait_gone "FROZEN" || fail "still frozen"
keys Escape
wait_gone "filter '" || fail "Esc did not clear the filter"
# From Remote, > walks right to Rate (each column in its first direction).
# Run as root, the pane has a Netns column while other namespaces exist
# (tests running alongside make and remove theirs): > may stop there too.
for t in "Process$UP" "RTT$DOWN" "Retr$DOWN" "Sent$DOWN" "Recv$DOWN" "TX/s$DOWN" "RX/s$DOWN" "Rate$DOWN"; do
    keys '>'
    wait_for "$t|Netns$UP" || fail "> did not reach $t"
    if ! screen | grep -qE -- "$t"; then
        keys '>'
        wait_for "$t" || fail "> did not reach $t after Netns"
    fi
done

# 80x24: Remote, Process and Rate stay; cut rows show a count line (our
# 62 rows only: the host may hold thousands more).
# The idle process's rows are the client sides, all with the remote port
# (equal rates leave the two sides in any order).
tmux -L "$TM" resize-window -x 80 -y 24
keys /; keys -l "python3/$IDLE"
keys Enter
wait_for "filter 'python3/$IDLE'" 6 || fail "filter by the idle process at 80x24"
wait_for "^(Proto +)?State +Local +Remote +Process +(Netns +)?TX/s +RX/s +Rate$DOWN" || fail "80x24 header"
wait_for "^ESTAB +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$PORT\b" || fail "80x24 cut the remote port"
keys / C-u; keys -l "python3/$SEND"
keys Enter
wait_for "filter 'python3/$SEND'" 6 || fail "filter by the sender at 80x24"
wait_for "python3/$SEND .* $RATE" || fail "80x24 lost the sender's rate"
keys / C-u; keys -l "127.0.0.1:$PORT"
keys Enter
wait_for "filter '127.0.0.1:$PORT'" 6 || fail "filter by the port at 80x24"
wait_for "[0-9]+ of [0-9]+ shown" || fail "no count line when rows are cut"
wait_for "F1 Help.*q/F10 Quit" || fail "80x24 hint bar lost Help or Quit"
screen | python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 80 for l in sys.stdin))' ||
    fail "a line wider than 80 columns"
keys Escape
wait_gone "filter '" || fail "Esc did not clear the filter"
keys g
wait_for "^python3/$SEND +1 +$RATE" || fail "80x24 by process"
keys g g g
tmux -L "$TM" resize-window -x 150 -y 40

# Closed connections stay dimmed a few seconds with their counts, then go.
keys /; keys -l "python3/$IDLE"
keys Enter
wait_for "filter 'python3/$IDLE'" 6 || fail "filter by the idle process"
wait_for "^tcp +ESTAB .*python3/$IDLE" || fail "the idle connections"
kill "$IDLE"; wait "$IDLE" 2>/dev/null; IDLE_PID=$IDLE; IDLE=
wait_for "^tcp +closed .*python3/$IDLE_PID" || fail "closed connections not shown"
wait_gone "^tcp .*python3/$IDLE_PID" 10 || fail "closed connections never went"

keys q
for _ in $(seq 100); do [ -s "$T/exit" ] && break; sleep 0.05; done
grep -q "EXIT=0" "$T/exit" || fail "exit status: $(cat "$T/exit" 2>/dev/null)"
echo ok
