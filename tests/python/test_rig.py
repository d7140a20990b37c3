"""The private PC/SC world with pyscard as the client."""
import pytest

smartcard = pytest.importorskip("smartcard", reason="python3-pyscard is not installed")
from smartcard.Exceptions import CardConnectionException  # noqa: E402
from smartcard.System import readers  # noqa: E402

from softcard.gids import GIDS_AID, Gids, PcscChannel  # noqa: E402


def connect(name):
    matches = [r for r in readers() if str(r) == name]
    assert matches, f"reader {name!r} not in {readers()}"
    conn = matches[0].createConnection()
    conn.connect()
    return conn


def test_card_answers_through_pcsc(rig, card):
    conn = connect(rig[0])
    assert bytes(conn.getATR()) == card.atr
    host = Gids(PcscChannel(conn))
    assert host.select().ok
    assert host.verify("123456").ok
    names = card.trace.names()
    assert names[-2:] == ["SELECT", "VERIFY"]  # the served exchanges are in the same trace
    conn.disconnect()


def test_fault_answer_reaches_the_pcsc_client(rig, card):
    conn = connect(rig[0])
    host = Gids(PcscChannel(conn))
    card.faults.answer(0x6A82, ins=0xA4)
    assert host.select().sw == 0x6A82
    assert host.select().ok
    conn.disconnect()


def test_remove_and_insert(rig, card):
    reader = rig[0]
    rig.remove(card)
    assert card.serve_state == "removed"
    assert rig.wait_present(card, present=False)
    rig.insert(card)
    assert card.serve_state == "connected"
    conn = connect(reader)
    assert Gids(PcscChannel(conn)).select().ok
    conn.disconnect()


def test_drop_link_loses_the_answer_and_the_card_comes_back(rig, card):
    conn = connect(rig[0])
    host = Gids(PcscChannel(conn))
    card.faults.drop_link(ins=0xA4)
    with pytest.raises(CardConnectionException):
        host.select()
    # The link reconnects by itself after a drop; wait on PC/SC events: gone, then back.
    assert rig.wait_present(card, present=False)
    assert card.wait_served("connected", 10)
    assert rig.wait_present(card)
    try:
        conn.disconnect()
    except CardConnectionException:
        pass
    conn = connect(rig[0])
    assert Gids(PcscChannel(conn)).select().ok
    conn.disconnect()


def test_tear_before_keeps_the_card_out_until_inserted(rig, card):
    conn = connect(rig[0])
    host = Gids(PcscChannel(conn))
    assert host.select().ok
    card.faults.tear_before(ins=0x20)
    with pytest.raises(CardConnectionException):
        host.verify("000000")
    assert card.wait_served("removed", 10)
    assert card.inspect.pin(0x80).tries_left == 3  # the torn VERIFY never ran
    rig.insert(card)
    conn = connect(rig[0])
    assert Gids(PcscChannel(conn)).select().ok
    conn.disconnect()


def test_rig_env_names_the_private_socket(rig):
    env = rig.env
    assert env["PCSCLITE_CSOCK_NAME"].endswith("pcscd.comm")
    assert list(rig) == rig.readers and len(rig) == 1


def test_python_predicate_runs_for_served_traffic(rig, card):
    seen = []

    def on_verify(apdu: bytes) -> bool:  # called from the serving thread, with the GIL taken there
        seen.append(apdu[:4])
        return apdu[1] == 0x20

    card.faults.answer(0x6983, predicate=on_verify, times=0)
    conn = connect(rig[0])
    host = Gids(PcscChannel(conn))
    assert host.select().ok
    assert host.verify("123456").sw == 0x6983
    assert bytes.fromhex("00200080") in seen
    conn.disconnect()


def test_latency_profile_applies_to_served_traffic(rig, card):
    card.faults.slow_card()
    conn = connect(rig[0])
    assert Gids(PcscChannel(conn)).select().ok
    assert card.trace.apdus()[-1].name == "SELECT"
    conn.disconnect()
