// EC: key generation for every curve, ECDSA in both signature formats, ECDH.
#include <gtest/gtest.h>

#include "test_util.h"

namespace softcard {
namespace {

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

class CryptoEcCurves : public ::testing::TestWithParam<Curve> {
 protected:
  CryptoProvider crypto;
};

TEST_P(CryptoEcCurves, GenerateSignVerify) {
  const Curve curve = GetParam();
  const std::size_t field = curve_field_size(curve);
  const KeyPair key = crypto.generate_ec(curve);
  ASSERT_EQ(key.key_type(), KeyType::ec);
  EXPECT_EQ(key.curve(), curve);
  EXPECT_EQ(key.bits(), curve_bits(curve));
  EXPECT_EQ(key.size_bytes(), field);

  const EcPublic pub_parts = crypto.ec_public(key);
  EXPECT_EQ(pub_parts.curve, curve);
  ASSERT_EQ(pub_parts.point.size(), 1 + 2 * field);
  EXPECT_EQ(pub_parts.point[0], 0x04);
  const PublicKey pub = crypto.import_ec_public(pub_parts);
  EXPECT_EQ(crypto.public_key_der(pub), crypto.public_key_der(key));
  EXPECT_EQ(crypto.ec_public(crypto.import_public_der(crypto.public_key_der(key))), pub_parts);

  for (HashAlg md : {HashAlg::sha1, HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
    const Bytes h = crypto.digest(md, view(std::string_view("to be signed")));
    const Bytes raw = crypto.ecdsa_sign(key, h);
    ASSERT_EQ(raw.size(), 2 * field) << hash_name(md);
    EXPECT_TRUE(crypto.ecdsa_verify(pub, h, raw)) << hash_name(md);
    Bytes bad = raw;
    bad[field + 3] ^= 0x01;  // in s
    EXPECT_FALSE(crypto.ecdsa_verify(pub, h, bad));
    Bytes other = h;
    other[0] ^= 0x80;
    EXPECT_FALSE(crypto.ecdsa_verify(pub, other, raw));
    EXPECT_FALSE(crypto.ecdsa_verify(pub, h, Bytes(raw.begin(), raw.end() - 1)));

    const Bytes der = crypto.ecdsa_sign_der(key, h);
    EXPECT_EQ(der[0], 0x30);
    EXPECT_TRUE(crypto.ecdsa_verify_der(pub, h, der));
    EXPECT_TRUE(crypto.ecdsa_verify(pub, h, ecdsa_der_to_raw(der, curve)));
    EXPECT_EQ(ecdsa_der_to_raw(ecdsa_raw_to_der(raw), curve), raw);
  }

  // A signature from another key does not verify.
  const KeyPair other = crypto.generate_ec(curve);
  const Bytes h = Bytes(field, 0x33);
  EXPECT_FALSE(crypto.ecdsa_verify(pub, h, crypto.ecdsa_sign(other, h)));
}

TEST_P(CryptoEcCurves, EcdhBothSidesAgree) {
  const Curve curve = GetParam();
  const KeyPair alice = crypto.generate_ec(curve);
  const KeyPair bob = crypto.generate_ec(curve);
  const SecretBytes ab = crypto.ecdh(alice, crypto.ec_public(bob).point);
  const SecretBytes ba = crypto.ecdh(bob, crypto.ec_public(alice).point);
  EXPECT_EQ(ab.size(), curve_field_size(curve));
  EXPECT_EQ(hexs(ab), hexs(ba));
  const KeyPair carol = crypto.generate_ec(curve);
  EXPECT_NE(hexs(ab), hexs(crypto.ecdh(alice, crypto.ec_public(carol).point)));
}

TEST_P(CryptoEcCurves, EcdhRejectsBadPeerPoints) {
  const Curve curve = GetParam();
  const std::size_t field = curve_field_size(curve);
  const KeyPair key = crypto.generate_ec(curve);
  const Bytes good = crypto.ec_public(crypto.generate_ec(curve)).point;

  Bytes off_curve = good;
  off_curve.back() ^= 0x01;
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, off_curve); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, Bytes(good.begin(), good.end() - 1)); }),
            CryptoErrc::invalid_argument);
  Bytes compressed(good.begin(), good.begin() + 1 + field);
  compressed[0] = 0x02 | (good.back() & 1);
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, compressed); }), CryptoErrc::invalid_argument);
  Bytes wrong_prefix = good;
  wrong_prefix[0] = 0x06;
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, wrong_prefix); }), CryptoErrc::invalid_argument);
  Bytes zero(1 + 2 * field, 0);
  zero[0] = 0x04;
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, zero); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, {}); }), CryptoErrc::invalid_argument);
  // A point of another curve.
  const Curve other = curve == Curve::p256 ? Curve::p384 : Curve::p256;
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, crypto.ec_public(crypto.generate_ec(other)).point); }),
            CryptoErrc::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Curves, CryptoEcCurves,
                         ::testing::Values(Curve::p256, Curve::p384, Curve::p521),
                         [](const auto& test_info) {
                           return std::string(test_info.param == Curve::p256   ? "P256"
                                              : test_info.param == Curve::p384 ? "P384"
                                                                               : "P521");
                         });

