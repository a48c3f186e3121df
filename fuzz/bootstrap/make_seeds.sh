#!/bin/sh
# Writes the seed corpora of the bootstrap fuzz targets. The first byte of a
# connect_line_scanner seed is the chunk-size selector.
set -eu
cd "$(dirname "$0")"
c=corpus/connect_line_scanner
printf '\003\r\r\n\r\nMOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA\r\n\r\nmosh-server (mosh 1.4.0)\r\n' > $c/real_pty_capture
printf '\001Warning: Permanently added host\r\nMOSH IP 127.0.0.1\nMOSH CONNECT 60002 AAAAAAAAAAAAAAAAAAAAAA\n' > $c/proxy_ip_then_connect
printf '\005bash: line 1: roam-server: command not found\r\n' > $c/command_not_found
printf '\007MOSH CONNECT 60003 AAAAAAAAAAAAAAAAAAAAAA' > $c/connect_without_newline
printf '\002MOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRs\nMOSH CONNECT 99999 bwDfQBWxAHCQ1r/oYHiRsA\n' > $c/near_misses
printf '\004\nMOSH SSH_CONNECTION 10.0.0.9 5555 10.0.0.1 22\n\r\n\n' > $c/ssh_connection_and_blank_lines
