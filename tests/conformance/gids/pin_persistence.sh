#!/bin/bash
# Wrong PINs count down (63Cx) and block; the counter survives a restart of `softcard run`,
# the verified state does not. Runs inside `softcard rig --slots 1` and serves the card itself.
. "$(dirname "$0")/common.sh"
SOFTCARD=${SOFTCARD:?path of the softcard binary}
: "${SOFTCARD_RIG_VPCD_0:?run me inside softcard rig --slots 1}"
IMG="$WORK/card.img"
run "$SOFTCARD" init --profile gids "$IMG"

serve_pid=
serve() {
  "$SOFTCARD" run --vpcd "$SOFTCARD_RIG_VPCD_0" "$IMG" >"$WORK/run.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 100); do
    if opensc-tool -n >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  cat "$WORK/run.log"; fail "softcard run did not come up"
}
stop() {
  kill "$serve_pid"; wait "$serve_pid" || true
  # The reader must see the card go away before we serve it again.
  for _ in $(seq 1 100); do
    if ! opensc-tool -n >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fail "card still present after stopping softcard run"
}
trap 'kill $hold_pid $serve_pid 2>/dev/null || true; rm -rf "$WORK"' EXIT

step "serve the card; verify the PIN; the verified state lasts while the card stays powered"
serve
hold_card  # the card stays powered between the two tools (see hold_card in common.sh)
expect_sw 9000 "$SELECT_GIDS" "0020008006313233343536"
expect_sw 9000 "00200080"            # next connection, no re-select: still verified
release_card
step "restart softcard run: the verified state is gone (volatile)"
stop; serve
expect_sw 63C3 "00200080"

step "wrong PINs count down as the host sees them"
expect_sw 63C2 "$SELECT_GIDS" "0020008006303030303030"
expect_sw 63C1 "$SELECT_GIDS" "0020008006303030303030"
step "restart: the counter persisted"
stop; serve
expect_sw 63C1 "$SELECT_GIDS" "00200080"
expect_output 'Tries left     : 1' pkcs15-tool -D
expect_sw 63C0 "$SELECT_GIDS" "0020008006303030303030"
expect_sw 6983 "$SELECT_GIDS" "0020008006313233343536"
step "restart: still blocked"
stop; serve
expect_sw 6983 "$SELECT_GIDS" "0020008006313233343536"
expect_output 'Tries left     : 0' pkcs15-tool -D
step "unblock with the admin key; that persists too"
run gids-tool --unblock --admin-key "$ADMIN_KEY" --pin "$PIN"
stop; serve
expect_sw 63C3 "$SELECT_GIDS" "00200080"
expect_sw 9000 "$SELECT_GIDS" "0020008006313233343536"
stop
echo PASS
