"""What every host-side card-edge helper (:mod:`softcard.gids`, :mod:`softcard.piv`) shares: a
channel to the card, GET RESPONSE, and BER-TLV as hosts write it. Written in Python on purpose, from
the ISO 7816-4 rules, so the helpers check the card rather than reuse its C++ codec."""

from __future__ import annotations

from typing import Callable, Dict, Union

from .card import Card, Response

Channel = Union[Card, "PcscChannel", Callable[[bytes], Response]]


class PcscChannel:
    """Adapts a pyscard connection to ``transmit(bytes) -> Response``."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def transmit(self, apdu: bytes) -> Response:
        data, sw1, sw2 = self.connection.transmit(list(apdu))
        return Response(bytes(data), (sw1 << 8) | sw2)


class HostEdge:
    """A card edge seen from the host: sends APDUs over any channel and collects 61xx answers."""

    def __init__(self, channel: Channel) -> None:
        self._tx = channel.transmit if hasattr(channel, "transmit") else channel

    def tx(self, apdu: Union[bytes, str]) -> Response:
        """One APDU (bytes or hex); 61xx answers are completed with GET RESPONSE."""
        if isinstance(apdu, str):
            apdu = bytes.fromhex(apdu)
        r = self._tx(apdu)
        data = r.data
        while r.sw1 == 0x61:
            r = self._tx(bytes((0x00, 0xC0, 0x00, 0x00, r.sw2)))
            data += r.data
        return Response(data, r.sw)


def tlv(tag: int, value: bytes) -> bytes:
    """One BER-TLV: the tag in as many bytes as it needs, definite length up to 65535."""
    t = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        ln = bytes((n,))
    elif n < 0x100:
        ln = bytes((0x81, n))
    else:
        ln = bytes((0x82, n >> 8, n & 0xFF))
    return t + ln + value


def parse_tlvs(data: bytes) -> Dict[int, bytes]:
    """One level of BER-TLV (tags of one or two bytes) as ``{tag: value}``."""
    out: Dict[int, bytes] = {}
    i = 0
    while i < len(data):
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:
            tag = (tag << 8) | data[i]
            i += 1
        n = data[i]
        i += 1
        if n == 0x81:
            n = data[i]
            i += 1
        elif n == 0x82:
            n = (data[i] << 8) | data[i + 1]
            i += 2
        out[tag] = data[i:i + n]
        i += n
    return out
