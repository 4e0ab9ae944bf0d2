#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ ASan/UBSan) and runs each for 60 s or 1,000,000
# executions, whichever comes first. Any crash fails the script and leaves the input in
# build/fuzz/artifacts/.
#   scripts/fuzz.sh [SECONDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
runs=${2:-1000000}

scripts/install-deps.sh
# Relative paths in ccache's keys: a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset fuzz -DELEVATE_WERROR=ON >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"

work=build/fuzz/run
rm -rf "$work"
mkdir -p "$work/corpus" build/fuzz/artifacts
status=0
for target in $(find build/fuzz/tests/fuzz -maxdepth 1 -type f -executable -name 'Fuzz*' | sort); do
    name=$(basename "$target")
    mkdir -p "$work/corpus/$name"
    echo "== $name: up to ${seconds}s or ${runs} runs"
    if ! "$target" -max_total_time="$seconds" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ \
        "$work/corpus/$name" tests/fuzz/corpus >"$work/$name.log" 2>&1; then
        status=1
        tail -n 60 "$work/$name.log"
    fi
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$name.log" || true
done
exit $status
