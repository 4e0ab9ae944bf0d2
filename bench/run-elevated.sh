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
# wrk runs one thread: the server under test and its checkpointer get the other core of this
# 2-core machine (with two, wrk takes a core's worth from the servers and every figure drops,
# the floors' too).
# Then the same routes paced (bench/pace.lua: BENCH_RATE requests/s over the 64 connections) at
# the rates the targets name: the cycles at 0.2x their INSERT floor, the reads at 0.3x the
# SELECT floor, each floor measured above. Saturated, the 64 connections always wait and the
# mean latency is 64 / (requests/s); paced, p99 is the wait of a request at that load, and
# "late" counts sends that found every connection still waiting (the server fell behind).
# Last, the disk's own fdatasync latency before and after the runs (elevate-bench-fsync): with
# full durability every answer to a change waits for a sync, so when this disk stalls (tens of
# milliseconds now and then in a shared virtual machine) the p99 of the writing routes, the
# INSERT floor's included, shows it. During the runs themselves elevated counts its own log syncs
# by duration (/metrics, elevated_log_sync_duration_seconds): the script prints how many took
# over 25 ms in the cycle runs with full durability.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}

scripts/install-deps.sh
if ! command -v wrk >/dev/null; then
    apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk >/dev/null
fi
cmake --preset release -DELEVATE_BUILD_BENCH=ON >/dev/null
cmake --build --preset release -j "$(nproc)" --target elevated elevate-bench-setup elevate-bench-floor elevate-bench-fsync >/dev/null

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

bin=build/release
port_elevated=18400; port_select=18401; port_full=18402; port_normal=18403; port_single=18404; port_relaxed=18405
port_paced=18406; port_paced_normal=18407
QT_LOGGING_RULES='*=false' "$bin/bench/elevate-bench-setup" "sqlite:$work/elevated.db" "$work/tokens" 512 20000 >/dev/null 2>&1
cp "$work/elevated.db" "$work/single.db" # same users and tokens, for the run without group commit
cp "$work/elevated.db" "$work/relaxed.db" # and for the run with --durability normal
# The paced runs start from the same state too (the reads then again page 20,000 events; after a
# saturated cycle run about half the users hold the role, and the script's first request for
# each would be refused).
cp "$work/elevated.db" "$work/paced.db"
cp "$work/elevated.db" "$work/paced-normal.db"
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_elevated --database "sqlite:$work/elevated.db" \
    --min-active-seconds 0 --rate-limit 0 >/dev/null 2>&1 & pids+=($!)
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_single --database "sqlite:$work/single.db" \
    --min-active-seconds 0 --rate-limit 0 --group-commit off >/dev/null 2>&1 & pids+=($!)
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_relaxed --database "sqlite:$work/relaxed.db" \
    --min-active-seconds 0 --rate-limit 0 --durability normal >/dev/null 2>&1 & pids+=($!)
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_paced --database "sqlite:$work/paced.db" \
    --min-active-seconds 0 --rate-limit 0 >/dev/null 2>&1 & pids+=($!)
QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen 127.0.0.1:$port_paced_normal --database "sqlite:$work/paced-normal.db" \
    --min-active-seconds 0 --rate-limit 0 --durability normal >/dev/null 2>&1 & pids+=($!)
"$bin/bench/elevate-bench-floor" $port_select "$work/floor-select.db" full >/dev/null 2>&1 & pids+=($!)
"$bin/bench/elevate-bench-floor" $port_full "$work/floor-full.db" full >/dev/null 2>&1 & pids+=($!)
"$bin/bench/elevate-bench-floor" $port_normal "$work/floor-normal.db" normal >/dev/null 2>&1 & pids+=($!)
sleep 2

# The disk's own sync latency, before and after the runs: a request acknowledged with full
# durability waits for at least one such sync, so a slow sync here shows in every p99 below.
sync
disk_before=$("$bin/bench/elevate-bench-fsync" "$work")

