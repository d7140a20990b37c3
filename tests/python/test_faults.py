"""Fault rules in front of the in-process card."""
import pytest

import softcard
from softcard import SW
from softcard.gids import GIDS_AID, Gids

SELECT = bytes.fromhex("00A4040C0BA000000397425446590201")


def test_answer_on_the_nth_matching_command(card, trace):
    rule = card.faults.answer(0x6F00, ins=0xA4, nth=3)
    sws = [card.transmit(SELECT).sw for _ in range(4)]
    assert sws == [0x9000, 0x9000, 0x6F00, 0x9000]  # fires once (times=1 by default)
    assert (rule.matched, rule.fired, rule.exhausted) == (3, 1, True)
    faulted = [e for e in trace.apdus() if e.faults]
    assert len(faulted) == 1 and faulted[0].sw == 0x6F00 and "answer_sw 6f00" in faulted[0].faults[0]


def test_answer_every_time_and_removal_is_traced(card, trace):
    rule = card.faults.answer(SW.SECURITY_NOT_SATISFIED, match="00 A4", times=0)
    assert [card.transmit(SELECT).sw for _ in range(3)] == [0x6982] * 3
    assert rule.remove()
    assert not rule.remove()
    assert card.transmit(SELECT).ok
    kinds = [e.kind for e in trace]
    assert kinds[0] == "rule_added" and "rule_removed" in kinds
    removed = [e for e in trace if e.kind == "rule_removed"][0]
    assert "fired 3" in removed.note


def test_answered_command_never_reaches_the_card(card):
    card.select(GIDS_AID)
    with card.faults.answer(0x9000, ins=0x20, times=0):
        assert card.verify("000000").ok  # the fault says OK...
    assert card.inspect.pin(0x80).tries_left == 3  # ...and the card never counted a try
    assert card.faults.rules == []


def test_mask_match(card):
    # CLA any, INS 20, P2 80: (value, mask)
    card.faults.answer(0x6A88, match=("00200080", "00FF00FF"))
    card.select(GIDS_AID)
    assert card.verify("123456").sw == 0x6A88
    assert card.verify("123456").ok


def test_predicate_match(card):
    seen = []

    def long_commands(apdu: bytes) -> bool:
        seen.append(apdu)
        return len(apdu) > 10

    card.faults.answer(0x6700, predicate=long_commands, times=0)
    assert card.transmit(SELECT).sw == 0x6700
    assert card.transmit(bytes.fromhex("00200080")).sw != 0x6700
    assert seen[0] == SELECT


def test_predicate_that_raises_does_not_match_and_is_traced(card, trace):
    def broken(apdu):
        raise RuntimeError("boom")

    card.faults.answer(0x6F00, predicate=broken)
    assert card.transmit(SELECT).ok
    assert any("predicate failed" in e.note and "boom" in e.note for e in trace)


def test_corrupt_response_byte(card):
    card.faults.corrupt(index=-1, xor=0x01, ins=0xA4)
    assert card.transmit(SELECT).sw == 0x9001
    card.faults.corrupt(index=0, xor=0xFF, ins=0xA4)
    r = card.transmit(bytes.fromhex("00A4040000")[:4] + bytes((0x0B,)) + GIDS_AID + b"\x00")
    assert r.data[0] == 0x61 ^ 0xFF


def test_delay_is_recorded(card, trace):
    rule = card.faults.delay(0.002, ins=0xA4)
    assert card.transmit(SELECT).ok
    assert rule.fired == 1
    assert trace.apdus()[-1].faults == (rule.label,)


def test_latency_profile(card):
    assert card.faults.current_latency == (0.0, 0.0)
    card.faults.latency(per_command=0.001, per_byte=0.0001)
    assert card.faults.current_latency == (0.001, 0.0001)
    assert card.transmit(SELECT).ok
    card.faults.latency()
    assert card.faults.current_latency == (0.0, 0.0)
    with pytest.raises(ValueError):
        card.faults.latency(per_command=-1)


def test_drop_link_in_process_raises_and_card_untouched(card):
    card.select(GIDS_AID)
    card.faults.drop_link(ins=0x20)
    with pytest.raises(softcard.LinkDropped):
        card.verify("000000")
    assert card.inspect.pin(0x80).tries_left == 3


def test_tear_before_leaves_the_card_unchanged_and_unpowered(card, trace):
    card.select(GIDS_AID)
    card.faults.tear_before(ins=0x20)
    with pytest.raises(softcard.CardTorn):
        card.verify("000000")
    assert not card.powered
    assert card.inspect.pin(0x80).tries_left == 3
    assert trace.apdus()[-1].outcome == "torn"


def test_tear_after_commits_then_cuts_power(card):
    card.select(GIDS_AID)
    card.faults.tear_after(ins=0x20)
    with pytest.raises(softcard.CardTorn):
        card.verify("000000")
    assert not card.powered
    assert card.inspect.pin(0x80).tries_left == 2  # the wrong try was committed first


def test_tear_is_a_connection_error(card):
    card.faults.tear_before()
    with pytest.raises(ConnectionError):
        card.transmit(SELECT)


def test_rules_listed_and_cleared(card, trace):
    card.faults.answer(0x6F00, ins=0xB0)
    card.faults.delay(0.001, ins=0xB0, times=0)
    assert [r["action"] for r in card.faults.rules] == ["answer_sw", "delay"]
    card.faults.clear()
    assert card.faults.rules == []
    assert sum(e.kind == "rule_removed" for e in trace) == 2


@pytest.mark.parametrize("kwargs", [dict(nth=0), dict(times=-1), dict(ins=0x100), dict(match=("00", "FFFF"))])
def test_bad_rules_are_refused(card, kwargs):
    with pytest.raises(ValueError):
        card.faults.answer(0x6F00, **kwargs)


def test_faults_do_not_break_following_commands(card):
    g = Gids(card)
    card.faults.answer(0x6F00, nth=2)
    assert g.select().ok
    assert card.verify("123456").sw == 0x6F00
    assert card.verify("123456").ok
