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
# history_sync: byte 0 the catch-up bound, then steps of an op byte (bit 0
# erase, bit 1 a resize range, bit 2 inline lines) and its arguments.
h=corpus/history_sync
mkdir -p $h
printf '\012\004\003\002\012\024\005\004\003\002\012\024\005\004\003\002\012\024\005' > $h/inline_lines
printf '\005\000\310\062\377\000\000\310\377\000\000\310\377\000\000\310\377' > $h/flood_then_settle
printf '\024\004\012\011\036\012\001\005\003\012\012\004\006\005\024\012' > $h/erase_midway
printf '\036\006\024\002\001\005\050\024\006\012\017\002\011\024\024' > $h/resized
printf "$(i=0; while [ $i -lt 256 ]; do printf "\\\\%03o" $i; i=$((i+1)); done)" > $h/mixed
