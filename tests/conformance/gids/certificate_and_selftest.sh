#!/bin/bash
# A certificate stored with pkcs15-init reads back identically with pkcs15-tool (and through
# PKCS#11); pkcs11-tool --test --login passes on the card.
. "$(dirname "$0")/common.sh"

step "generate an RSA-2048 key on card"
run pkcs11-tool --login --pin "$PIN" --keypairgen --key-type rsa:2048 --label certkey
run pkcs11-tool --read-object --type pubkey --id 00 -o "$WORK/pub.der"
run openssl pkey -pubin -inform DER -in "$WORK/pub.der" -out "$WORK/pub.pem"

step "issue a certificate for the card's key (signed by a throw-away CA)"
run openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/ca.key" -subj "/CN=softcard test CA" -days 2 -out "$WORK/ca.pem"
run openssl req -new -key "$WORK/ca.key" -subj "/CN=softcard GIDS user" -out "$WORK/user.csr"
run openssl x509 -req -in "$WORK/user.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
  -force_pubkey "$WORK/pub.pem" -days 2 -out "$WORK/user.pem"
openssl x509 -in "$WORK/user.pem" -outform DER -out "$WORK/user.der"

step "pkcs15-init --store-certificate into the key's container"
run pkcs15-init --verify-pin --auth-id 80 --pin "$PIN" --store-certificate "$WORK/user.pem" --id 00
expect_output 'X.509 Certificate \[' pkcs15-tool --list-certificates

step "read it back with pkcs15-tool and PKCS#11: byte-identical"
cert_id=$(pkcs15-tool --list-certificates 2>/dev/null | awk '/ID +:/ {print $3; exit}')
[[ -n "$cert_id" ]] || fail "no certificate ID listed"
run pkcs15-tool --read-certificate "$cert_id" -o "$WORK/back.pem"
openssl x509 -in "$WORK/back.pem" -outform DER -out "$WORK/back.der"
cmp "$WORK/user.der" "$WORK/back.der" || fail "certificate read back differs"
run pkcs11-tool --read-object --type cert --id "$cert_id" -o "$WORK/back11.der"
cmp "$WORK/user.der" "$WORK/back11.der" || fail "certificate read back through PKCS#11 differs"
echo "certificate identical ($(stat -c %s "$WORK/user.der") bytes)"

step "the certificate and the card key belong together: sign with the card, verify with the cert"
echo "cert check" >"$WORK/msg"
run pkcs11-tool --login --pin "$PIN" --sign --id 00 --mechanism SHA256-RSA-PKCS -i "$WORK/msg" -o "$WORK/sig"
openssl x509 -in "$WORK/back.pem" -pubkey -noout >"$WORK/certpub.pem"
run openssl dgst -sha256 -verify "$WORK/certpub.pem" -signature "$WORK/sig" "$WORK/msg"

step "pkcs11-tool --test --login"
run pkcs11-tool --test --login --pin "$PIN" | tee "$WORK/selftest"
# OpenSC's GIDS driver has no GET CHALLENGE (get_challenge = NULL), so C_GenerateRandom is
# "not supported" on any GIDS card; every other check must pass.
if grep 'ERR:' "$WORK/selftest" | grep -v 'C_GenerateRandom failed: CKR_FUNCTION_NOT_SUPPORTED'; then
  fail "pkcs11-tool --test reported errors"
fi
step "delete the certificate (pkcs15-init) and the key (pkcs11-tool)"
run pkcs15-init --verify-pin --auth-id 80 --pin "$PIN" --delete-objects cert --id "$cert_id"
if pkcs15-tool --list-certificates 2>&1 | grep -q 'X.509 Certificate'; then fail "certificate still listed"; fi
run pkcs11-tool --login --pin "$PIN" --delete-object --type privkey --id 00
# The key file is gone (SELECT B081 -> 6A82) and container 0 is no longer valid (cmapfile
# record flags 00). OpenSC 0.23's GIDS emulator still lists an empty, label-less object for an
# invalid container: that is the host's view, the card holds no key.
expect_sw 6A82 "$SELECT_GIDS" "00A4000C02B081"
cmap=$(apdu_data "$SELECT_GIDS" "00CBA010045C02DF2300")
echo "cmapfile DO: $cmap"
[[ "${cmap:0:6}" == "DF2356" ]] || fail "unexpected cmapfile DO"
[[ "${cmap:166:2}" == "00" ]] || fail "container 0 flags are '${cmap:166:2}', expected 00"
echo PASS
