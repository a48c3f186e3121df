#!/usr/bin/env bash
# Writes the seed corpora of the service fuzz targets, one file per case,
# named by what it is. Run from this folder.
set -euo pipefail
cd "$(dirname "$0")"
w() { printf "$2" > "corpus/$1"; }
mkdir -p corpus/socks5 corpus/forward_spec corpus/exec_records
# socks5: first byte = piece size selector.
w socks5/connect_domain_whole '\077\005\001\000\005\001\000\003\011localhost\037\220'
w socks5/connect_ipv4_bytewise '\000\005\001\000\005\001\000\001\177\000\000\001\000\120'
w socks5/connect_ipv6 '\020\005\001\000\005\001\000\004\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\001\273'
w socks5/username_only '\010\005\001\002'
w socks5/bind_command '\010\005\001\000\005\002\000\001\001\002\003\004\000\001'
w socks5/data_after_request '\077\005\001\000\005\001\000\001\012\000\000\001\000\026SSH-2.0-x'
# forward_spec: first byte = kind (0 -L, 1 -R, 2 -D).
w forward_spec/local_port_host '\000''8080:example.org:80'
w forward_spec/local_ipv6 '\000''[::1]:8080:[2001:db8::1]:443'
w forward_spec/local_socket '\000''8080:/run/app.sock'
w forward_spec/remote_socket_to_host '\001''/tmp/r.sock:localhost:22'
w forward_spec/remote_port_zero '\001''0:localhost:80'
w forward_spec/dynamic_bind '\002''127.0.0.1:1080'
w forward_spec/unclosed_bracket '\000''[::1:8080:h:1'
# exec_records: first byte = piece size selector.
w exec_records/stdout_stderr_exit '\077\001\002hi\002\003err\003\001\003'
w exec_records/window_and_signal '\000\004\003\100\120\030\005\001\002'
w exec_records/unknown_type '\077\011\000'
w exec_records/oversized '\077\001\200\002\000\000'
