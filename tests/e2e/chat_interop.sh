#!/usr/bin/env bash
# The chat protocol against python3 peers written here, speaking it exactly
# as the textbook does (struct '<i'): a python server against `sockpit chat`,
# a python client against `sockpit serve`, the bot's answers against the
# textbook's rule re-implemented in python, and the batch client's errors.
set -u
SOCKPIT=${SOCKPIT:?}
SRC=${SOCKPIT_SRC:?}
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/serve.log" ] && tail -5 "$T/serve.log" >&2; exit 1; }
free_port() { python3 "$SOCKPIT_SRC/tests/lib/free_port.py"; }
wait_port() { for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

cat > "$T/peer.py" <<'PY'
import os, socket, struct, sys
sys.path.insert(0, os.path.join(os.environ['SOCKPIT_SRC'], 'tests', 'peers'))
from chatwire import rx, send_frame, recv_frame
# The textbook's rule.
def load(path):
    d = {}
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n').rstrip('\r')
        if not line or line.startswith('#'): continue
        k, a = line.split('\t', 1)
        if k not in d: d[k] = a
    return d
def reply(d, data):
    data = ' '.join(data.split())
    m = 0; key = ''
    for k in d:
        if len(os.path.commonprefix([k, data])) > len(k) * 0.7:
            key = k; break
        l = len(set(data.split()) & set(k.split()))
        if l > m: m = l; key = k
    return d.get(key, 'Sorry.')
mode = sys.argv[1]
if mode == 'server':
    # Answers "echo: TEXT", split into single bytes and glued together.
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', int(sys.argv[2]))); ls.listen(5)
    while True:
        c, _ = ls.accept()
        try:
            while True:
                m = recv_frame(c)
                out = struct.pack('<i', len(m) + 6) + b'echo: ' + m
                for i in range(len(out)): c.send(out[i:i+1])
        except EOFError:
            c.close()
elif mode == 'badserver':
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', int(sys.argv[2]))); ls.listen(5)
    kind = sys.argv[3]
    while True:
        c, _ = ls.accept()
        try: recv_frame(c); break
        except EOFError: c.close()  # the port probe
    if kind == 'negative': c.sendall(struct.pack('<i', -5))
    elif kind == 'huge': c.sendall(struct.pack('<i', 0x7fffffff))
    elif kind == 'early': pass
    c.close()
elif mode == 'botcheck':
    d = load(sys.argv[3])
    s = socket.create_connection(('127.0.0.1', int(sys.argv[2])))
    cases = [k for k in d] + ['how are yo', 'what   is\t\ttcp?', '  hello  ', 'tell a joke please',
             'good', 'nothing matches this', '', '你好', '你好 世界', 'what is', 'bye bye', 'hello hi',
             'what is keep-alive and tcp?', 'thank', 'ＡＢＣ', 'what\u3000is\u3000dns?']
    # All pipelined first (sticky frames), then all answers.
    for m in cases: send_frame(s, m.encode())
    bad = 0
    for m in cases:
        got = recv_frame(s).decode()
        want = reply(d, m)
        if got != want:
            print('MISMATCH %r: got %r want %r' % (m, got, want)); bad += 1
    # Keep-alive is on, with the server's settings, seen from our side too.
    print('cases', len(cases), 'bad', bad)
    sys.exit(1 if bad else 0)
PY

# 1. Our batch client against the python server (replies arrive byte by byte).
P=$(free_port)
python3 "$T/peer.py" server "$P" & pids+=($!)
wait_port "$P" || fail "python server did not start"
out=$("$SOCKPIT" chat "127.0.0.1:$P" 'hello' '你好 world' $'tab\there' '') || fail "chat against python server: exit $?"
want=$'echo: hello\necho: 你好 world\necho: tab\\x09here\necho: '
[ "$out" = "$want" ] || fail "python server replies: got [$out]"
out=$(printf 'one\ntwo\r\nthree' | "$SOCKPIT" chat "127.0.0.1:$P") || fail "stdin lines"
[ "$out" = $'echo: one\necho: two\necho: three' ] || fail "stdin replies: got [$out]"

# 2. Errors of the batch client: exit 1 with a message.
P2=$(free_port)
"$SOCKPIT" chat "127.0.0.1:$P2" hi 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "Connection refused" "$T/err" || fail "absent server: rc $rc $(cat "$T/err")"
for kind in negative huge early; do
  P3=$(free_port)
  python3 "$T/peer.py" badserver "$P3" $kind & pids+=($!)
  wait_port "$P3" || fail "bad server"
  "$SOCKPIT" chat --timeout 5 "127.0.0.1:$P3" hi 2>"$T/err"; rc=$?
  [ $rc -eq 1 ] || fail "$kind: exit $rc"
  case $kind in
    negative) grep -q "protocol error: negative frame length -5" "$T/err" || fail "negative: $(cat "$T/err")" ;;
    huge) grep -q "protocol error: frame length 2147483647 exceeds limit 1048576" "$T/err" || fail "huge: $(cat "$T/err")" ;;
    early) grep -q "closed by peer" "$T/err" || fail "early: $(cat "$T/err")" ;;
  esac
done
"$SOCKPIT" chat 2>/dev/null; [ $? -eq 2 ] || fail "no server arg must be exit 2"
"$SOCKPIT" chat --max-frame 0 127.0.0.1:1 2>/dev/null; [ $? -eq 2 ] || fail "--max-frame 0 must be exit 2"
"$SOCKPIT" serve --listen nosuch:1 2>/dev/null; [ $? -eq 2 ] || fail "serve --listen name must be exit 2"
"$SOCKPIT" help chat | grep -q "HOST:PORT" || fail "help chat"
"$SOCKPIT" serve --help | grep -q -- "--max-clients" || fail "serve --help"

# 3. The python client against our server: the bot's answers match the rule.
SP=$(free_port)
"$SOCKPIT" serve --listen "127.0.0.1:$SP" 2>"$T/serve.log" & spid=$!; pids+=($spid)
wait_port "$SP" || fail "serve did not start"
python3 "$T/peer.py" botcheck "$SP" "$SRC/assets/chatbot.tsv" || fail "bot answers differ from the textbook rule"

# 4. Our client against our server, name resolved through c-ares (/etc/hosts).
out=$("$SOCKPIT" chat --dns-server 127.0.0.1:9 "localhost:$SP" hello bye) || fail "localhost"
[ "$(echo "$out" | tail -1)" = "Bye." ] || fail "bye reply: $out"

# 5. Bad replies file: lines reported, server still starts.
printf 'good\tyes\nno tab\n\tempty\n' > "$T/bad.tsv"
BP=$(free_port)
"$SOCKPIT" serve --listen "127.0.0.1:$BP" --replies "$T/bad.tsv" 2>"$T/bad.log" & bpid=$!; pids+=($bpid)
wait_port "$BP" || fail "serve with bad file"
grep -q "bad.tsv:2: no TAB" "$T/bad.log" && grep -q "bad.tsv:3: the question is empty" "$T/bad.log" || fail "bad lines: $(cat "$T/bad.log")"
[ "$("$SOCKPIT" chat "127.0.0.1:$BP" good)" = yes ] || fail "bad file bot"
kill -INT $bpid; wait $bpid; rc=$?
[ $rc -eq 0 ] || fail "SIGINT exit $rc"
kill -TERM $spid; wait $spid; rc=$?
[ $rc -eq 0 ] || fail "SIGTERM exit $rc"
grep -q "stopped; closed" "$T/serve.log" || fail "stop log"
echo "chat interop ok"
