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
# The PC/SC round trip needs a private pcscd + vpcd: run it inside a rig with an ISO card.
if [[ -x "$build/bin/pcsc_bench" ]]; then
  echo "== pcsc_bench"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$build/bin/softcard" init --profile iso "$tmp/bench.img" >/dev/null
  "$build/bin/softcard" rig --card "$tmp/bench.img" --slots 2 -- "$build/bin/pcsc_bench" || status=1
fi
for py in bench/python/*.py; do
  [[ -f "$py" ]] || continue
  echo "== $py"
  PYTHONPATH="$build/python:python" /usr/bin/python3 "$py" || status=1
done
exit $status
