"""The card answering 6F00 to the n-th command, and the host recovering."""

import os

from ..card import Card
from ..gids import Gids

DESCRIPTION = "a rule answers 6F00 to the n-th command only; the card state is untouched and later commands work"


def run(check) -> None:
    n = int(os.environ.get("SOFTCARD_SCENARIO_N", "3"))
    with Card.create(None, "gids") as card:
        check.watch(card)
        g = Gids(card)
        rule = card.faults.answer(0x6F00, nth=n)
        check.step(f"rule installed: 6F00 on command #{n}")
        sws = []
        sws.append(g.select().sw)                       # 1
        sws.append(g.pin_status().sw)                   # 2
        sws.append(g.verify("123456").sw)               # 3
        sws.append(g.verify("123456").sw)               # 4
        sws.append(g.containers_raw().sw)               # 5
        check.equal([i + 1 for i, s in enumerate(sws) if s == 0x6F00], [n], f"exactly command #{n} answered 6F00")
        check.equal((rule.matched, rule.fired), (n if n <= len(sws) else len(sws), 1 if n <= len(sws) else 0),
                    "the rule counted its matches and fired once")
        entry = [e for e in card.trace.apdus() if e.faults]
        check.equal(len(entry), 1, "the trace marks one exchange as faulted")
        check.that(entry[0].sw == 0x6F00, "the faulted exchange shows 6F00 in the trace")
        check.equal(card.inspect.pin(0x80).tries_left, 3, "no PIN try was consumed by the faulted VERIFY")
        check.sw(g.verify("123456"), 0x9000, "the next VERIFY succeeds")
        rule.remove()
        check.that(any(e.kind == "rule_removed" for e in card.trace), "the rule's removal is in the trace")
