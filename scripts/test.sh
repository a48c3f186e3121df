#!/usr/bin/env bash
# Builds roam and runs its whole test suite, the way CI does:
#   1. g++ build (warnings are errors), every test;
#   2. clang build with AddressSanitizer + UndefinedBehaviorSanitizer, every test;
#   3. clang libFuzzer build, each fuzz target run briefly from its seed corpus;
#   4. the clang-format check.
# Usage: scripts/test.sh [--quick]   (--quick: step 1 and the format check only)
# Ends with one line "tests: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
quick=0
[ "${1:-}" = "--quick" ] && quick=1

bash scripts/install-deps.sh --test || { echo "roam: dependency installation failed" >&2; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
failures=()

# run_stage NAME BUILD_DIR CTEST_ARGS -- CMAKE_ARGS...
run_stage() {
  local name=$1 dir=$2 ctest_args=$3
  shift 4
  echo "=== $name ==="
  if ! cmake -S . -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"
    failures+=("$name: configure")
    failed=$((failed + 1))
    return
  fi
  # BUILD_FILTER: build only the targets whose names match (the fuzz stage
  # needs only its fuzzers).
  local targets=()
  if [ -n "${BUILD_FILTER:-}" ]; then
    mapfile -t targets < <(ninja -C "$dir" -t targets all | sed -n "s/^\(${BUILD_FILTER}\): .*/\1/p")
  fi
  if ! ninja -C "$dir" -j"$jobs" "${targets[@]}"; then
    failures+=("$name: build")
    failed=$((failed + 1))
    return
  fi
  local log="$dir/ctest.log"
  # shellcheck disable=SC2086
  (cd "$dir" && ctest -j"$jobs" --output-on-failure --no-tests=error $ctest_args) | tee "$log"
  local line total nfail
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1)
  if [ -z "$line" ]; then
    failures+=("$name: no ctest summary")
    failed=$((failed + 1))
    return
  fi
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  nfail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
  [ "$nfail" = 0 ] || failures+=("$name: $nfail failed")
}

mkdir -p build
run_stage "g++ build and tests" build/ci-gcc "" -- \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++

if [ $quick = 0 ]; then
  run_stage "clang ASan+UBSan build and tests" build/ci-asan "-LE fuzz" -- \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DROAM_SANITIZE=ON -DROAM_BENCH=OFF
  BUILD_FILTER='fuzz_[a-z0-9_]*' run_stage "libFuzzer smoke runs" build/ci-fuzz "-L ^fuzz$" -- \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DROAM_FUZZ=ON -DROAM_BENCH=OFF -DROAM_FUZZ_SECONDS="${ROAM_FUZZ_SECONDS:-15}"
fi

echo "=== format check ==="
if scripts/check-format.sh; then
  passed=$((passed + 1))
else
  failures+=("clang-format check")
  failed=$((failed + 1))
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
