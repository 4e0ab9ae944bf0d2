#!/usr/bin/env bash
# elevated on SQLite (one instance) against PostgreSQL with one, two and three instances behind
# nginx, in one run: requests/s, p50 and p99 for a read (my eligibilities) and for the
# activate -> deactivate cycle, wrk at 64 connections.
#   bench/run-elevated-pg.sh [SECONDS]        (BENCH_PRESET=default to use that build)
# Durability on both sides: SQLite synchronous=FULL with group commit (the default);
# PostgreSQL fsync on, synchronous_commit on (PG_TEST_DURABLE=1 cluster). Each PostgreSQL
# configuration gets its own copy of the same prepared database, so every cycle starts with
# no active assignments. Every database's audit chain is verified at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
preset=${BENCH_PRESET:-release}

scripts/install-deps.sh
if ! command -v wrk >/dev/null; then
    apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk >/dev/null
fi
cmake --preset "$preset" -DELEVATE_BUILD_BENCH=ON >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target elevated elevate-bench-setup >/dev/null
bin=build/$preset

work=$(mktemp -d)
chmod 0755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for n in 1 2 3; do scripts/nginx-proxy.sh stop "$work/nginx$n" || true; done
    scripts/pg-test-cluster.sh stop "$work/pg" || true
    rm -rf "$work"
}
trap cleanup EXIT

url=$(PG_TEST_DURABLE=1 scripts/pg-test-cluster.sh start "$work/pg")
PGPASSWORD=$(cat "$work/pg/password")
export PGPASSWORD
base=${url%/*}
port_sqlite=18500
ports_pg=(18511 18521 18522 18531 18532 18533) # pg1: 18511; pg2: 18521-2; pg3: 18531-3
proxy=(18510 18520 18530)

QT_LOGGING_RULES='*=false' "$bin/bench/elevate-bench-setup" "sqlite:$work/elevated.db" "$work/tokens" 512 2000 >/dev/null 2>&1
QT_LOGGING_RULES='*=false' "$bin/bench/elevate-bench-setup" "$url" "$work/tokens-pg" 512 2000 >/dev/null 2>&1
socket_psql() { psql -h 127.0.0.1 -p "${base##*:}" -U elevate -d elevate -v ON_ERROR_STOP=1 -q "$@"; }
for n in 1 2 3; do
    socket_psql -c "CREATE DATABASE elevate_pg$n TEMPLATE elevate"
done

serve() { # port database
    QT_LOGGING_RULES='*.info=false' "$bin/server/elevated" --listen "127.0.0.1:$1" --database "$2" \
        --min-active-seconds 0 --rate-limit 0 >/dev/null 2>&1 &
    pids+=($!)
}
serve $port_sqlite "sqlite:$work/elevated.db"
serve 18511 "$base/elevate_pg1"
serve 18521 "$base/elevate_pg2"; serve 18522 "$base/elevate_pg2"
serve 18531 "$base/elevate_pg3"; serve 18532 "$base/elevate_pg3"; serve 18533 "$base/elevate_pg3"
sleep 2
scripts/nginx-proxy.sh start "$work/nginx1" 18510 18511
scripts/nginx-proxy.sh start "$work/nginx2" 18520 18521 18522
scripts/nginx-proxy.sh start "$work/nginx3" 18530 18531 18532 18533

export BENCH_THREADS=2
declare -A rps p50 p99 errors
run() { # name url script tokens
    local name=$1 url=$2 script=$3
    local out
    out=$(BENCH_TOKENS=$4 wrk -t2 -c64 -d"${seconds}s" --latency -s "$script" "$url")
    rps[$name]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50[$name]=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99[$name]=$(echo "$out" | awk '$1=="99%" {print $2}')
    errors[$name]=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    errors[$name]=${errors[$name]:-0}
}
configs=(sqlite-1 pg-1-nginx pg-2-nginx pg-3-nginx)
declare -A target=([sqlite-1]="http://127.0.0.1:$port_sqlite" [pg-1-nginx]="http://127.0.0.1:18510"
                   [pg-2-nginx]="http://127.0.0.1:18520" [pg-3-nginx]="http://127.0.0.1:18530")
declare -A tokens=([sqlite-1]="$work/tokens" [pg-1-nginx]="$work/tokens-pg" [pg-2-nginx]="$work/tokens-pg"
                   [pg-3-nginx]="$work/tokens-pg")
for c in "${configs[@]}"; do
    run "$c reads" "${target[$c]}" bench/eligibilities.lua "${tokens[$c]}"
    run "$c cycle" "${target[$c]}" bench/cycle.lua "${tokens[$c]}"
done

printf '\n%-12s | %-34s | %-34s\n' "" "read: my eligibilities" "activate -> deactivate cycle"
printf '%-12s | %10s %7s %7s %7s | %10s %7s %7s %7s\n' "config" "req/s" "p50" "p99" "non2xx" "req/s" "p50" "p99" "non2xx"
for c in "${configs[@]}"; do
    printf '%-12s | %10s %7s %7s %7s | %10s %7s %7s %7s\n' "$c" \
        "${rps[$c reads]}" "${p50[$c reads]}" "${p99[$c reads]}" "${errors[$c reads]}" \
        "${rps[$c cycle]}" "${p50[$c cycle]}" "${p99[$c cycle]}" "${errors[$c cycle]}"
done
echo
echo "(pg-N-nginx: N elevated instances on one PostgreSQL database behind one nginx; $(nproc) cores shared by all)"
"$bin/server/elevated" audit verify --database "sqlite:$work/elevated.db"
for n in 1 2 3; do "$bin/server/elevated" audit verify --database "$base/elevate_pg$n"; done
