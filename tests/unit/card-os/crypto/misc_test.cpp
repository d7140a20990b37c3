// Pure helpers, random numbers and provider independence.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"

namespace softcard {
namespace {

using test::hex;
using test::hexs;

TEST(CryptoHelpers, DigestInfoPrefixes) {
  // RFC 8017 section 9.2 note 1.
  EXPECT_EQ(hexs(digest_info_prefix(HashAlg::sha1)), "3021300906052b0e03021a05000414");
  EXPECT_EQ(hexs(digest_info_prefix(HashAlg::sha256)), "3031300d060960864801650304020105000420");
  EXPECT_EQ(hexs(digest_info_prefix(HashAlg::sha384)), "3041300d060960864801650304020205000430");
  EXPECT_EQ(hexs(digest_info_prefix(HashAlg::sha512)), "3051300d060960864801650304020305000440");
  for (HashAlg md : {HashAlg::sha1, HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
    // The DER lengths agree with the hash size.
    const Bytes p = digest_info_prefix(md);
    EXPECT_EQ(p.back(), digest_size(md));
    EXPECT_EQ(p[1] + 2u, p.size() + digest_size(md));
    EXPECT_EQ(digest_info(md, Bytes(digest_size(md), 0xAB)).size(), p.size() + digest_size(md));
    EXPECT_THROW(digest_info(md, Bytes(digest_size(md) + 1, 0)), CryptoError);
  }
}

TEST(CryptoHelpers, Sizes) {
  EXPECT_EQ(curve_field_size(Curve::p256), 32u);
  EXPECT_EQ(curve_field_size(Curve::p384), 48u);
  EXPECT_EQ(curve_field_size(Curve::p521), 66u);
  EXPECT_EQ(digest_size(HashAlg::sha1), 20u);
  EXPECT_EQ(digest_size(HashAlg::sha512), 64u);
  EXPECT_EQ(block_size(BlockAlg::tdes), 8u);
  EXPECT_EQ(block_size(BlockAlg::aes), 16u);
  EXPECT_EQ(hexs(curve_oid(Curve::p256)), "2a8648ce3d030107");
  EXPECT_EQ(hexs(curve_oid(Curve::p384)), "2b81040022");
  EXPECT_EQ(hexs(curve_oid(Curve::p521)), "2b81040023");
  EXPECT_STREQ(curve_name(Curve::p384), "P-384");
}

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

TEST(CryptoRng, OpenSslRngFillsAndVaries) {
  OpenSslRng rng;
  Rng& as_rng = rng;
  Bytes a(64), b(64);
  as_rng.fill(a);
  as_rng.fill(b);
  EXPECT_FALSE(all_zero(a));
  EXPECT_NE(a, b);
  Bytes empty;
  EXPECT_NO_THROW(as_rng.fill(empty));
}

TEST(CryptoRng, ProviderRandom) {
  CryptoProvider crypto;
  Bytes a(33), b(33);
  crypto.random(a);
  crypto.random(b);
  EXPECT_NE(a, b);
  EXPECT_FALSE(all_zero(a));
}

TEST(CryptoProviders, IndependentProvidersAndMove) {
  CryptoProvider one;
  CryptoProvider two;
  const KeyPair key = one.generate_ec(Curve::p256);
  const Bytes h(32, 5);
  // A key made by one provider works with another.
  EXPECT_TRUE(two.ecdsa_verify(two.public_key(key), h, two.ecdsa_sign(key, h)));
  CryptoProvider moved = std::move(one);
  EXPECT_EQ(hexs(moved.digest(HashAlg::sha1, view(std::string_view("abc")))),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(CryptoErrorTest, Hierarchy) {
  const AuthenticationError e("x");
  const CryptoError& base = e;
  EXPECT_EQ(base.code(), CryptoErrc::auth_failed);
  const std::runtime_error& rt = e;
  EXPECT_STREQ(rt.what(), "x");
}

}  // namespace
}  // namespace softcard
