#!/usr/bin/env bash
# Takes the README's screenshots of the console: `elevate --demo` under Xvfb, one run per
# persona and pane, the window grabbed once the first sync has landed. Needs a built tree
# (scripts/demo.sh or scripts/test.sh) and ImageMagick's `import`.
#   scripts/screenshots.sh [OUTPUT_DIR]     (default docs/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
bin=build/default/app/elevate
[ -x "$bin" ] || { echo "build first: scripts/demo.sh or scripts/test.sh" >&2; exit 1; }
command -v import >/dev/null || { echo "needs ImageMagick (apt-get install imagemagick)" >&2; exit 1; }
mkdir -p "$out"

work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/share HOME=$work
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/elevate-shots QT_QPA_PLATFORM=xcb
Xvfb :96 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=:96
sleep 1

# persona pane file [extra arguments]
shoot() {
    local persona=$1 pane=$2 file=$3
    shift 3
    rm -rf "$work/config" "$work/share"
    if [ -n "${DARK:-}" ]; then
        mkdir -p "$work/config/Elevate"
        printf '[window]\ndark=true\n' > "$work/config/Elevate/elevate.conf"
    fi
    "$bin" --demo --persona "$persona" --pane "$pane" "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep "${SHOT_WAIT:-9}"
    import -window root -crop 1180x720+0+0 "$out/$file"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "$out/$file"
}

shoot alex roles my-roles.png
shoot megan approvals pending-approvals.png
shoot diego reviews access-reviews.png
shoot isaiah audit audit.png
shoot adele alerts alerts.png
LANG=de_DE.UTF-8 LANGUAGE=de shoot alex roles my-roles-de.png
DARK=1 shoot megan approvals pending-approvals-dark.png
