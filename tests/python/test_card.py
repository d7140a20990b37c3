"""In-process card API: creation, images, transmit, status words, helpers, inspection."""
import pytest

import softcard
from softcard import SW, Card, Response
from softcard.gids import GIDS_AID, Gids, ALG_EC_P256


def test_create_in_memory_and_select(card):
    mem = Card.create(None, "gids")
    with mem:
        assert mem.path is None
        assert mem.applet == "gids"
        r = mem.select(GIDS_AID)
        assert r.ok and r.sw == SW.OK
        assert r.data.startswith(b"\x61")
    assert mem.closed


def test_image_closed_by_context_manager_then_reopened(tmp_path):
    path = tmp_path / "c.img"
    with Card.create(path, "gids") as c:
        assert c.path == str(path)
        assert c.verify("000000").sw == 0x63C2
        # The image is exclusive while open.
        with pytest.raises(softcard.ImageError):
            Card.open(path)
    with Card.open(path) as again:
        assert again.inspect.pin(0x80).tries_left == 2  # the failed try was persistent


def test_create_refuses_existing_image(tmp_path):
    path = tmp_path / "c.img"
    Card.create(path, "gids").close()
    with pytest.raises(softcard.ImageError):
        Card.create(path, "gids")


def test_bad_profile_is_a_profile_error():
    with pytest.raises(softcard.ProfileError):
        Card.create(None, "no-such-profile")
    with pytest.raises(softcard.ProfileError):
        Card.create(None, {"softcard_profile": 1, "applets": ["gids"], "typo": 1})


def test_malformed_profiles_are_profile_errors_naming_file_and_field(tmp_path):
    # issue 10: a number overflow, an applet listed twice, an invalid ATR and an ISO file
    # problem are all ProfileError (never a raw parser exception) naming the file and field.
    cases = {
        '{"softcard_profile":1e400,"applets":["iso"]}': "not valid JSON",
        '{"softcard_profile":1,"applets":["gids","gids"]}': "field applets[1]: applet 'gids' is listed twice",
        '{"softcard_profile":1,"applets":["iso"],"atr":"3B00FF"}': "field atr: ",
        '{"softcard_profile":1,"applets":["iso"],"iso":{"files":[{"fid":"3F00"}]}}':
            "field iso.files[0].fid: 3F00 is reserved",
    }
    for i, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"bad{i}.json"
        path.write_text(text)
        image = tmp_path / f"bad{i}.img"
        with pytest.raises(softcard.ProfileError) as err:
            Card.create(image, path)
        assert str(err.value).startswith(f"profile {path}"), str(err.value)
        assert expected in str(err.value)
        assert not image.exists()
    with pytest.raises(softcard.ProfileError) as err:
        Card.create(None, '{"softcard_profile":1e400,"applets":["iso"]}')
    assert str(err.value).startswith("profile inline: not valid JSON")


def test_shared_keys_profile_list_form():
    key = "5c" * 32
    with Card.create(None, {"softcard_profile": 1, "applets": ["gids"],
                            "ski": {"shared_keys": [{"number": 1, "key": key}]}}) as c:
        assert ("ski/shared/01", 32) in c.inspect.objects("ski/")
    with pytest.raises(softcard.ProfileError, match="field ski.shared_keys: must be a list"):
        Card.create(None, {"softcard_profile": 1, "applets": ["gids"],
                           "ski": {"shared_keys": {"1": key}}})


def test_profile_as_dict():
    profile = {"softcard_profile": 1, "name": "mine", "serial": "0102030405060708", "applets": ["gids"],
               "gids": {"state": "initialized", "user_pin": {"value": "4321"}}}
    with Card.create(None, profile) as c:
        assert c.inspect.identity().serial == bytes.fromhex("0102030405060708")
        assert c.verify("4321").ok


def test_verify_and_power_cycle_forgets_pin(card):
    g = Gids(card)
    assert g.select().ok
    assert card.verify("123456").ok
    assert card.verify(None).ok  # status without a try: verified
    card.power_off()
    assert not card.powered
    g.select()
    assert card.verify(None).sw == 0x63C3
    card.reset()
    assert card.powered


def test_wrong_pin_counts_down_then_blocks(card):
    card.select(GIDS_AID)
    assert [card.verify("999999").sw for _ in range(3)] == [0x63C2, 0x63C1, 0x63C0]
    assert card.verify("123456").sw == SW.AUTH_METHOD_BLOCKED
    assert card.inspect.pin(0x80).blocked


def test_response_repr_names_the_status_word(card):
    r = card.transmit(bytes.fromhex("00A4040005F000000000"))
    assert r.sw == 0x6A82 and not r.ok
    assert "6A82" in repr(r) and "FILE_NOT_FOUND" in repr(r)
    assert r.status is SW.FILE_NOT_FOUND
    assert bytes(r) == b"\x6a\x82"
    with pytest.raises(softcard.CardError):
        r.check()
    assert Response(b"", 0x63C1).tries_left == 1
    assert "RETRIES_1" in repr(Response(b"", 0x63C1))


def test_transmit_accepts_hex_text_and_malformed_apdus(card):
    assert card.transmit("00A4040C0BA000000397425446590201").ok
    assert card.transmit(b"\x00").sw == SW.WRONG_LENGTH


