// A provider made from an Rng takes every random byte from it: keys, nonces and random().
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "softcard/crypto.h"

namespace softcard {
namespace {

// Deterministic xorshift stream: two instances with one seed give one stream.
class SeededRng final : public Rng {
 public:
  explicit SeededRng(std::uint64_t seed) : state_(seed | 1) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      b = static_cast<std::uint8_t>(state_);
    }
    calls++;
  }
  int calls = 0;

 private:
  std::uint64_t state_;
};

class FailingRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t>) override { throw std::runtime_error("no entropy"); }
};

TEST(CardRng, RandomBytesComeFromTheRng) {
  SeededRng a(42), b(42);
  CryptoProvider p(a);
  Bytes got(37), want(37);
  p.random(got);
  b.fill(want);
  EXPECT_EQ(got, want);
}

TEST(CardRng, SameSeedGivesTheSameEcKey) {
  SeededRng r1(7), r2(7), r3(8);
  CryptoProvider p1(r1), p2(r2), p3(r3);
  const KeyPair k1 = p1.generate_ec(Curve::p256);
  const KeyPair k2 = p2.generate_ec(Curve::p256);
  const KeyPair k3 = p3.generate_ec(Curve::p256);
  EXPECT_EQ(p1.ec_public(k1), p2.ec_public(k2));
  EXPECT_NE(p1.ec_public(k1), p3.ec_public(k3));
  EXPECT_GT(r1.calls, 0);
}

TEST(CardRng, SameSeedGivesTheSameRsaKey) {
  SeededRng r1(99), r2(99);
  CryptoProvider p1(r1), p2(r2);
  const KeyPair k1 = p1.generate_rsa(1024);
  const KeyPair k2 = p2.generate_rsa(1024);
  EXPECT_EQ(p1.rsa_public(k1), p2.rsa_public(k2));
  // And the key works (the Rng also feeds blinding).
  const Bytes digest(20, 0x5A);
  const Bytes sig = p1.rsa_sign_pkcs1_v15(k1, digest_info(HashAlg::sha1, digest));
  EXPECT_TRUE(p2.rsa_verify_pkcs1(p2.public_key(k2), digest_info(HashAlg::sha1, digest), sig));
}

TEST(CardRng, TwoProvidersWithOneSeedSignAlike) {
  // ECDSA nonces come from the Rng too.
  SeededRng r1(5), r2(5);
  CryptoProvider p1(r1), p2(r2);
  const KeyPair k1 = p1.generate_ec(Curve::p256);
  const KeyPair k2 = p2.generate_ec(Curve::p256);
  const Bytes hash(32, 0x11);
  EXPECT_EQ(p1.ecdsa_sign(k1, hash), p2.ecdsa_sign(k2, hash));
}

TEST(CardRng, AFailingRngFailsKeyGenerationCleanly) {
  FailingRng rng;
  CryptoProvider p(rng);
  EXPECT_THROW(p.generate_ec(Curve::p256), CryptoError);
  Bytes out(8);
  EXPECT_THROW(p.random(out), CryptoError);
}

TEST(CardRng, DefaultProviderIsUnaffected) {
  CryptoProvider p;
  Bytes a(16), b(16);
  p.random(a);
  p.random(b);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace softcard
