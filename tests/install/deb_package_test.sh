#!/usr/bin/env bash
# The .deb that CPack builds from `cmake --install`: its control fields
# (Depends found by dpkg-shlibdeps, plus openssh-client), its files (the
# three programs, the man pages, the completions, and with a static server
# libexec/roam/roam-server-static), then installed with dpkg into a private
# root (--root: its own dpkg database, so nothing on this machine changes
# and the system PATH of tests running beside it never sees a roam-server),
# `roam --local -- ...` run from the installed path, and removed with
# dpkg -r, leaving no file behind.
#
# Usage: deb_package_test.sh BUILD_DIR   (a build with roam-server-static)
set -uo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

start=$(date +%s)
if ! (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1); then
  cat "$tmp/cpack.log"
  echo "FAIL: cpack"
  exit 1
fi
deb=$(ls "$tmp"/pkg/roam_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; echo "FAIL: no .deb"; exit 1; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $(($(date +%s) - start)) s"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for dep in libc6 libssl3 'libprotobuf-lite[0-9]' zlib1g libutempter0 libtinfo6 openssh-client; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep"
done
[ "$(dpkg-deb -f "$deb" Package)" = roam ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "architecture"

files=$(dpkg-deb -c "$deb" | awk '{print $6}')
expected=(./usr/bin/roam ./usr/bin/roam-server ./usr/bin/roam-client
  ./usr/share/man/man1/roam.1.gz ./usr/share/man/man1/roam-server.1.gz
  ./usr/share/man/man1/roam-client.1.gz
  ./usr/share/bash-completion/completions/roam
  ./usr/share/bash-completion/completions/roam-server
  ./usr/share/bash-completion/completions/roam-client
  ./usr/share/zsh/vendor-completions/_roam
  ./usr/libexec/roam/roam-server-static)
for f in "${expected[@]}"; do
  grep -qx -- "$f" <<<"$files" || fail "the package lacks $f"
done
if grep -q 'test\|fuzz\|bench' <<<"$files"; then
  fail "the package carries test programs: $(grep 'test\|fuzz\|bench' <<<"$files" | tr '\n' ' ')"
fi

# A private dpkg root. Its database knows none of the system's packages, so
# dependencies are checked above and forced here.
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg_root=(dpkg --root="$root" --force-depends --force-not-root --force-script-chrootless
  --log=/dev/null)
if ! "${dpkg_root[@]}" -i "$deb" >"$tmp/dpkg.log" 2>&1; then
  cat "$tmp/dpkg.log"
  fail "dpkg -i"
fi
status=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' roam 2>&1)
[ "$status" = "install ok installed" ] || fail "dpkg says: $status"

output=$(env -i HOME="$tmp" LANG=C.UTF-8 PATH=/usr/bin:/bin timeout 60 \
  "$root/usr/bin/roam" --local -- true </dev/null 2>&1)
code=$?
[ $code = 0 ] || fail "installed roam --local -- true: status $code: $output"
output=$(env -i HOME="$tmp" LANG=C.UTF-8 PATH=/usr/bin:/bin timeout 60 \
  "$root/usr/bin/roam" --local -- 'echo installed-ok; exit 4' </dev/null 2>&1)
code=$?
[ $code = 4 ] || fail "installed roam --local: status $code, not 4: $output"
grep -q '^installed-ok' <<<"$output" || fail "installed roam --local: no output: $output"
"$root/usr/bin/roam" --version | grep -q '^roam ' || fail "installed roam --version"

# The installed roam finds the installed static server for --install-server:
# an "ssh" that runs the remote command here, with a HOME of the test's,
# receives it (the session's own start is not this test's business).
# Its PATH has the script's tools only: no mosh-server, no roam-server.
mkdir -p "$tmp/remote-home" "$tmp/remote-tools"
for tool in sh cat mkdir chmod mv rm cut sha256sum uname; do
  ln -s "$(command -v "$tool")" "$tmp/remote-tools/$tool"
done
cat >"$tmp/fake-ssh" <<'SSH'
#!/bin/sh
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
exec env HOME="$FAKE_REMOTE_HOME" PATH="$FAKE_REMOTE_PATH" sh -c "$1"
SSH
chmod 755 "$tmp/fake-ssh"
FAKE_REMOTE_HOME=$tmp/remote-home FAKE_REMOTE_PATH=$tmp/remote-tools timeout 60 "$root/usr/bin/roam" --ssh="$tmp/fake-ssh" \
  --install-server host.invalid -- true </dev/null >"$tmp/install.log" 2>&1
if ! cmp -s "$tmp/remote-home/.local/bin/roam-server" "$root/usr/libexec/roam/roam-server-static"; then
  cat "$tmp/install.log"
  fail "installed roam --install-server did not copy the installed roam-server-static"
fi

if ! "${dpkg_root[@]}" -r roam >"$tmp/dpkg.log" 2>&1; then
  cat "$tmp/dpkg.log"
  fail "dpkg -r"
fi
left=$(find "$root" -path "$root/var" -prune -o ! -type d -print)
[ -z "$left" ] || fail "files left after dpkg -r: $left"
status=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' roam 2>&1)
grep -q 'not-installed\|no packages found' <<<"$status" || fail "dpkg still knows roam: $status"

echo "deb package: $failures failures, $(($(date +%s) - start)) s"
[ $failures = 0 ]