export BENCH_TOKENS="$work/tokens" BENCH_THREADS=1
declare -A rps p50 p99 errors late
run() { # name url [script [rate]]
    local name=$1 url=$2 script=${3:-} rate=${4:-}
    local out
    sync
    if [ -n "$script" ]; then
        out=$(BENCH_RATE=$rate wrk -t1 -c64 -d"${seconds}s" --latency -s "$script" "$url")
    else
        out=$(wrk -t1 -c64 -d"${seconds}s" --latency "$url")
    fi
    late[$name]=$(echo "$out" | awk '/Late sends/ {print $3}')
    rps[$name]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50[$name]=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99[$name]=$(echo "$out" | awk '$1=="99%" {print $2}')
    errors[$name]=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    errors[$name]=${errors[$name]:-0}
}
# The syncs of the write-ahead log an instance has made so far, from its /metrics: how many, and
# how many of them took the disk more than 25 ms (each answer to a change waits for one).
log_syncs() { # port
    curl -s "http://127.0.0.1:$1/metrics" | awk '
        /^elevated_log_sync_duration_seconds_count / { count = $2 }
        /^elevated_log_sync_duration_seconds_bucket\{le="0.025"\}/ { fast = $2 }
        END { printf "%d %d", count, count - fast }'
}
declare -A syncs slow_syncs
run_counting_syncs() { # name port url script [rate]
    local name=$1 port=$2 before after
    shift 2
    read -ra before <<<"$(log_syncs "$port")"
    run "$name" "$@"
    read -ra after <<<"$(log_syncs "$port")"
    syncs[$name]=$((after[0] - before[0]))
    slow_syncs[$name]=$((after[1] - before[1]))
}
# The reads first: the audit pages then walk the 20,000 events of the setup (the cycles add two
# per request). Before each run, sync: the previous run's writes (a saturated cycle leaves a
# write-ahead log of hundreds of MB) are flushed before the next run starts, not during it.
run floor-select "http://127.0.0.1:$port_select/select"
run eligibilities "http://127.0.0.1:$port_elevated" bench/eligibilities.lua
run audit-pages "http://127.0.0.1:$port_elevated" bench/audit.lua
times() { awk -v a="$1" -v f="$2" 'BEGIN { printf "%d", a * f }'; }
rate_reads=$(times "${rps[floor-select]}" 0.3)
run paced-eligibilities "http://127.0.0.1:$port_paced" bench/eligibilities.lua "$rate_reads"
run paced-audit-pages "http://127.0.0.1:$port_paced" bench/audit.lua "$rate_reads"
run floor-insert-full "http://127.0.0.1:$port_full/insert" bench/insert.lua
run floor-insert-normal "http://127.0.0.1:$port_normal/insert" bench/insert.lua
run_counting_syncs cycle $port_elevated "http://127.0.0.1:$port_elevated" bench/cycle.lua
run cycle-one-sync-each "http://127.0.0.1:$port_single" bench/cycle.lua
run cycle-normal "http://127.0.0.1:$port_relaxed" bench/cycle.lua

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

rate_cycle=$(times "${rps[floor-insert-full]}" 0.2)
rate_cycle_normal=$(times "${rps[floor-insert-normal]}" 0.2)
run_counting_syncs paced-cycle $port_paced "http://127.0.0.1:$port_paced" bench/cycle.lua "$rate_cycle"
run paced-cycle-normal "http://127.0.0.1:$port_paced_normal" bench/cycle.lua "$rate_cycle_normal"
printf '\n%-22s %10s %12s %10s %10s %10s %8s\n' "paced (64 connections)" "asked/s" "requests/s" "p50" "p99" "non-2xx" "late"
printf '%-22s %10s %12s %10s %10s %10s %8s\n' paced-cycle "$rate_cycle" "${rps[paced-cycle]}" "${p50[paced-cycle]}" \
    "${p99[paced-cycle]}" "${errors[paced-cycle]}" "${late[paced-cycle]}"
printf '%-22s %10s %12s %10s %10s %10s %8s\n' paced-cycle-normal "$rate_cycle_normal" "${rps[paced-cycle-normal]}" \
    "${p50[paced-cycle-normal]}" "${p99[paced-cycle-normal]}" "${errors[paced-cycle-normal]}" "${late[paced-cycle-normal]}"
for n in paced-eligibilities paced-audit-pages; do
    printf '%-22s %10s %12s %10s %10s %10s %8s\n' "$n" "$rate_reads" "${rps[$n]}" "${p50[$n]}" "${p99[$n]}" "${errors[$n]}" "${late[$n]}"
done
echo "(paced: the cycles at 0.2x their INSERT floor, FULL with group commit and --durability normal; the reads at 0.3x the SELECT floor)"
for n in cycle paced-cycle; do
    echo "log syncs during $n (FULL, group commit): ${syncs[$n]}, of which ${slow_syncs[$n]} took the disk over 25 ms"
done
sync
echo "disk before the runs: $disk_before"
echo "disk after the runs:  $("$bin/bench/elevate-bench-fsync" "$work")"
# The write-ahead log's size is its high-water mark (SQLite writes it from its start again after
# a checkpoint copied all of it, and never shrinks the file): bounded by Database::RestartPages.
for db in elevated single relaxed paced paced-normal; do
    printf 'write-ahead log of %-13s %6s MB\n' "$db:" "$(awk -v b="$(stat -c %s "$work/$db.db-wal" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f", b / 1048576 }')"
done
"$bin/server/elevated" audit verify --database "sqlite:$work/elevated.db"
"$bin/server/elevated" audit verify --database "sqlite:$work/single.db"
"$bin/server/elevated" audit verify --database "sqlite:$work/relaxed.db"
"$bin/server/elevated" audit verify --database "sqlite:$work/paced.db"
"$bin/server/elevated" audit verify --database "sqlite:$work/paced-normal.db"
