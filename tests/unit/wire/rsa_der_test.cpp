#include "softcard/wire/rsa_der.h"

#include <gtest/gtest.h>

#include "wire_test_support.h"

namespace softcard::wire {
namespace {
using test::cat;
using test::hex;

const char* toy_pkcs1 =
    "30 2B 020100 020500C0FFEE01 0203010001 020433445566 02021234 02025678"
    " 0203009ABC 020300DEF0 02021122";

RsaParts toy_key() {
  RsaParts k;
  k.n = hex("C0FFEE01"), k.e = hex("010001"), k.d = hex("33445566");
  k.p = hex("1234"), k.q = hex("5678"), k.dp = hex("9ABC"), k.dq = hex("DEF0"),
  k.qinv = hex("1122");
  return k;
}

TEST(RsaDer, Pkcs1Encoding) {
  EXPECT_EQ(encode_rsa_private_key(toy_key()), hex(toy_pkcs1));
  RsaParts padded = toy_key();
  padded.p = hex("001234");  // leading zeros do not reach the DER
  EXPECT_EQ(encode_rsa_private_key(padded), hex(toy_pkcs1));
}

TEST(RsaDer, UnsignedIntegers) {
  Bytes out;
  put_der_unsigned(out, hex("00"));
  put_der_unsigned(out, hex("7F"));
  put_der_unsigned(out, hex("0080"));
  EXPECT_EQ(out, hex("020100 02017F 02020080"));
}

TEST(RsaDer, Pkcs1Decoding) {
  auto k = decode_rsa_private_key(hex(toy_pkcs1));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->bits, 32u);
  EXPECT_EQ(k->n, hex("C0FFEE01"));
  EXPECT_EQ(k->dp, hex("9ABC"));
  EXPECT_EQ(k->qinv, hex("1122"));
}

TEST(RsaDer, Pkcs8Decoding) {
  const Bytes inner = hex(toy_pkcs1);
  const Bytes body = cat(cat(hex("020100 300D 06092A864886F70D010101 0500 04 2D"), inner), {});
  const Bytes p8 = cat(hex("30 41"), body);
  auto k = decode_pkcs8_rsa(p8);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->d, hex("33445566"));
  EXPECT_FALSE(decode_pkcs8_rsa(inner));
}

TEST(RsaDer, Rejects) {
  Bytes v1 = hex(toy_pkcs1);
  v1[4] = 0x01;  // version 1 (multi-prime)
  EXPECT_FALSE(decode_rsa_private_key(v1));
  EXPECT_FALSE(decode_rsa_private_key(hex("30 06 020100 020100")));  // too few numbers
  Bytes neg = hex(toy_pkcs1);
  neg[7] = 0x80;  // n's 00 becomes a sign bit: negative
  EXPECT_FALSE(decode_rsa_private_key(neg));
  EXPECT_FALSE(decode_rsa_private_key(hex("31 00")));
  EXPECT_FALSE(decode_rsa_private_key(cat(hex(toy_pkcs1), hex("3000"))));  // trailing object
}

}  // namespace
}  // namespace softcard::wire
