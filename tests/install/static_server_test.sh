#!/usr/bin/env bash
# roam-server-static, the server `roam --install-server` copies to hosts
# without roam: a static ELF (no interpreter, no shared libraries) that runs
# a real session in an empty environment (`env -i`, no PATH, no locale, no
# HOME): roam --local starts it through `env -i`, runs a command on it over
# a channel and gets the command's output and exit status back.
set -uo pipefail
server=$1
roam=$2
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

if readelf -lW "$server" | grep -q 'INTERP\|DYNAMIC'; then
  fail "$server has an interpreter or a dynamic section:"
  readelf -lW "$server" | grep 'INTERP\|DYNAMIC'
fi
echo "size: $(stat -c %s "$server") bytes"

version=$(env -i "$server" --version 2>&1)
[[ $version == "roam-server (roam "* ]] || fail "--version in an empty environment: $version"

output=$(timeout 60 "$roam" --local --server="env -i $server" -- 'echo static-ok; exit 7' \
  </dev/null 2>&1)
status=$?
[ $status = 7 ] || fail "the command's exit status came back as $status, not 7: $output"
grep -q '^static-ok' <<<"$output" || fail "the command's output did not come back: $output"

echo "static server: $failures failures"
[ $failures = 0 ]
