#!/bin/sh
# Builds the release preset and runs the audit archive benchmark: 1,000,000 events by default.
#   bench/run-cache.sh [EVENTS] [RUNS] [DIR]
# Prints figures next to their targets; asserts nothing.
set -eu
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target elevate-bench-cache
exec build/release/bench/elevate-bench-cache "${1:-1000000}" "${2:-25}" "${3:-${TMPDIR:-/tmp}}"
