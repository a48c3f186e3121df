#!/usr/bin/env bash
# Installs what roam needs, builds it, and starts a roam session on this
# machine: a local roam-server running your shell, with the roam client
# attached in this terminal. Leave it with `exit` or Ctrl-^ then `.`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DROAM_BENCH=OFF -DROAM_TESTS=OFF >/dev/null
ninja -C build/release roam roam-server roam-client
export PATH="$root/build/release/src/app:$PATH"
if [ -z "${LANG:-}" ] || ! locale 2>/dev/null | grep -qi 'utf-\?8'; then
  export LANG=C.UTF-8
fi
if [ ! -t 0 ] || [ ! -t 1 ]; then
  echo "roam: built; start a session from a terminal with: build/release/src/app/roam --local" >&2
  exit 0
fi
exec roam --local "$@"
