"""CA key archival with secure key injection (docs/ski.md): the card factory generates an RSA
establishment key K1 on the card and publishes its public key (docs/ski.md §13); the CA (server,
no-card minidriver) wraps a session key to that published key only, then a key pair for the card;
the client host relays only ciphertext, the card imports it into an ordinary container and signs
with it. SOFTCARD_SCENARIO_PCSC=1 puts the client behind a real
PC/SC reader (a private world) instead of calling the card in-process."""

import contextlib
import os

from .. import minidriver as md
from ..card import Card

# A GIDS card (PIN 123456) plus an RSA-2048 establishment key in container 0, generated on the card.
PROFILE = {
    "softcard_profile": 1,
    "name": "gids-ski-establishment",
    "applets": ["gids"],
    "gids": {"state": "initialized", "user_pin": {"value": "123456"}},
    "ski": {"establishment_keys": [{"container": 0, "algorithm": "rsa2048"}]},
}

DESCRIPTION = ("CA key archival over SKI: RSA key establishment under the card's published "
               "establishment key, "
               "the server encrypts an RSA-2048 key pair, the client relays only ciphertext, the card "
               "imports it (replay refused) and the archived public key verifies the card's signature")


def run(check) -> None:
    why = md.why_unavailable()
    if why:
        check.skip(why)
    try:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
    except ImportError:
        check.skip("python3-cryptography is not installed")

    with contextlib.ExitStack() as stack:
        card = stack.enter_context(Card.create(None, PROFILE))
        check.step("provisioning: the card factory publishes the establishment key K1 (container 0)")
        published = {i.id: i.data for i in
                     card.inspect.sections("gids").get("SKI establishment keys", [])}
        check.that(0 in published, "the inspection lists an establishment key in container 0")
        from cryptography.hazmat.primitives.serialization import load_der_public_key
        trusted_k1 = load_der_public_key(published[0])
        check.watch(card)
        if os.environ.get("SOFTCARD_SCENARIO_PCSC") == "1":
            from ..rig import Rig, RigUnavailable
            try:
                rig = stack.enter_context(Rig(card))
            except RigUnavailable as e:
                check.skip(f"no private PC/SC world here: {e}")
            check.step(f"the client reaches the card through PC/SC reader {rig[0]!r}")
            client = stack.enter_context(md.Minidriver.for_reader(rig[0]))
        else:
            client = stack.enter_context(md.Minidriver.for_card(card))
        server = stack.enter_context(md.Minidriver.no_card())
        check.step("the client's card offers secure key injection")
        check.equal(client.get_property_dword("Key Import Support") & 0x1, 0x1,
                    "CP_KEY_IMPORT_SUPPORT has RSA key establishment")

        check.step("client: PIN, and K1 as the card reports it (CardGetContainerInfo)")
        client.authenticate_pin("123456")
        _, kx_blob = client.container_info(0)
        k1 = md.rsa_public_from_blob(kx_blob)
        check.equal(k1.public_numbers(), trusted_k1.public_numbers(),
                    "the client's K1 is the published establishment key (the server wraps to no other)")
        k1 = trusted_k1

        check.step("server: session key S1, wrapped under K1 (OAEP SHA-256); both sides import it")
        s1 = os.urandom(32)
        wrapped_blob = md.key_data_blob(s1)
        label = b"CA"
        wrapped = k1.encrypt(wrapped_blob, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                                         algorithm=hashes.SHA256(), label=label))
        hs = server.md_import_session_key(wrapped_blob)
        hc = client.import_session_key(0, wrapped, label=label)
        check.that(hs != 0 and hc != 0, "both sides hold a session key handle")
        iv = bytes(range(12))
        for side, h in ((server, hs), (client, hc)):
            side.set_chaining_mode(h, md.CHAIN_MODE_GCM)
            side.set_iv(h, iv)

        check.step("server: archive key K2 (RSA-2048, signature) encrypted for container 1")
        k2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        plain = md.import_keypair(1, md.AT_SIGNATURE, 2048, md.privatekeyblob(k2, keyx=False))
        blob = server.md_encrypt_data(hs, md.CSF_IMPORT_KEYPAIR, plain)
        check.that(len(blob) > len(plain) and plain not in blob, "the blob is ciphertext")

        check.step("client: relays the blob to the card")
        card.trace.clear()
        client.process_encrypted_data(hc, md.CSF_IMPORT_KEYPAIR, blob, out_size=0)
        secret_parts = [k2.private_numbers().p.to_bytes(128, "little"), k2.private_numbers().p.to_bytes(128, "big"),
                        k2.private_numbers().d.to_bytes(256, "little")[:64]]
        wire = b"".join(e.command + e.response for e in card.trace.apdus())
        check.that(blob[40:56] in wire, "the ciphertext blob itself went to the card (the trace is not redacted)")
        check.that(all(part[:32] not in wire for part in secret_parts),
                   "no part of K2's private key crossed the client's card channel in the clear")
        try:
            client.process_encrypted_data(hc, md.CSF_IMPORT_KEYPAIR, blob, out_size=0)
            check.that(False, "a replayed blob is refused", "it was accepted")
        except md.MinidriverError as e:
            check.equal(e.code, md.SCARD_W_SECURITY_VIOLATION, "a replayed blob is refused (SCARD_W_SECURITY_VIOLATION)")

        check.step("the card shows an ordinary container 1 with a 2048-bit signature key")
        recs = {r.index: r for r in card.inspect.containers()}
        check.that(1 in recs and recs[1].valid, "cmapfile record 1 is valid (inspection)")
        check.equal(recs[1].sig_key_bits, 2048, "cmapfile record 1 has a 2048-bit signature key")
        from ..inspection import decode_cmapfile
        via_md = decode_cmapfile(client.read_file("mscp", "cmapfile"))
        check.equal(via_md[1], recs[1], "the minidriver's cmapfile read gives the same record")

        check.step("the card signs with K2; the archived public key verifies")
        digest = hashes.Hash(hashes.SHA256())
        digest.update(b"challenge")
        h = digest.finalize()
        sig = client.sign_data(1, md.AT_SIGNATURE, md.CALG_SHA_256, h)[::-1]  # CAPI order
        try:
            k2.public_key().verify(sig, h, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
            ok = True
        except Exception:
            ok = False
        check.that(ok, "the signature verifies with K2's public key")
        client.destroy_key(hc)
        server.destroy_key(hs)
