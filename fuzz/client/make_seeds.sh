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
