"""Card edges written in Python: subclass ``softcard.Applet`` and install it on a card next to
its C++ applets (``Card.create(..., applets=[MyApplet()])``). The card OS routes every APDU for
it (selected by AID) through ``process``; the applet's state lives in the card's transactional
store, its PINs are the card OS's PIN objects and its keys stay on the card. docs/python.md."""

from __future__ import annotations

import json
from typing import Any, Iterator, Optional, Union

from . import _core

__all__ = ["Applet", "Command", "StatusWordError", "Store", "Pin", "Keys"]

Command = _core.Command


class StatusWordError(Exception):
    """Raised by an applet (or by the card OS on its behalf) to answer a status word. Everything
    the command wrote is rolled back."""

    def __init__(self, sw: int, message: str = "") -> None:
        self.sw = int(sw)
        super().__init__(f"{self.sw:04X}" + (f" {message}" if message else ""))


# Store values carry their type in a first byte, so a value reads back as what was written.
_TYPES = {bytes: b"b", str: b"s", bool: b"?", int: b"i"}


def _encode(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"b" + bytes(value)
    if isinstance(value, str):
        return b"s" + value.encode()
    if isinstance(value, bool):
        return b"?" + (b"\x01" if value else b"\x00")
    if isinstance(value, int):
        return b"i" + str(value).encode()
    if value is None or isinstance(value, (float, list, dict)):
        return b"j" + json.dumps(value, separators=(",", ":")).encode()
    raise TypeError(f"the store keeps bytes, str, int, bool, float, None, lists and dicts, "
                    f"not {type(value).__name__}")


def _decode(raw: bytes) -> Any:
    kind, body = raw[:1], raw[1:]
    if kind == b"b":
        return body
    if kind == b"s":
        return body.decode()
    if kind == b"?":
        return body == b"\x01"
    if kind == b"i":
        return int(body)
    if kind == b"j":
        return json.loads(body)
    return raw  # written by someone else: handed back as it is


_RESERVED = ("pin/", "key/")  # where the applet's PINs and keys live


def _writable(key: str) -> str:
    if key.startswith(_RESERVED):
        raise ValueError(f"store keys starting with pin/ or key/ are reserved ({key!r})")
    return key


class Store:
    """The applet's records in the card image, as a typed key-value mapping. Writes join the
    current command's transaction: they become durable when the command answers success (9000,
    61xx, 62xx, 63xx except 63Cx) and are all undone otherwise or when it raises."""

    def __init__(self, core: "_core.AppletCore") -> None:
        self._core = core

    def __getitem__(self, key: str) -> Any:
        raw = self._core.get(key)
        if raw is None:
            raise KeyError(key)
        return _decode(raw)

    def get(self, key: str, default: Any = None) -> Any:
        raw = self._core.get(key)
        return default if raw is None else _decode(raw)

    def __setitem__(self, key: str, value: Any) -> None:
        self._core.put(_writable(key), _encode(value), False)

    def put_secret(self, key: str, value: Any) -> None:
        """A secret record: encrypted at rest when the image has a key, never shown by inspect."""
        self._core.put(_writable(key), _encode(value), True)

    def __delitem__(self, key: str) -> None:
        if self._core.get(_writable(key)) is None:
            raise KeyError(key)
        self._core.erase(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._core.get(key) is not None

    def keys(self, prefix: str = "") -> "list[str]":
        return [k for k in self._core.keys(prefix) if not k.startswith(_RESERVED)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())


class Pin:
    """One PIN of the applet (the card OS's PIN object: the retry counter is written to disk
    before the constant-time comparison; the image keeps a salted scrypt verifier only)."""

    def __init__(self, core: "_core.AppletCore", reference: int) -> None:
        self._core = core
        self.reference = reference

    def create(self, value: Union[str, bytes], *, min_length: int = 4, max_length: int = 8,
               max_tries: int = 3, pad_byte: Optional[int] = None,
               unblock_reference: Optional[int] = None) -> None:
        """Creates (or replaces) the PIN with ``value``, all tries left."""
        self._core.pin_install(self.reference, _pin_bytes(value), min_length, max_length,
                               max_tries, pad_byte, unblock_reference)

    @property
    def exists(self) -> bool:
        return self._core.pin_has(self.reference)

    def verify(self, value: Union[str, bytes]) -> int:
        """9000, 63Cx (x tries left) or 6983 (blocked). Raises StatusWordError(6A80) for a value
        of bad length (no try used)."""
        return self._core.pin_verify(self.reference, _pin_bytes(value))

    def status(self) -> int:
        """9000 when verified in this session, 6983 when blocked, else 63Cx."""
        return self._core.pin_status(self.reference)

    @property
    def verified(self) -> bool:
        return self._core.pin_verified(self.reference)

    @property
    def tries_left(self) -> int:
        return self._core.pin_state(self.reference)["tries_left"]

    def logout(self) -> None:
        self._core.pin_deauthenticate(self.reference)

    def change(self, old: Union[str, bytes], new: Union[str, bytes]) -> int:
        return self._core.pin_change(self.reference, _pin_bytes(old), _pin_bytes(new))

    def unblock(self, puk: Union[str, bytes], new: Union[str, bytes, None] = None) -> int:
        return self._core.pin_unblock(self.reference, _pin_bytes(puk),
                                      None if new is None else _pin_bytes(new))


def _pin_bytes(value: Union[str, bytes]) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


class Keys:
    """Key pairs on the card: private keys are secret records of the store, used through the
    card's OpenSSL provider; only public keys come back unless the applet calls export_private.
    Kinds: ec-p256, ec-p384, ec-p521, rsa1024, rsa2048, rsa3072, rsa4096."""

    def __init__(self, core: "_core.AppletCore") -> None:
        self._core = core

    def generate(self, name: str, kind: str = "ec-p256") -> bytes:
        """Generates and stores the key; returns its SubjectPublicKeyInfo (DER)."""
        return self._core.key_generate(name, kind)

    def import_private(self, name: str, pkcs8: bytes) -> bytes:
        return self._core.key_import(name, bytes(pkcs8))

    def public_key(self, name: str) -> bytes:
        return self._core.key_public(name)

    def sign(self, name: str, data: bytes, scheme: str = "ecdsa") -> bytes:
        """scheme: ecdsa / ecdsa-der (data = a hash), pkcs1 (data = DigestInfo), pss (data = a
        hash), raw (data = a padded block of the modulus size)."""
        return self._core.key_sign(name, scheme, bytes(data))

    def decrypt(self, name: str, ciphertext: bytes, padding: str = "pkcs1") -> bytes:
        return self._core.key_decrypt(name, bytes(ciphertext), padding)

    def ecdh(self, name: str, peer_point: bytes) -> bytes:
        return self._core.key_ecdh(name, bytes(peer_point))

    def export_private(self, name: str) -> bytes:
        return self._core.key_export(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._core.key_has(name)

    def __delitem__(self, name: str) -> None:
        self._core.key_erase(name)

    def names(self) -> "list[str]":
        return list(self._core.key_names())


class Applet:
    """Base class of a card edge written in Python.

    Set ``aid`` (bytes or hex text, 5..16 bytes) and optionally ``name`` (default: the class
    name in lower case; 1..64 of ``A-Za-z0-9_.-``). Override ``process`` (and ``select``,
    ``deselect``, ``reset``, ``personalize`` as needed). A method answers by returning None
    (9000), bytes (data + 9000), an int status word, ``(data, sw)`` or a ``softcard.Response``, or
    by raising ``StatusWordError(sw)``; any other exception answers 6F00. Whatever a command
    wrote to ``self.store``, its PINs or keys commits with a success status word and is rolled
    back otherwise.
    """

    aid: Union[bytes, str] = b""
    name: Optional[str] = None
    # INS bytes whose command data is secret (a proprietary PIN command): traces zero it. The
    # interindustry VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER always are.
    secret_ins: "tuple[int, ...]" = ()

    # -- what subclasses override ----------------------------------------------------------
    def personalize(self) -> None:
        """Called once, when the applet is installed on an image that has no record of it yet:
        create PINs, keys and initial records here (committed together when it returns)."""

    def select(self, command: Command) -> Any:
        """SELECT by this applet's AID; a non-success answer keeps the previous selection."""
        return None

    def process(self, command: Command) -> Any:
        """Every command while selected (except SELECT by AID and GET RESPONSE)."""
        raise StatusWordError(0x6D00)

    def deselect(self) -> None:
        """Another applet was selected. Delivered before this applet's next command (commands
        for other applets never wait for Python)."""

    def reset(self) -> None:
        """Power off or reset: forget volatile state (PIN verification is forgotten by the card
        OS already). Delivered before this applet's next command (power events never wait for
        Python)."""

    # -- the card, while a command runs --------------------------------------------------
    @property
    def _kit(self) -> "_core.AppletCore":
        core = self.__dict__.get("_softcard_core")
        if core is None:
            raise RuntimeError("the applet is not installed on a card "
                               "(Card.create/open(..., applets=[...]))")
        return core

    @property
    def store(self) -> Store:
        return Store(self._kit)

    @property
    def keys(self) -> Keys:
        return Keys(self._kit)

    def pin(self, reference: int = 0x81) -> Pin:
        return Pin(self._kit, reference)

    def random(self, n: int) -> bytes:
        """n bytes from the card's random number generator."""
        return self._kit.random(n)

    def log(self, text: str, level: str = "info") -> None:
        """A line in the card's log (softcard run prints it), prefixed with the applet name."""
        self._kit.log(level, text)

    # -- installation --------------------------------------------------------------------
    def _softcard_identity(self) -> "tuple[str, bytes]":
        aid = bytes.fromhex(self.aid) if isinstance(self.aid, str) else bytes(self.aid)
        name = self.name or type(self).__name__.lower()
        return name, aid
