"""`softcard run --applet`: the CLI hands over to python3 -m softcard.run (usage errors here;
serving and kill -9 are in tests/integration/faults, case pykills)."""
import os
import subprocess

import pytest

from softcard.rig import find_softcard_binary

BIN = find_softcard_binary()
pytestmark = pytest.mark.skipif(not BIN, reason="the softcard program is not built")


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "card.img"
    subprocess.run([BIN, "init", "--profile", "iso", str(path)], check=True, capture_output=True)
    return str(path)


def run(*args, timeout=60):
    return subprocess.run([BIN, "run", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("spec,message", [
    ("no_colon", "expected MODULE:CLASS"),
    ("softcard.examples.vendor_card:Nope", "not a softcard.Applet subclass"),
    ("softcard.examples.vendor_card:VendorClient", "not a softcard.Applet subclass"),
    ("no_such_module_xyz:X", "No module named"),
])
def test_bad_applet_specs_exit_2(image, spec, message):
    p = run("--vpcd", "127.0.0.1:1", "--applet", spec, image)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr


def test_listen_is_refused_with_applets(image):
    p = run("--listen", "127.0.0.1:1", "--applet", "softcard.examples.vendor_card:VendorCard",
            image)
    assert p.returncode == 2 and "--listen is not available" in p.stderr


def test_a_wrong_key_is_a_usage_error(image, tmp_path):
    key = tmp_path / "k"
    key.write_bytes(os.urandom(32))
    p = run("--key-file", str(key), "--applet", "softcard.examples.vendor_card:VendorCard", image)
    assert p.returncode == 2 and "error:" in p.stderr


def test_the_runners_fault_file_applies_to_python_applets(tmp_path):
    """What `run --applet --faults FILE` does per card: the file's rules for that card."""
    import json

    import softcard
    from softcard import _core
    from softcard.examples.vendor_card import VendorCard
    from softcard.examples.vendor_client import VendorClient

    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps({"softcard_faults": 1, "rules": [
        {"action": "answer_sw", "sw": "6581", "match": {"cla": "80", "ins": "10"}},
        {"action": "answer_sw", "sw": "6A82", "match": {"ins": "A4"}, "card": 1}]}))
    with softcard.Card.create(None, "iso", applets=[VendorCard()]) as card:
        assert _core.apply_fault_file(card._handle, str(rules), 0, 2) == 2
        host = VendorClient(card)
        assert host.select().ok  # the card-1 rule is not for card 0
        with pytest.raises(softcard.CardError) as e:
            host.info()
        assert e.value.sw == 0x6581
        assert host.info().version == 3  # the rule fired once
        assert [e.faults for e in card.trace.apdus()][-2]
    with softcard.Card.create(None, "iso") as card, pytest.raises(Exception, match="card"):
        _core.apply_fault_file(card._handle, str(rules), 0, 1)  # names card 1 of 1
