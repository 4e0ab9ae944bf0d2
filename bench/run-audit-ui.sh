#!/bin/sh
# Builds the release preset and measures the Audit pane over a million cached events:
#   bench/run-audit-ui.sh [EVENTS] [RUNS] [DIR]
# DIR keeps the filled archive between runs (default: a folder under TMPDIR, reused).
# Each figure is printed next to its floor from the same run; nothing is asserted.
set -eu
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target elevate-bench-audit-ui
bin=build/release/bench/elevate-bench-audit-ui
events="${1:-1000000}"
runs="${2:-25}"
dir="${3:-${TMPDIR:-/tmp}/elevate-audit-ui-bench-$events}"
export QT_QPA_PLATFORM=offscreen TZ=UTC LANG=C.UTF-8
# No session bus: the keychain is not used (tokens in memory) and must not be looked for.
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/elevate-bench
"$bin" fill "$dir" "$events"
echo
echo "== start-up and peak memory, each in its own process (whole process: /usr/bin/time) =="
for mode in bare pane; do
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "  whole process ($mode): %e s wall, %M KB peak RSS" "$bin" $mode "$dir"
    else
        "$bin" $mode "$dir"
    fi
done
echo
"$bin" filter "$dir" "$runs"
