#!/bin/bash
# Loading a watch.list of 20,000, 40,000 and 200,000 names (target: 200,000
# lines in under 1 s; 100,000 of them are taken): parse, add to a watcher,
# free; the fastest load of RUNS (default 3) fresh processes. Builds watchlist_load.c against the dns
# and core libraries of SOCKPIT_BUILD. With BASE=COMMIT it also builds that
# commit's libraries and times them on the same files, for a before/after;
# BASE_MAX (default 40000) bounds the sizes tried there (it is quadratic).
set -eu
: "${SOCKPIT_BUILD:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
SIZES=${SIZES:-20000 40000 200000}
T=$(mktemp -d /tmp/sp-bench-watchlist.XXXXXX)
trap 'rm -rf "$T"' EXIT
LIBS="$(pkg-config --libs libcares) -lm"

# driver OUT SRC_DIR BUILD_DIR
driver() {
    # shellcheck disable=SC2086
    cc -O2 -D_GNU_SOURCE -I"$2/include" -I"$3/generated" -o "$1" "$HERE/watchlist_load.c" \
        "$3/src/dns/libsockpit_dns.a" "$3/src/core/libsockpit_core.a" $LIBS
}
driver "$T/after" "$SRC" "$SOCKPIT_BUILD"
if [ -n "${BASE:-}" ]; then
    mkdir "$T/base-src"
    git -C "$SRC" archive "$BASE" | tar -x -C "$T/base-src"
    cmake -S "$T/base-src" -B "$T/base-build" >/dev/null
    nice cmake --build "$T/base-build" -j2 --target sockpit_dns >/dev/null
    driver "$T/before" "$T/base-src" "$T/base-build"
fi

# fastest PROGRAM: the run with the shortest load
fastest() {
    for _ in $(seq "${RUNS:-3}"); do "$1" "$T/watch.list"; done | sort -n -k2 | head -1
}

for n in $SIZES; do
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "host-%07d.bench.example\n", i }' > "$T/watch.list"
    if [ -n "${BASE:-}" ]; then
        if [ "$n" -le "${BASE_MAX:-40000}" ]; then
            echo "before ($BASE), $n lines: $(fastest "$T/before")"
        else
            echo "before ($BASE), $n lines: skipped (above BASE_MAX=${BASE_MAX:-40000})"
        fi
    fi
    echo "after, $n lines: $(fastest "$T/after")"
done
