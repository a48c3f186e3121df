#!/usr/bin/env bash
# Calls the bash completion functions the way bash does on Tab (COMP_WORDS,
# COMP_CWORD set, the function reads them and fills COMPREPLY) and checks
# what they offer, with a HOME whose ssh files name two hosts.
set -uo pipefail
script=$1
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.ssh"
printf 'Host alpha.example beta\n  User me\nHost *.wild\n' >"$home/.ssh/config"
printf 'gamma.example,10.0.0.9 ssh-ed25519 AAAA\n[delta]:2222 ssh-ed25519 AAAA\n' \
  >"$home/.ssh/known_hosts"
export HOME=$home

# shellcheck source=/dev/null
source "$script" || { echo "FAIL: cannot source $script"; exit 1; }
failures=0

# complete_words FUNCTION WORD...: completes the last WORD.
complete_words() {
  local fn=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  "$fn"
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() {
  local want=$1 got=$2 what=$3
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: got [$got], want [$want]"
    failures=$((failures + 1))
  else
    echo "ok: $what -> $got"
  fi
}

expect "--predict=" "$(complete_words _roam roam --pred)" "roam --pred"
expect "--predict=adaptive --predict=always" "$(complete_words _roam roam --predict=a)" \
  "roam --predict=a"
expect "--transport=ssh" "$(complete_words _roam roam --transport=s)" "roam --transport=s"
expect "--install-server" "$(complete_words _roam roam --inst)" "roam --inst"
expect "alpha.example" "$(complete_words _roam roam al)" "roam al (ssh config)"
expect "me@gamma.example" "$(complete_words _roam roam -v me@g)" "roam -v me@g (known_hosts)"
expect "delta" "$(complete_words _roam roam del)" "roam del (known_hosts [host]:port)"
expect "" "$(complete_words _roam roam host -- al)" "after -- nothing"
expect "new" "$(complete_words _roam_server roam-server n)" "roam-server n"
expect "--no-agent-forwarding --no-exec --no-forwarding --no-remote-forwarding --no-tcp-forwarding" \
  "$(complete_words _roam_server roam-server new --no)" "roam-server new --no"
expect "256 8" "$(complete_words _roam_server roam-server new -c '')" "roam-server new -c"
expect "-c" "$(complete_words _roam_client roam-client -c)" "roam-client -c"

# Every program has its completion registered.
for program in roam roam-server roam-client; do
  complete -p "$program" >/dev/null 2>&1 || {
    echo "FAIL: no completion for $program"
    failures=$((failures + 1))
  }
done
echo "bash completion: $failures failures"
[ $failures = 0 ]
