# Shared helpers for the PIV conformance scripts. Each script runs INSIDE `softcard rig` (a
# private pcscd + vpcd world), so every host tool below talks to our card only. Results are
# checked with openssl, never with softcard's own code.
set -euo pipefail

WORK=$(mktemp -d "${TMPDIR:-/tmp}/piv-conformance.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PIN=123456
PUK=12345678
MGM=010203040506070801020304050607080102030405060708
READER=${SOFTCARD_RIG_READER_0:-Virtual PCD}
# yubico-piv-tool on our reader (its default reader filter is "Yubikey").
YPT=(yubico-piv-tool -r "$READER")
# ykman 4 on our reader.
YKMAN=(ykman --reader "$READER")

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# expect_failure PATTERN CMD...: the command fails and its output matches PATTERN.
expect_failure() {
  local pattern=$1; shift
  local out
  printf '+ %s (must fail)\n' "$*"
  if out=$("$@" 2>&1); then printf '%s\n' "$out"; fail "command succeeded: $*"; fi
  printf '%s\n' "$out"
  grep -Eq -- "$pattern" <<<"$out" || fail "output of '$*' does not match /$pattern/"
}

# same_public_key A.pem B: B is a certificate or public key; both name the same key.
same_public_key() {
  local a b
  a=$(openssl pkey -pubin -in "$1" -outform DER | sha256sum)
  if grep -q 'BEGIN CERTIFICATE' "$2"; then
    b=$(openssl x509 -in "$2" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)
  else
    b=$(openssl pkey -pubin -in "$2" -outform DER | sha256sum)
  fi
  [[ "$a" == "$b" ]] || fail "$1 and $2 hold different public keys"
}

# yubico-piv-tool 2.2 cannot make certificates or requests itself against OpenSSL 3 (Debian
# bookworm): `selfsign-certificate` and `request-certificate` fail inside the host before any
# APDU is sent, with real YubiKeys too (Yubico/yubico-piv-tool#388). Certificates for the
# card's keys come from an openssl test CA instead (ykman.sh makes them on the card).
make_test_ca() {
  run openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/ca.key" -subj '/CN=softcard test CA/' \
    -days 30 -out "$WORK/ca.crt"
}
# certify SLOT: a test-CA certificate over the card's public key $WORK/SLOT.pub -> $WORK/SLOT.crt.
certify() {
  run openssl req -new -key "$WORK/ca.key" -subj "/CN=softcard $1/" -out "$WORK/$1.req"
  run openssl x509 -req -in "$WORK/$1.req" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" \
    -CAcreateserial -days 30 -force_pubkey "$WORK/$1.pub" -out "$WORK/$1.crt"
  same_public_key "$WORK/$1.pub" "$WORK/$1.crt"
}
