#!/bin/bash
# Regenerates the screen captures and the batch examples in README.md.
#
#   SOCKPIT=build/sockpit bash tests/readme-captures.sh
#
# Builds nothing. Everything it shows is local: as root it creates a small LAN
# of network namespaces (198.18.0.0/24, a bridge, peers whose MACs have known
# vendors) with a dnsmasq on the lab namespace's 127.0.0.1:53 serving PTR
# records and the names under DNS watch, and runs one sockpit in that
# namespace in a 100x30 tmux window, capturing each pane with capture-pane.
# Without root it skips the Hosts capture and the batch examples (their blocks
# in README.md are kept as they are) and runs the other panes against a
# dnsmasq and a `sockpit serve` on 127.0.0.1 at free ports.
#
# README.md is rewritten between marker comments:
#   <!-- capture:NAME --> ... <!-- /capture:NAME -->   (NAME: services hosts watch chat)
#   <!-- example:NAME --> ... <!-- /example:NAME -->
# Two runs give the same README apart from times and round-trip times.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
SOCKPIT=$(readlink -f "${SOCKPIT:-$SRC/build/sockpit}")
README=${README:-$SRC/README.md}
[ -x "$SOCKPIT" ] || { echo "no sockpit at $SOCKPIT (build it, or set SOCKPIT)" >&2; exit 1; }
for tool in tmux dnsmasq python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done

T=$(mktemp -d /tmp/sp-readme.XXXXXX)
TM="sp-readme-$$"
LAB="sp-readme-$$"
PIDS=""
NETNS=""
ROOT=false
[ "$(id -u)" = 0 ] && ROOT=true

