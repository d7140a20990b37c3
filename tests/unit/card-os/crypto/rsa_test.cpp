// RSA: key generation for every size, signatures, deciphering with every padding.
#include <gtest/gtest.h>

#include "test_util.h"

namespace softcard {
namespace {

using test::hex;
using test::to_bytes;

Bytes sha256_of(CryptoProvider& c, std::string_view s) {
  return c.digest(HashAlg::sha256, view(s));
}

// EMSA-PKCS1-v1_5 encoding (RFC 8017 9.2 step 5) written out independently of the backend.
Bytes emsa_pkcs1(ByteView t, std::size_t k) {
  Bytes em{0x00, 0x01};
  em.insert(em.end(), k - t.size() - 3, 0xFF);
  em.push_back(0x00);
  append(em, t);
  return em;
}

// Everything one key size must do; one key per size (4096 is slow, so it is generated once).
class CryptoRsaSizes : public ::testing::TestWithParam<unsigned> {
 protected:
  CryptoProvider crypto;
};

TEST_P(CryptoRsaSizes, GenerateSignVerifyDecrypt) {
  const unsigned bits = GetParam();
  const KeyPair key = crypto.generate_rsa(bits);
  ASSERT_EQ(key.key_type(), KeyType::rsa);
  EXPECT_EQ(key.bits(), bits);
  EXPECT_EQ(key.size_bytes(), bits / 8);
  EXPECT_THROW(key.curve(), CryptoError);

  const RsaPublic pub_parts = crypto.rsa_public(key);
  EXPECT_EQ(pub_parts.n.size(), bits / 8);
  EXPECT_NE(pub_parts.n[0], 0);
  EXPECT_EQ(pub_parts.e, (Bytes{0x01, 0x00, 0x01}));
  const PublicKey pub = crypto.public_key(key);
  EXPECT_EQ(pub.bits(), bits);

  // PKCS#1 v1.5 over a DigestInfo, for every hash.
  for (HashAlg md : {HashAlg::sha1, HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
    const Bytes h = crypto.digest(md, view(std::string_view("message")));
    const Bytes di = digest_info(md, h);
    const Bytes sig = crypto.rsa_sign_pkcs1_v15(key, di);
    ASSERT_EQ(sig.size(), bits / 8);
    EXPECT_TRUE(crypto.rsa_verify_pkcs1(pub, di, sig)) << hash_name(md);
    Bytes bad = sig;
    bad[bad.size() / 2] ^= 0x10;
    EXPECT_FALSE(crypto.rsa_verify_pkcs1(pub, di, bad));
    Bytes other = di;
    other.back() ^= 1;
    EXPECT_FALSE(crypto.rsa_verify_pkcs1(pub, other, sig));
  }

  // The signature is exactly the private operation on the EMSA-PKCS1-v1_5 block.
  const Bytes di = digest_info(HashAlg::sha256, sha256_of(crypto, "abc"));
  EXPECT_EQ(crypto.rsa_sign_pkcs1_v15(key, di),
            to_bytes(crypto.rsa_raw(key, emsa_pkcs1(di, bits / 8))));
  // ... and deterministic.
  EXPECT_EQ(crypto.rsa_sign_pkcs1_v15(key, di), crypto.rsa_sign_pkcs1_v15(key, di));

  // PSS (randomised) with the default and an explicit salt length.
  const Bytes h = sha256_of(crypto, "pss");
  const Bytes pss = crypto.rsa_sign_pss(key, HashAlg::sha256, h);
  EXPECT_EQ(pss.size(), bits / 8);
  EXPECT_NE(pss, crypto.rsa_sign_pss(key, HashAlg::sha256, h));
  EXPECT_TRUE(crypto.rsa_verify_pss(pub, HashAlg::sha256, h, pss));
  EXPECT_FALSE(crypto.rsa_verify_pss(pub, HashAlg::sha256, sha256_of(crypto, "other"), pss));
  EXPECT_FALSE(crypto.rsa_verify_pss(pub, HashAlg::sha256, h, pss, 0));  // salt length is bound
  const Bytes pss0 = crypto.rsa_sign_pss(key, HashAlg::sha256, h, 0);
  EXPECT_TRUE(crypto.rsa_verify_pss(pub, HashAlg::sha256, h, pss0, 0));
  EXPECT_EQ(pss0, crypto.rsa_sign_pss(key, HashAlg::sha256, h, 0));  // no salt: deterministic

  // Deciphering: PKCS#1 v1.5, OAEP (SHA-1 and SHA-256 with a label), raw.
  const Bytes secret = hex("00112233445566778899aabbccddeeff0f1e2d3c4b5a6978");
  const Bytes c1 = crypto.rsa_encrypt(pub, secret, RsaPadding::pkcs1_v15());
  EXPECT_EQ(to_bytes(crypto.rsa_decrypt(key, c1, RsaPadding::pkcs1_v15())), secret);
  const Bytes c2 = crypto.rsa_encrypt(pub, secret, RsaPadding::oaep());
  EXPECT_EQ(to_bytes(crypto.rsa_decrypt(key, c2, RsaPadding::oaep())), secret);
  const Bytes label = hex("6c6162656c");
  const Bytes c3 = crypto.rsa_encrypt(pub, secret, RsaPadding::oaep(HashAlg::sha256, label));
  EXPECT_EQ(to_bytes(crypto.rsa_decrypt(key, c3, RsaPadding::oaep(HashAlg::sha256, label))),
            secret);
  Bytes raw_in(bits / 8, 0x00);
  raw_in[1] = 0x42;
  raw_in.back() = 0x07;
  const Bytes c4 = crypto.rsa_encrypt(pub, raw_in, RsaPadding::raw());
  EXPECT_EQ(to_bytes(crypto.rsa_decrypt(key, c4, RsaPadding::raw())), raw_in);
}

INSTANTIATE_TEST_SUITE_P(Sizes, CryptoRsaSizes, ::testing::Values(1024u, 2048u, 3072u, 4096u),
                         [](const auto& test_info) {
                           return "Rsa" + std::to_string(test_info.param);
                         });

class CryptoRsa : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    provider_ = new CryptoProvider();
    key_ = new KeyPair(provider_->generate_rsa(2048));
  }
  static void TearDownTestSuite() {
    delete key_;
    delete provider_;
  }
  static CryptoProvider* provider_;
  static KeyPair* key_;
  CryptoProvider& crypto = *provider_;
  const KeyPair& key = *key_;
};
CryptoProvider* CryptoRsa::provider_ = nullptr;
KeyPair* CryptoRsa::key_ = nullptr;

CryptoErrc error_of(auto&& fn) {
  try {
    fn();
  } catch (const CryptoError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no CryptoError thrown";
  return CryptoErrc::internal;
}

TEST_F(CryptoRsa, Pkcs1DecryptRejectsWrongPadding) {
  const PublicKey pub = crypto.public_key(key);
  // A block with type 1 (signature) padding instead of type 2.
  const Bytes type1 = emsa_pkcs1(hex("0102030405"), 256);
  const Bytes c = crypto.rsa_encrypt(pub, type1, RsaPadding::raw());
  EXPECT_EQ(error_of([&] { crypto.rsa_decrypt(key, c, RsaPadding::pkcs1_v15()); }),
            CryptoErrc::bad_padding);
  // Type 2 but no zero separator.
  Bytes no_sep(256, 0x5A);
  no_sep[0] = 0x00;
  no_sep[1] = 0x02;
  const Bytes c2 = crypto.rsa_encrypt(pub, no_sep, RsaPadding::raw());
  EXPECT_EQ(error_of([&] { crypto.rsa_decrypt(key, c2, RsaPadding::pkcs1_v15()); }),
            CryptoErrc::bad_padding);
  // PKCS#1 v1.5 ciphertext is not OAEP.
  const Bytes c3 = crypto.rsa_encrypt(pub, hex("abcdef"), RsaPadding::pkcs1_v15());
  EXPECT_EQ(error_of([&] { crypto.rsa_decrypt(key, c3, RsaPadding::oaep()); }),
            CryptoErrc::bad_padding);
}

TEST_F(CryptoRsa, OaepLabelAndHashMustMatch) {
  const PublicKey pub = crypto.public_key(key);
  const Bytes msg = hex("cafe");
  const Bytes c = crypto.rsa_encrypt(pub, msg, RsaPadding::oaep(HashAlg::sha256, hex("01")));
  EXPECT_EQ(
      error_of([&] { crypto.rsa_decrypt(key, c, RsaPadding::oaep(HashAlg::sha256, hex("02"))); }),
      CryptoErrc::bad_padding);
  EXPECT_EQ(error_of([&] { crypto.rsa_decrypt(key, c, RsaPadding::oaep(HashAlg::sha256)); }),
            CryptoErrc::bad_padding);
  EXPECT_EQ(
      error_of([&] { crypto.rsa_decrypt(key, c, RsaPadding::oaep(HashAlg::sha1, hex("01"))); }),
      CryptoErrc::bad_padding);
  EXPECT_EQ(to_bytes(crypto.rsa_decrypt(key, c, RsaPadding::oaep(HashAlg::sha256, hex("01")))),
            msg);
  // SHA-512 OAEP with a 2048-bit key still fits a short message.
  const Bytes c512 = crypto.rsa_encrypt(pub, msg, RsaPadding::oaep(HashAlg::sha512, hex("aa55")));
  EXPECT_EQ(to_bytes(crypto.rsa_decrypt(key, c512, RsaPadding::oaep(HashAlg::sha512, hex("aa55")))),
            msg);
  // Empty plaintext is legal.
  const Bytes ce = crypto.rsa_encrypt(pub, {}, RsaPadding::oaep());
  EXPECT_TRUE(crypto.rsa_decrypt(key, ce, RsaPadding::oaep()).empty());
}

TEST_F(CryptoRsa, RawInputMustBeModulusSizedAndBelowN) {
  const RsaPublic parts = crypto.rsa_public(key);
  EXPECT_EQ(error_of([&] { crypto.rsa_raw(key, Bytes(255, 1)); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_raw(key, Bytes(257, 1)); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_raw(key, parts.n); }), CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_raw(key, Bytes(256, 0xFF)); }), CryptoErrc::invalid_argument);
  Bytes below = parts.n;
  below.back() -= 1;
  EXPECT_EQ(crypto.rsa_raw(key, below).size(), 256u);
  EXPECT_EQ(error_of([&] { crypto.rsa_decrypt(key, Bytes(100, 1), RsaPadding::pkcs1_v15()); }),
            CryptoErrc::invalid_argument);
}

