# Helpers for the DNS watch end-to-end tests and benchmarks (sourced).
# Every DNS query goes to a dnsmasq started here on 127.0.0.1 at a free port;
# the machine's own resolver is never used.

command -v dnsmasq >/dev/null || { echo "SKIP: dnsmasq (dnsmasq-base) is not installed"; exit 77; }

# A port free for both UDP and TCP (dnsmasq listens on both), which no
# test alongside is handed by the kernel before dnsmasq binds it.
# (The benchmarks source this too, without SOCKPIT_SRC: found from here.)
WATCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
free_port() { python3 "$WATCH_LIB_DIR/../../lib/free_port.py"; }

# start_dns DIR PORT [DNSMASQ-OPTION...]: serves DIR/hosts for the zone test.
start_dns() {
    local user=()
    [ "$(id -u)" = 0 ] && user=(--user=root --group=root)
    dnsmasq -k --port="$2" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
        --addn-hosts="$1/hosts" --local=/test/ --cache-size=0 --pid-file="$1/dnsmasq.pid" \
        --log-facility="$1/dnsmasq.log" "${user[@]}" "${@:3}" &
    DNS_PID=$!
    # Ready when it answers.
    for _ in $(seq 100); do
        python3 - "$2" <<'PY' && return 0
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.1)
s.sendto(struct.pack(">HHHHHH", 1, 0x100, 1, 0, 0, 0) + b"\x05ready\x04test\x00" + struct.pack(">HH", 1, 1),
         ("127.0.0.1", int(sys.argv[1])))
try:
    s.recv(512)
except OSError:
    sys.exit(1)
PY
        sleep 0.05
    done
    echo "dnsmasq did not start"; return 1
}

stop_dns() {
    if [ -n "${DNS_PID:-}" ]; then
        kill "$DNS_PID" 2>/dev/null
        wait "$DNS_PID" 2>/dev/null
        DNS_PID=
    fi
}

reload_dns() { kill -HUP "$DNS_PID"; }

# wait_for SECONDS COMMAND...: polls until the command succeeds. SECONDS may
# have a fraction (it once was cut: 1.5 gave 1 s).
wait_for() {
    local until
    until=$(( $(date +%s%N) + $(awk -v s="$1" 'BEGIN { printf "%.0f", s * 1e9 }') )); shift
    while :; do
        "$@" && return 0
        [ "$(date +%s%N)" -gt "$until" ] && return 1
        sleep 0.05
    done
}

fail() { echo "FAIL: $*"; exit 1; }

# start_zone ZONE.json PORTFILE: the scripted server of tests/peers/zone_dns.py
# (per-type REFUSED, dropped queries, MX/NS/TXT...); its pid joins ZONE_PIDS.
start_zone() {
    rm -f "$2"
    python3 "$SOCKPIT_SRC/tests/peers/zone_dns.py" "$1" "$2" &
    ZONE_PIDS="${ZONE_PIDS:-} $!"
    for _ in $(seq 100); do [ -s "$2" ] && return 0; sleep 0.05; done
    echo "zone_dns.py did not start"; return 1
}

stop_zones() {
    local p
    for p in ${ZONE_PIDS:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ZONE_PIDS=
}

# put_zone FILE JSON: replaces the zone at once (the server reads it again).
put_zone() { printf '%s\n' "$2" > "$1.new" && mv "$1.new" "$1"; }
