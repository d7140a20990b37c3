# Shared helpers for the GIDS conformance scripts. Each script runs INSIDE `softcard rig`
# (a private pcscd + vpcd world), so every OpenSC tool below talks to our card only.
set -euo pipefail

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gids-conformance.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PIN=123456
ADMIN_KEY=000000000000000000000000000000000000000000000000

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

# apdu HEX...: sends APDUs with the default driver (no driver probing, no implicit SELECT)
# and prints "SW1SW2" of the last one.
apdu() {
  local args=()
  for a in "$@"; do args+=(-s "$a"); done
  opensc-tool --card-driver default "${args[@]}" 2>&1 | tee "$WORK/apdu.out" >&2
  grep -Eo 'SW1=0x[0-9A-Fa-f]{2}, SW2=0x[0-9A-Fa-f]{2}' "$WORK/apdu.out" | tail -1 |
    sed -E 's/SW1=0x(..), SW2=0x(..)/\1\2/' | tr 'a-f' 'A-F'
}

expect_sw() {
  local want=$1; shift
  local got
  got=$(apdu "$@")
  [[ "$got" == "$want" ]] || fail "expected SW $want, got '$got' for: $*"
  printf 'SW %s as expected\n' "$got"
}

SELECT_GIDS="00A4040009A00000039742544659"

# apdu_data HEX...: like apdu, but prints the response data of the last APDU as hex.
apdu_data() {
  local args=()
  for a in "$@"; do args+=(-s "$a"); done
  opensc-tool --card-driver default "${args[@]}" 2>&1 | /usr/bin/python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
start = max(i for i, l in enumerate(lines) if l.startswith("Received"))
out = ""
for l in lines[start + 1:]:
    if not re.match(r"^([0-9A-F]{2} )+", l):
        break
    out += "".join(re.findall(r"[0-9A-F]{2}", l[:48]))
print(out)'
}
