"""Host-side GIDS helpers for scenarios and tests: the APDU sequences a minidriver sends
(docs/gids.md), over any ``transmit(bytes) -> Response`` (an in-process :class:`Card`, or a
PC/SC connection wrapped by :class:`PcscChannel`)."""

from __future__ import annotations

from typing import List, Optional, Union

from ._host import HostEdge, PcscChannel, parse_tlvs, tlv as _tlv
from .card import Response

__all__ = ["GIDS_AID", "Gids", "PcscChannel", "keyfile_fcp", "ALG_RSA2048", "ALG_EC_P256"]

GIDS_AID = bytes.fromhex("A000000397425446590201")
ALG_RSA1024, ALG_RSA2048, ALG_EC_P256, ALG_EC_P384 = 0x06, 0x07, 0x0C, 0x0D


def keyfile_fcp(kid: int, algid: int) -> bytes:
    """FCP of a GIDS key file B0<kid> usable for sign and decipher with the user PIN (ACL 10)."""
    crts = b""
    for tag, mech in ((0xB8, 0x00), (0xB8, 0x80), (0xB8, 0x40), (0xB6, 0x10), (0xB6, 0x50)):
        crts += _tlv(tag, bytes((0x80, 0x01, mech | algid, 0x83, 0x01, kid, 0x95, 0x01, 0x40)))
    inner = bytes((0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, kid, 0x8C, 0x05, 0x8F, 0x10, 0x10, 0x10, 0x00))
    return _tlv(0x62, inner + _tlv(0xA5, crts))


class Gids(HostEdge):
    """The GIDS card edge from the host's side."""

    def command(self, ins: int, p1: int, p2: int, data: bytes = b"", le: Optional[int] = None,
                cla: int = 0x00) -> Response:
        apdu = bytes((cla, ins, p1, p2))
        if data:
            apdu += bytes((len(data),)) + data
        if le is not None:
            apdu += bytes((le & 0xFF,))
        return self.tx(apdu)

    def select(self) -> Response:
        return self.command(0xA4, 0x04, 0x00, GIDS_AID, 0)

    def verify(self, pin: Union[str, bytes]) -> Response:
        value = pin.encode() if isinstance(pin, str) else pin
        return self.command(0x20, 0x00, 0x80, value)

    def pin_status(self) -> Response:
        return self.tx(bytes((0x00, 0x20, 0x00, 0x80)))

    def unblock_with_puk(self, puk: Union[str, bytes], new_pin: Union[str, bytes]) -> Response:
        p = puk.encode() if isinstance(puk, str) else puk
        n = new_pin.encode() if isinstance(new_pin, str) else new_pin
        return self.command(0x2C, 0x00, 0x80, p + n)

    def create_key_file(self, kid: int, algid: int) -> Response:
        r = self.command(0xE0, 0x00, 0x00, keyfile_fcp(kid, algid))
        if not r.ok:
            return r
        return self.tx(bytes((0x00, 0x44, 0x00, 0x00)))  # ACTIVATE

    def generate(self, kid: int, algid: int) -> Response:
        """GENERATE ASYMMETRIC KEY PAIR; the data is the 7F49 public key template."""
        return self.command(0x47, 0x00, 0x00, bytes((0xAC, 0x06, 0x80, 0x01, algid, 0x83, 0x01, kid)), 0)

    def sign(self, kid: int, algid: int, data: bytes) -> Response:
        """MSE SET (sign, mechanism 5x) then PSO COMPUTE DIGITAL SIGNATURE over ``data``
        (a DigestInfo for RSA, a hash for EC)."""
        r = self.command(0x22, 0x41, 0xB6, bytes((0x80, 0x01, 0x50 | algid, 0x84, 0x01, kid)))
        if not r.ok:
            return r
        return self.command(0x2A, 0x9E, 0x9A, data, 0)

    def containers_raw(self) -> Response:
        """GET DATA of the cmapfile (A010/DF23), as ``5C 02 DF 23``; the data is ``DF23 L value``."""
        return self.command(0xCB, 0xA0, 0x10, bytes.fromhex("5C02DF23"), 0)

    @staticmethod
    def strip_do(data: bytes, tag: int) -> bytes:
        """Value of the single BER-TLV data object ``tag`` that wraps ``data``."""
        if not data.startswith(tag.to_bytes(2, "big")):
            raise ValueError(f"expected tag {tag:04X}")
        return parse_tlvs(data)[tag]


def public_point(template: bytes) -> bytes:
    """The EC point (tag 86) of a 7F49 public key template."""
    i = template.find(b"\x86")
    if not template.startswith(b"\x7f\x49") or i < 0:
        raise ValueError("not an EC public key template")
    n = template[i + 1]
    return template[i + 2:i + 2 + n]


def parse_templates(data: bytes) -> List[bytes]:
    return [data]
