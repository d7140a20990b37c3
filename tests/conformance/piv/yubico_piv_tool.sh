#!/bin/bash
# yubico-piv-tool 2.2 (Debian) against the yubikey profile: status, generate (RSA and EC),
# selfsign, request, import key and certificate, sign, attest (chain checked with openssl),
# PIN/PUK management, management key, retries, reset.
. "$(dirname "$0")/common.sh"
printf 'softcard piv conformance %s\n' "$RANDOM$RANDOM" >"$WORK/msg"

step "version and status"
expect_output '5\.7\.0' "${YPT[@]}" -a version
expect_output 'CHUID:' "${YPT[@]}" -a status

make_test_ca

step "generate 9a RSA-2048, import its certificate, sign and decipher"
run "${YPT[@]}" -k"$MGM" -s 9a -A RSA2048 -a generate -o "$WORK/9a.pub"
openssl pkey -pubin -in "$WORK/9a.pub" -text -noout | grep -q 'Public-Key: (2048 bit)' ||
  fail "9a is not RSA-2048"
certify 9a
run "${YPT[@]}" -k"$MGM" -s 9a -a import-certificate -i "$WORK/9a.crt"
run "${YPT[@]}" -s 9a -a read-certificate -o "$WORK/9a.read"
cmp <(openssl x509 -in "$WORK/9a.crt" -outform DER) <(openssl x509 -in "$WORK/9a.read" -outform DER) ||
  fail "the certificate read back differs"
run "${YPT[@]}" -P "$PIN" -s 9a -a verify-pin -a test-signature -i "$WORK/9a.crt"
run "${YPT[@]}" -P "$PIN" -s 9a -a verify-pin -a test-decipher -i "$WORK/9a.crt"

step "generate 9c ECCP256 (PIN always), import its certificate, sign"
run "${YPT[@]}" -k"$MGM" -s 9c -A ECCP256 -a generate -o "$WORK/9c.pub"
certify 9c
run "${YPT[@]}" -k"$MGM" -s 9c -a import-certificate -i "$WORK/9c.crt"
run "${YPT[@]}" -P "$PIN" -s 9c -a verify-pin -a test-signature -i "$WORK/9c.crt"

step "attest 9a and 9c, chain verified by openssl"
run "${YPT[@]}" -s f9 -a read-certificate -o "$WORK/f9.crt"
for slot in 9a 9c; do
  run "${YPT[@]}" -s "$slot" -a attest -o "$WORK/$slot.att"
  run openssl verify -CAfile "$WORK/f9.crt" "$WORK/$slot.att"
  same_public_key "$WORK/$slot.pub" "$WORK/$slot.att"
  openssl x509 -in "$WORK/$slot.att" -noout -text | tee "$WORK/$slot.att.txt" >/dev/null
  grep -q '1.3.6.1.4.1.41482.3.3' "$WORK/$slot.att.txt" || fail "no firmware extension"
  grep -q '1.3.6.1.4.1.41482.3.7' "$WORK/$slot.att.txt" || fail "no serial extension"
done

step "import an openssl EC key and certificate into 9d, ECDSA signature checked by openssl"
run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/9d.key"
run openssl req -new -x509 -key "$WORK/9d.key" -subj '/CN=softcard 9d/' -days 30 -out "$WORK/9d.crt"
run "${YPT[@]}" -k"$MGM" -s 9d -a import-key -i "$WORK/9d.key"
run "${YPT[@]}" -k"$MGM" -s 9d -a import-certificate -i "$WORK/9d.crt"
run "${YPT[@]}" -P "$PIN" -s 9d -a verify-pin -a test-signature -i "$WORK/9d.crt"
expect_failure 'attest|rror|ailed' "${YPT[@]}" -s 9d -a attest

step "import an openssl RSA-2048 key into retired slot 82 and decipher"
run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/82.key"
run openssl req -new -x509 -key "$WORK/82.key" -subj '/CN=softcard 82/' -days 30 -out "$WORK/82.crt"
run "${YPT[@]}" -k"$MGM" -s 82 -a import-key -i "$WORK/82.key"
run "${YPT[@]}" -k"$MGM" -s 82 -a import-certificate -i "$WORK/82.crt"
run "${YPT[@]}" -P "$PIN" -s 82 -a verify-pin -a test-decipher -i "$WORK/82.crt"
expect_output 'Slot 82' "${YPT[@]}" -a status

step "PIN and PUK: change, block, unblock"
run "${YPT[@]}" -P "$PIN" -N 654321 -a change-pin
expect_failure 'wrong|ailed|tries' "${YPT[@]}" -P "$PIN" -a verify-pin
run "${YPT[@]}" -P "$PUK" -N 87654321 -a change-puk
for i in 1 2 3; do "${YPT[@]}" -P 000000 -a verify-pin >/dev/null 2>&1 || true; done
expect_failure 'blocked|ailed' "${YPT[@]}" -P 654321 -a verify-pin
run "${YPT[@]}" -P 87654321 -N "$PIN" -a unblock-pin
run "${YPT[@]}" -P "$PIN" -a verify-pin

step "management key: set a new 3DES key, use it, set the default back"
NEW=0F0E0D0C0B0A09080706050403020100F0E0D0C0B0A09080
run "${YPT[@]}" -k"$MGM" -n "$NEW" -a set-mgm-key
expect_failure 'uthenticat|ailed' "${YPT[@]}" -k"$MGM" -s 9e -A ECCP256 -a generate
run "${YPT[@]}" -k"$NEW" -s 9e -A ECCP256 -a generate -o "$WORK/9e.pub"
run "${YPT[@]}" -k"$NEW" -n "$MGM" -a set-mgm-key

step "pin-retries (resets PIN and PUK to the factory values)"
run "${YPT[@]}" -k"$MGM" -P "$PIN" -a verify-pin -a pin-retries --pin-retries 5 --puk-retries 4
expect_output 'PIN tries left:[[:space:]]*5' "${YPT[@]}" -a status

step "reset: refused while the PIN works, done once PIN and PUK are blocked"
expect_failure 'rror|ailed|blocked' "${YPT[@]}" -a reset
for i in 1 2 3 4 5; do "${YPT[@]}" -P 000000 -a verify-pin >/dev/null 2>&1 || true; done
for i in 1 2 3 4; do "${YPT[@]}" -P 00000000 -N 000000 -a unblock-pin >/dev/null 2>&1 || true; done
run "${YPT[@]}" -a reset
run "${YPT[@]}" -P "$PIN" -a verify-pin
expect_failure 'ailed|rror|No data' "${YPT[@]}" -s 9a -a read-certificate
echo "yubico-piv-tool conformance: OK"
