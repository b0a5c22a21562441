#!/bin/bash
# What the Services pane's 2 s refresh of the listening sockets costs, with
# the TCP listeners from sock_diag against the /proc/net files it replaced
# (SOCKPIT_SOCK_DIAG=off), in the same run; and `sockpit services --json
# --listening` as a whole process both ways. On a host with thousands of
# TIME_WAIT sockets the /proc files make the kernel walk all of them.
set -eu
: "${SOCKPIT:?}"
: "${SOCKPIT_BUILD:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/sp-bench-refresh.XXXXXX)
trap 'rm -rf "$T"' EXIT
cc -O2 -D_GNU_SOURCE -I"$SRC/include" -I"$SOCKPIT_BUILD/generated" -o "$T/refresh" "$HERE/services_refresh.c" \
    "$SOCKPIT_BUILD/src/services/libsockpit_services.a" "$SOCKPIT_BUILD/src/core/libsockpit_core.a" \
    $(pkg-config --libs libmnl libcares) -lm
cc -O2 -o "$T/spawn" "$HERE/services_spawn.c"
SP=$(readlink -f "$SOCKPIT")
N=${N:-200}

"$T/refresh" "${ROUNDS:-100}"

"$T/spawn" 20 "$SP" services --json --listening >/dev/null # warm the caches
read -r dmed dmin dp90 < <("$T/spawn" "$N" "$SP" services --json --listening)
read -r pmed pmin pp90 < <(SOCKPIT_SOCK_DIAG=off "$T/spawn" "$N" "$SP" services --json --listening)
echo "sockpit services --json --listening, $N runs each, wall ms: median / min / p90"
printf '  TCP via sock_diag            %7.3f / %7.3f / %7.3f\n' "$dmed" "$dmin" "$dp90"
printf '  SOCKPIT_SOCK_DIAG=off (/proc) %7.3f / %7.3f / %7.3f\n' "$pmed" "$pmin" "$pp90"
awk -v a="$dmed" -v b="$pmed" 'BEGIN { printf "  ratio sock_diag / proc = %.2f\n", a / b }'
