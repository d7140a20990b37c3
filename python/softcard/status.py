"""Status words (ISO 7816-4) as an IntEnum, plus helpers for the parameterised families."""

from __future__ import annotations

import enum

from . import _core

__all__ = ["SW", "describe_sw", "is_success", "sw_retries", "sw_bytes_remaining"]


class SW(enum.IntEnum):
    """The status words softcard answers. Any other 16-bit value is still a valid status word:
    :func:`describe_sw` names it (``63C2``, ``61 10``, ...)."""

    OK = 0x9000
    WARNING_EOF = 0x6282
    WARNING_FILE_DEACTIVATED = 0x6283
    VERIFICATION_FAILED = 0x6300
    MEMORY_FAILURE = 0x6581
    WRONG_LENGTH = 0x6700
    LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881
    SECURE_MESSAGING_NOT_SUPPORTED = 0x6882
    LAST_COMMAND_EXPECTED = 0x6883
    CHAINING_NOT_SUPPORTED = 0x6884
    INCOMPATIBLE_FILE_STRUCTURE = 0x6981
    SECURITY_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    REFERENCE_DATA_NOT_USABLE = 0x6984
    CONDITIONS_NOT_SATISFIED = 0x6985
    COMMAND_NOT_ALLOWED = 0x6986
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    RECORD_NOT_FOUND = 0x6A83
    NOT_ENOUGH_MEMORY = 0x6A84
    LC_INCONSISTENT_WITH_TLV = 0x6A85
    INCORRECT_P1P2 = 0x6A86
    LC_INCONSISTENT_WITH_P1P2 = 0x6A87
    REFERENCE_NOT_FOUND = 0x6A88
    FILE_EXISTS = 0x6A89
    DF_NAME_EXISTS = 0x6A8A
    WRONG_P1P2 = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    UNKNOWN = 0x6F00

    @property
    def description(self) -> str:
        return describe_sw(int(self))

    def __str__(self) -> str:
        return f"{int(self):04X} {self.name}"


def describe_sw(sw: int) -> str:
    """Readable meaning, e.g. ``'6982 security status not satisfied'``."""
    if not 0 <= sw <= 0xFFFF:
        raise ValueError(f"status word out of range: {sw!r}")
    return _core.describe_sw(sw)


def is_success(sw: int) -> bool:
    """True for 9000, 61xx and the 62xx/63xx warnings (but not 63Cx, a failed verification)."""
    return _core.is_success(sw)


def sw_retries(left: int) -> int:
    """63Cx: verification failed, ``left`` tries remain (capped at 15)."""
    return 0x63C0 | min(left, 15)


def sw_bytes_remaining(n: int) -> int:
    """61xx: ``n`` more bytes through GET RESPONSE (00 = 256 or more)."""
    return 0x6100 | (0 if n >= 256 else n)


def sw_name(sw: int) -> str:
    """The SW enum member name if there is one, else a family name (``RETRIES_2``, ``BYTES_REMAINING_16``)."""
    try:
        return SW(sw).name
    except ValueError:
        pass
    if sw & 0xFFF0 == 0x63C0:
        return f"RETRIES_{sw & 0xF}"
    if sw & 0xFF00 == 0x6100:
        return f"BYTES_REMAINING_{sw & 0xFF or 256}"
    if sw & 0xFF00 == 0x6C00:
        return f"WRONG_LE_{sw & 0xFF or 256}"
    return f"SW_{sw:04X}"