def test_status_words():
    assert SW(0x6982) is SW.SECURITY_NOT_SATISFIED
    assert "security" in softcard.describe_sw(0x6982)
    assert softcard.is_success(0x6110) and not softcard.is_success(0x63C0)
    assert softcard.sw_name(0x63C2) == "RETRIES_2"
    with pytest.raises(ValueError):
        softcard.describe_sw(0x10000)


def test_atr_and_identity(card):
    ident = card.inspect.identity()
    assert ident.profile == "gids"
    assert ident.applets == ("gids",)
    assert card.atr == ident.atr and card.atr[0] in (0x3B, 0x3F)
    assert len(ident.serial) == 16


def test_trace_records_commands_and_redacts_pins(card, trace):
    card.select(GIDS_AID)
    card.verify("123456")
    entries = trace.apdus()
    assert [e.name for e in entries] == ["SELECT", "VERIFY"]
    verify = entries[1]
    assert verify.redacted and b"123456" not in verify.command
    assert verify.sw == 0x9000
    assert entries[0].time <= entries[1].time
    text = trace.text()
    assert "SELECT" in text and "data redacted" in text and "313233343536" not in text.replace(" ", "")
    trace.clear()
    assert len(trace) == 0


def test_trace_can_be_disabled_and_bounded(card, trace):
    trace.enabled = False
    card.select(GIDS_AID)
    assert len(trace) == 0
    trace.enabled = True
    trace.capacity = 2
    for _ in range(5):
        card.select(GIDS_AID)
    assert len(trace) == 2 and trace.overflowed == 3


def test_inspection_gids_objects_never_show_values(card):
    keys = dict(card.inspect.objects("gids/"))
    assert "gids/pin/80" in keys and all(isinstance(v, int) for v in keys.values())
    assert "user PIN" in card.inspect.describe()
    pin = card.inspect.pin(0x80)
    assert (pin.tries_left, pin.max_tries, pin.blocked) == (3, 3, False)
    assert not hasattr(pin, "value")


def test_inspection_container_map(card):
    assert card.inspect.containers() == []
    g = Gids(card)
    g.select()
    g.verify("123456")
    guid = "softcard-test-container"
    rec = guid.encode("utf-16-le").ljust(80, b"\0") + bytes((0x03, 0, 0, 0)) + (256).to_bytes(2, "little")
    assert g.command(0xDB, 0xA0, 0x10, bytes.fromhex("DF23") + bytes((len(rec),)) + rec).ok
    recs = card.inspect.containers()
    assert len(recs) == 1
    assert (recs[0].guid, recs[0].valid, recs[0].default, recs[0].kx_key_bits) == (guid, True, True, 256)
    # The documented decoder gives the same records from the bytes read through the card edge.
    raw = Gids.strip_do(g.containers_raw().data, 0xDF23)
    assert softcard.decode_cmapfile(raw) == recs


def test_decode_cmapfile_rejects_bad_length():
    with pytest.raises(ValueError):
        softcard.decode_cmapfile(b"\0" * 85)
    assert softcard.decode_cmapfile(b"") == []


def test_iso_profile_file_tree_and_pins():
    with Card.create(None, "iso") as c:
        assert c.applet == "iso"
        files = {f.path: f for f in c.inspect.files()}
        assert files["3F00"].is_df
        assert files["3F00/2F00"].content.startswith(b"softcard ISO card")
        assert files["3F00/5000"].df_name == bytes.fromhex("A0000000015053")
        refs = {p.reference: p for p in c.inspect.pins()}
        assert refs[0x81].unblock_reference == 0x83 and refs[0x82].grants_admin
        assert c.verify("1234").ok  # default reference for ISO is 81


def test_blank_card_is_in_creation_state(blank_card):
    assert blank_card.inspect.identity().profile == "gids-blank"
    blank_card.select(GIDS_AID)
    assert blank_card.verify("123456").sw != 0x9000


def test_closed_card_raises(tmp_path):
    c = Card.create(None, "gids")
    c.close()
    c.close()  # idempotent
    with pytest.raises(ValueError):
        c.transmit(b"\x00\xa4\x04\x00")


def test_send_follows_get_response(card):
    g = Gids(card)
    g.select()
    g.verify("123456")
    assert g.create_key_file(0x81, ALG_EC_P256).ok
    r = g.generate(0x81, ALG_EC_P256)
    assert r.ok and r.data.startswith(b"\x7f\x49")


def test_builtin_lists():
    assert "gids" in softcard.builtin_profiles()
    assert {"gids", "iso"} <= set(softcard.builtin_applets())


def test_inspection_data_objects(card):
    dos = card.inspect.data_objects()
    assert dos[(0xA010, 0xDF23)] == b""  # empty cmapfile
    cardid = card.inspect.data_object(0xA012, 0xDF20)
    assert len(cardid) == 16
    with pytest.raises(KeyError):
        card.inspect.data_object(0xA010, 0xDF99)
    with pytest.raises(ValueError):
        softcard._core.public_object(card._handle, "gids/ef/b080")  # the admin key file: never
    with pytest.raises(ValueError):
        softcard._core.public_object(card._handle, "gids/pin/80")
