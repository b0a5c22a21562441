#!/usr/bin/env bash
# The bash completion completes commands, options and option values.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
. "$SOCKPIT_SRC/assets/completions/sockpit.bash"

complete_line() { # complete_line WORD... : completions of the last word
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _sockpit
    printf '%s\n' "${COMPREPLY[@]}"
}

[ "$(complete_line sockpit se | sort | tr '\n' ' ')" = "serve services " ] || fail "commands: $(complete_line sockpit se)"
[ "$(complete_line sockpit --pane h)" = "hosts" ] || fail "--pane value"
[ "$(complete_line sockpit services --pr)" = "--proto" ] || fail "services option"
[ "$(complete_line sockpit services --proto u)" = "udp" ] || fail "--proto value"
[ "$(complete_line sockpit hosts --sw | sort | tr '\n' ' ')" = "--sweep --sweep-concurrency " ] || fail "hosts options"
[ "$(complete_line sockpit help wat)" = "watch" ] || fail "help COMMAND"
[ "$(complete_line sockpit help wa | sort | tr '\n' ' ')" = "wake watch " ] || fail "help wake"
[ "$(complete_line sockpit wake --in)" = "--interface" ] || fail "wake option"
[ "$(complete_line sockpit serve --ro)" = "--room" ] || fail "serve option"
[ "$(complete_line sockpit forward --proxy-protocol v | tr '\n' ' ')" = "v1 v2 " ] || fail "forward --proxy-protocol value"
[ "$(complete_line sockpit fo)" = "forward" ] || fail "forward command"
[ "$(complete_line sockpit forward --max-conns-)" = "--max-conns-per-ip" ] || fail "forward option"
complete_line sockpit --no | grep -qx -- --no-color || fail "TUI option"
if command -v zsh >/dev/null; then
    zsh -n "$SOCKPIT_SRC/assets/completions/_sockpit" || fail "zsh completion does not parse"
fi
echo "completion: ok"
