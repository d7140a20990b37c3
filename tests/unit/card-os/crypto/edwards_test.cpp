// Ed25519 (RFC 8032) and X25519 (RFC 7748): the RFCs' test vectors, generation from the
// provider's Rng, the PKCS#8 round trip the card image uses, and refusals.
#include <gtest/gtest.h>

#include "test_util.h"

namespace softcard {
namespace {

using test::hex;
using test::hexs;
using test::to_bytes;

// A deterministic Rng: one seed, one stream.
class CountingRng final : public Rng {
 public:
  explicit CountingRng(std::uint8_t start) : next_(start) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
    ++calls;
  }
  int calls = 0;

 private:
  std::uint8_t next_;
};

TEST(CryptoEdwards, Rfc8032Test1) {
  CryptoProvider crypto;
  const KeyPair key = crypto.import_ed25519_private(
      hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  EXPECT_EQ(key.key_type(), KeyType::ed25519);
  EXPECT_EQ(key.size_bytes(), 32u);
  EXPECT_EQ(hexs(crypto.raw_public(key)),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Bytes sig = crypto.ed25519_sign(key, {});
  EXPECT_EQ(hexs(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  const PublicKey pub = crypto.public_key(key);
  EXPECT_TRUE(crypto.ed25519_verify(pub, {}, sig));
  Bytes bad = sig;
  bad[10] ^= 1;
  EXPECT_FALSE(crypto.ed25519_verify(pub, {}, bad));
  EXPECT_FALSE(crypto.ed25519_verify(pub, hex("00"), sig));
  EXPECT_FALSE(crypto.ed25519_verify(pub, {}, ByteView(sig).first(63)));
}

TEST(CryptoEdwards, Rfc7748X25519) {
  CryptoProvider crypto;
  // RFC 7748 6.1: Alice and Bob.
  const KeyPair alice = crypto.import_x25519_private(
      hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  const KeyPair bob = crypto.import_x25519_private(
      hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(hexs(crypto.raw_public(alice)),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  const SecretBytes k1 = crypto.x25519(alice, crypto.raw_public(bob));
  const SecretBytes k2 = crypto.x25519(bob, crypto.raw_public(alice));
  EXPECT_EQ(hexs(k1), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(to_bytes(k1), to_bytes(k2));
  // A small-order point (all zero) gives no secret.
  try {
    crypto.x25519(alice, Bytes(32, 0));
    ADD_FAILURE() << "no error";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.code(), CryptoErrc::invalid_argument);
  }
}

TEST(CryptoEdwards, GenerationTakesTheProvidersRng) {
  CountingRng r1(3), r2(3), r3(9);
  CryptoProvider p1(r1), p2(r2), p3(r3);
  const KeyPair a = p1.generate_ed25519(), b = p2.generate_ed25519(), c = p3.generate_ed25519();
  EXPECT_EQ(p1.raw_public(a), p2.raw_public(b));
  EXPECT_NE(p1.raw_public(a), p3.raw_public(c));
  EXPECT_GT(r1.calls, 0);
  const KeyPair x = p1.generate_x25519(), y = p2.generate_x25519();
  EXPECT_EQ(x.key_type(), KeyType::x25519);
  EXPECT_EQ(p1.raw_public(x), p2.raw_public(y));
}

TEST(CryptoEdwards, Pkcs8RoundTripAndPublicDer) {
  CryptoProvider crypto;
  for (const KeyPair& key : {crypto.generate_ed25519(), crypto.generate_x25519()}) {
    const SecretBytes p8 = crypto.export_private(key);
    const KeyPair back = crypto.import_private(p8.view(), KeyCheck::stored);
    EXPECT_EQ(back.key_type(), key.key_type());
    EXPECT_EQ(crypto.raw_public(back), crypto.raw_public(key));
    const PublicKey pub = crypto.import_public_der(crypto.public_key_der(key));
    EXPECT_EQ(pub.key_type(), key.key_type());
    EXPECT_EQ(crypto.raw_public(pub), crypto.raw_public(key));
  }
}

TEST(CryptoEdwards, WrongTypesAndSizesAreRefused) {
  CryptoProvider crypto;
  const KeyPair ed = crypto.generate_ed25519(), x = crypto.generate_x25519();
  const KeyPair ec = crypto.generate_ec(Curve::p256);
  auto code = [](auto&& fn) {
    try {
      fn();
    } catch (const CryptoError& e) {
      return e.code();
    }
    return CryptoErrc::internal;
  };
  EXPECT_EQ(code([&] { crypto.ed25519_sign(x, {}); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(code([&] { crypto.x25519(ed, Bytes(32, 9)); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(code([&] { crypto.raw_public(ec); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(code([&] { crypto.ecdsa_sign(ed, Bytes(32, 1)); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(code([&] { crypto.import_ed25519_private(Bytes(31, 1)); }), CryptoErrc::invalid_key);
  EXPECT_EQ(code([&] { crypto.import_x25519_public(Bytes(33, 1)); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(code([&] { crypto.x25519(x, Bytes(31, 9)); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(code([&] { ed.curve(); }), CryptoErrc::wrong_key_type);
}

}  // namespace
}  // namespace softcard
