#!/usr/bin/env bash
# Every option a command's parser accepts appears in that command's --help,
# in the man page and in both completions, so they cannot drift apart; the
# man page renders without warnings.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
man="$SOCKPIT_SRC/assets/sockpit.1"

warnings=$(groff -ww -z -man "$man" 2>&1)
[ -z "$warnings" ] || fail "groff warnings: $warnings"
lint=$(mandoc -T lint -W warning "$man" 2>&1)
[ -z "$lint" ] || fail "mandoc: $lint"

# The long options of one parser: the names in its `sp_optspec` table,
# written there (.name = "...") or in a shared definition it uses
# (SP_OPTDEF_..., from shared_opts.h).
options_in() {
    python3 - "$1" "$SOCKPIT_SRC/include/sockpit/cmd/shared_opts.h" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
shared = dict(re.findall(r'#define\s+(SP_OPTDEF_\w+)(?:\([^)]*\))?[\s\\]*\.name\s*=\s*"([a-z0-9-]+)"',
                         open(sys.argv[2]).read()))
for table in re.findall(r'sp_optspec\s+\w+\[\]\s*=\s*\{(.*?)\n\};', src, re.S):
    for name, macro in re.findall(r'\.name\s*=\s*"([a-z0-9-]+)"|\b(SP_OPTDEF_\w+)', table):
        print(name or shared[macro])
PY
}

checked=0
check() { # check SOURCE HELP-COMMAND...
    local src=$1; shift
    local help
    help=$("$@" 2>&1) || fail "'$*' failed"
    local opts
    opts=$(options_in "$src")
    [ -n "$opts" ] || fail "no options found in $src"
    for o in $opts; do
        grep -q -- "--$o\b" <<<"$help" || fail "'$*' does not mention --$o"
        grep -q -- "\\\\-\\\\-${o//-/\\\\-}\b" "$man" || fail "the man page does not mention --$o ($src)"
        grep -q -- "--$o\b" "$SOCKPIT_SRC/assets/completions/sockpit.bash" || fail "the bash completion lacks --$o"
        grep -q -- "--$o\[" "$SOCKPIT_SRC/assets/completions/_sockpit" || fail "the zsh completion lacks --$o"
        checked=$((checked + 1))
    done
}

check "$SOCKPIT_SRC/src/cmd/cli.c" "$SOCKPIT" --help
for cmd in services hosts watch chat serve forward conns probe; do
    check "$SOCKPIT_SRC/src/cmd/${cmd}_cmd.c" "$SOCKPIT" "$cmd" --help
done
echo "docs_options: $checked options checked"
