#!/usr/bin/env bash
# clang-tidy (.clang-tidy at the root) over every C/C++ source of ours that the build compiles,
# using the build's compile_commands.json. Any finding fails (WarningsAsErrors: '*').
# Usage: scripts/tidy.sh BUILD_DIR [JOBS] [FILE_REGEX]
set -euo pipefail
build=${1:?build directory}
jobs=${2:-$(nproc)}
regex=${3:-.}
cd "$(dirname "$0")/.."
[[ -f "$build/compile_commands.json" ]] || { echo "tidy: $build/compile_commands.json missing: configure first" >&2; exit 2; }
# Our sources only: the compile database also lists generated files in the build tree.
mapfile -t files < <(git ls-files '*.cpp' '*.c' | grep -E "$regex" |
  while read -r f; do grep -q "\"file\": \"$PWD/$f\"" "$build/compile_commands.json" && echo "$PWD/$f"; done)
echo "tidy: ${#files[@]} files, $jobs jobs"
run-clang-tidy -quiet -p "$build" -j "$jobs" "${files[@]}"
