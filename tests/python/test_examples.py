"""The example cards of softcard.examples: the vendor card driven by its host client in-process
and through a real pcscd + vpcd with pyscard, and the scripted status-word card."""
import pytest

import softcard
from softcard.examples.scripted import Scripted
from softcard.examples.vendor_card import INITIAL_PIN, LABEL, VendorCard
from softcard.examples.vendor_client import VendorClient
from softcard.gids import GIDS_AID, Gids, PcscChannel


def check_signature(spki, message, signature):
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    serialization.load_der_public_key(spki).verify(signature, message, ec.ECDSA(hashes.SHA256()))


def exercise_vendor(host):
    fci = host.select().check().data
    assert fci[:4] == b"VNDR"
    info = host.info()
    assert (info.version, info.tries_left, info.signatures) == (3, 3, 0)
    assert host.read_file(0x01) == LABEL
    with pytest.raises(softcard.CardError) as e:
        host.read_file(0x02)
    assert e.value.sw == 0x6982
    assert host.verify("000000").sw == 0x63C2
    assert host.verify(None).sw == 0x63C2
    assert host.verify("12").sw == 0x6A80
    assert host.verify(INITIAL_PIN).ok
    assert host.write_file(0x02, b"meeting at noon").ok
    assert host.read_file(0x02) == b"meeting at noon"
    spki = host.public_key()
    sig = host.sign(b"hello vendor")
    check_signature(spki, b"hello vendor", sig)
    assert host.info().signatures == 1
    assert host.change_pin(INITIAL_PIN, "654321").ok
    return spki


def test_vendor_card_in_process(tmp_path):
    path = tmp_path / "vendor.img"
    with softcard.Card.create(path, "iso", applets=[VendorCard()]) as card:
        spki = exercise_vendor(VendorClient(card))
    # The state is in the image: a new session (new applet object) finds it.
    with softcard.Card.open(path, applets=[VendorCard()]) as card:
        host = VendorClient(card)
        host.select().check()
        assert host.public_key() == spki
        assert host.info().signatures == 1
        assert host.verify(INITIAL_PIN).sw == 0x63C2  # the PIN was changed
        assert host.verify("654321").ok
        assert host.read_file(0x02) == b"meeting at noon"


def test_vendor_card_next_to_gids_through_pcsc():
    pytest.importorskip("smartcard", reason="python3-pyscard is not installed")
    from smartcard.System import readers
    from softcard.rig import Rig, RigUnavailable
    card = softcard.Card.create(None, "gids", applets=[VendorCard()])
    try:
        rig = Rig(card).start()
    except RigUnavailable as e:
        card.close()
        pytest.skip(f"no private PC/SC world on this machine: {e}")
    try:
        reader = [r for r in readers() if str(r) == rig[0]][0]
        conn = reader.createConnection()
        conn.connect()
        try:
            exercise_vendor(VendorClient(PcscChannel(conn)))
            gids = Gids(PcscChannel(conn))  # the C++ applet on the same card
            assert gids.select().ok
            assert gids.verify("123456").ok
            assert VendorClient(PcscChannel(conn)).select().ok
        finally:
            conn.disconnect()
    finally:
        rig.close()
    assert "SIGN" not in card.trace.names()  # proprietary INS 2A under CLA 80 is not PSO
    pin_commands = [e for e in card.trace.apdus()
                    if e.command[:2] in (b"\x80\x20", b"\x80\x24") and len(e.command) > 5]
    assert pin_commands and all(e.redacted and b"123456" not in e.command for e in pin_commands)
    assert card.trace.status_words().count(0x63C2) >= 2
    card.close()


def test_scripted_status_words():
    scripted = Scripted([0x6A82, (b"\x01\x02", 0x6283), lambda c: 0x6700 if c.data else 0x6982],
                        then=0x6D00)
    with softcard.Card.create(None, "iso", applets=[scripted], default_applet="scripted") as card:
        assert card.transmit("00B0000000").sw == 0x6A82
        r = card.transmit("00B0000000")
        assert (r.data, r.sw) == (b"\x01\x02", 0x6283)
        assert card.transmit("00B0000000").sw == 0x6982
        assert card.transmit("00B0000000").sw == 0x6D00
        card.reset()
        assert card.transmit("00B0000000").sw == 0x6A82  # the script restarts at power-on
        assert len(scripted.seen) == 5


def test_scripted_card_drives_a_host_client_into_its_error_paths():
    # GIDS host code meets a card whose answers are scripted wrong.
    scripted = Scripted([0x6A82, 0x6581], then=0x9000)
    scripted.aid = GIDS_AID  # impersonate the GIDS AID
    with softcard.Card.create(None, "iso", applets=[scripted]) as card:
        host = Gids(card)
        assert host.select().ok
        assert host.verify("123456").sw == 0x6A82
        assert host.verify("123456").sw == 0x6581
        assert host.verify("123456").ok
        assert scripted.position == 2