cleanup() {
    tmux -L "$TM" kill-server 2>/dev/null
    for pid in $PIDS; do kill "$pid" 2>/dev/null; done
    [ -s "$T/dnsmasq.pid" ] && kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null
    for ns in $NETNS; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
die() { echo "readme-captures: $*" >&2; screen >&2 2>/dev/null; exit 1; }

free_port() {
    python3 -c 'import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p); break'
}

# lab CMD...: runs CMD where sockpit runs (the lab namespace as root). In
# the background "${LABX[@]}" CMD & is used instead, so $! is CMD's own pid
# (ip netns exec execs it) and the clean-up can kill it.
LABX=()
$ROOT && LABX=(ip netns exec "$LAB")
lab() { "${LABX[@]}" "$@"; }

# poll SECONDS CMD...: retries CMD every 50 ms until it succeeds.
poll() {
    local until=$(($(date +%s%N) + ${1%.*} * 1000000000))
    shift
    until "$@"; do
        [ "$(date +%s%N)" -gt "$until" ] && return 1
        sleep 0.05
    done
}

export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_STATE_HOME="$T/home/.local/state"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset TMUX NO_COLOR SOCKPIT_OUI SOCKPIT_SOCK_DIAG SOCKPIT_NETLINK
mkdir -p "$XDG_CONFIG_HOME/sockpit" "$XDG_STATE_HOME/sockpit"

# ---- DNS data: PTR records for the LAN, the names under watch -------------
write_hosts() { # $1: the www.shop.test addresses
    {
        echo "127.0.0.1 localhost"
        echo "::1 localhost"
        echo "198.18.0.1 workstation.lan.test"
        echo "198.18.0.2 router.lan.test"
        echo "198.18.0.10 nas.lan.test"
        echo "198.18.0.23 pi.lan.test"
        echo "198.18.0.42 macbook.lan.test"
        for a in $1; do echo "$a www.shop.test"; done
        echo "198.18.5.20 api.shop.test"
        echo "fd00:5::20 api.shop.test"
        echo "198.18.5.30 mail.shop.test"
        echo "198.18.6.1 cdn.shop.test"
        echo "198.18.6.2 cdn.shop.test"
        echo "198.18.6.3 cdn.shop.test"
    } >"$T/hosts.new"
    mv "$T/hosts.new" "$T/hosts"
}
write_hosts "198.18.5.1"
cat >"$XDG_CONFIG_HOME/sockpit/watch.list" <<'EOF'
# names under watch (sockpit DNS watch)
www.shop.test
api.shop.test
mail.shop.test interval=10
cdn.shop.test
old.shop.test
EOF

# A query for www.shop.test: exit 0 once dnsmasq answers.
DNS_PROBE='import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.1)
s.sendto(struct.pack(">HHHHHH", 1, 0x100, 1, 0, 0, 0) + b"\x03www\x04shop\x04test\x00" + struct.pack(">HH", 1, 1),
         ("127.0.0.1", int(sys.argv[1])))
s.recv(512)'

start_dns() { # $1: port
    lab dnsmasq --port="$1" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
        --addn-hosts="$T/hosts" --local=/test/ --local=/in-addr.arpa/ --local=/ip6.arpa/ \
        --cache-size=0 --local-ttl=300 --pid-file="$T/dnsmasq.pid" --log-facility=/dev/null \
        --user=root --group=root || die "dnsmasq did not start"
    poll 5 lab python3 -c "$DNS_PROBE" "$1" 2>/dev/null || die "dnsmasq does not answer on port $1"
}

# ---- the lab: a bridge in the namespace where sockpit runs, five peers -----
PEERS="198.18.0.2=f0:9f:c2:10:00:02 198.18.0.10=00:1b:21:3a:00:10 198.18.0.23=dc:a6:32:5e:00:23
198.18.0.42=3c:22:fb:71:00:42 198.18.0.77=5a:11:22:33:44:77"
setup_lab() {
    ip netns add "$LAB" || die "ip netns add failed"
    NETNS="$LAB"
    ip -n "$LAB" link set lo up
    ip -n "$LAB" link add br0 type bridge
    ip -n "$LAB" link set br0 address 00:50:56:0a:00:01
    ip -n "$LAB" addr add 198.18.0.1/24 dev br0
    ip -n "$LAB" link set br0 up
    local i=0 spec ip mac ns
    for spec in $PEERS; do
        i=$((i + 1))
        ip=${spec%%=*}
        mac=${spec#*=}
        ns="$LAB-p$i"
        ip netns add "$ns" || die "ip netns add failed"
        NETNS="$NETNS $ns"
        ip link add "spr$$a$i" type veth peer name "spr$$b$i" || die "veth failed"
        ip link set "spr$$a$i" netns "$LAB"
        ip -n "$LAB" link set "spr$$a$i" name "lan$i"
        ip -n "$LAB" link set "lan$i" address "02:00:00:00:00:0$i"
        # A bridge port has no addresses of its own (and no IPv6 neighbours).
        ip netns exec "$LAB" sysctl -qw "net.ipv6.conf.lan$i.disable_ipv6=1"
        ip -n "$LAB" link set "lan$i" master br0 up
        ip link set "spr$$b$i" netns "$ns"
        ip -n "$ns" link set "spr$$b$i" name eth0
        ip -n "$ns" link set eth0 address "$mac"
        ip -n "$ns" addr add "$ip/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
    done
    # Traffic, so the lab's neighbour table fills: one UDP datagram to the
    # discard port of each peer (ARP), then of its link-local address (NDP)
    # once duplicate address detection is over.
    for spec in $PEERS; do
        ip=${spec%%=*}
        lab python3 -c "$POKE" "$ip"
        poll 5 bash -c "ip -n $LAB neigh show $ip | grep -q lladdr" || die "no answer from $ip"
    done
    poll 10 bash -c "! ip -n $LAB -6 addr show dev br0 | grep -q tentative" || die "IPv6 DAD did not finish"
    for mac in f0:9f:c2:10:00:02 dc:a6:32:5e:00:23; do
        lab python3 -c "$POKE" "$(python3 -c "$LINKLOCAL" "$mac")%br0"
    done
    # An address nobody has: FAILED after a few seconds, hidden by default.
    lab python3 -c "$POKE" 198.18.0.99
}
# A UDP datagram to port 9 of argv[1] (IPv4, or IPv6 with %scope).
POKE='import socket, sys
ai = socket.getaddrinfo(sys.argv[1], 9, 0, socket.SOCK_DGRAM, 0, socket.AI_NUMERICHOST)[0]
socket.socket(ai[0], socket.SOCK_DGRAM).sendto(b"x", ai[4])'
# The EUI-64 link-local address of MAC argv[1].
LINKLOCAL='import ipaddress, sys
b = bytes.fromhex(sys.argv[1].replace(":", ""))
iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))'

