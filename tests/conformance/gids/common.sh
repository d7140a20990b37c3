# Shared helpers for the GIDS conformance scripts. Each script runs INSIDE `softcard rig`
# (a private pcscd + vpcd world), so every OpenSC tool below talks to our card only.
set -euo pipefail

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gids-conformance.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PIN=123456
ADMIN_KEY=000000000000000000000000000000000000000000000000

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

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

# hold_card / release_card: keeps a PC/SC connection to the card open in the background.
# pcscd powers a card off 5 s after its last client disconnects (PCSCLITE_POWER_OFF_GRACE_PERIOD),
# and a power-off rightly clears the card's volatile state (a verified PIN). A check that the
# state lasts across connections holds the card, so it never depends on how fast the next tool
# starts on a loaded machine.
hold_pid=
hold_card() {
  /usr/bin/python3 -u -c '
import signal
from smartcard.scard import (SCardEstablishContext, SCardListReaders, SCardConnect,
    SCardDisconnect, SCARD_SCOPE_USER, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0,
    SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
_, ctx = SCardEstablishContext(SCARD_SCOPE_USER)
_, readers = SCardListReaders(ctx, [])
for reader in readers:
    rc, card, _ = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
                               SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)
    if rc == 0:
        break
else:
    raise SystemExit("hold_card: no reader with a card")
print("held", reader, flush=True)
signal.sigwait({signal.SIGTERM})
SCardDisconnect(card, SCARD_LEAVE_CARD)
' >"$WORK/hold.out" 2>&1 &
  hold_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^held' "$WORK/hold.out" && { cat "$WORK/hold.out"; return 0; }
    kill -0 "$hold_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/hold.out"; fail "hold_card: could not connect to the card"
}
release_card() {
  [[ -n "$hold_pid" ]] || return 0
  kill -TERM "$hold_pid"; wait "$hold_pid" || true
  hold_pid=
}
