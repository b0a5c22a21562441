#!/usr/bin/env bash
# Terminal keys whatever TERM claims: the xterm, rxvt, linux console, screen
# and tmux spellings of Home, End, Insert, Delete, PgUp/PgDn, F1-F12 and the
# modified arrows, sent raw under TERM=xterm-256color and tmux-256color.
# End must not switch panes; in the chat input, the keys must not type text;
# sequences that are no key (mouse reports, bracketed paste marks, focus
# events, made-up ones) are consumed whole; Alt-digit and Esc-then-digit
# differ; a double click opens nothing it should not.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

raw() { tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l "$(printf "$1")"; }
input_line() { tui_screen | grep '^> ' | head -1; }
# wait_line PATTERN: waits until the input line matches the glob PATTERN
# (keys typed after the ones checked mark the end of their handling: no
# fixed sleep, which an ASan build on a loaded machine can outlast).
wait_line() {
    local deadline=$((SECONDS + 5))
    while [ $SECONDS -lt $deadline ]; do
        # shellcheck disable=SC2053
        [[ $(input_line) == $1 ]] && return 0
        sleep 0.05
    done
    return 1
}

# Every spelling of the keys that must not type, as one string.
keys='\e[1~\e[4~\e[7~\e[8~\eOH\eOF\e[H\e[F\e[2~\e[3~\e[5~\e[6~'
# F2-F9, F11, F12 (F1 opens the help and F10 quits: tried apart).
keys="$keys"'\e[12~\e[13~\e[14~\e[15~\e[17~\e[18~\e[19~\e[20~\e[23~\e[24~\eOQ\eOR\eOS'
keys="$keys"'\e[1;5C\e[1;5D\e[1;2A\e[1;3B\e[1;5H\e[3;5~\e[5;3~\eOc\eOd\e[a\e[b\e[7^\e[8$\e[2@'
junk='\e[<0;900;900M\e[200~\e[201~\e[I\e[O\e[?1;2c\e[1;2;3;4X\e[99;99~\eO5Z'

for term in xterm-256color tmux-256color; do
    TUI_TERM=$term tui_start 80 24
    tui_wait "[1 Services]"
    # End and Home, in every spelling, on a pane with a list: no pane switch.
    raw '\e[4~\e[1~\e[8~\e[7~\eOF\eOH\e[F\e[H'
    raw "$junk"
    # Space freezes: once FROZEN shows, every key before it was handled.
    tui_keys Space
    tui_wait "FROZEN"
    tui_screen | head -1 | grep -qF "[1 Services]" || fail "$term: End or Home switched panes"
    tui_keys Space
    tui_gone "FROZEN"

    tui_keys 4
    tui_wait "[4 Chat]"
    tui_keys i
    tui_wait "Enter Send"
    tui_keys -l "ab"
    raw "$keys"
    raw "$junk"
    tui_keys -l "cd"
    wait_line "*cd*" || fail "$term: the input line never showed cd: '$(input_line)'"
    line=$(input_line)
    case $line in
        *"[1~"* | *"[4~"* | *"~"* | *"["* | *"O"*) fail "$term: keys typed text: '$line'" ;;
    esac
    # Home then X, End then Y: the cursor moved, nothing else was typed.
    raw '\e[1~X\e[4~Y\eOHZ\eOFW'
    wait_line "*ZX*Y*W*" || fail "$term: Home/End did not move the cursor: '$(input_line)'"

    # Alt-2 switches panes and keeps the input focused; Esc, a pause, then
    # 2 leaves the input first.
    raw '\e2'
    tui_wait "[2 Hosts]"
    tui_keys 4
    tui_wait "Enter Send"
    tui_keys Escape
    tui_wait "i Type"
    tui_keys 2
    tui_wait "[2 Hosts]"
    tui_keys 4
    tui_wait "i Type"

    # F1 in three spellings opens and closes the help (its hint bar says
    # so: the Chat pane's keys fill the first page at 80x24); F10 quits.
    raw '\e[11~'; tui_wait "Esc Close"
    raw '\eOP'; tui_gone "Esc Close"
    raw '\e[[A'; tui_wait "Esc Close"
    raw '\e[11~'; tui_gone "Esc Close"
    raw '\e[21~'
    [ "$(tui_exit_status)" = 0 ] || fail "$term: F10 did not quit cleanly"
    tmux -L "$TUI_SOCK" kill-server 2>/dev/null
    rm -f "$TUI_DIR/rc"
    echo "$term: ok"
done
echo "tui_keys: ok"
