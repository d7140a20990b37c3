#!/bin/sh
# Runs one libFuzzer target over its committed corpus for SECONDS (ctest smoke: a few seconds;
# `make fuzz`: long). New inputs go to WORK, never into the committed corpus; a crash leaves its
# reproducer in WORK/artifacts and fails the run.
# usage: run_fuzzer.sh BINARY CORPUS_DIR WORK_DIR SECONDS [extra libFuzzer flags]
set -eu
bin=$1 corpus=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/new" "$work/artifacts"
# -seed fixed: a smoke run explores the same inputs every time (no flaky CI from luck).
exec "$bin" -seed=1 -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "$work/new" "$corpus"
