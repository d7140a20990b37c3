"""The host-side minidriver library (minidriver/, the Windows v7 ``cardmod.h`` API) from Python,
so one script can play both sides of secure key injection (docs/ski.md):

* ``Minidriver.no_card()``: the server (CA) side, ``CARD_SECURE_KEY_INJECTION_NO_CARD_MODE``:
  ``md_import_session_key``, ``md_encrypt_data``, ``process_encrypted_data`` for card→server
  blobs.
* ``Minidriver.for_card(card)``: the client side over an in-process :class:`softcard.Card`
  (through its fault layer, so faults apply and every APDU is in ``card.trace``).
* ``Minidriver.for_reader(reader)``: the client side over real PC/SC (pcsc-lite), e.g. a reader
  of a :class:`softcard.Rig`.

Names follow the C API (``CardImportSessionKey`` → ``import_session_key``); bytes in, bytes
out; a failing call raises :class:`MinidriverError` with the Windows ``SCARD_*`` ``code``. The
GIL is released during every call. Blob builders for the structures the server encrypts are
here too (``key_data_blob``, ``privatekeyblob``, ``import_keypair``, ``authenticate``).
"""

from __future__ import annotations

import struct
from typing import Optional, Tuple

from . import _core
from .card import Card

__all__ = ["available", "why_unavailable", "Minidriver", "MinidriverError", "key_data_blob", "privatekeyblob",
           "import_keypair", "authenticate", "rsa_public_from_blob", "AT_KEYEXCHANGE", "AT_SIGNATURE",
           "CREATE_KEY_GEN", "CREATE_KEY_IMPORT", "ROLE_USER", "CALG_SHA_256", "PADDING_PKCS1", "PADDING_OAEP",
           "CSF_IMPORT_KEYPAIR", "CSF_AUTHENTICATE", "CSF_CHANGE_AUTHENTICATOR", "SCARD_W_SECURITY_VIOLATION",
           "SCARD_W_WRONG_CHV"]

AT_KEYEXCHANGE, AT_SIGNATURE = 1, 2
CREATE_KEY_GEN, CREATE_KEY_IMPORT = 1, 2
ROLE_USER = 1
CALG_SHA_256 = 0x800C
PADDING_PKCS1, PADDING_OAEP = 0x2, 0x8
CSF_IMPORT_KEYPAIR = "Import Key Pair"
CSF_CHANGE_AUTHENTICATOR = "Change Authenticator"
CSF_AUTHENTICATE = "Authenticate"
CHAIN_MODE_CBC, CHAIN_MODE_GCM = "ChainingModeCBC", "ChainingModeGCM"
SCARD_W_SECURITY_VIOLATION = 0x8010006A
SCARD_W_WRONG_CHV = 0x8010006B

MinidriverError = getattr(_core, "MinidriverError", RuntimeError)


def available() -> bool:
    return bool(getattr(_core, "has_minidriver", False))


def why_unavailable() -> str:
    if not available():
        return "this softcard build has no minidriver library (minidriver/ not built)"
    if not getattr(_core, "has_ski", False):
        return "this softcard build's GIDS applet has no secure key injection extension"
    return ""


def _wide(text: str) -> bytes:
    return (text + "\0").encode("utf-16-le")


