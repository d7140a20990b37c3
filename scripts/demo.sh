#!/usr/bin/env bash
# `make demo`: the most complete end-to-end scenario through real pcscd + vpcd. The run is traced
# (docs/trace.md) and its report written next to the build: a sequence diagram of every step.
set -euo pipefail
build=${1:-build}
softcard="$build/bin/softcard"
shift || true
if ! "$softcard" demo --help >/dev/null 2>&1; then
  echo "softcard demo is not built in this tree" >&2
  exit 1
fi
trace="$build/demo-trace.jsonl"
report="$build/demo-report.html"
"$softcard" demo --trace-file "$trace" "$@"
"$softcard" trace html "$trace" -o "$report" >/dev/null
echo
echo "Trace: $trace  (softcard trace show $trace)"
echo "Report: $(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
