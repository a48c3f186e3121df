#!/bin/sh
# Writes the seed corpora of the client fuzz targets. The first byte of an
# escape_key seed is the MOSH_ESCAPE_KEY value (00 = unset, ff = empty).
set -eu
cd "$(dirname "$0")"
e=corpus/escape_key
printf '\000ls\r\036.' > $e/default_quit
printf '\000\036\032after_suspend' > $e/default_suspend
printf '\000\036^\036x\036\036' > $e/default_pass_and_other
printf '~~.\r~.\n~~' > $e/tilde_after_newline
printf '\001\001a\001A\001b' > $e/ctrl_a_lowercase_pass
printf '\377\036.\036\032' > $e/disabled
printf '\003\036.' > $e/refused_ctrl_c
w=corpus/shell_words
printf 'ssh -p 2222' > $w/ssh_with_port
printf "ssh -o 'ProxyJump a b' \"x\\\\\"y\"" > $w/quotes_and_escapes
printf "'unterminated" > $w/unterminated_quote
printf 'a\\ b\\\nc' > $w/backslashes
