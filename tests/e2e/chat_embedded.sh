#!/usr/bin/env bash
# With no --chat, the TUI serves the bot itself on 127.0.0.1:50007 when
# nothing listens there, and the Chat pane talks to it at first start; other
# clients can use that server too. Skips when 50007 is taken.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

if python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", 50007))
except OSError: sys.exit(1)'; then :; else
    echo "SKIP: 127.0.0.1:50007 is in use"
    exit 77
fi

dead=$(free_port)
# tui_start passes --chat; this test needs the built-in default, so run the
# program directly in the session.
tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$TUI_SESSION" -x 100 -y 30 \
    "env HOME=$TUI_DIR XDG_CONFIG_HOME=$TUI_DIR/c XDG_STATE_HOME=$TUI_DIR/s LANG=C.UTF-8 \
     $(printf '%q' "$SOCKPIT") --pane chat --dns-server 127.0.0.1:$dead; echo \$? > $TUI_DIR/rc; sleep 60"
tui_wait "[4 Chat]"
tui_wait "127.0.0.1:50007"
tui_keys i
tui_keys -l "what is tcp?"
tui_keys Enter
tui_wait "A reliable, ordered byte stream"
# The embedded server answers other clients as well.
reply=$("$SOCKPIT" chat 127.0.0.1:50007 'what is udp?') || fail "sockpit chat to the embedded server"
[ -n "$reply" ] || fail "no reply from the embedded server"
tui_keys Escape q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "chat_embedded: ok ($reply)"
