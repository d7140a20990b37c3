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

# The helpers below write scratch files under $WORK, which each edge's common.sh creates.

# apdu HEX...: sends APDUs with opensc-tool's default driver (no driver probing, no implicit
# SELECT) and prints "SW1SW2" of the last one.
apdu() {
  local args=() out
  for a in "$@"; do args+=(-s "$a"); done
  opensc-tool --card-driver default "${args[@]}" 2>&1 | tee "$WORK/apdu.out" >&2
  out=$(cat "$WORK/apdu.out")
  grep -Eo 'SW1=0x[0-9A-Fa-f]{2}, SW2=0x[0-9A-Fa-f]{2}' <<<"$out" | tail -1 |
    sed -E 's/SW1=0x(..), SW2=0x(..)/\1\2/' | tr 'a-f' 'A-F'
}

# expect_sw SW HEX...: the last APDU answers SW.
expect_sw() {
  local want=$1; shift
  local got
  got=$(apdu "$@")
  [[ "$got" == "$want" ]] || fail "expected SW $want, got '$got' for: $*"
  printf 'SW %s as expected\n' "$got"
}

# refused PROFILE_JSON MESSAGE_PATTERN: `softcard init` ($SOFTCARD) refuses the profile with a
# message matching the pattern (grep -E) and leaves no image behind.
refused() {
  local json=$1 pattern=$2 out
  printf '%s\n' "$json" >"$WORK/bad.json"
  rm -f "$WORK/bad.img"
  if "$SOFTCARD" init --profile "$WORK/bad.json" "$WORK/bad.img" >"$WORK/out" 2>&1; then
    cat "$WORK/out"; fail "accepted: $json"
  fi
  out=$(cat "$WORK/out")
  printf '%s\n' "$out"
  grep -Eq -- "$pattern" <<<"$out" || fail "message does not match /$pattern/"
  [[ ! -e "$WORK/bad.img" ]] || fail "an image was left behind"
}
