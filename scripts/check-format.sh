#!/usr/bin/env bash
# Fails when any C++ source in the tree differs from .clang-format, or when
# a file outside docs/ cites a document that is not in the repository (the
# protocol is docs/protocol.md; cite it as "docs/protocol.md §N").
# scripts/check-format.sh --fix rewrites the C++ files instead (citations
# are still checked; they need a person).
set -euo pipefail
cd "$(dirname "$0")/.."

# Citations of documents outside the repository: one line per offence,
# file:line: message. The patterns are written so this file does not match
# them itself.
status=0
outside='spec[ ]§|mosh-protocol[.]md|[.][.]/shared/'
citations=$(git grep -n -I -E -- "$outside" -- . ':!docs/' || true)
if [ -n "$citations" ]; then
  while IFS= read -r hit; do
    location=$(cut -d: -f1,2 <<<"$hit")
    what=$(cut -d: -f3- <<<"$hit" | grep -oE -- "$outside" | head -n 1)
    echo "$location: error: \"$what\" cites a document outside the repository; cite docs/protocol.md §N instead" >&2
  done <<<"$citations"
  status=1
fi

mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'fuzz/*.cc' 'fuzz/*.h' 'bench/*.cc' 'bench/*.h' \
  'tools/*.cc' 'tools/*.h' | grep -v '/generated/' || true)
[ ${#files[@]} -gt 0 ] || exit $status
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run --Werror "${files[@]}" || status=1
fi
exit $status
