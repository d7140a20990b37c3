#!/bin/bash
# The gids+piv card: both applets answer by AID on one card, with their own PINs; OpenSC's
# tools and yubico-piv-tool drive the PIV applet while GIDS stays the default applet.
. "$(dirname "$0")/common.sh"

SELECT_GIDS=00A4040009A00000039742544659
SELECT_PIV=00A4040005A000000308

step "both applications answer SELECT by AID; their PINs are separate"
expect_sw 9000 "$SELECT_GIDS"
expect_sw 9000 "$SELECT_PIV"
# A wrong GIDS PIN costs a GIDS try, not a PIV one.
expect_sw 63C2 "$SELECT_GIDS" 00200080083030303030303030
expect_sw 63C3 "$SELECT_PIV" 00200080
expect_sw 63C2 "$SELECT_GIDS" 00200080
expect_sw 9000 "$SELECT_PIV" 0020008008313233343536FFFF 00200080
# Selecting GIDS ends the PIV session.
expect_sw 63C3 "$SELECT_PIV" 0020008008313233343536FFFF "$SELECT_GIDS" "$SELECT_PIV" 00200080

step "yubico-piv-tool on the PIV applet of the multi-application card (no YubiKey personality)"
make_test_ca
run "${YPT[@]}" -a status
run "${YPT[@]}" -k"$MGM" -s 9a -A ECCP256 -a generate -o "$WORK/9a.pub"
certify 9a
run "${YPT[@]}" -k"$MGM" -s 9a -a import-certificate -i "$WORK/9a.crt"
run "${YPT[@]}" -P "$PIN" -s 9a -a verify-pin -a test-signature -i "$WORK/9a.crt"
expect_failure 'ailed|rror|not supported' "${YPT[@]}" -s 9a -a attest

step "OpenSC signs with the PIV key; signature checked with openssl"
printf 'softcard multi-application %s\n' "$RANDOM" >"$WORK/msg"
openssl dgst -sha256 -binary "$WORK/msg" >"$WORK/msg.sha256"
run pkcs11-tool --login --pin "$PIN" --sign --id 01 --mechanism ECDSA --signature-format openssl \
  -i "$WORK/msg.sha256" -o "$WORK/9a.sig"
run openssl pkeyutl -verify -pubin -inkey "$WORK/9a.pub" -in "$WORK/msg.sha256" -sigfile "$WORK/9a.sig"
echo "multi-application conformance: OK"
