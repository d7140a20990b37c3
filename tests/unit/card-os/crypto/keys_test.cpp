// Key import/export for the card image and key injection, and rejection of bad key material.
#include <gtest/gtest.h>

#include <optional>

#include "test_util.h"

namespace softcard {
namespace {

using test::der_children;
using test::der_one;
using test::hex;
using test::hexs;
using test::to_bytes;

CryptoErrc error_of(auto&& fn) {
  try {
    fn();
  } catch (const CryptoError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no CryptoError thrown";
  return CryptoErrc::internal;
}

class CryptoKeys : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    provider_ = new CryptoProvider();
    rsa_ = new KeyPair(provider_->generate_rsa(2048));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete provider_;
  }
  static CryptoProvider* provider_;
  static KeyPair* rsa_;
  CryptoProvider& crypto = *provider_;
  const KeyPair& rsa = *rsa_;

  // The nine INTEGERs of the key's PKCS#1 RSAPrivateKey (version, n, e, d, p, q, dp, dq, qinv).
  std::vector<Bytes> rsa_integers() {
    const SecretBytes p8 = crypto.export_private(rsa);
    const auto fields = der_children(der_one(test::pkcs1_from_pkcs8(p8.view())).value);
    std::vector<Bytes> out;
    for (const auto& f : fields) out.push_back(test::unsigned_int(f));
    return out;
  }

  RsaPrivateComponents components() {
    const auto v = rsa_integers();
    RsaPrivateComponents c;
    c.n = v[1];
    c.e = v[2];
    c.d = SecretBytes(v[3]);
    c.p = SecretBytes(v[4]);
    c.q = SecretBytes(v[5]);
    c.dp = SecretBytes(v[6]);
    c.dq = SecretBytes(v[7]);
    c.qinv = SecretBytes(v[8]);
    return c;
  }

  void expect_same_key(const KeyPair& a, const KeyPair& b) {
    EXPECT_EQ(crypto.public_key_der(a), crypto.public_key_der(b));
    // And the private halves match: b signs what a's public key accepts.
    const Bytes di = digest_info(HashAlg::sha256, Bytes(32, 0x5c));
    if (a.key_type() == KeyType::rsa) {
      EXPECT_TRUE(
          crypto.rsa_verify_pkcs1(crypto.public_key(a), di, crypto.rsa_sign_pkcs1_v15(b, di)));
    } else {
      EXPECT_TRUE(crypto.ecdsa_verify(crypto.public_key(a), Bytes(32, 1),
                                      crypto.ecdsa_sign(b, Bytes(32, 1))));
    }
  }
};
CryptoProvider* CryptoKeys::provider_ = nullptr;
KeyPair* CryptoKeys::rsa_ = nullptr;

TEST_F(CryptoKeys, Pkcs8RoundTripRsa) {
  const SecretBytes p8 = crypto.export_private(rsa);
  // PrivateKeyInfo: version 0, AlgorithmIdentifier rsaEncryption, OCTET STRING RSAPrivateKey.
  const auto parts = der_children(der_one(p8.view()).value);
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(hexs(parts[0].value), "00");
  EXPECT_EQ(hexs(der_children(parts[1].value)[0].value), "2a864886f70d010101");
  EXPECT_EQ(parts[2].tag, 0x04);
  const KeyPair back = crypto.import_private(p8.view());
  EXPECT_EQ(back.bits(), 2048u);
  expect_same_key(rsa, back);
}

TEST_F(CryptoKeys, Pkcs8RoundTripEc) {
  for (Curve c : {Curve::p256, Curve::p384, Curve::p521}) {
    const KeyPair key = crypto.generate_ec(c);
    const SecretBytes p8 = crypto.export_private(key);
    const auto parts = der_children(der_one(p8.view()).value);
    ASSERT_GE(parts.size(), 3u);
    const auto alg = der_children(parts[1].value);
    EXPECT_EQ(hexs(alg[0].value), "2a8648ce3d0201");  // id-ecPublicKey
    EXPECT_EQ(alg[1].value, curve_oid(c));            // named curve
    const KeyPair back = crypto.import_private(p8.view());
    EXPECT_EQ(back.curve(), c);
    expect_same_key(key, back);
  }
}

TEST_F(CryptoKeys, ImportPrivateRejectsGarbage) {
  const SecretBytes p8 = crypto.export_private(rsa);
  const Bytes good = to_bytes(p8);
  EXPECT_EQ(error_of([&] { crypto.import_private({}); }), CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_private(hex("deadbeef")); }), CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_private(Bytes(good.begin(), good.end() - 1)); }),
            CryptoErrc::invalid_key);
  Bytes trailing = good;
  trailing.push_back(0x00);
  EXPECT_EQ(error_of([&] { crypto.import_private(trailing); }), CryptoErrc::invalid_key);
  // A SubjectPublicKeyInfo is not a private key.
  EXPECT_EQ(error_of([&] { crypto.import_private(crypto.public_key_der(rsa)); }),
            CryptoErrc::invalid_key);
  // PKCS#1 alone is not PKCS#8.
  EXPECT_EQ(error_of([&] { crypto.import_private(test::pkcs1_from_pkcs8(p8.view())); }),
            CryptoErrc::invalid_key);
  // Random bytes of plausible shape.
  for (int i = 0; i < 50; ++i) {
    Bytes junk = good;
    junk[(i * 37) % junk.size()] ^= static_cast<std::uint8_t>(1 + i);
    try {
      crypto.import_private(junk);  // a flip inside the padding of an INTEGER may still be valid
    } catch (const CryptoError&) {
    }
  }
}

