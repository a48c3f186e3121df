#!/usr/bin/env bash
# Installs the Debian packages roam needs, when they are missing. Safe to run
# repeatedly; it does nothing when all is there.
#
#   scripts/install-deps.sh          what building and running roam need
#   scripts/install-deps.sh --test   that, plus what the test suite, the
#                                    fuzzers, packaging and the benchmarks need
set -euo pipefail

# Building roam (scripts/try-roam.sh configures with -DROAM_TESTS=OFF) and
# running it: ssh carries the bootstrap to remote hosts.
packages=(
  build-essential cmake ninja-build pkg-config g++
  libssl-dev libprotobuf-dev protobuf-compiler zlib1g-dev
  libncurses-dev libutempter-dev
  openssh-client
)

if [ "${1:-}" = "--test" ]; then
  packages+=(
    # The ASan+UBSan and libFuzzer builds, the format check.
    clang clang-format libclang-rt-14-dev
    # Unit tests, the terminal oracle, benchmarks.
    libgtest-dev libgmock-dev libbenchmark-dev libvterm-dev
    # End-to-end tests: the stock Mosh, terminals, a private sshd, the tools
    # roam carries (rsync, git, curl), the programs drawn on the screen.
    mosh tmux openssh-server vttest rsync git curl
    locales python3 unicode-data
    # nsenter and setpriv: programs inside the packet-level link's namespaces,
    # parent-death signals for test servers.
    util-linux
    vim-tiny vim less htop man-db manpages bash
    # The .deb (CPack, dpkg-shlibdeps) and its install test.
    dpkg-dev file
  )
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/install-deps.sh [--test]" >&2
  exit 2
fi

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
