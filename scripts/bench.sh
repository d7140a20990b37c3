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
  "$build/bin/softcard" rig --card "$tmp/bench.img" --slots 2 -- "$build/bin/pcsc_bench" \
    | tee "$tmp/plain.txt" || status=1
  # The cost of tracing (docs/trace.md): the same benchmark with --trace-file, each compared with
  # the minimal responder of its own run, so machine load cancels out.
  echo "== pcsc_bench with --trace-file"
  "$build/bin/softcard" rig --card "$tmp/bench.img" --slots 2 --trace-file "$tmp/trace.jsonl" \
    -- "$build/bin/pcsc_bench" | tee "$tmp/traced.txt" || status=1
  awk '/softcard  +[0-9]/ {aps[FILENAME] = $2} /ratio softcard/ {r[FILENAME] = $NF}
       END {p = ARGV[1]; t = ARGV[2]
            printf "tracing: softcard %.0f -> %.0f APDU/s; vs minimal responder %.2f -> %.2f;" \
                   " traced/plain %.2f\n", aps[p], aps[t], r[p], r[t], r[t] / r[p]}' \
    "$tmp/plain.txt" "$tmp/traced.txt"
fi
for py in bench/python/*.py; do
  [[ -f "$py" ]] || continue
  echo "== $py"
  PYTHONPATH="$build/python:python" /usr/bin/python3 "$py" || status=1
done
exit $status
