#!/bin/bash
# The Hosts pane live, inside namespaces: tmux itself runs under
# `ip netns exec`, so the TUI sees only the test's links. A new neighbour
# shows within 1 s of the first packet to it, its state changes, its row
# goes after `ip neigh del`; views, sort (numeric addresses, the sort keys
# and header clicks), search, clicks, freeze, filter, sweep and cancel, at
# 150 columns and at 80x24. Run it with SOCKPIT pointing at an ASan build
# too: the freeze then Space+Enter in one read once used freed memory.
set -u
S=${SOCKPIT:?}
fail() { echo "FAIL: $*" >&2; [ -n "${TM:-}" ] && tmux -L "$TM" capture-pane -p >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: namespaces need root"; exit 77; }
command -v dnsmasq >/dev/null && command -v tmux >/dev/null || { echo "SKIP: needs dnsmasq and tmux"; exit 77; }
. "$SOCKPIT_SRC/tests/data/hosts/netns.sh"
TM="sp-hosts-$$"
cleanup() { tmux -L "$TM" kill-server 2>/dev/null; hosts_cleanup; }
trap cleanup EXIT
hosts_setup || fail "namespace set-up failed"
inA() { ip netns exec "$NS_A" "$@"; }

screen() { tmux -L "$TM" capture-pane -p; }
# wait_for REGEX [SECONDS]: polls the screen until REGEX shows. 5 s unless
# the time is the point (an ASan build on a loaded machine redraws late). 5 s unless
# the time is the point (an ASan build on a loaded machine redraws late).
wait_for() {
    local re=$1 limit=${2:-5} start now
    start=$(date +%s.%N)
    while :; do
        screen | grep -qE -- "$re" && return 0
        now=$(date +%s.%N)
        awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN{exit !(b-a>l)}' && return 1
        sleep 0.05
    done
}
wait_gone() {
    local re=$1
    for _ in $(seq 100); do screen | grep -qE -- "$re" || return 0; sleep 0.05; done
    return 1
}
keys() { tmux -L "$TM" send-keys "$@"; }
# click X Y (0-based screen cell), as the X10 report (press, release) a
# terminal sends for TERM=screen, which tmux gives the program.
click() {
    local cx cy
    cx=$(printf "\\$(printf %03o $(($1 + 33)))") cy=$(printf "\\$(printf %03o $(($2 + 33)))")
    tmux -L "$TM" send-keys -l "$(printf '\033[M ')$cx$cy$(printf '\033[M#')$cx$cy"
}
# row_of REGEX: the 0-based screen row of the first line matching REGEX.
row_of() { screen | grep -nE -m1 -- "$1" | cut -d: -f1 | awk '{print $1 - 1}'; }
# before A B: the line matching A comes before the one matching B.
before() {
    local a b
    a=$(row_of "$1"); b=$(row_of "$2")
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}
UP='(▴|\^)' DOWN='(▾|v)'

H="$HOSTS_TMP/home"
mkdir -p "$H"
inA env -u TMUX HOME="$H" XDG_CONFIG_HOME="$H" XDG_STATE_HOME="$H" TERM=xterm-256color LANG=C.UTF-8 \
    tmux -L "$TM" -f /dev/null new-session -d -x 150 -y 30 \
    "$S --pane hosts --dns-server $HOSTS_DNS --chat 127.0.0.1:9 --config-dir $H --state-dir $H; echo EXIT=\$?; sleep 30"
wait_for "198\.18\.0\.1 .*\(this host\)" || fail "own address not shown as (this host)"
wait_for "198\.18\.0\.1 .*self\.test" || fail "own address not named"
screen | grep -q "198.18.0.2 " && fail "peer shown before any packet"

# A new neighbour within 1 s of the first packet.
t0=$(date +%s%N)
inA bash -c "echo x >/dev/udp/198.18.0.2/9"
wait_for "198\.18\.0\.2 .*00:1b:21:00:00:02.*Intel" 1 >/dev/null || fail "new neighbour not shown within 1 s"
t1=$(date +%s%N)
echo "new neighbour shown after $(( (t1 - t0) / 1000000 )) ms"
wait_for "198\.18\.0\.2 .*REACHABLE.*peer\.test" >/dev/null || fail "peer not REACHABLE with its name"

# A state change, then the row goes with `ip neigh del`.
inA ip neigh replace 198.18.0.2 lladdr 00:1b:21:00:00:02 dev "$IF_A" nud stale
wait_for "198\.18\.0\.2 .*STALE" >/dev/null || fail "state change not shown"
# The peer forgets us first: its probe of a stale entry for .1 (5 s after
# it learned it) would make our kernel learn .2 again, and a row coming back
# mid-test moves the ones below it between reading the screen and a click.
ip netns exec "$NS_B" ip neigh flush dev "$IF_B"
inA ip neigh del 198.18.0.2 dev "$IF_A"
wait_gone "198\.18\.0\.2 " || fail "deleted neighbour still shown"

# INCOMPLETE/FAILED rows only with `a`: a packet to an address nobody has.
# The kernel announces such an entry when it turns FAILED (about 3 s).
inA bash -c "echo x >/dev/udp/198.18.0.99/9"
keys a
wait_for "198\.18\.0\.99 .*(INCOMPLETE|FAILED)" 6 >/dev/null || fail "a did not show the unanswered neighbour"
keys a
wait_gone "198\.18\.0\.99 " || fail "a did not hide it again"
wait_for "FAILED/INCOMPLETE/NOARP hidden" >/dev/null || fail "no hidden count"

# Sort cycle and filter.
keys s
wait_for "sorted by MAC" >/dev/null || fail "s did not sort by MAC"
keys s s s s
wait_for "sorted by IP" >/dev/null || fail "sort cycle does not come back to IP"
# Addresses sort as numbers (.9 before .10), in both directions.
wait_for "^IP$UP " >/dev/null || fail "no sort marker on IP"
for i in 9 10; do inA ip neigh replace 198.18.0.$i lladdr 00:1b:21:00:00:0$((i % 10)) dev "$IF_A" nud permanent; done
wait_for "198\.18\.0\.10 " >/dev/null || fail "permanent neighbours not shown"
before "198\.18\.0\.1 " "198\.18\.0\.9 " && before "198\.18\.0\.9 " "198\.18\.0\.10 " ||
    fail "addresses not in numeric order"
keys I
wait_for "^IP$DOWN " >/dev/null || fail "I did not invert"
before "198\.18\.0\.10 " "198\.18\.0\.9 " || fail "inverted order is not numeric"
keys I
wait_for "^IP$UP " >/dev/null || fail "I did not invert back"
keys '>'
wait_for "MAC$UP " >/dev/null || fail "> did not sort by MAC"
keys '<'
wait_for "^IP$UP " >/dev/null || fail "< did not come back to IP"
# A click on the Name header sorts by it, a second inverts; a click on IP
# goes back.
y=$(row_of "^IP$UP ")
line=$(screen | sed -n "$((y + 1))p")
prefix=${line%%Name*}
x=$(LC_ALL=C.UTF-8 bash -c 'echo ${#1}' _ "$prefix")
click "$x" "$y"
wait_for " Name$UP" >/dev/null || fail "header click did not sort by Name"
before "h10\.test" "h9\.test" && before "h9\.test" "self\.test" || fail "not sorted by name"
click "$x" "$y"
wait_for " Name$DOWN" >/dev/null || fail "second header click did not invert"
before "self\.test" "h9\.test" || fail "not sorted by name, descending"
click 0 "$y"
wait_for "^IP$UP " >/dev/null || fail "header click did not sort by IP"

# Search selects without hiding: Enter then shows the row found.
keys F3
wait_for "Search:" >/dev/null || fail "F3 did not ask"
keys h 1 0 Enter
wait_for "127\.0\.0\.1 " >/dev/null || fail "search hid rows"
keys Enter
wait_for "IP +198\.18\.0\.10 *│" >/dev/null || fail "search did not select the row"
keys Escape
wait_gone "IP +198\.18\.0\.10 *│" || fail "Esc did not close the details"
keys n
wait_for "127\.0\.0\.1 " >/dev/null || fail "n hid rows"

# A click selects a row; a click on the line above the table selects nothing.
screen | grep -q "198\.18\.0\.2 " && fail "the deleted peer came back"
click 3 "$(row_of "^198\.18\.0\.9 ")"
keys Enter
wait_for "IP +198\.18\.0\.9 *│" >/dev/null || fail "click did not select the row"
keys Escape
wait_gone "IP +198\.18\.0\.9 *│" || fail "details not closed"
click 3 1
keys Enter
wait_for "IP +198\.18\.0\.9 *│" >/dev/null || fail "a click on the info line moved the selection"
keys Escape
wait_gone "IP +198\.18\.0\.9 *│" || fail "details not closed"

# Freeze: updates wait and are counted; then Space (thaw) and Enter in one
# write: the selection survives and the details are of the same row.
keys Space
wait_for "FROZEN" >/dev/null || fail "Space did not freeze"
inA ip neigh replace 198.18.0.11 lladdr 00:1b:21:00:00:11 dev "$IF_A" nud permanent
wait_for "FROZEN · [0-9]+ updates?" >/dev/null || fail "no pending updates while frozen"
screen | grep -q "198\.18\.0\.11 " && fail "a frozen pane showed the new row"
tmux -L "$TM" send-keys -l " "$'\r'
wait_for "IP +198\.18\.0\.9 *│" >/dev/null || fail "the selection did not survive the thaw"
keys Escape
wait_for "198\.18\.0\.11 " >/dev/null || fail "thaw did not show the update"
screen | grep -q "FROZEN" && fail "still frozen"

# 80x24: Vendor and Name stay, rows cut show a count line, Help and Quit stay.
tmux -L "$TM" resize-window -x 80 -y 24
wait_for "^IP$UP +MAC +Vendor +State +Name" >/dev/null || fail "80x24 header lost Vendor or Name"
wait_for "198\.18\.0\.9 .*Intel Corporate +PERMANENT +h9\.test" >/dev/null || fail "80x24 lost a column of a row"
wait_for "F1 Help.*q/F10 Quit" >/dev/null || fail "80x24 hint bar lost Help or Quit"
for i in $(seq 100 129); do echo "neigh replace 198.18.0.$i lladdr 00:1b:21:00:01:$((i - 100 + 10)) dev $IF_A nud permanent"; done |
    inA ip -batch -
wait_for "[0-9]+ of 3[0-9] shown" >/dev/null || fail "no count line when rows are cut"
screen | awk 'length($0) > 80 { exit 1 }' || fail "a line wider than 80 columns"
inA ip neigh flush dev "$IF_A" nud permanent
wait_gone "198\.18\.0\.10 " || fail "flushed neighbours still shown"
tmux -L "$TM" resize-window -x 150 -y 30

keys / s e l f
# self.test showed before the filter: wait for the row it must hide to go.
wait_gone "127\.0\.0\.1 " || fail "filter kept a row without 'self'"
wait_for "self\.test" >/dev/null || fail "filter hid the match"
keys Escape
wait_for "127\.0\.0\.1 " >/dev/null || fail "Esc did not clear the filter"

# Interfaces view with a filter: the sweep prompt offers the subnet of the
# interface selected, not that of the row at the same place unfiltered.
IF_X="spx$$"
inA ip link add "$IF_X" type veth peer name "spy$$"
inA ip addr add 198.19.5.1/24 dev "$IF_X"
inA ip link set "$IF_X" up
keys i
wait_for "$IF_X +up" >/dev/null || fail "second interface not shown"
keys / s p x Enter
wait_gone "^lo " || fail "filter kept lo"
keys S
wait_for "Sweep \(CIDR\): 198\.19\.5\.0/24" >/dev/null || fail "sweep prompt did not offer the selected interface's subnet"
keys Escape
wait_gone "Sweep \(CIDR\)" || fail "Esc did not close the prompt"
keys Escape
wait_for "^lo " >/dev/null || fail "Esc did not clear the filter"
inA ip link del "$IF_X"
wait_gone "$IF_X " || fail "deleted interface still shown"
keys i
wait_for "FAILED/INCOMPLETE/NOARP hidden" >/dev/null || fail "i did not come back to the neighbours"

# Interfaces view.
keys i
wait_for "$IF_A +up +00:50:56:00:00:01 +1500 198\.18\.0\.1/24" >/dev/null || fail "interfaces view"

# Sweep: prompt prefilled with the interface's subnet, progress, names.
keys S
wait_for "Sweep \(CIDR\): 198\.18\.0\.0/24" >/dev/null || fail "sweep prompt not prefilled"
keys Enter
wait_for "254/254 +names 60 .*done" 20 >/dev/null || fail "sweep did not finish with 60 names"
keys / h 4 2 Enter
wait_for "198\.18\.0\.42 +h42\.test" >/dev/null || fail "sweep result missing"
keys Escape
wait_for "198\.18\.0\.1 +self\.test" >/dev/null || fail "Esc did not clear the sweep filter"

# Over /16 refused, over /22 confirmed, Esc cancels.
keys S C-u "10.0.0.0/8" Enter
wait_for "larger than a /16" >/dev/null || fail "/8 not refused"
keys S C-u "198.18.0.0/16" Enter
wait_for "Sweep 198\.18\.0\.0/16: 65534 addresses\? \(y/n\)" >/dev/null || fail "/16 not confirmed"
keys y
wait_for "Sweep 198\.18\.0\.0/16 " >/dev/null || fail "/16 sweep did not start"
keys Escape
wait_for "cancelled" >/dev/null || fail "Esc did not cancel"

# Probe sweep brings a flushed peer back.
inA ip neigh flush all
keys P C-u "198.18.0.0/28" Enter
wait_for "14/14 .*done" >/dev/null || fail "probe sweep did not finish"
keys i
wait_for "198\.18\.0\.2 .*00:1b:21:00:00:02" >/dev/null || fail "probe did not fill the neighbour table"

# Small terminals do not crash.
tmux -L "$TM" resize-window -x 40 -y 12
wait_for "198\.18\.0\.1" >/dev/null || fail "40x12 lost the rows"
tmux -L "$TM" resize-window -x 150 -y 30
keys q
wait_for "EXIT=0" >/dev/null || fail "q did not quit cleanly"
echo PASS
