#!/bin/bash
# Firmware-dependent behaviour as the hosts see it: the yubikey-43 profile (a YubiKey 4.3.7)
# with yubico-piv-tool and ykman.
. "$(dirname "$0")/common.sh"

step "yubico-piv-tool: version 4.3.7, generate, attest (checked with openssl)"
expect_output '4\.3\.7' "${YPT[@]}" -a version
run "${YPT[@]}" -a status
run "${YPT[@]}" -k"$MGM" -s 9c -A ECCP384 -a generate -o "$WORK/9c.pub"
run "${YPT[@]}" -s 9c -a attest -o "$WORK/9c.att"
run "${YPT[@]}" -s f9 -a read-certificate -o "$WORK/f9.crt"
run openssl verify -CAfile "$WORK/f9.crt" "$WORK/9c.att"
same_public_key "$WORK/9c.pub" "$WORK/9c.att"

step "ykman: a YubiKey 4 (no GET METADATA: ykman falls back to VERIFY for the PIN count)"
expect_output 'Firmware version: 4\.3\.7' "${YKMAN[@]}" info
expect_output 'PIV version: 4\.3\.7' "${YKMAN[@]}" piv info
expect_output 'PIN tries remaining: 3' "${YKMAN[@]}" piv info
expect_failure 'AES|5\.4|not supported|Not supported' "${YKMAN[@]}" piv access change-management-key -f \
  -m "$MGM" -a AES128 -n 000102030405060708090A0B0C0D0E0F
echo "firmware conformance: OK"