TEST_F(CryptoRsa, SizeLimits) {
  const PublicKey pub = crypto.public_key(key);
  EXPECT_NO_THROW(crypto.rsa_sign_pkcs1_v15(key, Bytes(245, 0x11)));
  EXPECT_EQ(error_of([&] { crypto.rsa_sign_pkcs1_v15(key, Bytes(246, 0x11)); }),
            CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_sign_pkcs1_v15(key, {}); }), CryptoErrc::invalid_argument);
  EXPECT_NO_THROW(crypto.rsa_encrypt(pub, Bytes(245, 1), RsaPadding::pkcs1_v15()));
  EXPECT_EQ(error_of([&] { crypto.rsa_encrypt(pub, Bytes(246, 1), RsaPadding::pkcs1_v15()); }),
            CryptoErrc::invalid_argument);
  EXPECT_NO_THROW(crypto.rsa_encrypt(pub, Bytes(256 - 42, 1), RsaPadding::oaep()));
  EXPECT_EQ(error_of([&] { crypto.rsa_encrypt(pub, Bytes(256 - 41, 1), RsaPadding::oaep()); }),
            CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_sign_pss(key, HashAlg::sha256, Bytes(20, 1)); }),
            CryptoErrc::invalid_argument);
  EXPECT_EQ(error_of([&] { crypto.rsa_sign_pss(key, HashAlg::sha512, Bytes(64, 1), 200); }),
            CryptoErrc::invalid_argument);
  EXPECT_FALSE(crypto.rsa_verify_pkcs1(pub, Bytes(19, 0), Bytes(255, 0)));
}