# ---- tmux ------------------------------------------------------------------
screen() { tmux -L "$TM" capture-pane -p -t main; }
keys() { tmux -L "$TM" send-keys -t main "$@"; }
shows() { screen | grep -qE -- "$1"; }
wait_screen() { poll "${2:-10}" shows "$1" || die "the screen never showed /$1/"; }
# settle: waits until two captures 300 ms apart are the same (the clock in
# the status line may tick: up to 10 tries).
settle() {
    local a b
    a=$(screen)
    for _ in $(seq 10); do
        sleep 0.3
        b=$(screen)
        [ "$a" = "$b" ] && return 0
        a=$b
    done
}
# capture NAME: the screen, with the temp dir shown as a home directory.
capture() { screen | sed "s#$HOME#/home/me#g" >"$T/capture.$1"; }

# ---- run -------------------------------------------------------------------
if $ROOT; then
    setup_lab
    DNS=127.0.0.1:53
    start_dns 53
    CHAT=()
    SVC_PORT=8080
else
    echo "readme-captures: not root: the Hosts capture and the batch examples are kept as they are" >&2
    P=$(free_port)
    DNS=127.0.0.1:$P
    start_dns "$P"
    CP=$(free_port)
    "$SOCKPIT" serve --listen "127.0.0.1:$CP" 2>/dev/null &
    PIDS="$PIDS $!"
    CHAT=(--chat "127.0.0.1:$CP")
    SVC_PORT=""
    for p in 8080 8000 8008 8081 3128; do
        python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$p))" 2>/dev/null && { SVC_PORT=$p; break; }
    done
fi

# Listeners for the Services pane: a web server (as root, in the lab) and
# sockpit's own chat server on a port the services file names.
if $ROOT; then
    "${LABX[@]}" python3 -m http.server 80 --bind 127.0.0.1 >/dev/null 2>&1 &
    PIDS="$PIDS $!"
fi
if [ -n "$SVC_PORT" ]; then
    "${LABX[@]}" "$SOCKPIT" serve --listen "[::1]:$SVC_PORT" 2>/dev/null &
    PIDS="$PIDS $!"
fi

cat >"$T/run.sh" <<EOS
cd /
"$SOCKPIT" --dns-server $DNS --interval 2 ${CHAT[*]}
echo "EXIT=\$?"
sleep 600
EOS
lab tmux -L "$TM" -f /dev/null new-session -d -s main -x 100 -y 30 "bash $T/run.sh"
tmux -L "$TM" set-option -g status off >/dev/null

# 1 Services: listening first (the pane's default order).
wait_screen "listening sockets"
wait_screen "Listening▾"
if $ROOT; then
    wait_screen "domain +53 .*dnsmasq"
    wait_screen "http +80 .*python3"
fi
[ -n "$SVC_PORT" ] && wait_screen "http-alt .*sockpit"
settle
capture services

# The DNS change, while the TUI watches: www.shop.test gains an address.
poll 10 grep -q "www.shop.test  first" "$XDG_STATE_HOME/sockpit/dns-changes.log" || die "no first answer logged"
write_hosts "198.18.5.1 198.18.5.9"
kill -HUP "$(cat "$T/dnsmasq.pid")"

# 2 Hosts.
if $ROOT; then
    keys 2
    wait_screen "198\.18\.0\.42 .*macbook"
    wait_screen "198\.18\.0\.2 .*router"
    wait_screen "FAILED/INCOMPLETE/NOARP hidden" 10
    settle
    capture hosts
fi

