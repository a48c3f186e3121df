#!/usr/bin/env bash
# The man pages render without a single warning from man/groff
# (`man --warnings -l PAGE` prints nothing on stderr), has the sections a
# user looks for, and names every option its program's --help prints.
# Usage: man_page_lint_test.sh MAN_DIR PROGRAM_DIR
set -uo pipefail
dir=$1
bin=$2
status=0
for page in roam.1 roam-server.1 roam-client.1; do
  if [ ! -f "$dir/$page" ]; then
    echo "FAIL: $page missing"
    status=1
    continue
  fi
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$dir/$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "FAIL: $page: $warnings"
    status=1
  fi
  text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$dir/$page" 2>/dev/null)
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS"; do
    grep -q "^$section" <<<"$text" || { echo "FAIL: $page has no $section section"; status=1; }
  done
done
# Every option in the usage text is in the page (its source, with \- as -).
for program in roam roam-server roam-client; do
  page=$(sed 's/\\-/-/g' "$dir/$program.1")
  usage=$("$bin/$program" --help 2>&1)
  options=$(grep -oE -- '(^|[][ ,|])--?[A-Za-z0-9#][A-Za-z0-9-]*' <<<"$usage" | sed 's/^[][ ,|]//' |
    grep -v '^--$' | sort -u)
  [ -n "$options" ] || { echo "FAIL: no options found in $program --help"; status=1; }
  for option in $options; do
    grep -qF -- "$option" <<<"$page" || { echo "FAIL: $program.1 lacks $option"; status=1; }
  done
  echo "$program: $(wc -w <<<"$options") options of --help looked for in the page"
done
[ $status = 0 ] && echo "man pages: no warnings"
exit $status