TEST_F(CryptoKeys, ImportPrivateRejectsInconsistentKey) {
  // Change one byte of the private exponent d inside the PKCS#8 encoding: structurally valid,
  // mathematically wrong.
  const Bytes good = to_bytes(crypto.export_private(rsa));
  const auto ints = rsa_integers();
  const Bytes& d = ints[3];
  auto at = std::search(good.begin(), good.end(), d.begin(), d.end());
  ASSERT_NE(at, good.end());
  Bytes bad = good;
  bad[static_cast<std::size_t>(at - good.begin()) + d.size() / 2] ^= 0x01;
  EXPECT_EQ(error_of([&] { crypto.import_private(bad); }), CryptoErrc::invalid_key);
}

TEST_F(CryptoKeys, StoredCheckForKeysFromTheCardImage) {
  const Bytes good = to_bytes(crypto.export_private(rsa));
  expect_same_key(rsa, crypto.import_private(good, KeyCheck::stored));
  const KeyPair ec = crypto.generate_ec(Curve::p384);
  expect_same_key(ec, crypto.import_private(crypto.export_private(ec).view(), KeyCheck::stored));

  const auto ints = rsa_integers();
  auto tweak = [&](const Bytes& field) {  // flips one bit in the middle of an INTEGER
    auto at = std::search(good.begin(), good.end(), field.begin(), field.end());
    EXPECT_NE(at, good.end());
    Bytes bad = good;
    bad[static_cast<std::size_t>(at - good.begin()) + field.size() / 2] ^= 0x01;
    return bad;
  };
  for (int i : {1, 3, 4, 5, 6, 7, 8}) {  // n, d, p, q, dp, dq, qinv
    EXPECT_EQ(error_of([&] { crypto.import_private(tweak(ints[i]), KeyCheck::stored); }),
              CryptoErrc::invalid_key)
        << "integer " << i;
    EXPECT_EQ(error_of([&] { crypto.import_private(tweak(ints[i])); }), CryptoErrc::invalid_key)
        << "integer " << i;
  }
}

TEST_F(CryptoKeys, Pkcs1PrivateKey) {
  const SecretBytes p8 = crypto.export_private(rsa);
  const Bytes pkcs1 = test::pkcs1_from_pkcs8(p8.view());
  const KeyPair key = crypto.import_rsa_pkcs1_private(pkcs1);
  expect_same_key(rsa, key);

  EXPECT_EQ(error_of([&] { crypto.import_rsa_pkcs1_private(to_bytes(p8)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_pkcs1_private(hex("3003020100")); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_pkcs1_private({}); }), CryptoErrc::invalid_key);
  Bytes trailing = pkcs1;
  trailing.push_back(0x05);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_pkcs1_private(trailing); }), CryptoErrc::invalid_key);
  // Consistency: a wrong CRT coefficient (the last INTEGER) is caught.
  Bytes bad = pkcs1;
  bad[bad.size() - 5] ^= 0x20;
  EXPECT_EQ(error_of([&] { crypto.import_rsa_pkcs1_private(bad); }), CryptoErrc::invalid_key);
  // A public key is not a private key.
  EXPECT_EQ(error_of([&] { crypto.import_rsa_pkcs1_private(crypto.public_key_der(rsa)); }),
            CryptoErrc::invalid_key);
}

