#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages), builds and runs the whole test suite headless.
#   scripts/test.sh                 the default build (RelWithDebInfo)
#   scripts/test.sh --preset asan   the same suite under AddressSanitizer + UBSan
# Extra arguments after -- go to ctest (e.g. -- -R TestPolicyCheck).
set -euo pipefail
cd "$(dirname "$0")/.."

preset=default
ctest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --preset) preset="$2"; shift 2 ;;
        --) shift; ctest_args=("$@"); break ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh
# Relative paths in ccache's keys: a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

jobs=$(nproc 2>/dev/null || echo 2)
# Warnings are errors here: this is the command CI runs.
cmake --preset "$preset" -DELEVATE_WERROR=ON >/dev/null
cmake --build --preset "$preset" -j "$jobs"

export QT_QPA_PLATFORM=offscreen TZ=UTC LANG=C.UTF-8
ctest --preset "$preset" -j "$jobs" --no-tests=error "${ctest_args[@]}"
