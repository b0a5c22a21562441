#!/bin/bash
# `sockpit services --json` as a whole process (target: median under 5 ms),
# against the textbook's loop of getservbyport over 1..1024 x tcp/udp in C,
# both measured here on the same machine and the same /etc/services.
set -eu
: "${SOCKPIT:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/sp-bench-services.XXXXXX)
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/spawn" "$HERE/services_spawn.c"
cc -O2 -o "$T/getserv" "$HERE/services_getserv.c"
SP=$(readlink -f "$SOCKPIT")
N=${N:-300}

"$T/spawn" 20 "$SP" services --json >/dev/null   # warm the caches
read -r med min p90 < <("$T/spawn" "$N" "$SP" services --json)
read -r rmed rmin rp90 < <("$T/spawn" "$N" "$SP" services --range 1-1024 --json)
read -r gmed gmin gp90 < <("$T/spawn" "$N" "$T/getserv")
read -r tmed tmin tp90 < <("$T/spawn" "$N" /bin/true)
rows=$("$SP" services --json | wc -l)
grows=$("$T/getserv" | wc -l)

echo "services batch, $N runs each, wall time per process (ms): median / min / p90"
printf '  sockpit services --json (%d rows)            %7.3f / %7.3f / %7.3f   target < 5 ms\n' "$rows" "$med" "$min" "$p90"
printf '  sockpit services --range 1-1024 --json        %7.3f / %7.3f / %7.3f\n' "$rmed" "$rmin" "$rp90"
printf '  C loop of getservbyport 1..1024 x tcp/udp (%d) %7.3f / %7.3f / %7.3f\n' "$grows" "$gmed" "$gmin" "$gp90"
printf '  /bin/true (process start-up floor)            %7.3f / %7.3f / %7.3f\n' "$tmed" "$tmin" "$tp90"
awk -v a="$rmed" -v b="$gmed" 'BEGIN { printf "  ratio: sockpit --range 1-1024 / getservbyport loop = %.3f (%.1fx faster)\n", a / b, b / a }'
awk -v a="$med" -v b="$gmed" 'BEGIN { printf "  ratio: sockpit --json (every entry) / getservbyport loop = %.3f\n", a / b }'
awk -v m="$med" 'BEGIN { if (m < 5) print "  target met: median under 5 ms"; else print "  TARGET MISSED: median " m " ms" }'
