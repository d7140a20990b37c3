#!/bin/bash
# ykman 4 (Debian yubikey-manager) with --reader against the yubikey profile: info (the
# management application), piv info, keys generate, certificates generate (checked with
# openssl), AES management key, change-pin, reset.
. "$(dirname "$0")/common.sh"

step "device information from the management application"
expect_output 'Firmware version: 5\.7\.0' "${YKMAN[@]}" info
expect_output 'Serial number: [0-9]+' "${YKMAN[@]}" info

step "piv info"
expect_output 'PIV version: 5\.7\.0' "${YKMAN[@]}" piv info
expect_output 'PIN tries remaining: 3' "${YKMAN[@]}" piv info

step "keys generate 9a ECCP256 with PIN policy ALWAYS, certificate generate"
run "${YKMAN[@]}" piv keys generate -m "$MGM" -a ECCP256 --pin-policy ALWAYS 9a "$WORK/9a.pub"
run "${YKMAN[@]}" piv certificates generate -m "$MGM" -P "$PIN" -s 'CN=softcard ykman' 9a "$WORK/9a.pub"
run "${YKMAN[@]}" piv certificates export 9a "$WORK/9a.crt"
run openssl verify -CAfile "$WORK/9a.crt" "$WORK/9a.crt"
same_public_key "$WORK/9a.pub" "$WORK/9a.crt"
run "${YKMAN[@]}" piv keys attest 9a "$WORK/9a.att"
run "${YKMAN[@]}" piv certificates export f9 "$WORK/f9.crt"
run openssl verify -CAfile "$WORK/f9.crt" "$WORK/9a.att"
same_public_key "$WORK/9a.pub" "$WORK/9a.att"

step "keys generate 9d RSA2048"
run "${YKMAN[@]}" piv keys generate -m "$MGM" -a RSA2048 9d "$WORK/9d.pub"
openssl pkey -pubin -in "$WORK/9d.pub" -text -noout | grep -q 'Public-Key: (2048 bit)' ||
  fail "9d is not RSA-2048"

step "AES-128 management key (firmware 5.4+), then back to the default"
AES=000102030405060708090A0B0C0D0E0F
run "${YKMAN[@]}" piv access change-management-key -f -m "$MGM" -a AES128 -n "$AES"
expect_output 'Management key algorithm: AES128' "${YKMAN[@]}" piv info
run "${YKMAN[@]}" piv keys generate -m "$AES" -a ECCP384 9e "$WORK/9e.pub"
run "${YKMAN[@]}" piv access change-management-key -f -m "$AES" -a TDES -n "$MGM"

step "access change-pin"
run "${YKMAN[@]}" piv access change-pin -P "$PIN" -n 654321
expect_output 'PIN tries remaining: 3' "${YKMAN[@]}" piv info
run "${YKMAN[@]}" piv access change-pin -P 654321 -n "$PIN"

step "reset (ykman blocks PIN and PUK itself)"
run "${YKMAN[@]}" piv reset -f
expect_output 'PIN tries remaining: 3' "${YKMAN[@]}" piv info
if "${YKMAN[@]}" piv certificates export 9a "$WORK/after.crt" 2>/dev/null; then
  fail "the 9a certificate survived the reset"
fi
echo "ykman conformance: OK"