TEST_F(CryptoKeys, RsaComponents) {
  expect_same_key(rsa, crypto.import_rsa_components(components()));

  // n and d may be left out; they are computed.
  RsaPrivateComponents crt_only = components();
  crt_only.n.clear();
  crt_only.d = SecretBytes();
  const KeyPair from_crt = crypto.import_rsa_components(crt_only);
  expect_same_key(rsa, from_crt);

  auto tweaked = [&](auto field_ptr) {
    RsaPrivateComponents c = components();
    auto& field = c.*field_ptr;
    field.data()[field.size() / 2] ^= 0x04;
    return c;
  };
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(tweaked(&RsaPrivateComponents::d)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(tweaked(&RsaPrivateComponents::p)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(tweaked(&RsaPrivateComponents::dp)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(tweaked(&RsaPrivateComponents::dq)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(tweaked(&RsaPrivateComponents::qinv)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(tweaked(&RsaPrivateComponents::n)); }),
            CryptoErrc::invalid_key);

  RsaPrivateComponents missing = components();
  missing.qinv = SecretBytes();
  EXPECT_EQ(error_of([&] { crypto.import_rsa_components(missing); }), CryptoErrc::invalid_key);
  RsaPrivateComponents swapped = components();
  std::swap(swapped.e, swapped.n);
  EXPECT_THROW(crypto.import_rsa_components(swapped), CryptoError);
  RsaPrivateComponents zeros = components();
  zeros.p = SecretBytes(Bytes(128, 0));
  zeros.n.clear();
  zeros.d = SecretBytes();
  EXPECT_THROW(crypto.import_rsa_components(zeros), CryptoError);
}

TEST_F(CryptoKeys, KeysOutliveTheirProvider) {
  std::optional<KeyPair> key;
  Bytes spki;
  {
    CryptoProvider temporary;
    key.emplace(temporary.generate_ec(Curve::p256));
    spki = temporary.public_key_der(*key);
  }
  const Bytes h(32, 0x77);
  const Bytes sig = crypto.ecdsa_sign(*key, h);
  EXPECT_TRUE(crypto.ecdsa_verify(crypto.import_public_der(spki), h, sig));
  EXPECT_EQ(crypto.public_key_der(*key), spki);
}

TEST_F(CryptoKeys, KeyPairMovesAndPublicKeyCopies) {
  KeyPair a = crypto.generate_ec(Curve::p256);
  const Bytes spki = crypto.public_key_der(a);
  KeyPair b = std::move(a);
  EXPECT_EQ(crypto.public_key_der(b), spki);
  const PublicKey p = crypto.public_key(b);
  const PublicKey q = p;  // NOLINT: testing the copy
  EXPECT_EQ(crypto.public_key_der(q), spki);
  // A public key carries no private part.
  EXPECT_EQ(q.key_type(), KeyType::ec);
}

TEST_F(CryptoKeys, ImportPublicDerRejectsGarbage) {
  const Bytes spki = crypto.public_key_der(rsa);
  EXPECT_THROW(crypto.import_public_der({}), CryptoError);
  EXPECT_THROW(crypto.import_public_der(hex("3000")), CryptoError);
  EXPECT_THROW(crypto.import_public_der(Bytes(spki.begin(), spki.end() - 3)), CryptoError);
  Bytes trailing = spki;
  trailing.push_back(0);
  EXPECT_THROW(crypto.import_public_der(trailing), CryptoError);
  EXPECT_THROW(crypto.import_public_der(to_bytes(crypto.export_private(rsa))), CryptoError);
}

}  // namespace
}  // namespace softcard
