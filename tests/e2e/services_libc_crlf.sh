#!/usr/bin/env bash
# A services file with CRLF line endings and no final newline: the C
# library's getservbyname/getservbyport (asked through Python, with the file
# bind-mounted over /etc/services in a private mount namespace) and
# `sockpit services --find` give the same answers. Needs root; skips
# without it.
set -u
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null || { echo "services_libc_crlf: needs root and unshare; skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf 'echo\t7/tcp\r\nhttp\t80/tcp\t\twww www-http\t# WorldWideWeb\r\nhttp\t80/udp\r\nzz-last\t50123/udp\tzzalias' >"$T/services"
cat >"$T/check.sh" <<EOS
set -e
mount --bind "$T/services" /etc/services
for q in www/tcp http/udp zzalias/udp zz-last/udp echo/tcp; do
    name=\${q%/*} proto=\${q#*/}
    libc=\$(python3 -c "import socket,sys; print(socket.getservbyname(sys.argv[1], sys.argv[2]))" "\$name" "\$proto")
    ours=\$("$SOCKPIT" services --find "\$q" --json | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['port'])")
    [ "\$libc" = "\$ours" ] || { echo "FAIL: \$q: libc \$libc, sockpit \$ours"; exit 1; }
    echo "\$q -> \$ours"
done
EOS
unshare -m bash "$T/check.sh" || exit 1
echo "services_libc_crlf: ok"
