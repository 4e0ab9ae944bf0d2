#!/usr/bin/env bash
# Installs what is missing, builds, and starts the demo: the console (`elevate --demo`) when it
# is built, else the self-hosted backend with its seeded demo tenant (`elevated --demo`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Relative paths in ccache's keys: a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)"

for candidate in build/default/app/elevate build/default/server/elevated; do
    if [ -x "$candidate" ]; then
        exec "$candidate" --demo "$@"
    fi
done

cat <<'MSG'
Elevate is built, but neither the console (elevate) nor the demo backend (elevated) exists yet:
this checkout holds the foundation only. Run scripts/test.sh
to exercise it.
MSG
