#!/bin/bash
# The Hosts pane live, inside namespaces: tmux itself runs under
# `ip netns exec`, so the TUI sees only the test's links. A new neighbour
# shows within 1 s of the first packet to it, its state changes, its row
# goes after `ip neigh del`; views, sort, filter, sweep and cancel.
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
# wait_for REGEX [SECONDS]: polls the screen until REGEX shows.
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

H="$HOSTS_TMP/home"
mkdir -p "$H"
inA env -u TMUX HOME="$H" XDG_CONFIG_HOME="$H" XDG_STATE_HOME="$H" TERM=xterm-256color \
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
wait_for "198\.18\.0\.2 .*REACHABLE.*peer\.test" 2 >/dev/null || fail "peer not REACHABLE with its name"

# A state change, then the row goes with `ip neigh del`.
inA ip neigh replace 198.18.0.2 lladdr 00:1b:21:00:00:02 dev "$IF_A" nud stale
wait_for "198\.18\.0\.2 .*STALE" 1 >/dev/null || fail "state change not shown"
inA ip neigh del 198.18.0.2 dev "$IF_A"
wait_gone "198\.18\.0\.2 " || fail "deleted neighbour still shown"

# INCOMPLETE/FAILED rows only with `a`: a packet to an address nobody has.
# The kernel announces such an entry when it turns FAILED (about 3 s).
inA bash -c "echo x >/dev/udp/198.18.0.99/9"
keys a
wait_for "198\.18\.0\.99 .*(INCOMPLETE|FAILED)" 6 >/dev/null || fail "a did not show the unanswered neighbour"
keys a
wait_gone "198\.18\.0\.99 " || fail "a did not hide it again"
wait_for "FAILED/INCOMPLETE/NOARP hidden" 1 >/dev/null || fail "no hidden count"

# Sort cycle and filter.
keys s
wait_for "sorted by MAC" 1 >/dev/null || fail "s did not sort by MAC"
keys s s s s
wait_for "sorted by IP" 1 >/dev/null || fail "sort cycle does not come back to IP"
keys / s e l f
wait_for "self\.test" 1 >/dev/null || fail "filter hid the match"
sleep 0.2
screen | grep -q "127.0.0.1 " && fail "filter kept a row without 'self'"
keys Escape
wait_for "127\.0\.0\.1 " 1 >/dev/null || fail "Esc did not clear the filter"

# Interfaces view.
keys i
wait_for "$IF_A +up +00:50:56:00:00:01 +1500 198\.18\.0\.1/24" 1 >/dev/null || fail "interfaces view"

# Sweep: prompt prefilled with the interface's subnet, progress, names.
keys S
wait_for "Sweep \(CIDR\): 198\.18\.0\.0/24" 1 >/dev/null || fail "sweep prompt not prefilled"
keys Enter
wait_for "254/254 +names 60 .*done" 5 >/dev/null || fail "sweep did not finish with 60 names"
keys / h 4 2 Enter
wait_for "198\.18\.0\.42 +h42\.test" 1 >/dev/null || fail "sweep result missing"
keys Escape
wait_for "198\.18\.0\.1 +self\.test" 1 >/dev/null || fail "Esc did not clear the sweep filter"

# Over /16 refused, over /22 confirmed, Esc cancels.
keys S C-u "10.0.0.0/8" Enter
wait_for "larger than a /16" 1 >/dev/null || fail "/8 not refused"
keys S C-u "198.18.0.0/16" Enter
wait_for "Sweep 198\.18\.0\.0/16: 65534 addresses\? \(y/n\)" 1 >/dev/null || fail "/16 not confirmed"
keys y
wait_for "Sweep 198\.18\.0\.0/16 " 1 >/dev/null || fail "/16 sweep did not start"
keys Escape
wait_for "cancelled" 1 >/dev/null || fail "Esc did not cancel"

# Probe sweep brings a flushed peer back.
inA ip neigh flush all
keys P C-u "198.18.0.0/28" Enter
wait_for "14/14 .*done" 3 >/dev/null || fail "probe sweep did not finish"
keys i
wait_for "198\.18\.0\.2 .*00:1b:21:00:00:02" 2 >/dev/null || fail "probe did not fill the neighbour table"

# Small terminals do not crash.
tmux -L "$TM" resize-window -x 40 -y 12
sleep 0.3
screen | grep -q "198.18.0.1" || fail "40x12 lost the rows"
tmux -L "$TM" resize-window -x 150 -y 30
keys q
wait_for "EXIT=0" 3 >/dev/null || fail "q did not quit cleanly"
echo PASS