TEST_F(CryptoRsa, UnsupportedSizesAndWrongKeyType) {
  EXPECT_EQ(error_of([&] { crypto.generate_rsa(512); }), CryptoErrc::unsupported);
  EXPECT_EQ(error_of([&] { crypto.generate_rsa(2047); }), CryptoErrc::unsupported);
  EXPECT_EQ(error_of([&] { crypto.generate_rsa(8192); }), CryptoErrc::unsupported);
  EXPECT_EQ(error_of([&] { crypto.ecdsa_sign(key, Bytes(32, 1)); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(error_of([&] { crypto.ecdh(key, Bytes(65, 4)); }), CryptoErrc::wrong_key_type);
  EXPECT_EQ(error_of([&] { crypto.ec_public(key); }), CryptoErrc::wrong_key_type);
}

TEST_F(CryptoRsa, PublicKeyForms) {
  const RsaPublic parts = crypto.rsa_public(key);
  const PublicKey from_parts = crypto.import_rsa_public(parts);
  const Bytes spki = crypto.public_key_der(key);
  EXPECT_EQ(crypto.public_key_der(from_parts), spki);
  EXPECT_EQ(crypto.rsa_public(crypto.import_public_der(spki)), parts);
  // Leading zeros are tolerated on input and never produced on output.
  RsaPublic padded = parts;
  padded.n.insert(padded.n.begin(), 0x00);
  padded.e.insert(padded.e.begin(), {0x00, 0x00});
  EXPECT_EQ(crypto.rsa_public(crypto.import_rsa_public(padded)), parts);
  // SPKI starts with SEQUENCE { SEQUENCE { OID rsaEncryption, NULL } ... }.
  const test::Tlv outer = test::der_one(spki);
  const auto fields = test::der_children(outer.value);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].tag, 0x03);
  EXPECT_EQ(test::der_children(fields[0].value)[0].value, hex("2a864886f70d010101"));

  const Bytes di = digest_info(HashAlg::sha256, Bytes(32, 3));
  EXPECT_TRUE(crypto.rsa_verify_pkcs1(from_parts, di, crypto.rsa_sign_pkcs1_v15(key, di)));

  EXPECT_THROW(crypto.import_rsa_public({hex("00"), hex("010001")}), CryptoError);
  EXPECT_THROW(crypto.import_rsa_public({parts.n, hex("010000")}), CryptoError);  // even e
  Bytes even_n = parts.n;
  even_n.back() &= 0xFE;
  EXPECT_THROW(crypto.import_rsa_public({even_n, parts.e}), CryptoError);
  EXPECT_THROW(crypto.import_rsa_public({Bytes(32, 0xFF), parts.e}), CryptoError);  // 256 bits
}

}  // namespace
}  // namespace softcard
