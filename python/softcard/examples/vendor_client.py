"""The host side of :mod:`.vendor_card`'s protocol, as a vendor's minidriver would speak it,
over any ``transmit(bytes) -> Response`` (an in-process :class:`softcard.Card`, or a PC/SC
connection wrapped in :class:`softcard.gids.PcscChannel`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Union

from ..card import CardError, Response
from .vendor_card import AID, PIN_REF


@dataclass
class VendorInfo:
    version: int
    serial: int
    tries_left: int
    signatures: int


class VendorClient:
    def __init__(self, channel: Union[object, Callable[[bytes], Response]]) -> None:
        self._tx = channel.transmit if hasattr(channel, "transmit") else channel

    def _send(self, ins: int, p1: int = 0, p2: int = 0, data: bytes = b"",
              le: bool = True, cla: int = 0x80) -> Response:
        apdu = bytes((cla, ins, p1, p2))
        if data:
            apdu += bytes((len(data),)) + data
        if le:
            apdu += b"\x00"
        return self._tx(apdu)

    def select(self) -> Response:
        """SELECT; returns the FCI (``VNDR`` version serial)."""
        return self._send(0xA4, 0x04, 0x00, AID, cla=0x00)

    def info(self) -> VendorInfo:
        d = self._send(0x10).check().data
        return VendorInfo(d[0], int.from_bytes(d[1:5], "big"), d[5], int.from_bytes(d[6:10], "big"))

    def verify(self, pin: Union[str, None]) -> Response:
        data = b"" if pin is None else pin.encode()
        return self._send(0x20, 0, PIN_REF, data, le=False)

    def change_pin(self, old: str, new: str) -> Response:
        o = old.encode()
        return self._send(0x24, 0, PIN_REF, bytes((len(o),)) + o + new.encode(), le=False)

    def read_file(self, fid: int) -> bytes:
        """The whole file (files hold at most 255 bytes). Raises CardError."""
        return self._send(0xB0, fid, 0).check().data

    def write_file(self, fid: int, data: bytes) -> Response:
        return self._send(0xD6, fid, 0, data, le=False)

    def public_key(self) -> bytes:
        return self._send(0x42).check().data

    def sign(self, message: bytes) -> bytes:
        """ECDSA (DER) over SHA-256(message), computed by the card. Raises CardError."""
        return self._send(0x2A, data=hashlib.sha256(message).digest()).check().data

    def generate(self) -> bytes:
        return self._send(0x46).check().data


__all__ = ["VendorClient", "VendorInfo", "CardError"]
