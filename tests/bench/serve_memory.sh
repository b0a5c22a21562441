#!/usr/bin/env bash
# `sockpit serve` memory and CPU under hostile loads (serve_memory.py): RSS
# with 300 unfinished 1 MiB-1 frames, peak RSS with 400 room clients that
# never read, CPU of 2,000 connects+closes against a 1,000-member room.
# With SOCKPIT_BASE set (e.g. a build of an older commit), the same loads
# run against it first, for before/after figures. Loopback only.
#   SOCKPIT=build/sockpit SOCKPIT_BASE=/tmp/base/sockpit tests/bench/serve_memory.sh [partial|stuck|churn]...
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
HERE=$(cd "$(dirname "$0")" && pwd)
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ -n "${SOCKPIT_BASE:-}" ] && { python3 "$HERE/serve_memory.py" "$SOCKPIT_BASE" before "$@" || exit 1; }
python3 "$HERE/serve_memory.py" "$SOCKPIT" after "$@"
