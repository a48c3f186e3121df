#!/bin/sh
# Writes the seed corpora of the session fuzz targets.
set -eu
cd "$(dirname "$0")"
s=corpus/server_options
printf 'new\000-c\000256\000-s\000-p\00060100:60200\000-l\000LANG=C.UTF-8\000--\000/bin/bash\000--norc' > $s/wrapper_command_line
printf 'new\000-sv\000-p60001\000-c16\000-i127.0.0.1' > $s/clustered_options
printf 'new\000-x\000-@\000ignored\000-p' > $s/unknown_and_missing_argument
printf '127.0.0.1\00060005' > $s/legacy_ip_port
printf 'new\000-l\000NOEQUALS' > $s/bad_locale
