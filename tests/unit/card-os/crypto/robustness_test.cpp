// Malformed input never crashes and never escapes as anything but CryptoError.
#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

namespace softcard {
namespace {

template <class Fn>
void expect_clean(Fn&& fn, const Bytes& input) {
  try {
    fn(input);
  } catch (const CryptoError&) {
  } catch (const std::exception& e) {
    ADD_FAILURE() << "non-crypto exception " << e.what() << " for " << test::hexs(input);
  }
}

class CryptoRobustness : public ::testing::Test {
 protected:
  CryptoProvider crypto;
  std::mt19937 rng{20261123};

  Bytes random_bytes(std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  }
  // Flips or overwrites a byte, or truncates/extends; the result always differs from the input.
  Bytes mutate(const Bytes& in) {
    Bytes b = in;
    while (b == in) {
      switch (rng() % 4) {
        case 0:
          b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1:
          b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
          break;
        case 2:
          b.resize(rng() % b.size());
          break;
        default:
          b.push_back(static_cast<std::uint8_t>(rng()));
          break;
      }
    }
    return b;
  }

  template <class Fn>
  void fuzz(const Bytes& valid, Fn&& fn, int rounds = 300) {
    for (int i = 0; i < rounds; ++i) expect_clean(fn, mutate(valid));
    for (int i = 0; i < rounds / 3; ++i) expect_clean(fn, random_bytes(rng() % 200));
    // DER-looking random data.
    for (int i = 0; i < rounds / 3; ++i) {
      Bytes b = random_bytes(2 + rng() % 100);
      b[0] = 0x30;
      b[1] = static_cast<std::uint8_t>(b.size() - 2);
      expect_clean(fn, b);
    }
  }
};

TEST_F(CryptoRobustness, PrivateKeyImports) {
  const KeyPair ec = crypto.generate_ec(Curve::p256);
  fuzz(test::to_bytes(crypto.export_private(ec)),
       [&](const Bytes& b) { crypto.import_private(b); });
  const KeyPair rsa = crypto.generate_rsa(1024);
  const SecretBytes p8 = crypto.export_private(rsa);
  fuzz(
      test::to_bytes(p8), [&](const Bytes& b) { crypto.import_private(b); }, 60);
  fuzz(
      test::pkcs1_from_pkcs8(p8.view()),
      [&](const Bytes& b) { crypto.import_rsa_pkcs1_private(b); }, 60);
  fuzz(Bytes(32, 0x11), [&](const Bytes& b) { crypto.import_ec_private(Curve::p256, b); });
}

TEST_F(CryptoRobustness, PublicKeyImportsAndPeerPoints) {
  const KeyPair ec = crypto.generate_ec(Curve::p384);
  const KeyPair rsa = crypto.generate_rsa(1024);
  fuzz(crypto.public_key_der(ec), [&](const Bytes& b) { crypto.import_public_der(b); });
  fuzz(crypto.public_key_der(rsa), [&](const Bytes& b) { crypto.import_public_der(b); });
  const Bytes point = crypto.ec_public(ec).point;
  fuzz(point, [&](const Bytes& b) { crypto.import_ec_public({Curve::p384, b}); });
  fuzz(point, [&](const Bytes& b) { crypto.ecdh(ec, b); });
  const RsaPublic parts = crypto.rsa_public(rsa);
  fuzz(
      parts.n,
      [&](const Bytes& b) {
        crypto.import_rsa_public({b, parts.e});
      },
      100);
}

TEST_F(CryptoRobustness, SignaturesAndCiphertexts) {
  const KeyPair ec = crypto.generate_ec(Curve::p256);
  const PublicKey ec_pub = crypto.public_key(ec);
  const Bytes h(32, 0x21);
  const Bytes der = crypto.ecdsa_sign_der(ec, h);
  fuzz(der, [&](const Bytes& b) { ecdsa_der_to_raw(b, Curve::p256); });
  fuzz(der, [&](const Bytes& b) { EXPECT_FALSE(crypto.ecdsa_verify_der(ec_pub, h, b)); });
  fuzz(crypto.ecdsa_sign(ec, h),
       [&](const Bytes& b) { EXPECT_FALSE(crypto.ecdsa_verify(ec_pub, h, b)); });

  const KeyPair rsa = crypto.generate_rsa(1024);
  const PublicKey rsa_pub = crypto.public_key(rsa);
  const Bytes ct = crypto.rsa_encrypt(rsa_pub, Bytes(16, 7), RsaPadding::oaep());
  fuzz(
      ct, [&](const Bytes& b) { crypto.rsa_decrypt(rsa, b, RsaPadding::oaep()); }, 100);
  fuzz(
      ct, [&](const Bytes& b) { crypto.rsa_decrypt(rsa, b, RsaPadding::pkcs1_v15()); }, 100);
  fuzz(
      ct, [&](const Bytes& b) { crypto.rsa_raw(rsa, b); }, 100);

  const Bytes key(16, 3), iv(12, 4);
  const GcmSealed s = crypto.aes_gcm_encrypt(key, iv, {}, Bytes(40, 5));
  fuzz(s.ciphertext, [&](const Bytes& b) { crypto.aes_gcm_decrypt(key, iv, {}, b, s.tag); });
  const CipherSpec spec{BlockAlg::aes, BlockMode::cbc, BlockPadding::pkcs7};
  const Bytes cbc = crypto.encrypt(spec, key, Bytes(16, 0), Bytes(40, 5));
  fuzz(cbc, [&](const Bytes& b) { crypto.decrypt(spec, key, Bytes(16, 0), b); });
  const CipherSpec iso{BlockAlg::tdes, BlockMode::cbc, BlockPadding::iso7816};
  const Bytes tdes = crypto.encrypt(iso, Bytes(24, 9), Bytes(8, 0), Bytes(13, 5));
  fuzz(tdes, [&](const Bytes& b) { crypto.decrypt(iso, Bytes(24, 9), Bytes(8, 0), b); });
}

}  // namespace
}  // namespace softcard
