#!/bin/bash
# Filtering 10,000 services per key press (target < 1 ms), with the model
# the pane uses, on a generated services file.
set -eu
: "${SOCKPIT_BUILD:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/sp-bench-filter.XXXXXX)
trap 'rm -rf "$T"' EXIT
cc -O2 -D_GNU_SOURCE -I"$SRC/include" -I"$SOCKPIT_BUILD/generated" -o "$T/filter" "$HERE/services_filter.c" \
    "$SOCKPIT_BUILD/src/services/libsockpit_services.a" "$SOCKPIT_BUILD/src/core/libsockpit_core.a"
"$T/filter" "${ENTRIES:-10000}"
