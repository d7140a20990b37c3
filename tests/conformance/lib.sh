# Helpers every conformance script shares (sourced by each edge's common.sh).

step() { printf '\n=== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# run CMD...: runs a command, shows its output, fails the test when it fails.
run() {
  printf '+ %s\n' "$*"
  "$@" || fail "command failed ($?): $*"
}

# expect_output PATTERN CMD...: the command succeeds and its output matches PATTERN (grep -E).
expect_output() {
  local pattern=$1; shift
  local out
  printf '+ %s\n' "$*"
  out=$("$@" 2>&1) || { printf '%s\n' "$out"; fail "command failed: $*"; }
  printf '%s\n' "$out"
  grep -Eq -- "$pattern" <<<"$out" || fail "output of '$*' does not match /$pattern/"
}
