"""In-process cards: the same ``Card::transmit`` boundary the vpcd bridge serves, called from
Python with the GIL released."""

from __future__ import annotations

import atexit
import json
import os
import weakref
from typing import Any, Mapping, Optional, Sequence, Union

from . import _core
from .faults import Faults
from .inspection import Inspector
from .status import SW, describe_sw, sw_name
from .trace import Trace

__all__ = ["Card", "Response", "CardError"]

PathLike = Union[str, "os.PathLike[str]"]

# Default PIN reference per applet for Card.verify().
_DEFAULT_PIN_REFERENCE = {"gids": 0x80, "iso": 0x81}


class CardError(Exception):
    """A response whose status word was not the expected one (see ``Response.check``)."""

    def __init__(self, response: "Response", expected: int = 0x9000) -> None:
        self.response = response
        self.sw = response.sw
        super().__init__(f"card answered {describe_sw(response.sw)} (expected {expected:04X})")


class Response:
    """An R-APDU: ``data`` and the status word ``sw`` (an int; ``status`` gives the SW enum)."""

    __slots__ = ("data", "sw")

    def __init__(self, data: bytes, sw: int) -> None:
        self.data = data
        self.sw = sw

    @classmethod
    def from_bytes(cls, rapdu: bytes) -> "Response":
        if len(rapdu) < 2:
            raise ValueError("an R-APDU has at least the two status bytes")
        return cls(rapdu[:-2], (rapdu[-2] << 8) | rapdu[-1])

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def status(self) -> Union[SW, int]:
        try:
            return SW(self.sw)
        except ValueError:
            return self.sw

    @property
    def sw_name(self) -> str:
        return sw_name(self.sw)

    @property
    def tries_left(self) -> Optional[int]:
        """x of a 63Cx answer, else None."""
        return self.sw & 0xF if self.sw & 0xFFF0 == 0x63C0 else None

    def check(self, expected: int = 0x9000) -> "Response":
        """Returns self, or raises CardError when the status word is not ``expected``."""
        if self.sw != expected:
            raise CardError(self, expected)
        return self

    def __bytes__(self) -> bytes:
        return self.data + bytes((self.sw >> 8, self.sw & 0xFF))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Response):
            return self.data == other.data and self.sw == other.sw
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.data, self.sw))

    def __repr__(self) -> str:
        data = self.data.hex(" ").upper()
        if len(self.data) > 32:
            data = self.data[:32].hex(" ").upper() + f" ... ({len(self.data)} bytes)"
        return f"<Response {self.sw:04X} {self.sw_name} ({describe_sw(self.sw).split(' ', 1)[-1]})" + (
            f" data={data}>" if self.data else ">")


def _profile_arg(profile: Union[str, Mapping[str, Any], PathLike]) -> str:
    if isinstance(profile, Mapping):
        return json.dumps(profile)
    return os.fspath(profile)


def _parse_endpoint(vpcd: str) -> "tuple[str, int]":
    text = vpcd.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":")
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, ""
    host = host or "127.0.0.1"
    p = int(port) if port else 0x8C7B
    if not 0 < p < 65536:
        raise ValueError(f"bad vpcd port in {vpcd!r}")
    return host, p


def _install_applets(handle: "_core.CoreCard", applets: Sequence[Any],
                     default_applet: Optional[str]) -> "tuple[str, ...]":
    from .applet import Applet
    names = []
    for applet in applets:
        if not isinstance(applet, Applet):
            raise TypeError(f"not a softcard.Applet: {applet!r}")
        if applet.__dict__.get("_softcard_core") is not None:
            raise ValueError(f"applet {applet!r} is installed on another card already")
        name, aid = applet._softcard_identity()
        _core.install_applet(handle, applet, name, aid, name == default_applet)
        names.append(name)
    if default_applet is not None and default_applet not in names:
        _core.set_default_applet(handle, default_applet)
    return tuple(names)


# Cards with a serving thread: stopped at interpreter exit, before Python objects their fault
# rules may call back into are torn down.
_served_cards: "weakref.WeakSet[Card]" = weakref.WeakSet()


