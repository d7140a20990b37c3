"""The card pulled out of the reader while it computes a signature (through real PC/SC)."""

import hashlib

from ..card import Card
from ..gids import ALG_EC_P256, Gids, PcscChannel, public_point

DESCRIPTION = ("through a private PC/SC world: power is cut after the card computed a signature but "
               "before the answer; the host sees the card gone, the key and PIN counter survive, and "
               "after re-insertion the PIN is needed again and signing works")


def _verify_ecdsa(point: bytes, digest: bytes, raw_sig: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    half = len(raw_sig) // 2
    sig = utils.encode_dss_signature(int.from_bytes(raw_sig[:half], "big"), int.from_bytes(raw_sig[half:], "big"))
    try:
        pub.verify(sig, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        return True
    except InvalidSignature:
        return False


def run(check) -> None:
    try:
        from smartcard.System import readers
        from smartcard.Exceptions import CardConnectionException
    except ImportError:
        check.skip("pyscard is not installed (apt install python3-pyscard)")
    try:
        import cryptography  # noqa: F401
    except ImportError:
        check.skip("python3-cryptography is not installed")
    from ..rig import Rig, RigUnavailable

    with Card.create(None, "gids") as card:
        check.watch(card)
        check.step("personalize in-process: an EC P-256 key in container key 81")
        g = Gids(card)
        g.select()
        check.sw(g.verify("123456"), 0x9000, "user PIN verified")
        check.sw(g.create_key_file(0x81, ALG_EC_P256), 0x9000, "key file B081 created")
        gen = g.generate(0x81, ALG_EC_P256)
        check.sw(gen, 0x9000, "key pair generated on the card")
        point = public_point(gen.data)
        card.power_off()

        try:
            rig = Rig(card).start()
        except RigUnavailable as e:
            check.skip(f"no private PC/SC world here: {e}")
        with rig:
            reader = rig[0]
            check.step(f"host connects through PC/SC reader {reader!r}")
            conn = [r for r in readers() if str(r) == reader][0].createConnection()
            conn.connect()
            host = Gids(PcscChannel(conn))
            check.sw(host.select(), 0x9000, "SELECT GIDS through PC/SC")
            check.sw(host.verify("123456"), 0x9000, "VERIFY through PC/SC")
            digest = hashlib.sha256(b"softcard scenario").digest()

            check.step("the card is torn away right after it computed the signature")
            rule = card.faults.tear_after(ins=0x2A)
            check.raises(CardConnectionException, lambda: host.sign(0x81, ALG_EC_P256, digest),
                         "the host gets no signature: the transmit fails")
            check.equal(rule.fired, 1, "the tear fired on PSO COMPUTE DIGITAL SIGNATURE")
            check.that(card.wait_served("removed", 10), "the card left the reader")
            check.that(rig.wait_present(card, present=False), "PC/SC reports the reader empty")
            check.that(not card.powered, "the card has no power")
            try:
                conn.disconnect()
            except CardConnectionException:
                pass
            check.equal(card.inspect.pin(0x80).tries_left, 3, "PIN retry counter untouched")

            check.step("the card is put back")
            rig.insert(card)
            conn = [r for r in readers() if str(r) == reader][0].createConnection()
            conn.connect()
            host = Gids(PcscChannel(conn))
            check.sw(host.select(), 0x9000, "SELECT GIDS after re-insertion")
            r = host.sign(0x81, ALG_EC_P256, digest)
            check.that(r.sw in (0x6982, 0x6985), "signing without the PIN is refused after the power loss",
                       f"got {r.sw:04X}")
            check.sw(host.verify("123456"), 0x9000, "VERIFY again")
            r = host.sign(0x81, ALG_EC_P256, digest)
            check.sw(r, 0x9000, "signature computed")
            check.that(_verify_ecdsa(point, digest, r.data), "the signature verifies with the card's public key")
            conn.disconnect()
