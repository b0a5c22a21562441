#!/usr/bin/env bash
# Resize storms: 100 resizes in about a second (random sizes among them 1x1,
# 20x5, 40x10 and 200x60) on each pane in turn. Afterwards sockpit is alive,
# answers keys, draws a correct screen at 100x30 and quits with status 0.
#
# Note: tmux 3.3 resizes its grid and the pty at different moments during a
# storm, and a frame sockpit draws for the pty's size can land in a grid of
# another size. sockpit repaints every cell 0.3 s after the last resize,
# which mends most of it; in about one storm in eight tmux still applies
# that repaint to a stale grid (the first line then shows one cell). The
# check therefore follows one clean resize after each storm.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux missing"; exit 77; }

tui_start 100 30 --config-dir "$TUI_DIR/cfg" --state-dir "$TUI_DIR/state"
tui_wait "[1 Services]"
pid=$(tui_pid)
[ -n "$pid" ] || fail "no sockpit process"

sizes=(1x1 20x5 40x10 200x60 1x30 100x1 2x2 39x9 41x11 80x24 132x43 300x100)
storm() {
    local i w h cmds=() t0
    for i in $(seq 100); do
        if [ $((RANDOM % 3)) = 0 ]; then
            w=$((RANDOM % 250 + 1)) h=$((RANDOM % 80 + 1))
        else
            IFS=x read -r w h <<< "${sizes[RANDOM % ${#sizes[@]}]}"
        fi
        cmds+=("$w" "$h")
    done
    t0=$(date +%s%N)
    for ((i = 0; i < 200; i += 2)); do
        tui_resize "${cmds[i]}" "${cmds[i + 1]}"
    done
    echo $((($(date +%s%N) - t0) / 1000000))
}

# settle: waits until tmux has handed the last storm size to the pty (it
# applies queued pane resizes to the pty on a 250 ms timer, after its own
# grid) and that size has held for 0.4 s.
settle() {
    local tty want got since=$SECONDS stable=0
    tty=$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_tty}')
    while [ $((SECONDS - since)) -lt 5 ]; do
        want=$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_height} #{pane_width}')
        got=$(stty -F "$tty" size 2>/dev/null)
        if [ "$want" = "$got" ]; then
            stable=$((stable + 1))
            [ $stable -ge 8 ] && return 0
        else
            stable=0
        fi
        sleep 0.05
    done
}

# screen_ok TAB BODY: the screen at 100x30 is whole: 30 lines, the tab bar
# with TAB active on the first, the hint bar on the last, the pane's BODY text.
screen_ok() {
    local s
    s=$(tui_screen)
    why="not 30 lines"
    [ "$(printf '%s\n' "$s" | wc -l)" = 30 ] || return 1
    why="tab bar not whole on the first line"
    printf '%s\n' "$s" | head -1 | grep -qE "1 Services.*2 Hosts.*3 DNS watch.*4 Chat" || return 1
    printf '%s\n' "$s" | head -1 | grep -qF -- "$1" || return 1
    why="hint bar not on the last line"
    printf '%s\n' "$s" | tail -1 | grep -qE '^F1 Help .*F10 Quit' || return 1
    why="'terminal too small' left on screen"
    printf '%s\n' "$s" | grep -q "too small" && return 1
    why="pane body not drawn ($2)"
    [ -z "$2" ] || printf '%s\n' "$s" | grep -qE "$2" || return 1
    return 0
}

# check_screen TAB BODY: the screen becomes whole within 5 s (tmux applies
# queued resizes to the pty up to 250 ms late, so a capture taken at once can
# show a frame drawn for an older size; an ASan build on a loaded machine
# draws late).
check_screen() {
    local deadline=$((SECONDS + 5)) why=
    while :; do
        screen_ok "$1" "$2" && return 0
        [ $SECONDS -lt $deadline ] || fail "after the storm: $why"
        sleep 0.05
    done
}

total=0
for pane in 1 2 3 4; do
    case $pane in
        1) tab="[1 Services]" body="" ;;
        2) tab="[2 Hosts]" body="" ;;
        3) tab="[3 DNS watch]" body="No names are watched yet" ;;
        4) tab="[4 Chat]" body="" ;;
    esac
    tui_keys "$pane"
    tui_wait "$tab"
    ms=$(storm)
    total=$((total + ms))
    echo "pane $pane: 100 resizes in $ms ms"
    kill -0 "$pid" 2>/dev/null || fail "sockpit died in the resize storm on pane $pane"
    settle
    # One clean resize after the storm: with tmux 3.3 a frame drawn in the
    # storm can keep a stale first line until the next size change (see
    # the note at the top).
    tui_resize 99 30
    settle
    tui_resize 100 30
    check_screen "$tab" "$body"
    # Still answering keys: the help box opens and closes.
    # (Its hint bar says Esc Close; the panes' own never do: the wait for
    # it to go is what shows the Escape was handled.)
    tui_keys F1
    tui_wait "Esc Close"
    tui_keys Escape
    tui_gone "Esc Close"
    check_screen "$tab" "$body"
done
# A storm across a pane switch, then 1x1 held for a moment.
tui_keys 1
storm >/dev/null
tui_keys 2
storm >/dev/null
settle
tui_resize 1 1
settle
kill -0 "$pid" 2>/dev/null || fail "sockpit died at 1x1"
tui_resize 100 30
settle
check_screen "[2 Hosts]" ""
[ "$(tui_pid)" = "$pid" ] || fail "sockpit was restarted?"
tui_keys q
rc=$(tui_exit_status 5)
[ "$rc" = 0 ] || fail "exit status $rc after the storms"
echo "tui_resize_storm: ok (600 resizes, 4 x 100 in $total ms)"
