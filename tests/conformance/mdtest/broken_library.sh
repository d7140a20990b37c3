#!/usr/bin/env bash
# conformance.mdtest.broken_library: softcard-mdtest against a wrong minidriver must fail the
# nodes it should, survive the crash, and exit 1.  Usage: broken_library.sh MDTEST LIB JUNIT
set -uo pipefail
mdtest=$1 lib=$2 junit=$3
out=$("$mdtest" --lib "$lib" --junit "$junit" \
  --only 'acquire.version_4' --only 'acquire.null_card_data' --only 'acquire.flags_0xFF' \
  --only 'neg.CardReadFile.null_name' --only 'neg.CardGetProperty.unknown' 2>&1)
status=$?
echo "$out"
fail() { echo "broken_library: $*" >&2; exit 1; }
[[ $status -eq 1 ]] || fail "exit status $status, expected 1"
for node in acquire.version_4 acquire.null_card_data acquire.flags_0xFF \
            neg.CardReadFile.null_name neg.CardGetProperty.unknown; do
  grep -q "^FAIL  $node" <<<"$out" || fail "$node did not fail"
done
grep -q "neg.CardReadFile.null_name.*died of signal" <<<"$out" || fail "the crash was not reported"
grep -q "total: 5 nodes, 0 passed, 5 failed, 0 skipped" <<<"$out" || fail "wrong totals"
grep -q '<failure' "$junit" || fail "no <failure> in the JUnit file"
echo "broken_library: the suite fails a wrong minidriver as it should"
