#!/bin/bash
# The Services pane in a detached tmux: filter, sort, the well-known toggle,
# jump to a port, the detail box with a live listener, the lookup prompt,
# a small terminal, and quitting.
set -u
: "${SOCKPIT:?}" "${SOCKPIT_SRC:?}"
command -v tmux >/dev/null || exit 77
command -v python3 >/dev/null || exit 77

T=$(mktemp -d /tmp/sp-services-tui.XXXXXX)
SOCK=sp-services-$$
LPID=
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- screen:"; tmux -L "$SOCK" capture-pane -p 2>/dev/null; exit 1; }

# A listener on a free loopback port, named in our own services file.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
s2 = socket.socket(); s2.bind(("127.0.0.1", 0)); s2.listen()
print(s.getsockname()[1], s2.getsockname()[1], flush=True)
time.sleep(600)' > "$T/port" &
LPID=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT PORT2 < "$T/port"
[ -n "$PORT" ] || fail "the listener did not start"
cp "$SOCKPIT_SRC/tests/data/services/services.sample" "$T/services"
printf 'sptest-live\t%s/tcp\tlivealias\n' "$PORT" >> "$T/services"

mkdir -p "$T/home" "$T/cfg" "$T/state"
# 80 rows: sorted listening first, the host's own listeners (tests running
# alongside hold many) come before most of the file's services, which the
# checks below look for on the screen.
tmux -L "$SOCK" new-session -d -x 100 -y 80 \
    "env HOME=$T/home XDG_CONFIG_HOME=$T/home XDG_STATE_HOME=$T/home TERM=xterm-256color \
     $SOCKPIT --services-file $T/services --dns-server 127.0.0.1:9 --chat 127.0.0.1:9 \
     --config-dir $T/cfg --state-dir $T/state; echo EXIT=\$? > $T/exit"

screen() { tmux -L "$SOCK" capture-pane -p; }
wait_for() { # TEXT [absent]
    for _ in $(seq 100); do
        if [ "${2:-}" = absent ]; then screen | grep -qF -- "$1" || return 0
        else screen | grep -qF -- "$1" && return 0; fi
        sleep 0.05
    done
    fail "waited for '$1' ${2:-}"
}
keys() { tmux -L "$SOCK" send-keys "$@"; }
row() { screen | sed -n "$1p"; }
# The first row of a named service (this host's unnamed ports, "-", may come first).
named() { screen | sed -n '3,$p' | grep -v '^-  ' | head -1; }

wait_for "Port(s)"
wait_for "3 malformed lines skipped"
wait_for "$T/services"
# The listener shows with its process name within one refresh.
wait_for "tcp 127.0.0.1:$PORT python3"

# A port the file does not name is its own row (service "-"), found by
# port or by process, with its own detail box.
keys / $(echo "$PORT2" | sed 's/./& /g')
# The row showed before the filter: wait for the whole filter to be applied.
wait_for "filter '$PORT2'"
wait_for "tcp 127.0.0.1:$PORT2 python3"
wait_for "sptest-live" absent
[[ "$(row 3)" == "-  "* ]] || fail "unnamed row: $(row 3)"
keys Enter
wait_for "port $PORT2: not in the services file, python3 listens"
keys Enter
wait_for " $PORT2/tcp "
wait_for "python3 (pid $LPID)"
keys Escape
wait_for "python3 (pid" absent
keys Escape
wait_for "filter '" absent
keys / p y t h o n
wait_for "filter 'python'"
wait_for "tcp 127.0.0.1:$PORT2 python3"
wait_for "tcp 127.0.0.1:$PORT python3"
wait_for "mysql" absent
keys Escape
wait_for "mysql"

# Filter as you type: names and aliases.
keys /; keys h t t
wait_for "filter 'htt'"
wait_for "ssh" absent
wait_for "http-alt"
keys BSpace BSpace BSpace; keys p o s t g
# Without it, "mysql" absent could be seen with the filter still at 'p'.
wait_for "filter 'postg'"
wait_for "postgresql"
wait_for "mysql" absent
keys Escape
wait_for "mysql"

# Sort: listening first (the default), then port, then name with s; the
# column keys and header clicks as htop has them.
# Each order is read from the top after Home: the selection stays on its
# row, and with many listeners of the host above it (tests running
# alongside hold many) the view scrolls away from the top.
first() { row 3; }
# shellcheck disable=SC2053 # GLOB is a pattern
top() { # top first|named GLOB [not]: Home, then waits for that top row
    keys Home
    for _ in $(seq 100); do
        if [ "${3:-}" = not ]; then [[ -n "$($1)" && "$($1)" != $2 ]] && return 0
        else [[ "$($1)" == $2 ]] && return 0; fi
        sleep 0.05
    done
    return 1
}
wait_for "Listening▾"
top named "sptest-live*" || fail "listening first: $(named)"
keys s
wait_for "Port(s)▴"
top first "tcpmux*" || fail "port order: $(row 3)"
keys s
wait_for "Service▴"
top named "amqp*" || fail "name order should start with amqp: $(named)"
keys I
wait_for "Service▾"
top first "amqp*" not || fail "inverted name order still starts with amqp"
keys '>'
wait_for "Port(s)▴"
top first "tcpmux*" || fail "> to the port column: $(row 3)"
# Search without filtering: F3, then n.
keys F3
wait_for "Search:"
keys p o s t g Enter
wait_for "mysql"
keys F3; keys C-u z z z q Enter
wait_for "not found: zzzq"

# Well-known only.
keys w
wait_for "well-known 1-1024"
wait_for "postgresql" absent
keys w
wait_for "postgresql"

# Digits then Enter jump to that port.
keys / 4 4 3 Enter
wait_for "port 443: https"
keys Escape
wait_for "filter '" absent

# The detail box of the live service.
keys / s p t e s t - l Enter
wait_for "filter 'sptest-l'"
keys Enter
wait_for " sptest-live "
wait_for "$PORT/tcp"
wait_for "livealias"
wait_for "python3 (pid $LPID)"
keys Escape
wait_for "python3 (pid" absent
keys Escape
# (An Esc with the next key on its heels reads as Alt-key.)
wait_for "filter '" absent

# The CJK name, found by its port: listening first, the host's own
# listeners (tests running alongside hold many) can push its row off the
# first screen. (Last of the row checks: the selection stays on it and the
# view scrolls with it.)
keys / 4 0 0 0 0
wait_for "filter '40000'"
wait_for "日本語サービス"
keys Escape
wait_for "filter '" absent

# The lookup prompt: an answer and the textbook's OSError case.
keys f
wait_for "Lookup"
keys h t t p / u d p Enter
wait_for "no service 'http' for udp"
keys f; keys 4 4 3 / u d p Enter
wait_for "443/udp -> https (443/udp)"
keys f; keys p o p - 3 Enter
wait_for "pop-3 -> 110/tcp (service pop3)"

# Help lists the pane's keys.
keys '?'
wait_for "listening first"
keys Escape

# Small and tiny terminals.
tmux -L "$SOCK" resize-window -x 40 -y 12
wait_for "Service"
tmux -L "$SOCK" resize-window -x 20 -y 5
wait_for "too small"
tmux -L "$SOCK" resize-window -x 100 -y 30
wait_for "Aliases"

keys q
for _ in $(seq 100); do [ -s "$T/exit" ] && break; sleep 0.05; done
grep -q "EXIT=0" "$T/exit" || fail "exit status: $(cat "$T/exit" 2>/dev/null)"
echo "ok"
