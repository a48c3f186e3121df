#!/usr/bin/env bash
# The man pages render without a single warning from man/groff
# (`man --warnings -l PAGE` prints nothing on stderr), and each names every
# option its program's --help prints.
set -uo pipefail
dir=$1
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
[ $status = 0 ] && echo "man pages: no warnings"
exit $status
