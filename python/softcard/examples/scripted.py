"""A card that answers a scripted sequence of status words, for negative tests of host code:
each command (after SELECT) takes the next entry of the script; when the script is used up, the
card answers ``then`` (default 9000) to everything.

    card = softcard.Card.create(None, "iso", applets=[Scripted([0x6A82, 0x6982, (b"\\x01", 0x6283)])],
                                default_applet="scripted")

An entry is a status word, ``(data, sw)``, or a callable ``f(command) -> answer``. The position in
the script is volatile: it restarts at power-on (``restart_on_reset=False`` keeps it).
"""

from __future__ import annotations

from typing import Any, Sequence

from softcard import Applet

SCRIPTED_AID = bytes.fromhex("F0736F66747363726970")  # F0 'softscrip'


class Scripted(Applet):
    aid = SCRIPTED_AID
    name = "scripted"

    def __init__(self, script: Sequence[Any], then: Any = 0x9000, *,
                 restart_on_reset: bool = True) -> None:
        self.script = list(script)
        self.then = then
        self.restart_on_reset = restart_on_reset
        self.position = 0
        self.seen: "list[bytes]" = []  # every command it answered, as sent

    def process(self, command):
        self.seen.append(bytes(command))
        if self.position >= len(self.script):
            entry = self.then
        else:
            entry = self.script[self.position]
            self.position += 1
        return entry(command) if callable(entry) else entry

    def reset(self) -> None:
        if self.restart_on_reset:
            self.position = 0
