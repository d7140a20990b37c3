#!/bin/bash
# Ed25519 and X25519 of the YubiKey 5.7 personality through real PC/SC, checked with openssl.
# Debian's yubico-piv-tool 2.2 and ykman 4.0.9 offer neither (their key algorithms stop at
# ECCP384), so a small pyscard host written from docs/piv.md sends the APDUs. Firmware below
# 5.7 answering 6A80 is covered by tests/unit/card-os/applets/piv/piv_edwards_test.cpp.
. "$(dirname "$0")/common.sh"

step "openssl makes the host's X25519 key"
run openssl genpkey -algorithm X25519 -out "$WORK/host.pem"
run openssl pkey -in "$WORK/host.pem" -pubout -outform DER -out "$WORK/host.spki"
printf 'softcard Ed25519 conformance message' >"$WORK/msg"

step "pyscard host: generate Ed25519 in 9A and X25519 in 9D, sign, agree, attest"
run /usr/bin/python3 - "$READER" "$WORK" <<'PY'
import os, sys
from smartcard.System import readers
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

reader, work = sys.argv[1], sys.argv[2]
conn = next(r for r in readers() if str(r).startswith(reader)).createConnection()
conn.connect()

def tx(apdu):
    data, sw1, sw2 = conn.transmit(list(apdu))
    while sw1 == 0x61:
        more, sw1, sw2 = conn.transmit([0x00, 0xC0, 0x00, 0x00, sw2])
        data += more
    return bytes(data), (sw1 << 8) | sw2

def tlv(tag, value):
    t = tag.to_bytes(2, "big") if tag > 0xFF else bytes((tag,))
    n = len(value)
    return t + (bytes((n,)) if n < 0x80 else bytes((0x81, n)) if n < 0x100 else bytes((0x82, n >> 8, n & 0xFF))) + value

def tlvs(data):
    out, i = {}, 0
    while i < len(data):
        tag = data[i]; i += 1
        if tag & 0x1F == 0x1F:
            tag = (tag << 8) | data[i]; i += 1
        n = data[i]; i += 1
        if n == 0x81: n = data[i]; i += 1
        elif n == 0x82: n = (data[i] << 8) | data[i + 1]; i += 2
        out[tag] = data[i:i + n]; i += n
    return out

def cmd(ins, p1, p2, data=b""):
    lc = bytes((len(data),)) + data if data else b""
    r, sw = tx(bytes((0x00, ins, p1, p2)) + lc + b"\x00")
    if sw != 0x9000:
        sys.exit(f"INS {ins:02X} {p1:02X} {p2:02X}: SW {sw:04X}")
    return r

def write(name, data):
    with open(os.path.join(work, name), "wb") as f:
        f.write(data)

cmd(0xA4, 0x04, 0x00, bytes.fromhex("A000000308"))
assert cmd(0xFD, 0x00, 0x00) == bytes((5, 7, 0)), "not firmware 5.7.0"
# 9B mutual authentication with the default 3DES key.
des = Cipher(algorithms.TripleDES(bytes.fromhex("010203040506070801020304050607080102030405060708")), modes.ECB())
witness = tlvs(tlvs(cmd(0x87, 0x03, 0x9B, bytes.fromhex("7C028000")))[0x7C])[0x80]
d = des.decryptor(); witness = d.update(witness) + d.finalize()
challenge = os.urandom(8)
answer = tlvs(tlvs(cmd(0x87, 0x03, 0x9B, tlv(0x7C, tlv(0x80, witness) + tlv(0x81, challenge))))[0x7C])[0x82]
e = des.encryptor(); assert answer == e.update(challenge) + e.finalize()

ed_pub = tlvs(tlvs(cmd(0x47, 0x00, 0x9A, bytes.fromhex("AC06 8001E0 AA0101")))[0x7F49])[0x86]
x_pub = tlvs(tlvs(cmd(0x47, 0x00, 0x9D, bytes.fromhex("AC06 8001E1 AA0101")))[0x7F49])[0x86]
assert len(ed_pub) == 32 and len(x_pub) == 32
# RFC 8410 SubjectPublicKeyInfo: the id-Ed25519 / id-X25519 prefixes, then the raw key.
write("ed.spki", bytes.fromhex("302a300506032b6570032100") + ed_pub)
write("x.spki", bytes.fromhex("302a300506032b656e032100") + x_pub)

msg = open(os.path.join(work, "msg"), "rb").read()
sig = tlvs(tlvs(cmd(0x87, 0xE0, 0x9A, tlv(0x7C, b"\x82\x00" + tlv(0x81, msg))))[0x7C])[0x82]
write("ed.sig", sig)
host_pub = open(os.path.join(work, "host.spki"), "rb").read()[-32:]
z = tlvs(tlvs(cmd(0x87, 0xE1, 0x9D, tlv(0x7C, b"\x82\x00" + tlv(0x85, host_pub))))[0x7C])[0x82]
write("card.z", z)
meta = tlvs(cmd(0xF7, 0x00, 0x9A))
assert meta[0x01] == b"\xE0" and tlvs(meta[0x04])[0x86] == ed_pub, "F7 metadata"
write("ed.att", cmd(0xF9, 0x9A, 0x00))
f9 = tlvs(tlvs(cmd(0xCB, 0x3F, 0xFF, bytes.fromhex("5C035FFF01")))[0x53])[0x70]
write("f9.der", f9)
print("card: Ed25519 public", ed_pub.hex(), "X25519 public", x_pub.hex())
PY

step "openssl verifies the Ed25519 signature (and refuses a changed message)"
run openssl pkeyutl -verify -pubin -keyform DER -inkey "$WORK/ed.spki" -rawin \
  -in "$WORK/msg" -sigfile "$WORK/ed.sig"
printf 'softcard Ed25519 conformance messagE' >"$WORK/msg2"
if openssl pkeyutl -verify -pubin -keyform DER -inkey "$WORK/ed.spki" -rawin \
  -in "$WORK/msg2" -sigfile "$WORK/ed.sig" >/dev/null 2>&1; then
  fail "openssl accepted the signature for another message"
fi

step "openssl derives the card's X25519 secret"
run openssl pkeyutl -derive -inkey "$WORK/host.pem" -peerkey "$WORK/x.spki" -peerform DER \
  -out "$WORK/host.z"
cmp "$WORK/host.z" "$WORK/card.z" || fail "X25519 secrets differ"

step "openssl verifies the attestation of the Ed25519 key"
run openssl x509 -inform DER -in "$WORK/f9.der" -out "$WORK/f9.pem"
run openssl x509 -inform DER -in "$WORK/ed.att" -out "$WORK/ed.att.pem"
run openssl verify -CAfile "$WORK/f9.pem" "$WORK/ed.att.pem"
a=$(openssl x509 -in "$WORK/ed.att.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)
b=$(sha256sum <"$WORK/ed.spki")
[[ "$a" == "$b" ]] || fail "the attestation names another key"
echo "Ed25519/X25519 conformance: OK"
