#!/bin/bash
# `cmake --install` into a fresh prefix, then use only what was installed: the CLI, the Python
# package, and the minidriver library from a program built through pkg-config. Nothing from the
# build or source tree is on any path while the installed things run.
set -euo pipefail
BUILD=${1:?build directory}
SRC=${2:?source directory}
T=$(mktemp -d "${TMPDIR:-/tmp}/softcard-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
clean_env() { env -i PATH=/usr/bin:/bin HOME="$T" "$@"; }

P="$T/prefix"
cmake --install "$BUILD" --prefix "$P" >"$T/install.log" || { cat "$T/install.log"; fail "cmake --install"; }
LIBDIR=$(cd "$P" && ls -d lib/x86_64-linux-gnu 2>/dev/null || echo lib)
for f in bin/softcard "$LIBDIR/libsoftcard_minidriver.so" "$LIBDIR/pkgconfig/softcard-minidriver.pc" \
         "$LIBDIR/cmake/softcard/softcard-config.cmake" "$LIBDIR/cmake/softcard/softcard-targets.cmake" \
         include/softcard/cardmod.h include/softcard/softcard_minidriver.h \
         lib/python3/dist-packages/softcard/__init__.py share/softcard/profiles/gids.json \
         share/doc/softcard/README.md; do
  [[ -e "$P/$f" ]] || fail "not installed: $f"
done
ls "$P"/lib/python3/dist-packages/softcard/_core*.so >/dev/null || fail "not installed: softcard/_core"
echo "installed files present under $P"

# The CLI finds its library through its RPATH, without LD_LIBRARY_PATH.
deps=$(clean_env ldd "$P/bin/softcard")
grep "libsoftcard_minidriver.so.* => $P/" <<<"$deps" ||
  fail "bin/softcard does not load the installed libsoftcard_minidriver: $deps"
clean_env "$P/bin/softcard" --version
clean_env "$P/bin/softcard" init --profile gids "$T/card.img"
clean_env "$P/bin/softcard" inspect "$T/card.img" | tee "$T/inspect.out"
grep -q "gids" "$T/inspect.out" || fail "inspect of the installed CLI does not show the GIDS applet"

# The Python package, from the installed tree alone.
clean_env PYTHONPATH="$P/lib/python3/dist-packages" /usr/bin/python3 -c '
import softcard, sys
assert softcard.__file__.startswith(sys.argv[1]), softcard.__file__
card = softcard.Card.create(profile="gids")
r = card.transmit("00A4040009A0000003974254465900")
assert r.sw == 0x9000, hex(r.sw)
print("python: softcard", softcard.__version__, "from", softcard.__file__, "SELECT GIDS ->", hex(r.sw))
' "$P"

# A C program built against the installed library through pkg-config only.
export PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig"
# shellcheck disable=SC2046
cc -Wall -Werror -o "$T/consumer" "$SRC/tests/install/consumer/minidriver_consumer.c" \
  $(pkg-config --cflags --libs softcard-minidriver) -Wl,-rpath,"$(pkg-config --variable=libdir softcard-minidriver)"
clean_env "$T/consumer"

# A CMake project built against the installed tree through find_package(softcard) only.
clean_env cmake -S "$SRC/tests/install/consumer/cmake" -B "$T/consumer-cmake" \
  -DCMAKE_PREFIX_PATH="$P" >"$T/consumer-cmake.log" 2>&1 ||
  { cat "$T/consumer-cmake.log"; fail "configure of the find_package(softcard) consumer"; }
clean_env cmake --build "$T/consumer-cmake" >>"$T/consumer-cmake.log" 2>&1 ||
  { cat "$T/consumer-cmake.log"; fail "build of the find_package(softcard) consumer"; }
clean_env ctest --test-dir "$T/consumer-cmake" --output-on-failure ||
  fail "the find_package(softcard) consumer's tests"
echo PASS
