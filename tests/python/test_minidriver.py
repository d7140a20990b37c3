"""The minidriver binding: both SKI sides from Python, errors with SCARD codes, faults apply."""
import pytest

from softcard import minidriver as md

pytestmark = pytest.mark.skipif(bool(md.why_unavailable()), reason=md.why_unavailable() or "available")


def test_pin_errors_carry_the_scard_code(card):
    with md.Minidriver.for_card(card) as client:
        with pytest.raises(md.MinidriverError) as e:
            client.authenticate_pin("000000")
        assert e.value.code == md.SCARD_W_WRONG_CHV
        client.authenticate_pin("123456")
    assert card.inspect.pin(0x80).tries_left == 3


def test_minidriver_traffic_goes_through_faults_and_trace(card):
    with md.Minidriver.for_card(card) as client:
        client.authenticate_pin("123456")
        card.faults.answer(0x6F00, ins=0x47)  # GENERATE
        with pytest.raises(md.MinidriverError):
            client.create_container(0, md.AT_KEYEXCHANGE, 1024)
        assert "GENERATE ASYMMETRIC KEY PAIR" in card.trace.names()
        # (The failed attempt may leave container 0 half made: the minidriver refuses to reuse it.)
        client.create_container(1, md.AT_KEYEXCHANGE, 1024)
        sig_blob, kx_blob = client.container_info(1)
        assert sig_blob == b"" and md.rsa_public_from_blob(kx_blob).key_size == 1024
    assert card.inspect.containers()[1].valid


def test_no_card_mode_session_key_and_blob():
    with md.Minidriver.no_card() as server:
        h = server.md_import_session_key(md.key_data_blob(bytes(32)))
        server.set_chaining_mode(h, md.CHAIN_MODE_GCM)
        server.set_iv(h, bytes(12))
        blob = server.md_encrypt_data(h, md.CSF_AUTHENTICATE, md.authenticate(b"123456"))
        assert b"123456" not in blob and len(blob) > 16
        server.destroy_key(h)
        with pytest.raises(md.MinidriverError):
            server.destroy_key(h)


def test_struct_builders():
    assert md.key_data_blob(b"k") == bytes.fromhex("4b44424d0100000001000000") + b"k"
    s = md.import_keypair(1, md.AT_SIGNATURE, 2048, b"xy")
    assert len(s) == 24 + 2 and s[4] == 1


def test_client_over_real_pcsc(rig, card):
    with md.Minidriver.for_reader(rig[0]) as client:
        assert client.reader == rig[0] and not client._md.no_card
        client.authenticate_pin("123456")
        client.create_container(0, md.AT_KEYEXCHANGE, 1024)
        _, kx = client.container_info(0)
        assert md.rsa_public_from_blob(kx).key_size == 1024
        assert "GENERATE ASYMMETRIC KEY PAIR" in card.trace.names()  # served, traced
    assert card.inspect.containers()[0].valid
