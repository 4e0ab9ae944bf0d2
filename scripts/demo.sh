#!/usr/bin/env bash
# Installs what is missing, builds, and starts the demo: the console (`elevate --demo`) with an
# embedded elevated serving a seeded demo organisation on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Relative paths in ccache's keys: a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)"

# Without a display (a server, a container), the console runs under a virtual one.
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
    echo "No display: running the console under xvfb-run." >&2
    exec xvfb-run -a -s '-screen 0 1280x800x24' build/default/app/elevate --demo "$@"
fi
exec build/default/app/elevate --demo "$@"
