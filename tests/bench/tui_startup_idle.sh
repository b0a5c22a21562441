#!/usr/bin/env bash
# Issue 2 figures: start-up to the first complete frame, RSS at start, CPU
# while idle for 30 s. Usage: SOCKPIT=build/sockpit bash tests/bench/tui_startup_idle.sh
set -eu
here=$(dirname "$0")
python3 "$here/tui_startup_idle.py" "${SOCKPIT:-build/sockpit}" --runs "${RUNS:-20}" --idle "${IDLE_SECONDS:-30}"
