"""Host-side PIV helpers for scenarios and tests: the APDU sequences yubico-piv-tool, ykman and
OpenSC send (docs/piv.md), over any ``transmit(bytes) -> Response`` (an in-process
:class:`Card`, or a PC/SC connection wrapped by :class:`softcard.gids.PcscChannel`).

The management-key authentication needs ``python3-cryptography`` (3DES/AES in ECB); nothing
else does."""

from __future__ import annotations

import os
from typing import Dict, Optional, Union

from ._host import HostEdge, parse_tlvs, tlv as _tlv
from .card import Response

__all__ = ["PIV_AID", "Piv", "DEFAULT_MGMT_KEY", "DEFAULT_PIN", "DEFAULT_PUK", "parse_tlvs",
           "ALG_3DES", "ALG_AES128", "ALG_AES192", "ALG_AES256", "ALG_RSA1024", "ALG_RSA2048",
           "ALG_ECCP256", "ALG_ECCP384", "CERT_OBJECTS"]

PIV_AID = bytes.fromhex("A00000030800001000")
DEFAULT_MGMT_KEY = bytes.fromhex("010203040506070801020304050607080102030405060708")
DEFAULT_PIN = "123456"
DEFAULT_PUK = "12345678"
ALG_3DES, ALG_AES128, ALG_AES192, ALG_AES256 = 0x03, 0x08, 0x0A, 0x0C
ALG_RSA1024, ALG_RSA2048, ALG_ECCP256, ALG_ECCP384 = 0x06, 0x07, 0x11, 0x14
# certificate object of each key slot
CERT_OBJECTS: Dict[int, int] = {0x9A: 0x5FC105, 0x9C: 0x5FC10A, 0x9D: 0x5FC10B, 0x9E: 0x5FC101,
                                0xF9: 0x5FFF01, **{0x82 + i: 0x5FC10D + i for i in range(20)}}


def _block(pin: Union[str, bytes]) -> bytes:
    value = pin.encode() if isinstance(pin, str) else pin
    return value.ljust(8, b"\xff")


