#!/bin/bash
# `cpack -G DEB` from the build directory; the package's metadata, its Depends against what the
# binaries link, and its contents run from an unpacked root (dpkg -x: no network, no chroot; the
# libraries the package depends on are the ones of this system).
set -euo pipefail
BUILD=${1:?build directory}
T=$(mktemp -d "${TMPDIR:-/tmp}/softcard-deb.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

(cd "$T" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/out" >"$T/cpack.log" 2>&1) ||
  { cat "$T/cpack.log"; fail "cpack -G DEB"; }
DEB=$(ls "$T"/out/softcard_*.deb)
dpkg-deb --info "$DEB" | tee "$T/info"
depends=$(sed -n 's/^ Depends: //p' "$T/info")
for need in libssl3 libsqlite3-0 libpcsclite1 libstdc++6 pcscd vsmartcard-vpcd python3; do
  grep -q "$need" <<<"$depends" || fail "Depends lacks $need: $depends"
done
dpkg-deb --contents "$DEB" >"$T/contents"
grep './usr/bin/softcard$' "$T/contents" >/dev/null || fail "no /usr/bin/softcard in the package"

dpkg -x "$DEB" "$T/root"
R="$T/root"
env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu" "$R/usr/bin/softcard" --version
env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu" "$R/usr/bin/softcard" init --profile gids "$T/card.img"
env -i PATH=/usr/bin:/bin PYTHONPATH="$R/usr/lib/python3/dist-packages" LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu" \
  /usr/bin/python3 -c 'import softcard; print("python from the package:", softcard.__file__)'
echo PASS
