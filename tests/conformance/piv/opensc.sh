#!/bin/bash
# OpenSC 0.23 (Debian) piv driver against the yubikey profile: keys and certificates are made
# with yubico-piv-tool (OpenSC's PIV driver does not generate keys), then opensc-tool,
# pkcs15-tool and pkcs11-tool use them; signatures and ECDH are checked with openssl.
. "$(dirname "$0")/common.sh"
printf 'softcard opensc piv %s\n' "$RANDOM$RANDOM" >"$WORK/msg"

step "driver detection"
expect_output 'Personal Identity Verification|PIV' opensc-tool -n

make_test_ca
# enroll SLOT ALG: key generated on card, a test-CA certificate written back.
enroll() {
  local slot=$1 alg=$2
  run "${YPT[@]}" -k"$MGM" -s "$slot" -A "$alg" -a generate -o "$WORK/$slot.pub"
  certify "$slot"
  run "${YPT[@]}" -k"$MGM" -s "$slot" -a import-certificate -i "$WORK/$slot.crt"
}
step "enroll 9a RSA-2048, 9c ECCP256, 9d ECCP256, 9e ECCP384 with yubico-piv-tool"
enroll 9a RSA2048
enroll 9c ECCP256
enroll 9d ECCP256
enroll 9e ECCP384

step "pkcs15-tool --dump"
expect_output 'PIV AUTH key|PIV Authentication' pkcs15-tool --dump
expect_output 'Certificate for Digital Signature|SIGN key|Digital Signature' pkcs15-tool --dump

step "pkcs11-tool --test --login"
run pkcs11-tool --test --login --pin "$PIN"

P11=(pkcs11-tool --login --pin "$PIN")
step "RSA 9a (id 01): SHA256-RSA-PKCS signature verified with openssl"
run "${P11[@]}" --sign --id 01 --mechanism SHA256-RSA-PKCS -i "$WORK/msg" -o "$WORK/9a.sig"
run openssl dgst -sha256 -verify "$WORK/9a.pub" -signature "$WORK/9a.sig" "$WORK/msg"

# OpenSC's PIV driver offers the raw ECDSA mechanism only: the host hashes.
# 9C is PIN-always: pkcs11-tool does the context-specific login (a VERIFY) before each use.
step "ECDSA 9c (id 02) over a SHA-256 hash: signature verified with openssl"
openssl dgst -sha256 -binary "$WORK/msg" >"$WORK/msg.sha256"
for i in 1 2; do
  run "${P11[@]}" --sign --id 02 --mechanism ECDSA --signature-format openssl \
    -i "$WORK/msg.sha256" -o "$WORK/9c.sig$i"
  run openssl pkeyutl -verify -pubin -inkey "$WORK/9c.pub" -in "$WORK/msg.sha256" -sigfile "$WORK/9c.sig$i"
done

step "ECDSA 9e (id 04, P-384) over a SHA-384 hash: verified with openssl"
openssl dgst -sha384 -binary "$WORK/msg" >"$WORK/msg.sha384"
run "${P11[@]}" --sign --id 04 --mechanism ECDSA --signature-format openssl \
  -i "$WORK/msg.sha384" -o "$WORK/9e.sig"
run openssl pkeyutl -verify -pubin -inkey "$WORK/9e.pub" -in "$WORK/msg.sha384" -sigfile "$WORK/9e.sig"

step "ECDH 9d (id 03) with an openssl peer: both sides derive the same secret"
run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/peer.key"
run openssl pkey -in "$WORK/peer.key" -pubout -outform DER -out "$WORK/peer.der"
run "${P11[@]}" --derive --id 03 -m ECDH1-DERIVE -i "$WORK/peer.der" -o "$WORK/card.secret"
run openssl pkeyutl -derive -inkey "$WORK/peer.key" -peerkey "$WORK/9d.pub" -out "$WORK/host.secret"
cmp "$WORK/card.secret" "$WORK/host.secret" || fail "ECDH secrets differ"

step "OpenSSH: ssh-keygen -D lists the card's keys, ssh-add -s signs through the agent"
P11LIB=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
run ssh-keygen -D "$P11LIB" >"$WORK/ssh.keys"
cat "$WORK/ssh.keys"
ssh-keygen -i -m PKCS8 -f "$WORK/9a.pub" >"$WORK/9a.ssh"
grep -qF "$(cut -d' ' -f2 "$WORK/9a.ssh")" "$WORK/ssh.keys" || fail "ssh-keygen -D does not list 9a"
printf '#!/bin/sh\necho %s\n' "$PIN" >"$WORK/askpass"
chmod +x "$WORK/askpass"
eval "$(ssh-agent -s)" >/dev/null
trap 'ssh-agent -k >/dev/null 2>&1; rm -rf "$WORK"' EXIT
run env SSH_ASKPASS="$WORK/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none ssh-add -s "$P11LIB"
run ssh-add -L >"$WORK/agent.keys"
grep -qF "$(cut -d' ' -f2 "$WORK/9a.ssh")" "$WORK/agent.keys" || fail "the agent does not hold the 9a key"
run ssh-keygen -Y sign -f "$WORK/9a.ssh" -n file "$WORK/msg"
printf 'softcard %s\n' "$(cut -d' ' -f1,2 "$WORK/9a.ssh")" >"$WORK/allowed"
run ssh-keygen -Y verify -f "$WORK/allowed" -I softcard -n file -s "$WORK/msg.sig" <"$WORK/msg"
echo "OpenSC conformance: OK"
