"""The APDU trace of a card: every exchange (command, response, timing, command name, faults
that fired), power events, fault rules added or removed, and free-text notes.

Command data that carries secrets (VERIFY, CHANGE REFERENCE DATA, ...) is zeroed when the
exchange is recorded; ``redacted`` says so.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Iterator, List, Optional, Tuple

from . import _core
from .status import describe_sw, sw_name

if TYPE_CHECKING:
    from .card import Card

__all__ = ["Trace", "TraceEntry"]


@dataclasses.dataclass(frozen=True)
class TraceEntry:
    seq: int
    kind: str  # apdu, power_on, power_off, reset, rule_added, rule_removed, note
    time: float  # seconds since the card was opened
    duration: float  # seconds the exchange took (faults and latency included)
    command: bytes = b""
    response: bytes = b""
    name: str = ""  # e.g. "SELECT", "VERIFY"; the kind for non-APDU entries
    sw: Optional[int] = None
    redacted: bool = False
    outcome: str = "answered"  # answered, dropped, torn
    faults: Tuple[str, ...] = ()
    note: str = ""

    @property
    def is_apdu(self) -> bool:
        return self.kind == "apdu"

    @property
    def data(self) -> bytes:
        """Response data without the status word."""
        return self.response[:-2] if len(self.response) >= 2 else b""

    def __str__(self) -> str:
        t = f"{self.time * 1000:10.3f} ms"
        if self.kind != "apdu":
            return f"{t}  -- {self.kind}{': ' + self.note if self.note else ''}"
        lines = [f"{t}  > {self.command.hex(' ').upper()}  {self.name}"
                 + ("  (data redacted)" if self.redacted else "")]
        if self.outcome == "answered":
            sw = self.sw if self.sw is not None else 0
            lines.append(f"{'':13}  < {self.response.hex(' ').upper()}  {describe_sw(sw)}"
                         f"  ({self.duration * 1e6:.0f} us)")
        else:
            lines.append(f"{'':13}  < (no answer: {self.outcome})  ({self.duration * 1e6:.0f} us)")
        for f in self.faults:
            lines.append(f"{'':13}  ! fault: {f}")
        return "\n".join(lines)


class Trace:
    """Live view of a card's trace buffer (bounded: the oldest entries go first)."""

    def __init__(self, card: "Card") -> None:
        self._card = card

    def _handle(self):
        return self._card._handle

    @property
    def entries(self) -> List[TraceEntry]:
        h = self._handle()
        epoch = _core.trace_epoch_ns(h)
        out = []
        for r in _core.trace_records(h):
            out.append(TraceEntry(
                seq=r.seq, kind=r.kind, time=(r.start_ns - epoch) / 1e9, duration=r.duration,
                command=r.command, response=r.response, name=r.name, sw=r.sw,
                redacted=r.redacted, outcome=r.outcome, faults=tuple(r.faults), note=r.note))
        return out

    def apdus(self) -> List[TraceEntry]:
        return [e for e in self.entries if e.kind == "apdu"]

    def __iter__(self) -> Iterator[TraceEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(_core.trace_records(self._handle()))

    def clear(self) -> None:
        _core.trace_clear(self._handle())

    @property
    def enabled(self) -> bool:
        return _core.trace_enabled(self._handle())

    @enabled.setter
    def enabled(self, on: bool) -> None:
        _core.trace_set_enabled(self._handle(), bool(on))

    @property
    def capacity(self) -> int:
        return _core.trace_capacity(self._handle())

    @capacity.setter
    def capacity(self, n: int) -> None:
        _core.trace_set_capacity(self._handle(), int(n))

    @property
    def overflowed(self) -> int:
        """Entries dropped because the buffer was full."""
        return _core.trace_overflowed(self._handle())

    def save(self, path, card: str = "card") -> None:
        """Writes the buffered entries as a trace file (JSON Lines, docs/trace.md), the format of
        ``softcard run/rig/demo --trace-file``: read it with ``softcard trace show|diff|html``."""
        _core.trace_save(self._handle(), str(path), card)

    def text(self) -> str:
        return "\n".join(str(e) for e in self.entries)

    def names(self) -> List[str]:
        return [e.name for e in self.apdus()]

    def status_words(self) -> List[Optional[int]]:
        return [e.sw for e in self.apdus()]

    def summary(self) -> str:
        apdus = self.apdus()
        faults = sum(1 for e in apdus if e.faults)
        return f"{len(apdus)} APDUs, {faults} with faults, last SW " + (
            sw_name(apdus[-1].sw) if apdus and apdus[-1].sw is not None else "-")

    def __str__(self) -> str:
        return self.text()