# 3 DNS watch.
keys 3
wait_screen "→"
wait_screen "old\.shop\.test .*NXDOMAIN"
settle
capture watch

# 4 Chat: four messages, one of them CJK, each reply awaited.
keys 4
wait_screen "CONNECTED"
keys i
n=0
for msg in "hello" "what is a socket?" "你好, what is a port?" "tell me a joke"; do
    keys -l "$msg"
    keys Enter
    n=$((n + 1))
    poll 10 bash -c "[ \$(tmux -L $TM capture-pane -p -t main | grep -cE ' ms\$') -ge $n ]" ||
        die "no reply to '$msg'"
done
keys Escape
settle
capture chat

keys q
wait_screen "EXIT=0" 5

# ---- batch examples (root: in the lab, where every address is fixed) -------
# example NAME CMD: a shell command line, run in the lab; prints "$ CMD" and its output.
example() {
    local name=$1 cmd=$2
    {
        echo "\$ $cmd"
        lab env PATH="$T/bin:$PATH" bash -c "cd $T/work && $cmd" 2>&1
    } | sed -e "s#$HOME#/home/me#g" -e 's/ *$//' >"$T/example.$name"
}
if $ROOT; then
    mkdir -p "$T/bin" "$T/work"
    ln -s "$SOCKPIT" "$T/bin/sockpit"
    "${LABX[@]}" "$SOCKPIT" serve 2>"$T/serve.log" &
    SERVE=$!
    PIDS="$PIDS $SERVE"
    poll 5 grep -q "listening on" "$T/serve.log" || die "sockpit serve did not start"
    example services-find "sockpit services --find domain/udp"
    example services-range "sockpit services --range 20-25 --proto tcp"
    example services-json "sockpit services --json --range 1-1024 | head -3"
    example services-listening "sockpit services --listening"
    example hosts "sockpit hosts --dns-server 127.0.0.1:53"
    example hosts-interfaces "sockpit hosts --interfaces --no-resolve | tail -7"
    example hosts-sweep "sockpit hosts --json --sweep 198.18.0.0/24 --dns-server 127.0.0.1:53 | tail -3"
    example watch "sockpit watch --dns-server 127.0.0.1:53 --count 4 www.shop.test api.shop.test cdn.shop.test old.shop.test --stats"
    # A change while it runs: www.shop.test loses an address after the first answers.
    (
        sleep 1.5
        write_hosts "198.18.5.9"
        kill -HUP "$(cat "$T/dnsmasq.pid")"
    ) &
    CHANGER=$!
    example watch-json "sockpit watch --dns-server 127.0.0.1:53 --interval 1 --count 2 --json www.shop.test"
    wait "$CHANGER"
    example chat "sockpit chat 127.0.0.1:50007 hello 'what is tcp?' '你好, what is a port?' bye"
    kill "$SERVE"
    wait "$SERVE" 2>/dev/null
    { echo "\$ sockpit serve"; sed "s#$HOME#/home/me#g" "$T/serve.log"; } >"$T/example.serve"
fi

# ---- README ----------------------------------------------------------------
python3 - "$README" "$T" <<'PY'
import glob, os, re, sys
readme, tmp = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
done = []
for path in sorted(glob.glob(os.path.join(tmp, "capture.*")) + glob.glob(os.path.join(tmp, "example.*"))):
    kind, name = os.path.basename(path).split(".", 1)
    body = open(path, encoding="utf-8").read().rstrip("\n")
    if kind == "capture":
        body = "\n".join(line.rstrip() for line in body.split("\n"))
    begin, end = "<!-- %s:%s -->" % (kind, name), "<!-- /%s:%s -->" % (kind, name)
    pat = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pat.search(text):
        sys.exit("README.md has no %s ... %s" % (begin, end))
    text = pat.sub(lambda m: "%s\n```text\n%s\n```\n%s" % (begin, body, end), text)
    done.append("%s:%s" % (kind, name))
open(readme, "w", encoding="utf-8").write(text)
print("README.md updated: " + " ".join(done))
PY
