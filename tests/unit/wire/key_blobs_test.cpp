#include "softcard/wire/key_blobs.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "wire_test_support.h"

namespace softcard::wire {
namespace {
using test::cat;
using test::filled;
using test::hex;

// A toy 32-bit "key": the layouts do not care about the arithmetic.
RsaParts toy_key() {
  RsaParts k;
  k.n = hex("C0FFEE01");
  k.e = hex("010001");
  k.p = hex("1234"), k.q = hex("5678"), k.dp = hex("9ABC"), k.dq = hex("DEF0");
  k.qinv = hex("1122"), k.d = hex("33445566");
  return k;
}

const char* toy_private_blob =
    "07 02 0000 00240000 52534132 20000000 01000100"
    " 01EEFFC0 3412 7856 BC9A F0DE 2211 66554433";

TEST(CapiBlobs, PublicKeyBlob) {
  const Bytes expected = hex("06 02 0000 00A40000 52534131 20000000 01000100 01EEFFC0");
  EXPECT_EQ(encode_publickeyblob(toy_key(), true), expected);
  auto k = decode_publickeyblob(expected);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->bits, 32u);
  EXPECT_EQ(k->n, hex("C0FFEE01"));
  EXPECT_EQ(k->e, hex("010001"));
  EXPECT_FALSE(decode_publickeyblob(cat(expected, hex("00"))));
  Bytes wrong_magic = expected;
  wrong_magic[11] = 0x32;
  EXPECT_FALSE(decode_publickeyblob(wrong_magic));
}

TEST(CapiBlobs, PrivateKeyBlobLayout) {
  EXPECT_EQ(encode_privatekeyblob(toy_key(), false), hex(toy_private_blob));
  auto b = decode_privatekeyblob(hex(toy_private_blob));
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->key_exchange);
  EXPECT_EQ(b->key.bits, 32u);
  EXPECT_EQ(b->key.n, hex("C0FFEE01"));
  EXPECT_EQ(b->key.e, hex("010001"));
  EXPECT_EQ(b->key.p, hex("1234"));
  EXPECT_EQ(b->key.qinv, hex("1122"));
  EXPECT_EQ(b->key.d, hex("33445566"));
}

TEST(CapiBlobs, PrivateKeyBlobKeepsFixedWidths) {
  RsaParts k = toy_key();
  k.p = hex("0034");  // a leading zero byte stays in the little-endian field
  const Bytes blob = encode_privatekeyblob(k, true);
  EXPECT_EQ(Bytes(blob.begin() + 4, blob.begin() + 8), hex("00A40000"));
  EXPECT_EQ(Bytes(blob.begin() + 24, blob.begin() + 26), hex("3400"));
  EXPECT_EQ(decode_privatekeyblob(blob)->key.p, hex("0034"));
  EXPECT_TRUE(decode_privatekeyblob(blob)->key_exchange);
}

TEST(CapiBlobs, PrivateKeyBlobRejects) {
  const Bytes good = hex(toy_private_blob);
  EXPECT_FALSE(decode_privatekeyblob(cat(good, hex("00"))));  // size must be exact
  EXPECT_FALSE(decode_privatekeyblob(Bytes(good.begin(), good.end() - 1)));
  Bytes bad = good;
  bad[5] = 0x66;  // aiKeyAlg 0x6600
  EXPECT_FALSE(decode_privatekeyblob(bad));
  bad = good, bad[0] = 0x06;
  EXPECT_FALSE(decode_privatekeyblob(bad));
  bad = good, bad[8] = 0x51;  // magic
  EXPECT_FALSE(decode_privatekeyblob(bad));
  bad = good, bad[12] = 24;  // bitlen not a multiple of 16
  EXPECT_FALSE(decode_privatekeyblob(bad));
  EXPECT_FALSE(decode_privatekeyblob(hex("0702")));
}

TEST(CapiBlobs, EncoderRefusesWhatDoesNotFit) {
  RsaParts k = toy_key();
  k.e = hex("0100000001");  // 33-bit exponent
  EXPECT_THROW(encode_publickeyblob(k, true), std::invalid_argument);
  k = toy_key();
  k.p = hex("123456");  // wider than half the modulus
  EXPECT_THROW(encode_privatekeyblob(k, true), std::invalid_argument);
}

