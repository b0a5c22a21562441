#!/usr/bin/env bash
# The config file: its settings apply to the TUI and the batch commands, the
# command line overrides them, a bad line is a warning naming file and line
# (on stderr and in the status line) and the rest still applies, and
# --print-config says where every setting came from.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

cfgdir="$TUI_DIR/home/.config/sockpit"
mkdir -p "$cfgdir"
python3 "$SOCKPIT_SRC/tests/peers/hostile_dns.py" "$TUI_DIR/dns.port" &
dns_pid=$!
trap 'kill $dns_pid 2>/dev/null; tui_cleanup' EXIT
for _ in $(seq 50); do [ -s "$TUI_DIR/dns.port" ] && break; sleep 0.1; done
port=$(cat "$TUI_DIR/dns.port")

cat > "$cfgdir/config" <<EOC
# test settings
pane = watch
colour = on
watch-interval = 0.5
dns-server = 127.0.0.1:$port
probe-rate = 7
EOC

out=$(HOME="$TUI_DIR/home" XDG_CONFIG_HOME="$TUI_DIR/home/.config" "$SOCKPIT" --print-config --probe-rate 9 2>"$TUI_DIR/err")
grep -q "^pane *= watch *# $cfgdir/config:2$" <<<"$out" || fail "pane from the file: $out"
grep -q "^probe-rate *= 9 *# command line$" <<<"$out" || fail "the command line must win: $out"
grep -q "^sweep-concurrency *= 64 *# default$" <<<"$out" || fail "default: $out"
grep -q "^sockpit: $cfgdir/config:3: unknown key 'colour'" "$TUI_DIR/err" || fail "warning: $(cat "$TUI_DIR/err")"

# The TUI starts on the pane the file names and shows the warning.
tui_start 100 30
tui_wait "[3 DNS watch]"
tui_wait "config:3: unknown key 'colour'"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"

# A batch command takes its DNS server and interval from the file.
line=$(HOME="$TUI_DIR/home" XDG_CONFIG_HOME="$TUI_DIR/home/.config" timeout 10 "$SOCKPIT" watch --json --count 1 \
       --state-dir "$TUI_DIR/state" --config-dir "$TUI_DIR/wl" ok.test 2>/dev/null)
grep -q '"event":"first".*"new":\["198.18.9.9"\]' <<<"$line" || fail "watch did not use the file's DNS server: $line"
echo "config: ok"
