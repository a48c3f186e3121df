#!/usr/bin/env bash
# Every section of docs/protocol.md that code cites exists: each
# "docs/protocol.md §N[.M]" in src/, tests/, fuzz/, bench/ and tools/ (with
# the sections listed after it: "§8.1, §8.2", "§9.2-§9.3"; a citation may
# wrap onto the next comment line) names a heading "## N." or "### N.M" of
# the page. A renumbered or removed section fails this test until the
# citations follow.
set -uo pipefail
root=$1
doc=$root/docs/protocol.md
sections=$(grep -oE '^#{2,4} [0-9]+(\.[0-9]+)*\.? ' "$doc" | sed -E 's/^#+ //; s/\.? $//' | sort -u)
[ -n "$sections" ] || { echo "FAIL: no numbered headings found in $doc"; exit 1; }
cd "$root" || exit 1
citations=$(git ls-files -z -- src tests fuzz bench tools | xargs -0 perl -0777 -ne '
    s{\n[ \t]*(?://|#|\*)?[ \t]*}{ }g;   # join wrapped comment lines
    while (m{docs/protocol(?:\.md)?,?\s+(§[0-9][0-9.]*(?:\s*(?:,|-|–|and)\s*§[0-9][0-9.]*)*)}g) {
      my $list = $1;
      while ($list =~ m{§([0-9][0-9.]*[0-9]|[0-9])}g) { print "$ARGV: §$1\n"; }
    }' | sort -u)
[ -n "$citations" ] || { echo "FAIL: no docs/protocol.md citations found"; exit 1; }
count=0
failures=0
while read -r file section; do
  count=$((count + 1))
  number=${section#§}
  if ! grep -qxF -- "$number" <<<"$sections"; then
    echo "FAIL: ${file%:} cites docs/protocol.md $section, which is not a heading of docs/protocol.md"
    failures=$((failures + 1))
  fi
done <<<"$citations"
echo "protocol.md: $count cited sections checked, $failures missing"
[ $failures = 0 ]