TEST(BcryptRsaBlob, PublicPrivateAndFull) {
  const Bytes head = hex("20000000 03000000 04000000");
  const Bytes pub = cat(cat(hex("52534131"), head), hex("00000000 00000000 010001 C0FFEE01"));
  EXPECT_EQ(encode_bcrypt_rsakey_blob(toy_key(), BcryptRsaKind::public_key), pub);
  const Bytes priv =
      cat(cat(hex("52534132"), head), hex("02000000 02000000 010001 C0FFEE01 1234 5678"));
  EXPECT_EQ(encode_bcrypt_rsakey_blob(toy_key(), BcryptRsaKind::private_key), priv);
  const Bytes full =
      cat(cat(hex("52534133"), head),
          hex("02000000 02000000 010001 C0FFEE01 1234 5678 9ABC DEF0 1122 33445566"));
  EXPECT_EQ(encode_bcrypt_rsakey_blob(toy_key(), BcryptRsaKind::full_private_key), full);

  auto p = decode_bcrypt_rsakey_blob(pub);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->n, hex("C0FFEE01"));
  EXPECT_TRUE(p->d.empty());
  auto f = decode_bcrypt_rsakey_blob(full);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->dq, hex("DEF0"));
  EXPECT_EQ(f->d, hex("33445566"));
  auto r2 = decode_bcrypt_rsakey_blob(priv);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->q, hex("5678"));
  EXPECT_TRUE(r2->d.empty());
}

TEST(BcryptRsaBlob, Rejects) {
  Bytes full = encode_bcrypt_rsakey_blob(toy_key(), BcryptRsaKind::full_private_key);
  EXPECT_FALSE(decode_bcrypt_rsakey_blob(cat(full, hex("00"))));
  Bytes bad = full;
  bad[0] = 0x99;
  EXPECT_FALSE(decode_bcrypt_rsakey_blob(bad));
  bad = full, bad[12] = 5;  // cbModulus does not match BitLength
  EXPECT_FALSE(decode_bcrypt_rsakey_blob(bad));
  bad = full, bad[16] = 0;  // private blob without cbPrime1
  EXPECT_FALSE(decode_bcrypt_rsakey_blob(bad));
  bad = full, bad[8] = 0xFF, bad[9] = 0xFF, bad[10] = 0xFF, bad[11] = 0xFF;  // huge cbPublicExp
  EXPECT_FALSE(decode_bcrypt_rsakey_blob(bad));
  EXPECT_FALSE(decode_bcrypt_rsakey_blob(hex("52534131")));
}

TEST(BcryptEccBlob, Magics) {
  EXPECT_EQ(ecc_magic(256, false, false), 0x31534345u);  // ECS1
  EXPECT_EQ(ecc_magic(256, false, true), 0x32534345u);   // ECS2
  EXPECT_EQ(ecc_magic(384, false, true), 0x34534345u);
  EXPECT_EQ(ecc_magic(521, false, true), 0x36534345u);
  EXPECT_EQ(ecc_magic(256, true, false), 0x314B4345u);  // ECK1
  EXPECT_EQ(ecc_magic(384, true, true), 0x344B4345u);
  EXPECT_EQ(ecc_magic(521, true, false), 0x354B4345u);
  EXPECT_EQ(ecc_magic(224, true, false), 0u);
  EXPECT_EQ(ecc_field_bytes(521), 66u);
}

TEST(BcryptEccBlob, PublicAndPrivate) {
  EccParts k;
  k.curve_bits = 256, k.ecdh = true;
  k.x = filled(32, 0x11), k.y = hex("22");  // Y is padded to the field size
  const Bytes pub =
      cat(cat(hex("45434B31 20000000"), filled(32, 0x11)), cat(filled(31, 0), hex("22")));
  EXPECT_EQ(encode_bcrypt_ecckey_blob(k), pub);
  auto d = decode_bcrypt_ecckey_blob(pub);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->ecdh);
  EXPECT_FALSE(d->has_private);
  EXPECT_EQ(d->x, filled(32, 0x11));

  k.has_private = true, k.ecdh = false, k.d = filled(32, 0x33);
  const Bytes priv = encode_bcrypt_ecckey_blob(k);
  EXPECT_EQ(Bytes(priv.begin(), priv.begin() + 8), hex("45435332 20000000"));
  auto p = decode_bcrypt_ecckey_blob(priv);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->d, filled(32, 0x33));
  EXPECT_FALSE(decode_bcrypt_ecckey_blob(Bytes(priv.begin(), priv.end() - 1)));
  Bytes bad = pub;
  bad[4] = 0x30;  // cbKey 48 on P-256
  EXPECT_FALSE(decode_bcrypt_ecckey_blob(bad));
  k.curve_bits = 192;
  EXPECT_THROW(encode_bcrypt_ecckey_blob(k), std::invalid_argument);
}

}  // namespace
}  // namespace softcard::wire
