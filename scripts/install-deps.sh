#!/usr/bin/env bash
# Installs the Debian 12 packages Elevate needs to build, run and test.
# Idempotent and quiet: it asks apt only for what is missing.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config git
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-httpserver-dev
    qt6-websockets-dev  # Qt6HttpServerConfig.cmake needs it; Debian does not depend on it
    qtkeychain-qt6-dev nlohmann-json3-dev libargon2-dev
    # the console: charts in the Audit pane (Qt Charts needs Qt's OpenGL headers), SVG icons,
    # and the translation tools (lupdate, lrelease and their CMake functions)
    qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libqt6svg6 qt6-l10n-tools qt6-tools-dev
    libsqlite3-dev  # the cache and the server write their hot inserts through the C API
    libssl-dev  # the server hashes its audit chain with OpenSSL's SHA-256
    clang libclang-rt-14-dev
    xvfb xauth dbus dbus-x11 gnome-keyring
    openssl  # the TLS tests generate a throw-away certificate with it
    curl  # the "browser" of elevatectl's PKCE end-to-end test
    # PostgreSQL: Qt's driver, and the server for the throw-away test cluster
    # (scripts/pg-test-cluster.sh) and the several-instances tests; nginx for the proxy tests
    libqt6sql6-psql postgresql nginx
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
