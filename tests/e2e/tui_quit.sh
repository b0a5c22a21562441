#!/usr/bin/env bash
# Every way out restores the terminal and exits 0: F10, SIGTERM, SIGINT. And
# the TUI refuses, with one clear line, what it cannot run on.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

for how in F10 TERM INT; do
    tui_start 80 24
    tui_wait "[1 Services]"
    pid=$(tui_pid)
    case $how in
        F10) tui_keys F10 ;;
        *) kill -"$how" "$pid" ;;
    esac
    rc=$(tui_exit_status)
    [ "$rc" = 0 ] || fail "exit status $rc after $how"
    tmux -L "$TUI_SOCK" kill-server
    rm -f "$TUI_DIR/rc"
done

out=$("$SOCKPIT" </dev/null 2>&1); rc=$?
[ $rc = 1 ] || fail "stdin not a terminal: exit $rc"
echo "$out" | grep -q "batch commands" || fail "no hint at the batch commands: $out"

TUI_TERM=dumb tui_start 80 24
rc=$(tui_exit_status)
[ "$rc" = 1 ] || fail "TERM=dumb: exit $rc"

out=$("$SOCKPIT" --pane nowhere 2>&1); rc=$?
[ $rc = 2 ] || fail "bad --pane: exit $rc"
[ "$(echo "$out" | head -1)" = "sockpit: --pane: unknown pane 'nowhere' (choose services, hosts, watch, chat, conns, forward or probes)" ] ||
    fail "message: $out"
echo "tui_quit: ok"
