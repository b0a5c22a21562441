# Helpers for end-to-end tests that drive the TUI in a detached tmux session
# on a private tmux server. Source it; call tui_start, then tui_wait / tui_keys.

: "${SOCKPIT:?SOCKPIT must point at the built program}"
TUI_SOCK="sp-$(basename "$0" .sh)-$$"
TUI_DIR=$(mktemp -d)
TUI_SESSION=main

tui_cleanup() {
    tmux -L "$TUI_SOCK" kill-server 2>/dev/null
    rm -rf "$TUI_DIR"
}
trap tui_cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- screen:" >&2; tui_screen >&2; exit 1; }

# A TCP/UDP port that nothing holds, which no test alongside is handed by
# the kernel before ours binds it (see free_port.py).
free_port() { python3 "$SOCKPIT_SRC/tests/lib/free_port.py"; }

# tui_start COLS ROWS ARGS...: runs sockpit with private config/state dirs and
# a DNS server address where nothing answers, unless ARGS say otherwise.
# TUI_TERM sets TERM; TUI_DELAY=SECONDS starts sockpit that much later (keys
# sent meanwhile are typed ahead).
tui_start() {
    local cols=$1 rows=$2
    shift 2
    local dead args=""
    dead=$(free_port)
    [ $# -gt 0 ] && args=$(printf '%q ' "$@")
    mkdir -p "$TUI_DIR/home"
    cat > "$TUI_DIR/run.sh" <<EOS
export HOME="$TUI_DIR/home" XDG_CONFIG_HOME="$TUI_DIR/home/.config" XDG_STATE_HOME="$TUI_DIR/home/.state"
export LANG=${TUI_LOCALE:-C.UTF-8} LC_ALL=${TUI_LOCALE:-C.UTF-8}
${NO_COLOR:+export NO_COLOR=$NO_COLOR}
${ASAN_OPTIONS:+export ASAN_OPTIONS=$ASAN_OPTIONS}
echo \$\$ > "$TUI_DIR/shell.pid"
${TUI_DELAY:+sleep $TUI_DELAY}
"$SOCKPIT" --dns-server 127.0.0.1:$dead --chat 127.0.0.1:$dead --resolve ptr $args
echo \$? > "$TUI_DIR/rc"
sleep 600
EOS
    tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$TUI_SESSION" -x "$cols" -y "$rows" \
        "${TUI_TERM:+TERM=$TUI_TERM }bash $TUI_DIR/run.sh"
    tmux -L "$TUI_SOCK" set-option -g status off >/dev/null
}

tui_pid() { pgrep -P "$(cat "$TUI_DIR/shell.pid")" -x sockpit; }
tui_screen() { tmux -L "$TUI_SOCK" capture-pane -p -t "$TUI_SESSION"; }
tui_keys() { tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" "$@"; }
tui_resize() { tmux -L "$TUI_SOCK" resize-window -t "$TUI_SESSION" -x "$1" -y "$2"; }

# _tui_poll -F|-E shown|gone TEXT SECONDS: polls the screen until TEXT (a
# fixed string or a pattern) is shown, or gone; false after SECONDS. The
# polls are counted, not $SECONDS (whose whole seconds can cut a limit of
# 5 to 4.0), so the wait is never shorter than asked.
_tui_poll() {
    local n i
    n=$(awk -v s="$4" 'BEGIN { print int(s * 20 + 0.999) }')
    for ((i = 0; i <= n; i++)); do
        if tui_screen | grep -q "$1" -- "$3"; then
            [ "$2" = shown ] && return 0
        else
            [ "$2" = gone ] && return 0
        fi
        sleep 0.05
    done
    return 1
}

# tui_wait TEXT [SECONDS]: waits until the screen shows TEXT (fixed string).
tui_wait() { _tui_poll -F shown "$1" "${2:-5}" || fail "screen never showed '$1'"; }
# tui_wait_re REGEX [SECONDS]: as tui_wait, for a pattern (a row whose
# cells come in with a later redraw than the text waited for before).
tui_wait_re() { _tui_poll -E shown "$1" "${2:-5}" || fail "screen never matched '$1'"; }
# tui_gone TEXT [SECONDS]: waits until the screen no longer shows TEXT.
tui_gone() { _tui_poll -F gone "$1" "${2:-5}" || fail "screen still shows '$1'"; }
# tui_gone_re REGEX [SECONDS]: as tui_gone, for a pattern (a table row, say,
# where the status line may still name the same thing).
tui_gone_re() { _tui_poll -E gone "$1" "${2:-5}" || fail "screen still matches '$1'"; }

# tui_exit_status [SECONDS]: waits for sockpit to exit and prints its status.
tui_exit_status() {
    local deadline=$((SECONDS + ${1:-5}))
    while [ $SECONDS -lt $deadline ]; do
        [ -s "$TUI_DIR/rc" ] && { cat "$TUI_DIR/rc"; return 0; }
        sleep 0.05
    done
    fail "sockpit did not exit"
}
