#!/usr/bin/env bash
# Chat over TLS with certificates made here by openssl: a self-signed one
# refused by default and accepted with --tls-ca, an expired one and a
# wrong-host one refused with a one-line reason; a plain-text client, a
# client sending garbage instead of a ClientHello and one that sends nothing
# are each dropped with a clear log line while a TLS client carries on; the
# Chat pane with tls:// shows the certificate and, with --tls-insecure, says
# so in its header.
set -u
command -v openssl >/dev/null || { echo "no openssl: skipped"; exit 77; }
. "$(dirname "$0")/../lib/tui.sh"
T=$TUI_DIR
spid= xpid= wpid= cpid=
cleanup() {
    for p in $cpid $spid $xpid $wpid; do kill "$p" 2>/dev/null; done
    exec 3>&-
    tui_cleanup
}
trap cleanup EXIT
waitfile() {
    for _ in $(seq 100); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    fail "$1 never had '$2': $(cat "$1" 2>/dev/null)"
}
listening() { for _ in $(seq 100); do grep -q listening "$1" && return 0; sleep 0.05; done; fail "$1: $(cat "$1")"; }

# Certificates: good (localhost, 127.0.0.1), wrong host, expired (openssl ca
# takes explicit dates; OpenSSL 3.0's x509 and req do not).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/good.key" -out "$T/good.pem" -days 30 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null || fail "openssl req"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other.pem" -days 30 \
    -subj /CN=other.example -addext "subjectAltName=DNS:other.example" 2>/dev/null || fail "openssl req"
mkdir "$T/ca" && touch "$T/ca/index.txt" && echo 01 >"$T/ca/serial"
cat >"$T/ca/ca.cnf" <<EOC
[ca]
default_ca = d
[d]
database = $T/ca/index.txt
serial = $T/ca/serial
new_certs_dir = $T/ca
default_md = sha256
policy = p
copy_extensions = copy
[p]
commonName = supplied
EOC
openssl req -new -newkey rsa:2048 -nodes -keyout "$T/exp.key" -out "$T/exp.csr" -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null || fail "openssl req (expired)"
openssl ca -batch -config "$T/ca/ca.cnf" -selfsign -keyfile "$T/exp.key" -in "$T/exp.csr" -out "$T/exp.pem" \
    -startdate 20200101000000Z -enddate 20210101000000Z >/dev/null 2>&1 || fail "openssl ca (expired)"

P=$(free_port)
"$SOCKPIT" serve --listen "127.0.0.1:$P" --tls-cert "$T/good.pem" --tls-key "$T/good.key" --frame-timeout 1 \
    2>"$T/serve.log" & spid=$!
listening "$T/serve.log"
grep -q "(TLS)" "$T/serve.log" || fail "the log does not say TLS: $(cat "$T/serve.log")"

# Self-signed: refused by default, with the way out in the message.
"$SOCKPIT" chat --tls "127.0.0.1:$P" hello >"$T/out" 2>"$T/err"
[ $? = 1 ] || fail "self-signed accepted by default"
grep -q "self-signed certificate (pass --tls-ca FILE" "$T/err" || fail "self-signed: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "more than one line: $(cat "$T/err")"
# ... accepted with --tls-ca, by name and by address, also as tls://.
"$SOCKPIT" chat --tls --tls-ca "$T/good.pem" "127.0.0.1:$P" hello 'what is tcp?' >"$T/out" 2>"$T/err" ||
    fail "--tls-ca: $(cat "$T/err")"
[ "$(wc -l <"$T/out")" = 2 ] && grep -q "^Hello" "$T/out" || fail "--tls-ca replies: $(cat "$T/out")"
"$SOCKPIT" chat --tls-ca "$T/good.pem" "tls://127.0.0.1:$P" hello >"$T/out" 2>"$T/err" ||
    fail "tls://: $(cat "$T/err")"
