#!/usr/bin/env bash
# Installs the Debian packages roam needs to build, test and benchmark, when
# they are missing. Safe to run repeatedly; it does nothing when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  g++ clang clang-format libclang-rt-14-dev
  libssl-dev libprotobuf-dev protobuf-compiler zlib1g-dev
  libncurses-dev libutempter-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libvterm-dev
  mosh tmux openssh-server openssh-client vttest rsync git curl
  locales python3 unicode-data
  # nsenter and setpriv: programs inside the packet-level link's namespaces,
  # parent-death signals for test servers.
  util-linux
  vim-tiny vim less htop man-db manpages bash
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "roam: installing missing packages: ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
