#!/bin/bash
# 10,000 synthetic neighbours: sort and filter times; OUI registry load.
# Builds hosts_model.c against the hosts and core libraries of SOCKPIT_BUILD.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${SOCKPIT_BUILD:-$SRC/build}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cc -O2 -D_GNU_SOURCE -I"$SRC/include" -I"$B/generated" "$SRC/tests/bench/hosts_model.c" \
    "$B/src/hosts/libsockpit_hosts.a" "$B/src/core/libsockpit_core.a" $(pkg-config --libs libcares libmnl) -lm -o "$OUT/hosts_model"
for f in /usr/share/ieee-data/oui.csv /usr/share/arp-scan/ieee-oui.txt /usr/share/nmap/nmap-mac-prefixes; do
    if [ -r "$f" ]; then "$OUT/hosts_model" "$f"; exit 0; fi
done
echo "hosts_model: no OUI registry file installed (ieee-data); skipped"