class CryptoEc : public ::testing::Test {
 protected:
  CryptoProvider crypto;
};

// RFC 6979 A.2.5: the P-256 key pair (private x, public Ux, Uy).
TEST_F(CryptoEc, ImportPrivateScalarDerivesPublicPoint) {
  const Bytes d = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
  const KeyPair key = crypto.import_ec_private(Curve::p256, d);
  EXPECT_EQ(hexs(crypto.ec_public(key).point),
            "04"
            "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
            "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
  const PublicKey pub = crypto.public_key(key);
  const Bytes h = crypto.digest(HashAlg::sha256, view(std::string_view("sample")));
  EXPECT_TRUE(crypto.ecdsa_verify(pub, h, crypto.ecdsa_sign(key, h)));
  // Short scalars are left-padded.
  const KeyPair one = crypto.import_ec_private(Curve::p256, hex("01"));
  EXPECT_EQ(hexs(crypto.ec_public(one).point),
            "04"
            "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
            "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
}

TEST_F(CryptoEc, ImportPrivateScalarRange) {
  const Bytes order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  EXPECT_EQ(error_of([&] { crypto.import_ec_private(Curve::p256, order); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_ec_private(Curve::p256, Bytes(32, 0)); }),
            CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_ec_private(Curve::p256, {}); }), CryptoErrc::invalid_key);
  EXPECT_EQ(error_of([&] { crypto.import_ec_private(Curve::p256, Bytes(33, 1)); }),
            CryptoErrc::invalid_key);
  Bytes below = order;
  below.back() -= 1;
  EXPECT_NO_THROW(crypto.import_ec_private(Curve::p256, below));
  EXPECT_NO_THROW(crypto.import_ec_private(Curve::p521, Bytes(66, 0x01)));
}

TEST_F(CryptoEc, ImportPublicRejectsOffCurvePoints) {
  EcPublic pub = crypto.ec_public(crypto.generate_ec(Curve::p384));
  EXPECT_NO_THROW(crypto.import_ec_public(pub));
  pub.point[10] ^= 0x40;
  EXPECT_THROW(crypto.import_ec_public(pub), CryptoError);
  pub.curve = Curve::p256;
  EXPECT_THROW(crypto.import_ec_public(pub), CryptoError);
}

TEST_F(CryptoEc, SignatureFormatConversions) {
  // r = 1, s = 0x80 (needs a sign byte in DER).
  Bytes raw(64, 0);
  raw[31] = 0x01;
  raw[63] = 0x80;
  EXPECT_EQ(hexs(ecdsa_raw_to_der(raw)),
            "3007020101020200"
            "80");
  EXPECT_EQ(ecdsa_der_to_raw(hex("300702010102020080"), Curve::p256), raw);
  EXPECT_THROW(ecdsa_raw_to_der(Bytes(63, 1)), CryptoError);
  EXPECT_THROW(ecdsa_raw_to_der({}), CryptoError);
  EXPECT_THROW(ecdsa_der_to_raw(hex("30070201010202008000"), Curve::p256),
               CryptoError);                                                          // trailing
  EXPECT_THROW(ecdsa_der_to_raw(hex("3006020101020200"), Curve::p256), CryptoError);  // truncated
  EXPECT_THROW(ecdsa_der_to_raw(hex("deadbeef"), Curve::p256), CryptoError);
  Bytes big = hex("3026020101022100");
  big.insert(big.end(), 32, 0xFF);  // s is 33 bytes with its sign byte, 32 without: fits P-256
  EXPECT_EQ(ecdsa_der_to_raw(big, Curve::p256).size(), 64u);
  Bytes too_big = hex("3027020101022201");
  too_big.insert(too_big.end(), 33, 0xFF);  // 33-byte s does not fit P-256
  EXPECT_THROW(ecdsa_der_to_raw(too_big, Curve::p256), CryptoError);
}

TEST_F(CryptoEc, HashArgumentChecks) {
  const KeyPair key = crypto.generate_ec(Curve::p256);
  EXPECT_EQ(error_of([&] { crypto.ecdsa_sign(key, {}); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_sign_pkcs1_v15(key, Bytes(35, 1)); }),
            CryptoErrc::wrong_key_type);
  EXPECT_EQ(error_of([&] { crypto.rsa_public(key); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(error_of([&] { crypto.generate_ec(static_cast<Curve>(42)); }),
            CryptoErrc::invalid_argument);
}

}  // namespace
}  // namespace softcard
