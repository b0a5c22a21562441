#!/usr/bin/env bash
# What the TUI writes to the terminal, in bytes a second, as an SSH link
# would carry it: each case runs in a private tmux server and its output is
# counted with tmux pipe-pane.
#   idle on each pane                            target 0 B/s
#   DNS watch, 50 names every second             target <= 1.5 KB/s  (dnsmasq on loopback)
#   Hosts during a /16 sweep, 50 ms resolver     target <= 1.2 KB/s  (root: network namespaces)
#   Chat receiving 1,000 frames a second         target <= 2 KB/s    (a Python peer on loopback)
# and htop's idle figure beside them when htop is installed. A benchmark: it
# prints the figures and exits 0 whatever they are.
# Usage: SOCKPIT=build/sockpit bash tests/bench/tui_bandwidth.sh
#   SECONDS_EACH=10 (measuring time per case), COLS=80 ROWS=24 (terminal size),
#   SHOW=1 (print each case's screen after it, to see what was measured)
set -u
S=$(realpath "${SOCKPIT:-build/sockpit}")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
EACH=${SECONDS_EACH:-10}
COLS=${COLS:-80}
ROWS=${ROWS:-24}
SOCK="sp-bw-$$"
T=$(mktemp -d)
PIDS=""
NETNS=""
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    [ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null
    [ -n "$NETNS" ] && hosts_cleanup
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start NAME COMMAND: runs COMMAND (a shell line) in a new session NAME.
start() {
    tmux -L "$SOCK" -f /dev/null new-session -d -s "$1" -x "$COLS" -y "$ROWS" "$2; sleep 600"
    tmux -L "$SOCK" set-option -g status off >/dev/null
}

# wait_screen NAME TEXT [SECONDS]: until the session's screen shows TEXT.
wait_screen() {
    local deadline=$((SECONDS + ${3:-10}))
    while [ $SECONDS -lt $deadline ]; do
        tmux -L "$SOCK" capture-pane -p -t "$1" | grep -qF -- "$2" && return 0
        sleep 0.1
    done
    echo "  ($1 never showed '$2')" >&2
    return 1
}

# measure NAME...: counts what each session's program writes for $EACH
# seconds, all at once; leaves the bytes in $T/NAME.bytes.
measure() {
    for n in "$@"; do
        : >"$T/$n.out"
        tmux -L "$SOCK" pipe-pane -O -t "$n" "cat >> $T/$n.out"
    done
    sleep "$EACH"
    for n in "$@"; do tmux -L "$SOCK" pipe-pane -t "$n"; done
    sleep 0.3
    for n in "$@"; do
        stat -c %s "$T/$n.out" >"$T/$n.bytes"
        [ -n "${SHOW:-}" ] && tmux -L "$SOCK" capture-pane -p -t "$n" | sed "s/^/    $n| /"
    done
}

# report LABEL NAME TARGET: prints the rate of session NAME against TARGET B/s.
report() {
    awk -v l="$1" -v b="$(cat "$T/$2.bytes")" -v s="$EACH" -v t="$3" 'BEGIN {
        r = b / s
        printf "  %-40s %8.1f B/s   target %s B/s: %s\n", l, r, t, r <= t ? "ok" : "OVER" }'
}

skip() { printf "  %-40s skipped: %s\n" "$1" "$2"; }

