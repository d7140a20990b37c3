#!/bin/bash
# Initialized card: RSA 1024/2048/3072/4096 keys generated on card (pkcs11-tool and
# pkcs15-init), signatures verified and decryptions checked with openssl against the exported
# public keys.
. "$(dirname "$0")/common.sh"
P11="pkcs11-tool --login --pin $PIN"
printf 'softcard conformance message %s\n' "$RANDOM$RANDOM" >"$WORK/msg"
head -c 32 /dev/urandom >"$WORK/secret"

mechanisms=$(pkcs11-tool -M 2>&1)
printf '%s\n' "$mechanisms"

# check_key ID BITS: export, sign (+verify), decrypt (+compare) with key ID.
check_key() {
  local id=$1 bits=$2 d="$WORK/key$1"
  mkdir -p "$d"
  run pkcs11-tool --read-object --type pubkey --id "$id" -o "$d/pub.der"
  run openssl pkey -pubin -inform DER -in "$d/pub.der" -out "$d/pub.pem"
  openssl pkey -pubin -in "$d/pub.pem" -text -noout | grep -q "Public-Key: ($bits bit)" ||
    fail "key $id is not RSA-$bits"
  for mech in SHA256-RSA-PKCS SHA1-RSA-PKCS SHA512-RSA-PKCS; do
    local md=${mech%%-RSA-PKCS}; md=${md,,}; md=${md/sha/sha}
    run $P11 --sign --id "$id" --mechanism "$mech" -i "$WORK/msg" -o "$d/sig.$mech"
    run openssl dgst "-${md}" -verify "$d/pub.pem" -signature "$d/sig.$mech" "$WORK/msg"
  done
  # RSA-PKCS over a DigestInfo the host built: the card adds the PKCS#1 type 1 padding.
  openssl dgst -sha256 -binary "$WORK/msg" >"$d/hash"
  printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20' | cat - "$d/hash" >"$d/di"
  run $P11 --sign --id "$id" --mechanism RSA-PKCS -i "$d/di" -o "$d/sig.raw"
  run openssl pkeyutl -verify -pubin -inkey "$d/pub.pem" -pkeyopt digest:sha256 -in "$d/hash" -sigfile "$d/sig.raw"
  if grep -q 'RSA-PKCS-PSS' <<<"$mechanisms"; then
    run $P11 --sign --id "$id" --mechanism SHA256-RSA-PKCS-PSS -i "$WORK/msg" -o "$d/sig.pss"
    run openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 -verify "$d/pub.pem" -signature "$d/sig.pss" "$WORK/msg"
  else
    echo "RSA-PSS: not offered by this OpenSC GIDS driver (it registers PKCS#1 v1.5 padding only); the card's raw mode is unit-tested"
  fi
  # Decrypt: PKCS#1 v1.5, padding removed on card.
  run openssl pkeyutl -encrypt -pubin -inkey "$d/pub.pem" -in "$WORK/secret" -out "$d/ct.pkcs1"
  run $P11 --decrypt --id "$id" --mechanism RSA-PKCS -i "$d/ct.pkcs1" -o "$d/pt.pkcs1"
  cmp "$WORK/secret" "$d/pt.pkcs1" || fail "PKCS#1 v1.5 decryption with key $id differs"
  if grep -q 'RSA-PKCS-OAEP' <<<"$mechanisms"; then
    run openssl pkeyutl -encrypt -pubin -inkey "$d/pub.pem" -pkeyopt rsa_padding_mode:oaep -in "$WORK/secret" -out "$d/ct.oaep"
    run $P11 --decrypt --id "$id" --mechanism RSA-PKCS-OAEP --hash-algorithm SHA-1 -i "$d/ct.oaep" -o "$d/pt.oaep"
    cmp "$WORK/secret" "$d/pt.oaep" || fail "OAEP decryption with key $id differs"
  else
    echo "RSA-OAEP: not offered by this OpenSC GIDS driver; the card's OAEP padding removal is unit-tested"
  fi
}

# pkcs11-tool gives GIDS keys the container index as ID: 00, 01, ...
index=0
for bits in 1024 2048 3072 4096; do
  step "pkcs11-tool: generate RSA-$bits on card, sign and decrypt"
  run $P11 --keypairgen --key-type "rsa:$bits" --label "rsa$bits"
  check_key "$(printf '%02x' $index)" "$bits"
  index=$((index + 1))
done

step "pkcs15-init: generate RSA-2048 on card (sign + decrypt usage), sign and decrypt"
run pkcs15-init --verify-pin --auth-id 80 --pin "$PIN" --generate-key rsa/2048 --key-usage sign,decrypt --label p15
check_key "$(printf '%02x' $index)" 2048

step "the keys are listed with their sizes"
expect_output 'ModLength      : 4096' pkcs15-tool -D
echo PASS
