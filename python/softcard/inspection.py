"""Read-only inspection of a card's persistent state, for tests and scenarios.

What it shows, and where it comes from:

* ``identity()``: profile, serial, ATR, applets, life cycle (the card OS's own objects).
* ``objects(prefix)``: names and sizes of the stored objects. Never their values: some are key
  material.
* Everything else is the applet's own description of its state (``Applet::inspect`` in the card
  OS, the same data ``softcard inspect`` prints; never key material, PIN values or management
  keys):

  * ``files(applet)``: the applet's ISO 7816-4 file tree (path, FID, DF name, life cycle, size,
    EF contents, access rules); empty for applets without one (GIDS, PIV).
  * ``pins(applet)``: PIN status (label, reference, lengths, tries left, blocked).
  * ``sections(applet)``: applet-specific named items: GIDS ``files`` (EFs and their data
    objects), SKI ``secure key injection`` (shared key numbers), PIV ``keys`` (slot, algorithm,
    PIN and touch policy) and ``objects`` (tag, size).
  * ``containers()``: the GIDS container map (cmapfile) as :class:`ContainerRecord` values.
    :func:`decode_cmapfile` decodes cmapfile bytes read any other way (e.g. through the card
    edge) with the same record layout: 86 bytes per record, ``wszGuid`` (40 UTF-16LE code
    units, NUL padded), ``bFlags`` (0x01 valid, 0x02 default), ``bReserved``,
    ``wSigKeySizeBits`` and ``wKeyExchangeKeySizeBits`` (little-endian u16).
  * ``data_objects()``: the GIDS data objects (``{(ef, tag): value}``, e.g. ``(0xA010, 0xDF23)``
    is the cmapfile). Data objects are public card data; key files and PIN records are never
    readable through this API.
  * ``describe(applet)``: the rendered text, as ``softcard inspect`` prints it.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import TYPE_CHECKING, List, Optional, Tuple

from . import _core

if TYPE_CHECKING:
    from .card import Card

__all__ = ["Inspector", "ContainerRecord", "FileEntry", "PinInfo", "Item", "Identity",
           "decode_cmapfile", "CMAP_RECORD_SIZE"]

CMAP_RECORD_SIZE = 86
_CMAP_FLAG_VALID = 0x01
_CMAP_FLAG_DEFAULT = 0x02


@dataclasses.dataclass(frozen=True)
class ContainerRecord:
    """One CONTAINER_MAP_RECORD of the minidriver cmapfile."""
    index: int
    guid: str
    flags: int
    sig_key_bits: int
    kx_key_bits: int

    @property
    def valid(self) -> bool:
        return bool(self.flags & _CMAP_FLAG_VALID)

    @property
    def default(self) -> bool:
        return bool(self.flags & _CMAP_FLAG_DEFAULT)


def decode_cmapfile(data: bytes) -> List[ContainerRecord]:
    """Decodes cmapfile bytes into records (ValueError if the length is not a multiple of 86)."""
    if len(data) % CMAP_RECORD_SIZE:
        raise ValueError(f"cmapfile length {len(data)} is not a multiple of {CMAP_RECORD_SIZE}")
    out = []
    for i in range(len(data) // CMAP_RECORD_SIZE):
        rec = data[i * CMAP_RECORD_SIZE:(i + 1) * CMAP_RECORD_SIZE]
        guid = rec[:80].decode("utf-16-le", errors="replace").split("\x00", 1)[0]
        flags, _reserved, sig, kx = struct.unpack("<BBHH", rec[80:86])
        out.append(ContainerRecord(i, guid, flags, sig, kx))
    return out


@dataclasses.dataclass(frozen=True)
class FileEntry:
    path: str  # "3F00/5000/5001"
    fid: int
    is_df: bool
    df_name: bytes
    life_cycle: str
    size: int
    content: bytes  # EF contents (empty for DFs)
    access: str = ""  # access rules, e.g. "read=always update=pin(81) ..."


@dataclasses.dataclass(frozen=True)
class PinInfo:
    reference: int
    min_length: int
    max_length: int
    max_tries: int
    tries_left: int
    padded: bool
    grants_admin: bool
    unblock_reference: Optional[int]
    label: str = "PIN"  # "PIN", "user PIN", "PUK"

    @property
    def blocked(self) -> bool:
        return self.tries_left == 0


@dataclasses.dataclass(frozen=True)
class Item:
    """One named item of an applet's inspection section (never secret material)."""
    name: str  # "EF B080", "key 9a", "object 5fc102", "shared key 01"
    value: str
    level: int  # 1 = inside the item listed before it
    id: int  # its number where it has one (a GIDS data object: EF << 16 | tag; a PIV slot)
    data: bytes  # public content only (GIDS data objects)