# The sockpit command line, with private directories and TERM set.
sp() {
    local home=$T/home-$1
    shift
    mkdir -p "$home"
    printf 'env HOME=%q XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color %q' \
        "$home" "$home/.config" "$home/.state" "$S"
    [ $# -gt 0 ] && printf ' %q' "$@"
}

echo "TUI terminal output at ${COLS}x${ROWS}, ${EACH} s a case (tmux pipe-pane):"

# ---- idle, every pane at once (and htop) ----
python3 "$SRC/tests/bench/tui_bandwidth_peer.py" "$T/silent.port" silent & PIDS="$PIDS $!"
for _ in $(seq 100); do [ -s "$T/silent.port" ] && break; sleep 0.05; done
silent=$(cat "$T/silent.port")
dead=$(free_port)
names="services hosts watch chat"
titles=("[1 Services]" "[2 Hosts]" "[3 DNS watch]" "[4 Chat]")
i=0
for p in $names; do
    start "idle-$p" "$(sp "$p" --dns-server "127.0.0.1:$dead" --chat "127.0.0.1:$silent" --pane "$p")"
    wait_screen "idle-$p" "${titles[$i]}"
    i=$((i + 1))
done
idle="idle-services idle-hosts idle-watch idle-chat"
if command -v htop >/dev/null; then
    start idle-htop "env TERM=xterm-256color htop"
    idle="$idle idle-htop"
fi
# Past the start-up messages (the status line clears them after 8 s at most).
sleep 9
measure $idle
for p in $names; do report "idle, $p pane" "idle-$p" 0; done
if command -v htop >/dev/null; then
    awk -v b="$(cat "$T/idle-htop.bytes")" -v s="$EACH" 'BEGIN { printf "  %-40s %8.1f B/s\n", "htop idle (for comparison)", b / s }'
else
    skip "htop idle (for comparison)" "htop is not installed"
fi
tmux -L "$SOCK" kill-server 2>/dev/null

# ---- DNS watch: 50 names every second ----
if command -v dnsmasq >/dev/null; then
    . "$SRC/tests/data/watch/lib.sh"
    port=$(free_port)
    mkdir -p "$T/dns" "$T/home-watch50/.config/sockpit"
    for n in $(seq 50); do
        echo "198.18.9.$n name$n.test" >>"$T/dns/hosts"
        echo "name$n.test" >>"$T/home-watch50/.config/sockpit/watch.list"
    done
    if start_dns "$T/dns" "$port" >/dev/null; then
        start watch50 "$(sp watch50 --dns-server "127.0.0.1:$port" --chat "127.0.0.1:$silent" --pane watch --interval 1)"
        wait_screen watch50 "name50.test" 15
        sleep 3
        measure watch50
        report "DNS watch, 50 names at 1 s" watch50 1536
    else
        skip "DNS watch, 50 names at 1 s" "dnsmasq did not start"
    fi
    stop_dns
    tmux -L "$SOCK" kill-server 2>/dev/null
else
    skip "DNS watch, 50 names at 1 s" "dnsmasq is not installed"
fi

# ---- Hosts: a /16 sweep through a resolver that answers after 50 ms ----
if [ "$(id -u)" != 0 ]; then
    skip "Hosts, /16 sweep, 50 ms resolver" "needs root for a network namespace"
elif ! command -v dnsmasq >/dev/null; then
    skip "Hosts, /16 sweep, 50 ms resolver" "dnsmasq is not installed"
else
    . "$SRC/tests/data/hosts/netns.sh"
    NETNS=1
    if hosts_setup; then
        ip netns exec "$NS_A" python3 "$SRC/tests/bench/hosts_relay.py" 53 5353 50 "$HOSTS_TMP/relay.pid" &
        HOSTS_PIDS="$!"
        for _ in $(seq 100); do [ -s "$HOSTS_TMP/relay.pid" ] && break; sleep 0.05; done
        start sweep "ip netns exec $NS_A $(sp sweep --dns-server 127.0.0.1:53 --chat "127.0.0.1:$dead" --pane hosts)"
        wait_screen sweep "[2 Hosts]"
        tmux -L "$SOCK" send-keys -t sweep S
        wait_screen sweep "Sweep (CIDR):"
        tmux -L "$SOCK" send-keys -t sweep C-u 198.18.0.0/16 Enter
        wait_screen sweep "(y/n)"
        tmux -L "$SOCK" send-keys -t sweep y
        sleep 2
        measure sweep
        report "Hosts, /16 sweep, 50 ms resolver" sweep 1229
    else
        skip "Hosts, /16 sweep, 50 ms resolver" "the namespaces could not be set up"
    fi
    tmux -L "$SOCK" kill-server 2>/dev/null
fi

# ---- Chat: 1,000 frames a second ----
python3 "$SRC/tests/bench/tui_bandwidth_peer.py" "$T/flood.port" flood 1000 & PIDS="$PIDS $!"
for _ in $(seq 100); do [ -s "$T/flood.port" ] && break; sleep 0.05; done
start flood "$(sp flood --dns-server "127.0.0.1:$dead" --chat "127.0.0.1:$(cat "$T/flood.port")" --pane chat)"
wait_screen flood "msg "
sleep 2
measure flood
report "Chat, 1,000 frames/s" flood 2048
