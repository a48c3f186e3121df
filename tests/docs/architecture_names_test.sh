#!/usr/bin/env bash
# docs/architecture.md names real code: every `Type::Function` it cites
# (a keystroke's path, the layers) exists in src/ — defined as
# Type::Function( in a .cc, or declared as Function( in the file that
# declares the class or struct Type. A renamed function fails this test
# until the page follows.
set -uo pipefail
root=$1
doc=$root/docs/architecture.md
failures=0
names=$(grep -oE '`[A-Z][A-Za-z0-9]*(::[A-Za-z0-9]+)+`' "$doc" | tr -d '`' | sort -u)
[ -n "$names" ] || { echo "FAIL: no Type::Function names found in $doc"; exit 1; }
count=0
for name in $names; do
  count=$((count + 1))
  type=${name%%::*}
  function=${name##*::}
  if grep -rqF -- "$name(" "$root/src"; then continue; fi
  files=$(grep -rlE -- "(class|struct) $type( |$|\\{|:|final)" "$root/src")
  if [ -n "$files" ] && grep -qE -- "[ *&]$function\\(" $files; then continue; fi
  echo "FAIL: $name is not in src/"
  failures=$((failures + 1))
done
echo "architecture.md: $count names, $failures missing"
[ $failures = 0 ]
