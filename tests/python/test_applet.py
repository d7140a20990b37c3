"""Applets written in Python (softcard.Applet): routing next to C++ applets, answers, the
per-APDU transaction, PINs, keys, persistence, faults and trace, and the GIL contract."""
import threading

import pytest

import softcard
from softcard import Applet, StatusWordError

GIDS_AID = "A000000397425446590201"
AID = "F0736F6674636172640A"  # the test applet


class Probe(Applet):
    """Writes what commands tell it to, so tests can watch commits and rollbacks."""

    aid = AID
    name = "probe"

    def __init__(self):
        self.resets = 0
        self.personalized = 0

    def personalize(self):
        self.personalized += 1
        self.store["count"] = 0
        self.pin(0x81).create("1234", max_tries=3)
        self.spki = self.keys.generate("sig", "ec-p256")

    def process(self, c):
        if c.ins == 0x01:  # count += 1; P1 chooses how the command ends
            self.store["count"] = self.store["count"] + 1
            self.store["last"] = c.data
            if c.p1 == 1:
                raise ValueError("applet bug")
            if c.p1 == 2:
                raise StatusWordError(0x6A84)
            if c.p1 == 3:
                return 0x6985
            return self.store["count"].to_bytes(2, "big")
        if c.ins == 0x02:
            return self.store.get("last", b"")
        if c.ins == 0x03:
            return self.store["count"].to_bytes(2, "big")
        if c.ins == 0x20:
            return self.pin(0x81).verify(c.data) if c.data else self.pin(0x81).status()
        if c.ins == 0x22:
            return self.pin(0x99).verify(b"1234")  # no such PIN: the card OS answers 6A88
        if c.ins == 0x2A:
            if not self.pin(0x81).verified:
                raise StatusWordError(0x6982)
            return self.keys.sign("sig", c.data, "ecdsa-der")
        if c.ins == 0x30:
            return (b"\x01\x02", 0x6310)  # a warning with data
        if c.ins == 0x31:
            return "not an answer"
        raise StatusWordError(0x6D00)

    def reset(self):
        self.resets += 1


@pytest.fixture
def probe():
    return Probe()


@pytest.fixture
def gids_card(probe):
    with softcard.Card.create(None, "gids", applets=[probe]) as card:
        yield card


def count(card):
    return int.from_bytes(card.transmit("0003000000").check().data, "big")


def test_selected_by_aid_next_to_gids(gids_card, probe):
    assert gids_card.applets == ("gids", "probe")
    assert gids_card.select(AID).ok
    assert gids_card.transmit("0001000000").data == b"\x00\x01"
    assert gids_card.select(GIDS_AID).ok  # the C++ applet answers again
    assert gids_card.verify("123456").ok
    assert gids_card.select(AID[:10]).ok  # partial AID
    assert gids_card.transmit("0001000000").data == b"\x00\x02"
    assert probe.personalized == 1


def test_answers(gids_card):
    gids_card.select(AID)
    r = gids_card.transmit("0030000000")
    assert (r.data, r.sw) == (b"\x01\x02", 0x6310)
    assert gids_card.transmit("0031000000").sw == 0x6F00  # not an answer: applet bug
    assert gids_card.transmit("00FF000000").sw == 0x6D00


@pytest.mark.parametrize("p1,sw", [(1, 0x6F00), (2, 0x6A84), (3, 0x6985)])
def test_a_failed_command_rolls_back_everything_it_wrote(gids_card, p1, sw):
    gids_card.select(AID)
    assert gids_card.transmit("00010000020A0B").ok
    assert gids_card.transmit(bytes((0, 1, p1, 0, 1, 0xEE))).sw == sw
    assert gids_card.transmit("0002000000").data == b"\x0a\x0b"
    assert gids_card.transmit("0001000000").data == b"\x00\x02"


