"""PIV enrollment on a YubiKey-personality card, in-process: generate, certify, sign, attest."""

import datetime

from ..card import Card
from ..piv import ALG_ECCP256, ALG_RSA2048, Piv, parse_tlvs, public_key_from_template

DESCRIPTION = ("management key, GENERATE 9A (RSA-2048) and 9C (P-256, PIN always), a CA "
               "certificate written back, signatures and the attestation chain checked")


def run(check) -> None:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
        from cryptography.x509.oid import NameOID
    except ImportError:
        check.skip("python3-cryptography is not installed")

    with Card.create(None, "yubikey") as card:
        check.watch(card)
        piv = Piv(card)
        check.step("select PIV; the YubiKey personality answers version and serial")
        check.sw(piv.select(), 0x9000, "SELECT PIV (5-byte partial AID) answers 9000")
        check.equal(piv.version().data, bytes((5, 7, 0)), "GET VERSION is 5.7.0")
        check.equal(len(piv.serial().data), 4, "GET SERIAL gives 4 bytes")

        check.step("authenticate with the factory management key, generate two keys")
        check.sw(piv.authenticate(), 0x9000, "9B mutual authentication (3DES)")
        g9a = piv.generate(0x9A, ALG_RSA2048)
        check.sw(g9a, 0x9000, "GENERATE 9A RSA-2048")
        g9c = piv.generate(0x9C, ALG_ECCP256)
        check.sw(g9c, 0x9000, "GENERATE 9C P-256")
        pub9a = public_key_from_template(g9a.data, ALG_RSA2048)
        pub9c = public_key_from_template(g9c.data, ALG_ECCP256)

        check.step("a test CA certifies the 9A key; the certificate goes onto the card")
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "softcard scenario CA")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "piv-enroll 9a")]))
                .issuer_name(ca_name).public_key(pub9a).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                .sign(ca_key, hashes.SHA256()))
        der = cert.public_bytes(serialization.Encoding.DER)
        check.sw(piv.put_certificate(0x9A, der), 0x9000, "PUT DATA 5FC105 (chained)")
        check.equal(piv.certificate(0x9A), der, "GET DATA 5FC105 gives the certificate back")

        check.step("sign with 9A (PIN once) and 9C (PIN always)")
        digest = hashes.Hash(hashes.SHA256())
        digest.update(b"softcard piv-enroll")
        h = digest.finalize()
        check.sw(piv.use_key(0x9A, ALG_RSA2048, b"\x00" * 256), 0x6982, "9A before VERIFY: 6982")
        check.sw(piv.verify(), 0x9000, "VERIFY 123456")
        # The host pads (EMSA-PKCS1-v1_5 with a SHA-256 DigestInfo); the card does raw RSA.
        di = bytes.fromhex("3031300d060960864801650304020105000420") + h
        block = b"\x00\x01" + b"\xff" * (256 - len(di) - 3) + b"\x00" + di
        sig = piv.use_key(0x9A, ALG_RSA2048, block)
        check.sw(sig, 0x9000, "GENERAL AUTHENTICATE 9A signs")
        pub9a.verify(sig.data, b"softcard piv-enroll", padding.PKCS1v15(), hashes.SHA256())
        check.that(True, "the 9A signature verifies with the certificate's key")
        sig = piv.use_key(0x9C, ALG_ECCP256, h)
        check.sw(sig, 0x9000, "GENERAL AUTHENTICATE 9C signs right after VERIFY")
        pub9c.verify(sig.data, h, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        check.that(True, "the 9C ECDSA signature verifies")
        check.sw(piv.use_key(0x9C, ALG_ECCP256, h), 0x6982, "a second 9C use needs a new VERIFY")

        check.step("attestation: the 9C key, issued by the card's F9 certificate")
        att = piv.attest(0x9C)
        check.sw(att, 0x9000, "ATTEST 9C")
        attestation = x509.load_der_x509_certificate(att.data)
        f9 = x509.load_der_x509_certificate(piv.certificate(0xF9))
        check.equal(attestation.issuer, f9.subject, "issued by the F9 certificate's subject")
        f9_key = f9.public_key()
        if isinstance(f9_key, rsa.RSAPublicKey):
            f9_key.verify(attestation.signature, attestation.tbs_certificate_bytes, padding.PKCS1v15(),
                          attestation.signature_hash_algorithm)
        else:
            f9_key.verify(attestation.signature, attestation.tbs_certificate_bytes,
                          ec.ECDSA(attestation.signature_hash_algorithm))
        check.that(True, "the attestation signature verifies under the F9 key")
        check.equal(attestation.public_key().public_numbers(), pub9c.public_numbers(),
                    "the attested key is the 9C key")
        policy = attestation.extensions.get_extension_for_oid(
            x509.ObjectIdentifier("1.3.6.1.4.1.41482.3.8")).value.value
        check.equal(policy, bytes((3, 1)), "policy extension: PIN always, touch never")
        meta = parse_tlvs(piv.metadata(0x9C).data)
        check.equal(meta[0x03], b"\x01", "GET METADATA 9C: generated on the card")
        check.that("key 9c: ECC P-256, PIN policy always" in card.inspect.describe("piv"),
                   "inspection shows the 9C key and its policy (never the key)")
        check.equal(card.inspect.pin(0x80, "piv").tries_left, 3, "the PIN has all its tries")
