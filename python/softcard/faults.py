"""Fault injection at the card boundary.

Rules sit in front of ``Card.transmit`` (in-process and when served to a PC/SC reader) and are
applied in the order they were added. A rule matches a command by a byte mask, shortcuts
(``cla=``, ``ins=``, ``p1=``, ``p2=``) and/or a Python predicate, lets the first ``nth - 1``
matches through, then fires ``times`` times (0 = on every match from then on):

==============  ==========================================================================
``answer``      answer a chosen status word; the card never sees the command
``delay``       the card answers normally, later
``corrupt``     XOR one response byte (index < 0 counts from the end: -1 is SW2)
``drop_link``   the command never reaches the card; no answer (served: the TCP link to
                vpcd is cut and comes back; in-process: :class:`LinkDropped` is raised)
``tear_before`` power is cut before the card sees the command (served: the card is
                removed from the reader until ``insert``; in-process: :class:`CardTorn`)
``tear_after``  the card processes and commits the command, then power is cut, no answer
==============  ==========================================================================

Every rule added or removed, and every fault that fired, is recorded in the card's trace.
A latency profile (``latency(per_command=..., per_byte=...)``, or ``slow_card()``) makes the
card answer with the timing of a slow real card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, List, Optional, Tuple, Union

from . import _core

if TYPE_CHECKING:
    from .card import Card

__all__ = ["Faults", "Rule", "Match", "LinkDropped", "CardTorn"]

LinkDropped = _core.LinkDropped
CardTorn = _core.CardTorn

Predicate = Callable[[bytes], bool]
# bytes/hex text: the command must start with exactly these bytes; (value, mask): masked compare;
# a callable: predicate on the whole C-APDU.
Match = Union[None, bytes, str, Tuple[Union[bytes, str], Union[bytes, str]], Predicate]


def _as_bytes(x: Union[bytes, bytearray, str]) -> bytes:
    if isinstance(x, str):
        return bytes.fromhex(x.replace(":", " "))
    return bytes(x)


class Rule:
    """A fault rule installed on a card. Also a context manager that removes it on exit."""

    def __init__(self, card: "Card", rule_id: int, action: str, label: str) -> None:
        self._card = card
        self.id = rule_id
        self.action = action
        self.label = label

    def _info(self) -> dict:
        info = _core.rule(self._card._handle, self.id)
        if info is None:
            raise LookupError(f"rule {self.id} was removed")
        return info

    @property
    def active(self) -> bool:
        return _core.rule(self._card._handle, self.id) is not None

    @property
    def matched(self) -> int:
        """Commands that matched so far (including those let through by ``nth``)."""
        return self._info()["matched"]

    @property
    def fired(self) -> int:
        """Times the fault was applied."""
        return self._info()["fired"]

    @property
    def exhausted(self) -> bool:
        return self._info()["exhausted"]

    def remove(self) -> bool:
        """Removes the rule (recorded in the trace). False if it was already gone."""
        return _core.remove_rule(self._card._handle, self.id)

    def __enter__(self) -> "Rule":
        return self

    def __exit__(self, *exc) -> None:
        if not self._card.closed:
            self.remove()

    def __repr__(self) -> str:
        return f"<Rule {self.id}: {self.label}>"


class Faults:
    """``card.faults``: add, list and remove fault rules; set the latency profile."""

    def __init__(self, card: "Card") -> None:
        self._card = card

    def _add(self, action: str, *, match: Match = None, cla: Optional[int] = None,
             ins: Optional[int] = None, p1: Optional[int] = None, p2: Optional[int] = None,
             predicate: Optional[Predicate] = None, nth: int = 1, times: int = 1,
             label: str = "", sw: int = 0x6F00, delay: float = 0.0, index: int = -1,
             xor: int = 0x01) -> Rule:
        value = bytearray()
        mask = bytearray()
        if callable(match) and not isinstance(match, (bytes, str)):
            if predicate is not None:
                raise ValueError("give either a callable match or predicate=, not both")
            predicate = match
        elif isinstance(match, tuple):
            value, mask = bytearray(_as_bytes(match[0])), bytearray(_as_bytes(match[1]))
            if len(value) != len(mask):
                raise ValueError("match value and mask must have the same length")
        elif match is not None:
            value = bytearray(_as_bytes(match))
            mask = bytearray(b"\xff" * len(value))
        for pos, byte in enumerate((cla, ins, p1, p2)):
            if byte is None:
                continue
            if not 0 <= byte <= 0xFF:
                raise ValueError(f"header byte out of range: {byte!r}")
            while len(mask) <= pos:
                mask.append(0)
                value.append(0)
            mask[pos] = 0xFF
            value[pos] = byte
        if nth < 1:
            raise ValueError("nth counts from 1")
        if times < 0:
            raise ValueError("times must be >= 0 (0 = every time)")
        if not 0 <= sw <= 0xFFFF:
            raise ValueError(f"status word out of range: {sw!r}")
        if not 0 <= xor <= 0xFF or xor == 0 and action == "corrupt":
            raise ValueError("xor must be 1..255")
        rule_id = _core.add_rule(self._card._handle, action, bytes(mask), bytes(value), predicate,
                                 int(sw), int(round(delay * 1e6)), int(index), int(xor),
                                 nth - 1, int(times), label)
        info = _core.rule(self._card._handle, rule_id)
        return Rule(self._card, rule_id, action, info["label"] if info else label)

    def answer(self, sw: int, **match) -> Rule:
        """Answer ``sw`` instead of the card (which never sees the command)."""
        return self._add("answer_sw", sw=sw, **match)

    def delay(self, seconds: float, **match) -> Rule:
        """Deliver the card's answer ``seconds`` later."""
        if seconds < 0:
            raise ValueError("delay must not be negative")
        return self._add("delay", delay=seconds, **match)

    def corrupt(self, index: int = -1, xor: int = 0x01, **match) -> Rule:
        """XOR response byte ``index`` (negative: from the end; -1 = SW2, -3 = last data byte)."""
        return self._add("corrupt", index=index, xor=xor, **match)

    def drop_link(self, **match) -> Rule:
        """The command is lost with the link: no answer."""
        return self._add("drop_link", **match)

    def tear_before(self, **match) -> Rule:
        """Cut the power before the card sees the command (nothing happens on the card)."""
        return self._add("tear_before", **match)

    def tear_after(self, **match) -> Rule:
        """Let the card process and commit the command, then cut the power: no answer."""
        return self._add("tear_after", **match)

    def latency(self, per_command: float = 0.0, per_byte: float = 0.0) -> None:
        """Every exchange takes ``per_command + per_byte * (len(command) + len(response))``
        seconds longer. ``latency()`` turns it off."""
        if per_command < 0 or per_byte < 0:
            raise ValueError("latency must not be negative")
        _core.set_latency(self._card._handle, int(round(per_command * 1e6)), int(round(per_byte * 1e6)))

    def slow_card(self) -> None:
        """Timing of a slow contact card at 9600 baud T=0: ~20 ms per command plus ~1 ms/byte."""
        self.latency(per_command=0.020, per_byte=0.001)

    @property
    def current_latency(self) -> Tuple[float, float]:
        c, b = _core.latency(self._card._handle)
        return c / 1e6, b / 1e6

    @property
    def rules(self) -> List[dict]:
        """Installed rules: id, label, action, matched, fired, skip, times, exhausted."""
        return _core.rules(self._card._handle)

    def clear(self) -> None:
        """Removes every rule (each removal is recorded in the trace)."""
        _core.clear_rules(self._card._handle)
