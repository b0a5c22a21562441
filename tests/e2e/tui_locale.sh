#!/usr/bin/env bash
# Outside a UTF-8 locale (LC_ALL=C), text from outside that is not ASCII is
# drawn as '?', never as blanks, and the status line says why once.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"
printf 'ascii 1/tcp\n\xe6\x97\xa5\xe6\x9c\xac 2/tcp\n' > "$TUI_DIR/services"
# In port order: listening first, the host's own listeners (tests running
# alongside hold many) could push both rows below the 80x24 screen.
TUI_LOCALE=C tui_start 80 24 --services-file "$TUI_DIR/services" --sort-services port
tui_wait "[1 Services]"
tui_wait "the locale is not UTF-8"
tui_wait "ascii"
# The two CJK characters (three bytes each): visible placeholders.
tui_screen | grep -E '^\?+ +2 ' >/dev/null || fail "the CJK name is not drawn as '?'"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "tui_locale: ok"
