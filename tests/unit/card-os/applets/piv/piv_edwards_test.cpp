// Ed25519 (E0) and X25519 (E1) of the YubiKey 5.7 personality: GENERATE, IMPORT (FE tags 07 and
// 08), GENERAL AUTHENTICATE sign and key agreement, F7 metadata, ATTEST; below 5.7 and on a
// plain PIV card both answer 6A80. Signatures are checked with libcrypto directly (not with
// softcard's crypto provider).
#include <openssl/evp.h>

#include "piv_test_support.h"
#include "softcard/wire/x509.h"

namespace softcard::piv::test {
namespace {

using Edwards = PivCardTest;

Bytes copy(ByteView v) {
  return Bytes(v.begin(), v.end());
}

// Ed25519 verification with libcrypto alone.
bool openssl_ed25519_verify(ByteView pub, ByteView message, ByteView sig) {
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), pub.size());
  if (!key) return false;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = md && EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, key) == 1 &&
                  EVP_DigestVerify(md, sig.data(), sig.size(), message.data(), message.size()) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(key);
  return ok;
}

// X25519 with libcrypto alone: our private scalar, the card's public key.
Bytes openssl_x25519(ByteView scalar, ByteView peer) {
  EVP_PKEY* mine = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(), 32);
  EVP_PKEY* theirs = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer.data(), 32);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(mine, nullptr);
  Bytes out(32);
  std::size_t len = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, theirs) != 1 ||
      EVP_PKEY_derive(ctx, out.data(), &len) != 1)
    out.clear();
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(theirs);
  EVP_PKEY_free(mine);
  return out;
}

Bytes openssl_x25519_public(ByteView scalar) {
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(), 32);
  Bytes out(32);
  std::size_t len = out.size();
  EVP_PKEY_get_raw_public_key(k, out.data(), &len);
  EVP_PKEY_free(k);
  return out;
}

TEST_F(Edwards, GenerateEd25519AndSignAMessage) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9A, 0xE0, 0x01);  // PIN never
  ASSERT_EQ(g.sw, 0x9000);
  const Bytes pub = field(g.data, 0x7F49, 0x86);
  ASSERT_EQ(pub.size(), 32u);
  const Bytes message = hex("48656c6c6f2c20736f667463617264");  // the message, not a hash
  const Rx r = use_key(0xE0, 0x9A, message);
  ASSERT_EQ(r.sw, 0x9000);
  const Bytes sig = result_of(r);
  ASSERT_EQ(sig.size(), 64u);
  EXPECT_TRUE(openssl_ed25519_verify(pub, message, sig));
  Bytes other = message;
  other[0] ^= 1;
  EXPECT_FALSE(openssl_ed25519_verify(pub, other, sig));
  // F7: algorithm E0, the public key as 86.
  const Rx meta = tx("00F7009A00");
  ASSERT_EQ(meta.sw, 0x9000);
  EXPECT_EQ(Bytes(meta.data.begin(), meta.data.begin() + 3), hex("0101E0"));
  EXPECT_EQ(copy(*wire::find_tlv(*wire::find_tlv(meta.data, 0x04), 0x86)), pub);
  // The wrong P1, and key agreement with a signature key: 6A80.
  EXPECT_EQ(use_key(0x11, 0x9A, message).sw, 0x6A80);
  EXPECT_EQ(use_key(0xE0, 0x9A, Bytes(32, 9), true).sw, 0x6A80);
}

TEST_F(Edwards, ImportedEd25519GivesTheRfc8032Signature) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Bytes seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_EQ(send(0xFE, 0xE0, 0x9C, cat(cat(hex("0720"), seed), hex("AA0101")), false).sw, 0x9000);
  const Rx r = use_key(0xE0, 0x9C, {});  // RFC 8032 test 1: the empty message
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(result_of(r), hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8"
                              "821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
  const Rx meta = tx("00F7009C00");
  EXPECT_EQ(copy(*wire::find_tlv(*wire::find_tlv(meta.data, 0x04), 0x86)),
            hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  EXPECT_EQ(send(0xFE, 0xE0, 0x9C, cat(hex("071F"), Bytes(31, 1)), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFE, 0xE0, 0x9C, cat(hex("0820"), Bytes(32, 1)), false).sw,
            0x6A80);  // 08 is X25519's
}

TEST_F(Edwards, X25519KeyAgreement) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9D, 0xE1);
  ASSERT_EQ(g.sw, 0x9000);
  const Bytes card_pub = field(g.data, 0x7F49, 0x86);
  ASSERT_EQ(card_pub.size(), 32u);
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const Bytes mine = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const Rx r = use_key(0xE1, 0x9D, openssl_x25519_public(mine), true);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(result_of(r), openssl_x25519(mine, card_pub));
  EXPECT_EQ(use_key(0xE1, 0x9D, Bytes(32, 0), true).sw, 0x6A80);  // small order: no secret
  EXPECT_EQ(use_key(0xE1, 0x9D, Bytes(31, 9), true).sw, 0x6A80);
  EXPECT_EQ(use_key(0xE1, 0x9D, Bytes(32, 9)).sw, 0x6A80);  // X25519 does not sign
  // Imported: RFC 7748's Bob; Alice's public key gives their shared secret.
  const Bytes bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  ASSERT_EQ(send(0xFE, 0xE1, 0x82, cat(hex("0820"), bob), false).sw, 0x9000);
  const Rx s = use_key(
      0xE1, 0x82, hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), true);
  ASSERT_EQ(s.sw, 0x9000);
  EXPECT_EQ(result_of(s), hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"));
}

TEST_F(Edwards, AttestationOfAnEd25519Key) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9E, 0xE0);
  ASSERT_EQ(g.sw, 0x9000);
  const Rx a = send(0xF9, 0x9E, 0x00, {});
  ASSERT_EQ(a.sw, 0x9000);
  const auto fields = wire::x509::parse_certificate(a.data);
  ASSERT_TRUE(fields);
  // SubjectPublicKeyInfo { { id-Ed25519 }, BIT STRING 00 <key> } (RFC 8410).
  EXPECT_EQ(fields->spki, cat(hex("302a300506032b6570032100"), field(g.data, 0x7F49, 0x86)));
}

TEST_F(Edwards, NotBeforeFirmware57NorOnAPlainCard) {
  for (const auto& version : {std::array<std::uint8_t, 3>{5, 4, 3}, {4, 3, 7}}) {
    make_card(yubikey(version));
    select_piv();
    ASSERT_EQ(authenticate(), 0x9000);
    EXPECT_EQ(generate(0x9A, 0xE0).sw, 0x6A80);
    EXPECT_EQ(generate(0x9A, 0xE1).sw, 0x6A80);
  }
  PivPersonalization plain;
  plain.now = "20261201120000Z";
  make_card(plain);
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(generate(0x9A, 0xE0).sw, 0x6A80);
  EXPECT_EQ(generate(0x9A, 0xE1).sw, 0x6A80);
}

}  // namespace
}  // namespace softcard::piv::test