class Minidriver:
    """A minidriver context (CARD_DATA). Use as a context manager or call close()."""

    def __init__(self, native, card: Optional[Card] = None) -> None:
        self._md = native
        self.card = card

    @classmethod
    def no_card(cls) -> "Minidriver":
        if not available():
            raise RuntimeError(why_unavailable())
        return cls(_core.Minidriver())

    @classmethod
    def for_card(cls, card: Card) -> "Minidriver":
        if not available():
            raise RuntimeError(why_unavailable())
        return cls(_core.Minidriver(card._handle), card)

    @classmethod
    def for_reader(cls, reader: str = "") -> "Minidriver":
        """The client side over real PC/SC (e.g. a reader of a :class:`softcard.Rig`); ``""`` =
        the first reader holding a card."""
        if not available():
            raise RuntimeError(why_unavailable())
        return cls(_core.Minidriver.for_reader(reader))

    @property
    def reader(self) -> str:
        return self._md.reader

    def close(self) -> None:
        self._md.close()

    def __enter__(self) -> "Minidriver":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- standard functions ----------------------------------------------------------------
    def get_property(self, name: str, flags: int = 0, size: int = 1024) -> bytes:
        return self._md.get_property(name, flags, size)

    def get_property_dword(self, name: str, flags: int = 0) -> int:
        return struct.unpack("<I", self.get_property(name, flags, 4)[:4])[0]

    def authenticate_pin(self, pin, user: str = "user") -> None:
        self._md.authenticate_pin(pin.encode() if isinstance(pin, str) else bytes(pin), user)

    def create_container(self, index: int, key_spec: int, key_size: int, *, flags: int = CREATE_KEY_GEN,
                         key_data: Optional[bytes] = None, pin_id: int = ROLE_USER) -> None:
        self._md.create_container(index, flags, key_spec, key_size, key_data, pin_id)

    def container_info(self, index: int) -> Tuple[bytes, bytes]:
        """(signature public key blob, key exchange public key blob); empty when absent."""
        return self._md.container_info(index)

    def read_file(self, directory: Optional[str], name: str) -> bytes:
        return self._md.read_file(directory or "", name)

    def sign_data(self, index: int, key_spec: int, hash_alg: int, data: bytes) -> bytes:
        """CardSignData; the signature is returned as the C API gives it (little-endian for RSA)."""
        return self._md.sign_data(index, key_spec, hash_alg, data)

    # -- secure key injection --------------------------------------------------------------
    def import_session_key(self, index: int, data: bytes, *, alg: str = "AES", blob_type: str = "KeyDataBlob",
                           padding: int = PADDING_OAEP, oaep_hash: str = "SHA256", label: bytes = b"") -> int:
        """CardImportSessionKey (client): the session key wrapped under container ``index``."""
        return self._md.import_session_key(index, data, alg, blob_type, padding, oaep_hash, label)

    def md_import_session_key(self, data: bytes, *, alg: str = "AES", blob_type: str = "KeyDataBlob") -> int:
        """MDImportSessionKey (server, no-card mode)."""
        return self._md.md_import_session_key(data, alg, blob_type)

    def set_key_property(self, key: int, name: str, value: bytes, flags: int = 0) -> None:
        self._md.set_key_property(key, name, value, flags)

    def set_chaining_mode(self, key: int, mode: str) -> None:
        self.set_key_property(key, "ChainingMode", _wide(mode))

    def set_iv(self, key: int, iv: bytes) -> None:
        self.set_key_property(key, "IV", iv)

    def md_encrypt_data(self, key: int, function: str, data: bytes, flags: int = 0) -> bytes:
        """MDEncryptData (server): the one blob (D11) for ``function``."""
        blobs = self._md.md_encrypt_data(key, function, data, flags)
        return blobs[0]

    def process_encrypted_data(self, key: int, function: str, blob: bytes, out_size: int = 256,
                               flags: int = 0) -> bytes:
        return self._md.process_encrypted_data(key, function, blob, out_size, flags)

    def destroy_key(self, key: int) -> None:
        self._md.destroy_key(key)


# -- blobs the server builds (the wire library's encoders, docs/wire.md) -------------------------
def key_data_blob(key: bytes) -> bytes:
    """BCRYPT_KEY_DATA_BLOB: magic, version 1, length, key (D4)."""
    return _core.wire_key_data_blob(key)


def _be(value: int) -> bytes:
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")


def privatekeyblob(private_key, keyx: bool = True) -> bytes:
    """CAPI PRIVATEKEYBLOB of a ``cryptography`` RSA private key (D15)."""
    nums = private_key.private_numbers()
    pub = nums.public_numbers
    return _core.wire_privatekeyblob(_be(pub.n), _be(pub.e), _be(nums.d), _be(nums.p), _be(nums.q),
                                     _be(nums.dmp1), _be(nums.dmq1), _be(nums.iqmp), keyx)


def rsa_public_from_blob(blob: bytes):
    """A ``cryptography`` RSA public key from a CAPI PUBLICKEYBLOB (CardGetContainerInfo)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    n, e = _core.wire_decode_publickeyblob(blob)
    return rsa.RSAPublicNumbers(int.from_bytes(e, "big"), int.from_bytes(n, "big")).public_key()


def import_keypair(index: int, key_spec: int, key_size: int, blob: bytes, pin_id: int = ROLE_USER) -> bytes:
    """CARD_IMPORT_KEYPAIR plaintext for CSF_IMPORT_KEYPAIR (§8.1)."""
    return _core.wire_import_keypair(index, key_spec, key_size, blob, pin_id)


def authenticate(pin: bytes, flags: int = 0, pin_id: int = ROLE_USER) -> bytes:
    """CARD_AUTHENTICATE plaintext for CSF_AUTHENTICATE (§8.2)."""
    return _core.wire_authenticate(pin, flags, pin_id)
