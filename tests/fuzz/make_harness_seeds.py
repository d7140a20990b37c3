#!/usr/bin/python3
"""Writes the seeds that use the harness steps of the APDU targets (tests/fuzz/fuzz_harness_ops.h):
sealed SKI secure functions (corpus/apdu_ski/sealed-*) and PIV sessions with management-key
authentication (corpus/apdu_piv_plain/*, and corpus/apdu_piv/* except the piv_opensc*/piv_ykman*
recordings). Plaintexts and APDUs follow docs/ski.md
§8 and docs/piv.md; the framing is make_corpus.py's. Keys in the seeds are made fresh here (RSA-1024
and P-256, so the card imports them quickly). Rerun only to change the seeds (PREFIX: only the
seeds whose name starts with it, e.g. `established-`):
    tests/fuzz/make_harness_seeds.py tests/fuzz/corpus [PREFIX]
"""
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric import ec, rsa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_corpus import frame  # noqa: E402

H = bytes.fromhex
STEP = b"\xFE"  # a chunk starting with FE is a harness step


def u32(v):
    return struct.pack("<I", v)


def le(n, size):
    return n.to_bytes(size, "little")


def be(n, size):
    return n.to_bytes(size, "big")


# ---- SKI (docs/ski.md §8) ----

def establish(alg=0, gcm=False):  # FE 00 a m: alg index 0..4 = AES-128/192/256, 3DES, 3DES-112
    return STEP + bytes([0x00, alg, 1 if gcm else 0])


def establish_with(mode, alg=0, gcm=False, padding=0, custom=b""):
    """FE 00 a m k p [X]: k 1 = the RSA establishment key (padding p: 0 PKCS#1, 1 OAEP SHA-1,
    2 OAEP SHA-256, 3 the same with a label), k 2 = the ECDH establishment key (docs/ski.md §7)."""
    return STEP + bytes([0x00, alg, 1 if gcm else 0, mode, padding]) + custom


def sealed(function, plaintext):
    return STEP + bytes([function]) + plaintext


def authenticate(pin=b"123456", flags=0):
    return u32(7) + u32(flags) + u32(1) + u32(len(pin)) + pin


def change_authenticator(old, new):
    return u32(7) + u32(2) + u32(1) + u32(len(old)) + u32(1) + u32(len(new)) + u32(0) + old + new  # PIN_CHANGE_FLAG_CHANGEPIN


def import_keypair(container, key_spec, bits, blob):
    return u32(7) + bytes([container, 0, 0, 0]) + u32(1) + u32(key_spec) + u32(bits) + \
        u32(len(blob)) + blob


def rsa_privatekeyblob(bits=1024, key_exchange=True):
    k = rsa.generate_private_key(public_exponent=65537, key_size=bits).private_numbers()
    n, half = bits // 8, bits // 16
    alg = 0xA400 if key_exchange else 0x2400
    return bytes([0x07, 0x02, 0, 0]) + u32(alg) + u32(0x32415352) + u32(bits) + u32(65537) + \
        le(k.public_numbers.n, n) + le(k.p, half) + le(k.q, half) + le(k.dmp1, half) + \
        le(k.dmq1, half) + le(k.iqmp, half) + le(k.d, n)


def ecc_private_blob(ecdh=False):
    k = ec.generate_private_key(ec.SECP256R1()).private_numbers()
    magic = 0x324B4345 if ecdh else 0x32534345  # ECK2 / ECS2
    return u32(magic) + u32(32) + be(k.public_numbers.x, 32) + be(k.public_numbers.y, 32) + \
        be(k.private_value, 32)


def ski_seeds():
    auth = sealed(0x03, authenticate())
    return {
        "sealed-authenticate": [establish(), auth],
        "sealed-authenticate-wrong": [establish(2, True), sealed(0x03, authenticate(b"654321"))],
        "sealed-session-pin": [establish(1, True), sealed(0x03, authenticate(flags=0x10000000))],
        "sealed-change-authenticator": [establish(3), sealed(0x02, change_authenticator(
            b"123456", b"87654321"))],
        "sealed-import-rsa": [establish(2), auth, sealed(0x01, import_keypair(
            0, 1, 1024, rsa_privatekeyblob()))],
        "sealed-import-ecdsa": [establish(0, True), auth, sealed(0x01, import_keypair(
            1, 3, 256, ecc_private_blob()))],
        "sealed-import-ecdh": [establish(4), auth, sealed(0x01, import_keypair(
            2, 6, 256, ecc_private_blob(ecdh=True)))],
        # Sessions from the establishment keys (docs/ski.md §13): every padding, both curves of
        # the harness's X (the wrapped key data blob, the ephemeral point) reaching the card.
        "established-rsa-pkcs1": [establish_with(1, 0, False, 0), auth],
        "established-rsa-oaep": [establish_with(1, 2, True, 1), auth, sealed(0x01, import_keypair(
            1, 3, 256, ecc_private_blob()))],
        "established-rsa-oaep256-label": [establish_with(1, 3, False, 3), sealed(0x02,
                                          change_authenticator(b"123456", b"87654321"))],
        "established-rsa-blob": [establish_with(1, 1, False, 2, u32(0x4d42444b) + u32(1) +
                                                u32(24) + bytes(range(24))), auth],
        "established-ecdh": [establish_with(2, 2, True), auth],
        "established-ecdh-3des": [establish_with(2, 3), sealed(0x03, authenticate(
            flags=0x10000000))],
        "established-ecdh-point": [establish_with(2, 0, False, 0, ec_point()), auth],
    }


# ---- PIV (docs/piv.md) ----

SELECT_PIV = H("00A4040009A0000003080000100000")
MGMT_AUTH = STEP + b"\x00"
VERIFY = H("0020008008313233343536FFFF")