@atexit.register
def _stop_serving() -> None:
    for card in list(_served_cards):
        try:
            card.unserve()
        except Exception:
            pass


class Card:
    """A softcard card running in this process.

    Create one from a profile (``Card.create(path_or_None, profile="gids")``; ``None`` keeps the
    image in memory) or open an existing image (``Card.open(path)``). Use it as a context
    manager, or call ``close()``, to release the image.
    """

    def __init__(self, handle: "_core.CoreCard", applets: Sequence[Any] = (),
                 default_applet: Optional[str] = None) -> None:
        self._handle = handle
        ident = _core.identity(handle)
        self._applets = tuple(ident["applets"])
        try:
            self._applets += _install_applets(handle, applets, default_applet)
        except BaseException:
            handle.close()  # releases the image
            raise
        if default_applet is not None:
            self._applets = (default_applet,) + tuple(a for a in self._applets
                                                      if a != default_applet)
        self.python_applets = tuple(applets)
        self._profile = ident["profile"]
        self.faults = Faults(self)
        self.trace = Trace(self)
        self.inspect = Inspector(self)

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def create(cls, path: Optional[PathLike] = None, profile: Union[str, Mapping[str, Any], PathLike] = "gids",
               *, serial: Optional[bytes] = None, key: Optional[bytes] = None,
               applets: Sequence[Any] = (), default_applet: Optional[str] = None) -> "Card":
        """A new card personalized from ``profile``: a built-in name (``gids``, ``gids-blank``,
        ``iso``, ...), a JSON profile file, or a profile given as a dict or JSON text.
        ``path`` names the new image file (refused if it exists); ``None`` keeps it in memory.
        ``key`` (32 bytes) encrypts the image's secret records at rest (docs/card-image.md).
        ``applets``: ``softcard.Applet`` instances installed next to the profile's applets
        (selected by AID); ``default_applet`` names the one selected at power-on."""
        p = None if path is None else os.fspath(path)
        return cls(_core.CoreCard.create(p, _profile_arg(profile), serial or b"", key), applets,
                   default_applet)

    @classmethod
    def open(cls, path: PathLike, *, key: Optional[bytes] = None, applets: Sequence[Any] = (),
             default_applet: Optional[str] = None) -> "Card":
        """Opens an existing card image (exclusively, until closed). ``key`` is the image key of
        an encrypted image; a missing or wrong key raises ImageError naming the file.
        ``applets`` / ``default_applet`` as for create(); an applet's records from an earlier
        session are found again by its name."""
        return cls(_core.CoreCard.open(os.fspath(path), key), applets, default_applet)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Stops serving, closes the image. Idempotent."""
        self._handle.close()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def __enter__(self) -> "Card":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def path(self) -> Optional[str]:
        """The image file, or None for an in-memory card."""
        w = self._handle.where
        return None if w == "<memory>" else w

    @property
    def applets(self) -> "tuple[str, ...]":
        return self._applets

    @property
    def applet(self) -> str:
        """The default applet (the first one of the profile)."""
        return self._applets[0]

    @property
    def profile(self) -> str:
        return self._profile

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("powered" if self._handle.powered else "unpowered")
        return f"<softcard.Card {self._profile} {self._handle.where} {state}>"

    # -- power -----------------------------------------------------------------------------
    def power_on(self) -> None:
        self._handle.power_on()

    def power_off(self) -> None:
        """Volatile state (PIN status, selection) is gone; stored data stays."""
        self._handle.power_off()

    def reset(self) -> None:
        self._handle.reset()

    @property
    def powered(self) -> bool:
        return self._handle.powered

    @property
    def atr(self) -> bytes:
        return self._handle.atr

    # -- APDUs -----------------------------------------------------------------------------
    def transmit(self, command: Union[bytes, bytearray, str]) -> Response:
        """Sends one C-APDU (bytes, or hex text) and returns the card's answer. Injected faults
        may raise :class:`softcard.LinkDropped` or :class:`softcard.CardTorn` instead."""
        if isinstance(command, str):
            command = bytes.fromhex(command)
        r = self._handle.transmit(bytes(command))
        return Response(r[:-2], (r[-2] << 8) | r[-1])

    def transmit_raw(self, command: bytes) -> bytes:
        """Like transmit(), but bytes in, R-APDU bytes out (the fastest path)."""
        return self._handle.transmit(command)

    def send(self, cla: int, ins: int, p1: int = 0, p2: int = 0, data: bytes = b"",
             le: Optional[int] = None, *, get_response: bool = True) -> Response:
        """Builds and sends a command; follows 61xx with GET RESPONSE unless told not to."""
        apdu = _core.encode_command(cla, ins, p1, p2, bytes(data), le, False)
        r = self.transmit(apdu)
        if not get_response:
            return r
        data_out = r.data
        while r.sw1 == 0x61:
            r = self.transmit(bytes((cla & 0x03, 0xC0, 0, 0, r.sw2)))
            data_out += r.data
        return Response(data_out, r.sw)

    def select(self, aid: Union[bytes, str], *, p2: int = 0x00) -> Response:
        """SELECT by DF name (00 A4 04 p2 Lc AID 00)."""
        if isinstance(aid, str):
            aid = bytes.fromhex(aid)
        return self.send(0x00, 0xA4, 0x04, p2, aid, 256)

    def verify(self, pin: Union[str, bytes, None], reference: Optional[int] = None, *,
               pad_to: Optional[int] = None, pad_byte: int = 0xFF) -> Response:
        """VERIFY (00 20 00 ref). ``pin=None`` asks for the status (no try is used). The default
        reference is the applet's user PIN (GIDS 80, ISO 81)."""
        if reference is None:
            reference = _DEFAULT_PIN_REFERENCE.get(self.applet, 0x80)
        if pin is None:
            return self.transmit(bytes((0x00, 0x20, 0x00, reference)))
        value = pin.encode() if isinstance(pin, str) else bytes(pin)
        if pad_to is not None and len(value) < pad_to:
            value += bytes((pad_byte,)) * (pad_to - len(value))
        return self.send(0x00, 0x20, 0x00, reference, value)

    # -- notes -----------------------------------------------------------------------------
    def note(self, text: str) -> None:
        """Adds a free-text line to the trace (scenario steps)."""
        _core.note(self._handle, str(text))

    # -- serving ---------------------------------------------------------------------------
    def serve(self, vpcd: str = "127.0.0.1:35963", *, reconnect_after_drop: float = 1.0) -> "Card":
        """Serves this card to a vpcd reader slot (pcscd's virtual reader listens there; we
        connect, and keep reconnecting while it is absent). After the link closed (a drop_link
        fault, vpcd closing it) the card stays away ``reconnect_after_drop`` seconds: below about
        two vpcd polls (0.8 s) pcscd may never report the removal (docs/vpcd.md). Returns self;
        ``unserve()`` stops."""
        host, port = _parse_endpoint(vpcd)
        _core.serve(self._handle, host, port, reconnect_after_drop)
        _served_cards.add(self)
        return self

    def unserve(self) -> None:
        _served_cards.discard(self)
        if not self.closed and _core.is_served(self._handle):
            _core.unserve(self._handle)

    @property
    def served(self) -> bool:
        return _core.is_served(self._handle)

    @property
    def serve_state(self) -> Optional[str]:
        """connecting, connected, removed or stopped; None when not served."""
        return _core.serve_state(self._handle) if self.served else None

    def wait_served(self, state: str = "connected", timeout: float = 10.0) -> bool:
        """Waits (GIL released) until the served link reaches ``state``."""
        return _core.serve_wait(self._handle, state, timeout)

    def remove(self) -> None:
        """Pulls the served card out of its reader (the link closes and stays closed)."""
        _core.serve_remove(self._handle)

    def insert(self) -> None:
        """Puts a removed (or torn) served card back into its reader."""
        _core.serve_insert(self._handle)
