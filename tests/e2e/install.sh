#!/usr/bin/env bash
# `cmake --install` into a temporary prefix puts the program, the man page,
# the data files and both completions in their places, and the installed
# program runs from / and finds its data there. No path into the source or
# build tree is baked into it, and a packager's CMAKE_INSTALL_DATADIR holds.
set -u
prefix=$(mktemp -d)
alt=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$prefix" "$alt"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$SOCKPIT_BUILD" --prefix "$prefix" >/dev/null || fail "cmake --install failed"
for f in bin/sockpit share/man/man1/sockpit.1 share/bash-completion/completions/sockpit \
         share/zsh/site-functions/_sockpit; do
    [ -f "$prefix/$f" ] || fail "missing $f"
done
for f in "$SOCKPIT_SRC"/assets/*.tsv; do
    [ -e "$f" ] || continue
    [ -f "$prefix/share/sockpit/$(basename "$f")" ] || fail "missing share/sockpit/$(basename "$f")"
done
# (Debug information names source files, as it should; the program's own
# data must not. Debug and sanitizer builds name them for their reports.)
if grep -qE '^CMAKE_BUILD_TYPE:STRING=(Release|RelWithDebInfo|MinSizeRel|None|)$' "$SOCKPIT_BUILD/CMakeCache.txt" &&
    ! grep -qE '^SOCKPIT_(SANITIZE|FUZZ):BOOL=ON' "$SOCKPIT_BUILD/CMakeCache.txt"; then
    objcopy --strip-debug "$prefix/bin/sockpit" "$alt/stripped" || fail "objcopy"
    for tree in "$SOCKPIT_SRC" "$(cd "$SOCKPIT_BUILD" && pwd)"; do
        ! grep -qF "$tree" "$alt/stripped" || fail "the installed program names $tree"
    done
fi

# A packager's data directory: configured, installed and found there.
cmake -S "$SOCKPIT_SRC" -B "$alt/build" -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr \
    -DCMAKE_INSTALL_DATADIR=lib/sockpit-data >/dev/null || fail "configure with CMAKE_INSTALL_DATADIR"
cmake --build "$alt/build" -j 2 --target sockpit >/dev/null || fail "build with CMAKE_INSTALL_DATADIR"
DESTDIR="$alt/root" cmake --install "$alt/build" >/dev/null || fail "install with DESTDIR"
[ -f "$alt/root/usr/lib/sockpit-data/sockpit/chatbot.tsv" ] || fail "CMAKE_INSTALL_DATADIR not honoured"
# Moved away from /usr, it still finds its own data beside its bin/.
mv "$alt/root/usr" "$alt/usr"
port=$(python3 "${SOCKPIT_SRC:?}/tests/lib/free_port.py")
(cd / && exec env -u SOCKPIT_DATA_DIR "$alt/usr/bin/sockpit" serve --listen "127.0.0.1:$port") 2>"$alt/serve.log" &
server=$!
for _ in $(seq 50); do grep -q questions "$alt/serve.log" && break; sleep 0.1; done
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=""
grep -q "questions from $alt/usr/lib/sockpit-data/sockpit/chatbot.tsv" "$alt/serve.log" ||
    fail "the relocated program did not find its data: $(cat "$alt/serve.log")"

cd / || fail "cd /"
"$prefix/bin/sockpit" --version | grep -q '^sockpit [0-9]' || fail "--version from /"
"$prefix/bin/sockpit" help serve >/dev/null || fail "help serve from /"

# The installed server finds the installed dictionary, not the source tree's.
port=$(python3 "${SOCKPIT_SRC:?}/tests/lib/free_port.py")
env -u SOCKPIT_DATA_DIR "$prefix/bin/sockpit" serve --listen "127.0.0.1:$port" 2>"$prefix/serve.log" &
server=$!
for _ in $(seq 50); do grep -q questions "$prefix/serve.log" && break; sleep 0.1; done
grep -q "questions from $prefix/share/sockpit/chatbot.tsv" "$prefix/serve.log" ||
    fail "installed server did not use the installed dictionary: $(cat "$prefix/serve.log")"
reply=$("$prefix/bin/sockpit" chat "127.0.0.1:$port" 'what is tcp?') || fail "chat to the installed server"
[ "$reply" = "A reliable, ordered byte stream between two sockets, with flow and congestion control." ] ||
    fail "unexpected reply: $reply"
MANWIDTH=80 man -l "$prefix/share/man/man1/sockpit.1" 2>&1 | grep -q 'terminal network explorer' ||
    fail "the installed man page does not render"
echo "install: ok"
