#!/usr/bin/env bash
# Load benchmark of elevated with wrk at 64 connections, against two floors on a bare
# QHttpServer in the same run (one indexed SELECT per request; one INSERT transaction per
# request). Prints requests/s, p50 and p99 for each, and the ratios to the floors.
#   bench/run-elevated.sh [SECONDS]
# Durability: elevated runs with synchronous=FULL (every acknowledged change and its audit
# record survive power loss); the INSERT floor is measured with FULL and with NORMAL. The
# activate -> deactivate cycle runs twice: with group commit (the default: changes that arrive
# together share one sync, each answered after it) and with --group-commit off (one sync each),
# and once more on a third instance with --durability normal (WAL synchronous=NORMAL: an
# acknowledged change survives a crash or kill -9 of elevated, a power cut may lose the last
# ones), against the NORMAL INSERT floor.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}

scripts/install-deps.sh
if ! command -v wrk >/dev/null; then
    apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk >/dev/null
fi
cmake --preset release -DELEVATE_BUILD_BENCH=ON >/dev/null
cmake --build --preset release -j "$(nproc)" --target elevated elevate-bench-setup elevate-bench-floor >/dev/null

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

bin=build/release
port_elevated=18400; port_select=18401; port_full=18402; port_normal=18403; port_single=18404; port_relaxed=18405
QT_LOGGING_RULES='*=false' "$bin/bench/elevate-bench-setup" "sqlite:$work/elevated.db" "$work/tokens" 512 20000 >/dev/null 2>&1
cp "$work/elevated.db" "$work/single.db" # same users and tokens, for the run without group commit
cp "$work/elevated.db" "$work/relaxed.db" # and for the run with --durability normal
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_elevated --database "sqlite:$work/elevated.db" \
    --min-active-seconds 0 --rate-limit 0 >/dev/null 2>&1 & pids+=($!)
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_single --database "sqlite:$work/single.db" \
    --min-active-seconds 0 --rate-limit 0 --group-commit off >/dev/null 2>&1 & pids+=($!)
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_relaxed --database "sqlite:$work/relaxed.db" \
    --min-active-seconds 0 --rate-limit 0 --durability normal >/dev/null 2>&1 & pids+=($!)
"$bin/bench/elevate-bench-floor" $port_select "$work/floor-select.db" full >/dev/null 2>&1 & pids+=($!)
"$bin/bench/elevate-bench-floor" $port_full "$work/floor-full.db" full >/dev/null 2>&1 & pids+=($!)
"$bin/bench/elevate-bench-floor" $port_normal "$work/floor-normal.db" normal >/dev/null 2>&1 & pids+=($!)
sleep 2

export BENCH_TOKENS="$work/tokens" BENCH_THREADS=2
declare -A rps p50 p99 errors
run() { # name url script
    local name=$1 url=$2 script=${3:-}
    local out
    if [ -n "$script" ]; then
        out=$(wrk -t2 -c64 -d"${seconds}s" --latency -s "$script" "$url")
    else
        out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$url")
    fi
    rps[$name]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50[$name]=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99[$name]=$(echo "$out" | awk '$1=="99%" {print $2}')
    errors[$name]=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    errors[$name]=${errors[$name]:-0}
}
run floor-select "http://127.0.0.1:$port_select/select"
run floor-insert-full "http://127.0.0.1:$port_full/insert" bench/insert.lua
run floor-insert-normal "http://127.0.0.1:$port_normal/insert" bench/insert.lua
run eligibilities "http://127.0.0.1:$port_elevated" bench/eligibilities.lua
run cycle "http://127.0.0.1:$port_elevated" bench/cycle.lua
run cycle-one-sync-each "http://127.0.0.1:$port_single" bench/cycle.lua
run cycle-normal "http://127.0.0.1:$port_relaxed" bench/cycle.lua
run audit-pages "http://127.0.0.1:$port_elevated" bench/audit.lua

printf '\n%-22s %12s %10s %10s %10s\n' "route (64 connections)" "requests/s" "p50" "p99" "non-2xx"
for n in floor-select floor-insert-full floor-insert-normal eligibilities cycle cycle-one-sync-each cycle-normal audit-pages; do
    printf '%-22s %12s %10s %10s %10s\n' "$n" "${rps[$n]}" "${p50[$n]}" "${p99[$n]}" "${errors[$n]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "eligibilities / SELECT floor:      $(ratio "${rps[eligibilities]}" "${rps[floor-select]}")"
echo "activate+deactivate / INSERT floor (FULL):   $(ratio "${rps[cycle]}" "${rps[floor-insert-full]}")  (each cycle step is one request)"
echo "the same without group commit / INSERT floor: $(ratio "${rps[cycle-one-sync-each]}" "${rps[floor-insert-full]}")"
echo "activate+deactivate / INSERT floor (NORMAL): $(ratio "${rps[cycle-normal]}" "${rps[floor-insert-normal]}")  (--durability normal)"
echo "audit page (100 events) / SELECT floor:      $(ratio "${rps[audit-pages]}" "${rps[floor-select]}")"
"$bin/server/elevated" audit verify --database "sqlite:$work/elevated.db"
"$bin/server/elevated" audit verify --database "sqlite:$work/single.db"
"$bin/server/elevated" audit verify --database "sqlite:$work/relaxed.db"