class Piv(HostEdge):
    """The PIV card edge (and its YubiKey extensions) from the host's side."""

    # -- transport (tx: softcard._host.HostEdge) ----------------------------------------------
    def command(self, ins: int, p1: int, p2: int, data: bytes = b"", le: bool = True) -> Response:
        """Any data length: blocks of 255 chained with CLA 10, as yubico-piv-tool does."""
        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
        for k, chunk in enumerate(chunks):
            last = k == len(chunks) - 1
            apdu = bytes((0x00 if last else 0x10, ins, p1, p2))
            if chunk:
                apdu += bytes((len(chunk),)) + chunk
            if last and le:
                apdu += b"\x00"
            r = self.tx(apdu)
            if not last and not r.ok:
                return r
        return r

    # -- standard commands ---------------------------------------------------------------------
    def select(self) -> Response:
        return self.command(0xA4, 0x04, 0x00, PIV_AID)

    def verify(self, pin: Union[str, bytes] = DEFAULT_PIN) -> Response:
        return self.command(0x20, 0x00, 0x80, _block(pin), le=False)

    def pin_status(self) -> Response:
        return self.tx(bytes((0x00, 0x20, 0x00, 0x80)))

    def change_pin(self, old: str, new: str, puk: bool = False) -> Response:
        return self.command(0x24, 0x00, 0x81 if puk else 0x80, _block(old) + _block(new), le=False)

    def unblock_pin(self, puk: str, new_pin: str) -> Response:
        return self.command(0x2C, 0x00, 0x80, _block(puk) + _block(new_pin), le=False)

    def get_object(self, tag: int) -> Response:
        """GET DATA; the data is the object's value (without the 53 / 7E wrapper)."""
        r = self.command(0xCB, 0x3F, 0xFF, _tlv(0x5C, tag.to_bytes(3 if tag > 0xFFFF else 1, "big")))
        if r.ok:
            values = parse_tlvs(r.data)
            r = Response(next(iter(values.values())), r.sw)
        return r

    def put_object(self, tag: int, value: bytes) -> Response:
        return self.command(0xDB, 0x3F, 0xFF, _tlv(0x5C, tag.to_bytes(3, "big")) + _tlv(0x53, value),
                            le=False)

    def put_certificate(self, slot: int, der: bytes) -> Response:
        return self.put_object(CERT_OBJECTS[slot], _tlv(0x70, der) + bytes.fromhex("710100FE00"))

    def certificate(self, slot: int) -> Optional[bytes]:
        r = self.get_object(CERT_OBJECTS[slot])
        return parse_tlvs(r.data).get(0x70) if r.ok else None

    def authenticate(self, key: bytes = DEFAULT_MGMT_KEY, alg: int = ALG_3DES) -> Response:
        """Mutual authentication with the 9B key (witness, then challenge); raises ValueError
        when the card's answer to our challenge is wrong."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        if alg == ALG_3DES:
            try:
                from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
            except ImportError:  # cryptography < 43
                TripleDES = algorithms.TripleDES
            cipher = Cipher(TripleDES(key), modes.ECB())
            block = 8
        else:
            cipher = Cipher(algorithms.AES(key), modes.ECB())
            block = 16
        r = self.command(0x87, alg, 0x9B, bytes.fromhex("7C028000"))
        if not r.ok:
            return r
        witness_enc = parse_tlvs(parse_tlvs(r.data)[0x7C])[0x80]
        dec = cipher.decryptor()
        witness = dec.update(witness_enc) + dec.finalize()
        challenge = os.urandom(block)
        r = self.command(0x87, alg, 0x9B, _tlv(0x7C, _tlv(0x80, witness) + _tlv(0x81, challenge)))
        if not r.ok:
            return r
        enc = cipher.encryptor()
        if parse_tlvs(parse_tlvs(r.data)[0x7C])[0x82] != enc.update(challenge) + enc.finalize():
            raise ValueError("the card's answer to the host challenge is wrong")
        return r

    def generate(self, slot: int, alg: int, pin_policy: int = 0, touch_policy: int = 0) -> Response:
        """GENERATE ASYMMETRIC KEY PAIR; the data is the 7F49 public key template."""
        inner = bytes((0x80, 0x01, alg))
        if pin_policy:
            inner += bytes((0xAA, 0x01, pin_policy))
        if touch_policy:
            inner += bytes((0xAB, 0x01, touch_policy))
        return self.command(0x47, 0x00, slot, _tlv(0xAC, inner))

    def use_key(self, slot: int, alg: int, data: bytes, ecdh: bool = False) -> Response:
        """GENERAL AUTHENTICATE with a key slot; the data is the result (signature, plaintext
        block or shared secret) without the 7C / 82 wrappers."""
        r = self.command(0x87, alg, slot, _tlv(0x7C, b"\x82\x00" + _tlv(0x85 if ecdh else 0x81, data)))
        if r.ok:
            r = Response(parse_tlvs(parse_tlvs(r.data)[0x7C])[0x82], r.sw)
        return r

    # -- YubiKey extensions --------------------------------------------------------------------
    def version(self) -> Response:
        return self.command(0xFD, 0x00, 0x00)

    def serial(self) -> Response:
        return self.command(0xF8, 0x00, 0x00)

    def metadata(self, ref: int) -> Response:
        return self.command(0xF7, 0x00, ref)

    def attest(self, slot: int) -> Response:
        """ATTEST; the data is the DER X.509 attestation certificate."""
        return self.command(0xF9, slot, 0x00)


def public_key_from_template(template: bytes, alg: int):
    """A ``cryptography`` public key from a 7F49 template of GENERATE."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    inner = parse_tlvs(parse_tlvs(template)[0x7F49])
    if alg in (ALG_ECCP256, ALG_ECCP384):
        curve = ec.SECP256R1() if alg == ALG_ECCP256 else ec.SECP384R1()
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, inner[0x86])
    return rsa.RSAPublicNumbers(int.from_bytes(inner[0x82], "big"),
                                int.from_bytes(inner[0x81], "big")).public_key()
