#!/usr/bin/env bash
# The console's cold start to its first painted window, and its peak memory, next to a bare Qt
# window with a table view, all whole-process under one Xvfb. With an empty cache and with
# EVENTS (default 1,000,000) cached audit events; the console on its default pane and on Audit.
#   bench/run-console-startup.sh [RUNS] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
events=${2:-1000000}
bin=build/default/bench/elevate-bench-startup
[ -x "$bin" ] || cmake --build --preset default --target elevate-bench-startup >/dev/null

work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/share HOME=$work
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/elevate-bench QT_QPA_PLATFORM=xcb
Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=:97
sleep 1

echo "preparing: an empty cache and one with $events events"
"$bin" prepare "$work/empty" 0 >/dev/null
"$bin" prepare "$work/full" "$events"

# One variant: RUNS whole-process runs; prints median and p90 wall ms and median peak RSS.
measure() {
    local label=$1; shift
    local walls=() rss=()
    for _ in $(seq "$runs"); do
        local t0 t1 out
        t0=$(date +%s%N)
        out=$("$@" 2>/dev/null | grep peak_rss_kb || true)
        t1=$(date +%s%N)
        walls+=($(( (t1 - t0) / 1000000 )))
        rss+=("${out##* }")
    done
    local sw sr
    sw=$(printf '%s\n' "${walls[@]}" | sort -n)
    sr=$(printf '%s\n' "${rss[@]}" | sort -n)
    local med p90 rmed
    med=$(echo "$sw" | awk -v n="$runs" 'NR==int((n+1)/2)')
    p90=$(echo "$sw" | awk -v n="$runs" 'NR==int(n*0.9+0.5)')
    rmed=$(echo "$sr" | awk -v n="$runs" 'NR==int((n+1)/2)')
    printf '%-44s median %5d ms  p90 %5d ms  peak RSS %6.1f MB\n' "$label" "$med" "$p90" "$(echo "$rmed / 1024" | bc -l)"
    echo "$med" > "$work/last"
}

measure "bare window + table view (floor)" "$bin" bare
floor=$(cat "$work/last")
measure "console, empty cache, first pane" "$bin" console "$work/empty"
empty=$(cat "$work/last")
measure "console, $events events, first pane" "$bin" console "$work/full"
full=$(cat "$work/last")
measure "console, $events events, Audit pane" "$bin" console "$work/full" audit
audit=$(cat "$work/last")
printf '\nratios to the floor (target <= 3x): empty %.2fx, %s events %.2fx, Audit pane %.2fx\n' \
    "$(echo "$empty / $floor" | bc -l)" "$events" "$(echo "$full / $floor" | bc -l)" "$(echo "$audit / $floor" | bc -l)"
