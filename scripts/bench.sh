#!/usr/bin/env bash
# `make bench`: runs every benchmark. Figures are ratios against a baseline measured in the same
# run (see README "Performance"); nothing here is a pass/fail test.
set -euo pipefail
build=${1:-build}
status=0
for b in "$build"/bench/*/*_bench; do
  [[ -x "$b" ]] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
done
for py in bench/python/*.py; do
  [[ -f "$py" ]] || continue
  echo "== $py"
  PYTHONPATH="$build/python:python" /usr/bin/python3 "$py" || status=1
done
exit $status