@dataclasses.dataclass(frozen=True)
class Identity:
    profile: str
    serial: bytes
    atr: bytes
    applets: Tuple[str, ...]
    life_cycle: str


class Inspector:
    """``card.inspect``: read-only views of the card's stored state."""

    def __init__(self, card: "Card") -> None:
        self._card = card

    def _h(self):
        return self._card._handle

    def identity(self) -> Identity:
        d = _core.identity(self._h())
        return Identity(d["profile"], d["serial"], d["atr"], tuple(d["applets"]), d["life_cycle"])

    def objects(self, prefix: str = "") -> List[Tuple[str, int]]:
        """(key, size) of every stored object under ``prefix``, sorted by key."""
        return list(_core.objects(self._h(), prefix))

    def _inspection(self, applet: Optional[str]):
        name = applet or self._card.applet
        inspection = _core.inspect_applet(self._h(), name)
        if inspection is None:
            raise LookupError(f"the card has no applet '{name}'")
        return inspection

    def describe(self, applet: Optional[str] = None) -> str:
        return self._inspection(applet).render()

    def files(self, applet: Optional[str] = None) -> List[FileEntry]:
        """The applet's ISO file tree, depth first."""
        return [FileEntry(f.path, f.fid, f.is_df, f.df_name, f.life_cycle, f.size, f.content,
                          f.access)
                for f in self._inspection(applet).files]

    def file(self, path: str, applet: Optional[str] = None) -> FileEntry:
        want = path.upper()
        for f in self.files(applet):
            if f.path.upper() == want:
                return f
        raise KeyError(f"no file {path} on the card")

    def pins(self, applet: Optional[str] = None) -> List[PinInfo]:
        """PIN status of the applet; never PIN values."""
        return [PinInfo(p.reference, p.min_length, p.max_length, p.max_tries, p.tries_left,
                        p.padded, p.grants_admin, p.unblock_reference, p.label)
                for p in self._inspection(applet).pins]

    def sections(self, applet: Optional[str] = None) -> "dict[str, List[Item]]":
        """The applet's own sections of named items, by title."""
        return {s.title: [Item(i.name, i.value, i.level, i.id, i.data) for i in s.items]
                for s in self._inspection(applet).sections}

    def pin(self, reference: int, applet: Optional[str] = None) -> PinInfo:
        for p in self.pins(applet):
            if p.reference == reference:
                return p
        raise KeyError(f"no PIN {reference:02X} on the card")

    def data_objects(self) -> "dict[tuple[int, int], bytes]":
        """GIDS data objects as ``{(ef, tag): value}``."""
        files = self.sections("gids").get("files", [])
        return {(i.id >> 16, i.id & 0xFFFF): i.data for i in files if i.level == 1}

    def data_object(self, ef: int, tag: int) -> bytes:
        try:
            return self.data_objects()[(ef, tag)]
        except KeyError:
            raise KeyError(f"no data object {ef:04X}/{tag:04X} on the card") from None

    def containers(self) -> List[ContainerRecord]:
        """The GIDS container map. Raises LookupError when the card has no GIDS applet."""
        return [ContainerRecord(c.index, c.guid, c.flags, c.sig_key_bits, c.kx_key_bits)
                for c in self._inspection("gids").containers]