def ec_point():
    n = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    return b"\x04" + be(n.x, 32) + be(n.y, 32)


def tlv(tag, value):
    t = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return t + ln + value


def apdu(ins, p1, p2, data=b"", le=True, cla=0):
    out = bytes([cla, ins, p1, p2])
    if data:
        out += bytes([len(data)]) + data
    return out + (b"\x00" if le else b"")


def chained(ins, p1, p2, data, le=True):
    out = []
    for at in range(0, len(data), 255):
        last = at + 255 >= len(data)
        out.append(apdu(ins, p1, p2, data[at:at + 255], le and last, 0 if last else 0x10))
    return out


def get_data(tag):
    return apdu(0xCB, 0x3F, 0xFF, tlv(0x5C, tag.to_bytes(3 if tag > 0xFFFF else 1, "big")))


def generate(slot, alg, pin=None, touch=None):
    inner = bytes([0x80, 1, alg]) + (bytes([0xAA, 1, pin]) if pin else b"") + \
        (bytes([0xAB, 1, touch]) if touch else b"")
    return apdu(0x47, 0x00, slot, tlv(0xAC, inner))


def sign(slot, alg, data):
    return chained(0x87, alg, slot, tlv(0x7C, b"\x82\x00" + tlv(0x81, data)))


def piv_common():
    fake_cert = tlv(0x70, bytes(range(200))) + H("710100FE00")
    return {
        "select-read": [SELECT_PIV, get_data(0x7E), get_data(0x5FC102), get_data(0x5FC107),
                        get_data(0x5FC105), H("00200080"), VERIFY, H("00200080"),
                        get_data(0x5FC103), H("0020FF80")],
        "generate-sign-ec": [SELECT_PIV, MGMT_AUTH, generate(0x9A, 0x11), VERIFY,
                             *sign(0x9A, 0x11, bytes(range(32)))],
        "generate-ecdh": [SELECT_PIV, MGMT_AUTH, generate(0x9D, 0x11, pin=1), VERIFY,
                          *chained(0x87, 0x11, 0x9D, tlv(0x7C, b"\x82\x00" + tlv(
                              0x85, ec_point())))],
        "generate-sign-rsa": [SELECT_PIV, MGMT_AUTH, generate(0x9C, 0x06), VERIFY,
                              *sign(0x9C, 0x06, b"\x00\x01" + b"\xFF" * 92 + b"\x00" + bytes(33))],
        "put-cert": [SELECT_PIV, MGMT_AUTH,
                     *chained(0xDB, 0x3F, 0xFF, tlv(0x5C, H("5FC105")) + tlv(0x53, fake_cert),
                              False), get_data(0x5FC105)],
        "pins": [SELECT_PIV, H("0020008008313131313131FFFF"), H("0020008008313233343536FFFF"),
                 apdu(0x24, 0, 0x80, H("313233343536FFFF363534333231FFFF"), False),
                 apdu(0x2C, 0, 0x80, H("3132333435363738313233343536FFFF"), False),
                 apdu(0x24, 0, 0x81, H("31323334353637383837363534333231"), False)],
        "mgmt-auth-twice": [SELECT_PIV, MGMT_AUTH, MGMT_AUTH, H("0087039B047C02810000")],
    }


def yubikey_seeds():
    s = piv_common()
    priv = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    r = rsa.generate_private_key(public_exponent=65537, key_size=1024).private_numbers()
    rsa_tlvs = tlv(0x01, be(r.p, 64)) + tlv(0x02, be(r.q, 64)) + tlv(0x03, be(r.dmp1, 64)) + \
        tlv(0x04, be(r.dmq1, 64)) + tlv(0x05, be(r.iqmp, 64))
    s.update({
        "yubikey-info": [SELECT_PIV, H("00FD0000"), H("00F80000"), H("00F7008000"),
                         H("00F7009B00"), H("00F700F900"), H("00F9F90000"),
                         H("00A4040008A000000527471117")],
        "import-ec-attest": [SELECT_PIV, MGMT_AUTH,
                             apdu(0xFE, 0x11, 0x9A, tlv(0x06, be(priv, 32)) + H("AA0102AB0101"),
                                  False), H("00F7009A00"), H("00F99A0000")],
        "import-rsa": [SELECT_PIV, MGMT_AUTH, *chained(0xFE, 0x06, 0x9E, rsa_tlvs, False),
                       H("00F7009E00")],
        "generate-attest": [SELECT_PIV, MGMT_AUTH, generate(0x9A, 0x11, pin=2, touch=1),
                            H("00F99A0000"), H("00F7009A00")],
        "set-mgmt-retries": [SELECT_PIV, MGMT_AUTH, VERIFY, H("00FA0505"),
                             apdu(0xFF, 0xFF, 0xFF, H("039B18") + bytes(range(24)), False)],
        "reset": [SELECT_PIV] + [H("0020008008303030303030FFFF")] * 4 +
                 [apdu(0x2C, 0, 0x80, H("3030303030303030313233343536FFFF"), False)] * 4 +
                 [H("00FB0000"), VERIFY],
    })
    return s


def main(out_root, prefix=""):
    sets = {"apdu_ski": ski_seeds(), "apdu_piv_plain": piv_common(), "apdu_piv": yubikey_seeds()}
    for target, seeds in sets.items():
        d = os.path.join(out_root, target)
        os.makedirs(d, exist_ok=True)
        for name, cmds in seeds.items():
            if not name.startswith(prefix):
                continue
            with open(os.path.join(d, name), "wb") as f:
                f.write(frame(cmds))


if __name__ == "__main__":
    main(*sys.argv[1:3])  # OUT [PREFIX]: only the seeds whose name starts with PREFIX