"$SOCKPIT" chat --tls-ca "$T/good.pem" 127.0.0.1:$P hello >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "add --tls" "$T/err" || fail "--tls-ca without TLS: $(cat "$T/err")"

# A TLS client stays connected through what follows.
mkfifo "$T/in"
"$SOCKPIT" chat --tls --tls-ca "$T/good.pem" "127.0.0.1:$P" <"$T/in" >"$T/keep.out" 2>"$T/keep.err" & cpid=$!
exec 3>"$T/in"
echo hello >&3
waitfile "$T/keep.out" "Hello"
# Plain text against the TLS server: dropped with a clear line.
"$SOCKPIT" chat "127.0.0.1:$P" hello >/dev/null 2>&1
waitfile "$T/serve.log" "TLS handshake failed: the peer does not speak TLS (plain text?)"
# Garbage instead of a ClientHello, and a client that sends nothing.
python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $P))
s.sendall(b'\x16\x03\x01\x00\x10' + b'\xff' * 16)
s.settimeout(5)
try:
    s.recv(100)
except OSError:
    pass
" 3>&- &
wpid=$!
python3 -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $P))
time.sleep(4)
" 3>&- &
xpid=$!
waitfile "$T/serve.log" "TLS handshake failed: TLS failed"
waitfile "$T/serve.log" "the TLS handshake did not complete in 1 s"
echo 'what is tcp?' >&3
waitfile "$T/keep.out" "byte stream"
exec 3>&-
wait "$cpid"; rc=$?; cpid=
[ "$rc" = 0 ] || fail "the TLS client: exit $rc ($(cat "$T/keep.err"))"

# Expired and wrong-host certificates: one-line reasons.
E=$(free_port)
"$SOCKPIT" serve --listen "127.0.0.1:$E" --tls-cert "$T/exp.pem" --tls-key "$T/exp.key" 2>"$T/exp.log" & xpid=$!
listening "$T/exp.log"
"$SOCKPIT" chat --tls --tls-ca "$T/exp.pem" "127.0.0.1:$E" hello >/dev/null 2>"$T/err"
[ $? = 1 ] || fail "expired accepted"
grep -q "certificate has expired (notAfter 2021-01-01)" "$T/err" || fail "expired: $(cat "$T/err")"
kill "$xpid"; wait "$xpid" 2>/dev/null; xpid=
W=$(free_port)
"$SOCKPIT" serve --listen "127.0.0.1:$W" --tls-cert "$T/other.pem" --tls-key "$T/other.key" 2>"$T/other.log" & xpid=$!
listening "$T/other.log"
"$SOCKPIT" chat --tls --tls-ca "$T/other.pem" "127.0.0.1:$W" hello >/dev/null 2>"$T/err"
[ $? = 1 ] || fail "wrong host accepted"
grep -q "certificate is for other.example, not 127.0.0.1" "$T/err" || fail "wrong host: $(cat "$T/err")"

# The pane: --tls-insecure in the header, the certificate in the scrollback.
tui_start 120 40 --pane chat --chat "tls://127.0.0.1:$P" --tls-insecure
tui_wait "TLS INSECURE"
tui_wait " CONNECTED "
tui_wait "certificate: CN"
tui_wait "names: DNS:localhost, IP:127.0.0.1"
tui_wait "(self-signed)"
tui_wait "SHA-256: "
tui_wait "not verified: self-signed"
fp=$(openssl x509 -in "$T/good.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
tui_screen | grep -qF "$fp" || fail "the fingerprint is not $fp"
tui_keys hello Enter
tui_wait "Hello! Ask me"
tui_keys Escape
tui_wait "c reconnect"
tui_keys v
for _ in $(seq 100); do [ "$(tui_screen | grep -c 'SHA-256: ')" = 2 ] && break; sleep 0.05; done
[ "$(tui_screen | grep -c 'SHA-256: ')" = 2 ] || fail "v did not show the certificate again"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "chat_tls: ok"
