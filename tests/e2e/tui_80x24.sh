#!/usr/bin/env bash
# At 80x24, on every pane: the hint bar starts with F1 Help and ends with
# Quit (browsing and typing), and the help overlay fits inside the screen
# with both borders whole, and scrolls to its last line and back.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

hints() { tui_screen | tail -1 | sed 's/ *$//'; }
hints_ok() { # hints_ok QUIT
    local h
    h=$(hints)
    case $h in
        "F1 Help "*"$1") [ ${#h} -le 80 ] ;;
        *) return 1 ;;
    esac
}
# check_hints WHAT QUIT: polls (the hint bar may come in a later redraw than
# the tab waited for, the more so under ASan on a loaded machine).
check_hints() {
    local h deadline=$((SECONDS + 5))
    while [ $SECONDS -lt $deadline ]; do
        hints_ok "$2" && return 0
        sleep 0.05
    done
    h=$(hints)
    fail "$1: hint bar '$h' (${#h} columns) lacks F1 Help or '$2' at its end"
}

# The help box: a top and a bottom border with both corners, and every row
# between them closed by a border on the right.
check_box() {
    python3 - "$1" <<'PY' || fail "$1: the help box does not fit"
import subprocess, sys, os
lines = subprocess.run(["tmux", "-L", os.environ["TUI_SOCK"], "capture-pane", "-p", "-t", "main"],
                       capture_output=True, text=True).stdout.split("\n")
top = [i for i, l in enumerate(lines) if "┌" in l]
bot = [i for i, l in enumerate(lines) if "└" in l]
assert top and bot, "no box"
t, b = top[0], bot[0]
assert "┐" in lines[t] and "┘" in lines[b], "a corner is off screen"
assert 0 < t < b <= 21, "box rows %d-%d outside the body" % (t, b)
left = lines[t].index("┌")
for l in lines[t + 1:b]:
    assert l.count("│") >= 2 and l.index("│") == left, "a row spills: %r" % l
for l in lines:
    assert len(l) <= 80, "a line is %d columns" % len(l)
PY
}

export TUI_SOCK
tui_start 80 24
tui_wait "[1 Services]"
n=1
for pane in Services Hosts "DNS watch" Chat; do
    tui_keys $n
    tui_wait "[$n $pane]"
    check_hints "$pane" "q/F10 Quit"
    tui_keys F1
    tui_wait "$pane:"
    tui_wait "Keys"
    check_box "$pane help"
    # End shows the last line (quit), Home the first again.
    tui_keys End
    tui_wait "q F10"
    tui_screen | grep -qF "$pane:" && fail "$pane help: End did not scroll"
    check_box "$pane help, scrolled"
    tui_keys Home
    tui_wait "$pane:"
    tui_keys Escape
    tui_gone "$pane:"
    n=$((n + 1))
done
# The chat pane's typing mode: q types, so Quit is F10's.
tui_keys i
tui_wait "Enter Send"
check_hints "Chat, typing" "F10 Quit"
tui_keys F1
tui_wait "i a Enter"
check_box "Chat help while typing"
tui_keys Escape Escape
tui_wait "i Type"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "tui_80x24: ok"
