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
r=corpus/install_reply
mkdir -p $r
printf 'ROAM INSTALL have' > $r/have
printf 'ROAM INSTALL send new' > $r/send_new
printf 'ROAM INSTALL send replace\r' > $r/send_replace_cr
printf 'ROAM INSTALL present mosh-server' > $r/present
printf 'ROAM INSTALL arch aarch64' > $r/arch
printf 'ROAM INSTALL bad e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' > $r/bad_hash
printf 'ROAM INSTALL installed' > $r/installed
printf 'ROAM INSTALL nohash' > $r/nohash
printf 'Last login: yesterday' > $r/not_a_reply
# history_sync: byte 0 the catch-up bound, then steps of an op byte (bit 0
# erase, bit 1 a resize range, bit 2 inline lines) and its arguments.
h=corpus/history_sync
mkdir -p $h
printf '\012\004\003\002\012\024\005\004\003\002\012\024\005\004\003\002\012\024\005' > $h/inline_lines
printf '\005\000\310\062\377\000\000\310\377\000\000\310\377\000\000\310\377' > $h/flood_then_settle
printf '\024\004\012\011\036\012\001\005\003\012\012\004\006\005\024\012' > $h/erase_midway
printf '\036\006\024\002\001\005\050\024\006\012\017\002\011\024\024' > $h/resized
printf "$(i=0; while [ $i -lt 256 ]; do printf "\\\\%03o" $i; i=$((i+1)); done)" > $h/mixed
