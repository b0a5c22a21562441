#!/bin/bash
# TLS handshakes through sockpit_tls against OpenSSL called directly, in the
# same run (CPU time, so other load on the machine hits both alike), and the
# heap one idle connection keeps at each end.
set -eu
: "${SOCKPIT_BUILD:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/sp-bench-tls.XXXXXX)
trap 'rm -rf "$T"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
    -subj /CN=good.test -addext subjectAltName=DNS:good.test -days 2 2>/dev/null
cc -O2 -D_GNU_SOURCE -I"$SRC/include" -o "$T/tls_handshake" "$HERE/tls_handshake.c" \
    "$SOCKPIT_BUILD/src/tls/libsockpit_tls.a" "$SOCKPIT_BUILD/src/core/libsockpit_core.a" \
    $(pkg-config --libs openssl libcares) -lm
"$T/tls_handshake" "$T" "${HANDSHAKES:-2000}" "${IDLE:-2000}"