def test_pin_counter_survives_rollback_and_power(gids_card, probe):
    gids_card.select(AID)
    assert gids_card.transmit("0020008104" + b"0000".hex()).sw == 0x63C2
    resets = probe.resets
    gids_card.power_off()
    gids_card.select(AID)
    assert probe.resets == resets + 1  # delivered before the applet's next command
    assert gids_card.transmit("0020008100").sw == 0x63C2  # status: no try used
    assert gids_card.transmit("0020008102" + b"00".hex()).sw == 0x6A80  # too short, no try
    assert gids_card.transmit("0022000000").sw == 0x6A88
    pins = gids_card.inspect.pins("probe")
    assert [(p.reference, p.tries_left) for p in pins] == [(0x81, 2)]
    assert gids_card.transmit("0020008104" + b"1234".hex()).ok
    assert gids_card.transmit("0020008100").ok
    gids_card.reset()
    gids_card.select(AID)
    assert gids_card.transmit("0020008100").sw == 0x63C3  # verification is volatile


def test_keys_sign_and_stay_on_the_card(gids_card, probe):
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    gids_card.select(AID)
    digest = bytes(range(32))
    assert gids_card.transmit("002A000020" + digest.hex()).sw == 0x6982
    assert gids_card.verify("1234", 0x81).ok
    sig = gids_card.transmit("002A000020" + digest.hex() + "00").check().data
    pub = serialization.load_der_public_key(probe.spki)
    pub.verify(sig, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    names = dict(gids_card.inspect.objects("ext/probe/"))
    assert "ext/probe/key/sig" in names
    text = gids_card.inspect.describe("probe")
    assert "key/sig: secret" in text and "pin/81: secret" in text


def test_store_is_unusable_outside_a_command(gids_card, probe):
    with pytest.raises(RuntimeError, match="only while it runs"):
        probe.store["x"] = 1
    with pytest.raises(RuntimeError, match="not installed"):
        Probe().store.get("x")


def test_typed_store_round_trip():
    values = {"b": b"\x00\xff", "s": "grüße", "i": -12345678901234567890, "t": True, "f": False,
              "n": None, "l": [1, "x", {"k": 2}], "d": {"a": 1.5}}

    class Typed(Applet):
        aid = "F0000000F1"

        def process(self, c):
            if c.ins == 1:
                for k, v in values.items():
                    self.store[k] = v
                return None
            got = {k: self.store[k] for k in values}
            assert got == values and type(got["t"]) is bool
            assert sorted(self.store.keys()) == sorted(values)
            del self.store["b"]
            assert "b" not in self.store
            with pytest.raises(TypeError):
                self.store["x"] = object()
            with pytest.raises(ValueError, match="reserved"):
                self.store["pin/81"] = b"x"
            return None

    with softcard.Card.create(None, "iso", applets=[Typed()]) as card:
        card.select("F0000000F1")
        assert card.transmit("0001000000").ok
        assert card.transmit("0002000000").ok


def test_state_persists_in_the_image(tmp_path):
    path = tmp_path / "vendor.img"
    with softcard.Card.create(path, "gids", applets=[Probe()]) as card:
        card.select(AID)
        for _ in range(3):
            card.transmit("0001000000").check()
        card.transmit("0020008104" + b"9999".hex())
    probe = Probe()
    with softcard.Card.open(path, applets=[probe]) as card:
        assert probe.personalized == 0  # its records were found
        card.select(AID)
        assert count(card) == 3
        assert card.transmit("0020008100").sw == 0x63C2
    with softcard.Card.open(path) as card:  # the image opens without the applet too
        assert card.select(AID).sw == 0x6A82


def test_faults_and_trace_apply_unchanged(gids_card):
    gids_card.select(AID)
    with gids_card.faults.answer(0x6F00, ins=0x01):
        assert gids_card.transmit("0001000000").sw == 0x6F00
    assert count(gids_card) == 0  # the rule answered; the applet never ran
    gids_card.transmit("0020008104" + b"1234".hex())
    entry = [e for e in gids_card.trace if e.kind == "apdu" and e.name == "VERIFY"][-1]
    assert entry.redacted and b"1234" not in entry.command


def test_install_errors():
    class NoAid(Applet):
        pass

    with pytest.raises(ValueError, match="AID"):
        softcard.Card.create(None, "iso", applets=[NoAid()])

    class BadName(Probe):
        name = "no/slash"

    with pytest.raises(ValueError):
        softcard.Card.create(None, "iso", applets=[BadName()])
    p = Probe()
    with softcard.Card.create(None, "iso", applets=[p]):
        with pytest.raises(ValueError, match="another card"):
            softcard.Card.create(None, "iso", applets=[p])

    class Broken(Probe):
        def personalize(self):
            self.store["half"] = 1
            raise RuntimeError("personalization failed")

    with pytest.raises(RuntimeError, match="personalization failed"):
        softcard.Card.create(None, "iso", applets=[Broken()])


def test_default_applet_is_selected_at_power_on(probe):
    with softcard.Card.create(None, "iso", applets=[probe], default_applet="probe") as card:
        assert card.applet == "probe"
        assert card.transmit("0001000000").data == b"\x00\x01"


def test_cpp_applet_apdus_do_not_take_the_gil(gids_card):
    select_gids = bytes.fromhex("00A4040009" + GIDS_AID[:18])
    # A native thread runs GIDS commands while this thread holds the GIL throughout.
    assert softcard._core._gil_probe(gids_card._handle, select_gids, 200, 30.0) == 200
    # The probe can fail: commands for the Python applet need the GIL, so none completes while
    # it is held (they all complete once it is released).
    gids_card.select(AID)
    assert softcard._core._gil_probe(gids_card._handle, bytes.fromhex("0001000000"), 5, 0.2) == 0
    assert count(gids_card) == 5


def test_python_threads_and_served_links_share_one_card(gids_card):
    gids_card.select(AID)
    errors = []

    def worker():
        try:
            for _ in range(200):
                gids_card.transmit("0001000000").check()
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert count(gids_card) == 800


def test_key_operations_through_python():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    host = ec.generate_private_key(ec.SECP256R1())
    host_point = host.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    results = {}

    class Crypto(Applet):
        aid = "F0000000F2"

        def personalize(self):
            results["ec"] = self.keys.generate("ec", "ec-p256")
            results["rsa"] = self.keys.generate("rsa", "rsa1024")

        def process(self, c):
            if c.ins == 1:
                return self.keys.ecdh("ec", c.data)
            if c.ins == 2:
                return self.keys.decrypt("rsa", c.data, "oaep-sha256" if c.p1 else "pkcs1")
            if c.ins == 3:
                return self.keys.sign("ec", c.data, "pkcs1")  # wrong scheme for an EC key
            if c.ins == 4:
                return self.keys.public_key("nope")
            if c.ins == 5:
                assert sorted(self.keys.names()) == ["ec", "rsa"] and "ec" in self.keys
                del self.keys["rsa"]
                return None
            raise StatusWordError(0x6D00)

    with softcard.Card.create(None, "iso", applets=[Crypto()]) as card:
        card.select("F0000000F2").check()
        ours = serialization.load_der_public_key(results["ec"])
        shared = card.send(0, 1, 0, 0, host_point, 256).check().data
        assert shared == host.exchange(ec.ECDH(), ours)
        rsa_pub = serialization.load_der_public_key(results["rsa"])
        ct = rsa_pub.encrypt(b"secret", padding.PKCS1v15())
        assert card.send(0, 2, 0, 0, ct, 256).check().data == b"secret"
        oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
        assert card.send(0, 2, 1, 0, rsa_pub.encrypt(b"x", oaep), 256).check().data == b"x"
        assert card.send(0, 2, 0, 0, bytes(128), 256).sw == 0x6A80  # bad padding
        assert card.transmit("0001000001FF").sw == 0x6A80  # not a point
        assert card.transmit("0003000020" + "00" * 32).sw == 0x6A80
        assert card.transmit("0004000000").sw == 0x6A88
        card.transmit("0005000000").check()
        assert card.send(0, 2, 0, 0, ct, 256).sw == 0x6A88  # the key is gone
