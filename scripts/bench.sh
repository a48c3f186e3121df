#!/usr/bin/env bash
# Builds roam's programs and microbenchmarks in Release mode, then compares
# roam, stock Mosh and OpenSSH side by side on emulated links
# (bench/compare/run.py; bench/compare/README.md says what each row means).
# As root the links are packet-level (roam-netsim link: two network
# namespaces, real kernel TCP and UDP); otherwise run.py says so in one line
# and uses the loopback relays, and every row is marked modelled.
# Usage: scripts/bench.sh [--quick] [--out FILE.json] [--link auto|packet|relay]
#                         [other run.py flags]
# Benchmarks are not tests: this fails only when the build or the runner
# itself fails, never on a timing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${ROAM_BENCH_BUILD_DIR:-build/bench}
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROAM_BENCH=ON \
  >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }

# The programs under comparison plus every Google Benchmark target there is.
bench_targets=$(ninja -C "$build" -t targets all 2>/dev/null |
  awk -F: '/^bench\/.*: CXX_EXECUTABLE_LINKER/ {print $1}' | tr '\n' ' ')
# shellcheck disable=SC2086
ninja -C "$build" -j"$jobs" roam roam-server roam-client roam-netsim $bench_targets

exec python3 bench/compare/run.py --build-dir "$build" "$@"
