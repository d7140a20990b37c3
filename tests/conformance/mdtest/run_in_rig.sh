#!/usr/bin/env bash
# Inside `softcard rig --slots 2`: serve two fresh cards of EDGE with `softcard run` (so the
# suite's reconnect hooks can remove and insert them with SIGUSR2), then run the suite given as
# the remaining arguments.
#   gids: the gids-mdtest.json profile (built-in gids + shared SKI key 1 + establishment keys,
#         as softcard-gids.json names them).
#   piv:  YubiKey 5.7 cards (the PIV edge of the minidriver); the keys softcard-piv.json names are
#         put on both with yubico-piv-tool (the library cannot: a PIV card is read-only to it),
#         with certificates from an openssl test CA on two slots.
# Usage: run_in_rig.sh gids|piv SUITE [ARGS...]
set -euo pipefail
: "${SOFTCARD:?path of the softcard program}"
edge=${1:?edge: gids or piv}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case $edge in
  gids) profile=$here/gids-mdtest.json ;;
  piv) profile=yubikey ;;
  *) echo "run_in_rig.sh: unknown edge '$edge' (gids or piv)" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"$SOFTCARD" init --profile "$profile" "$tmp/a.img" >/dev/null
"$SOFTCARD" init --profile "$profile" "$tmp/b.img" >/dev/null
"$SOFTCARD" run --vpcd "${SOFTCARD_RIG_VPCD_0}" "$tmp/a.img" "$tmp/b.img" 2>"$tmp/run.log" &
pid=$!
export MDTEST_RUN_PID=$pid

# provision READER: slot, algorithm, PIN policy of each key in softcard-piv.json's order
# (containers 0..5: 9A 9C 9D 9E 82 83); 9C's default policy "always" would need a VERIFY
# before every signature, which the suite's sequences do not send.
provision_piv() {
  local reader=$1 ypt=(yubico-piv-tool -r "$1")
  for _ in $(seq 1 40); do "${ypt[@]}" -a status >/dev/null 2>&1 && break; sleep 0.5; done
  local spec slot alg
  for spec in 9a:ECCP256 9c:RSA2048 9d:ECCP256 9e:ECCP384 82:RSA2048 83:ECCP384; do
    slot=${spec%%:*} alg=${spec##*:}
    "${ypt[@]}" -a generate -s "$slot" -A "$alg" --pin-policy=once -o "$tmp/$slot.pub" >/dev/null
  done
  for slot in 9a 82; do
    openssl req -new -key "$tmp/ca.key" -subj "/CN=mdtest $slot/" -out "$tmp/$slot.req"
    openssl x509 -req -in "$tmp/$slot.req" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
      -CAcreateserial -days 30 -force_pubkey "$tmp/$slot.pub" -out "$tmp/$slot.crt" 2>/dev/null
    "${ypt[@]}" -a import-certificate -s "$slot" -i "$tmp/$slot.crt" >/dev/null
  done
}
if [[ $edge == piv ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -subj '/CN=mdtest CA/' \
    -days 30 -out "$tmp/ca.crt" 2>/dev/null
  provision_piv "Virtual PCD 00 00"
  provision_piv "Virtual PCD 00 01"
fi

status=0
"$@" || status=$?
if [[ $status -ne 0 ]]; then echo "--- softcard run log"; tail -n 40 "$tmp/run.log"; fi
exit $status
