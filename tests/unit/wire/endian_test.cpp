#include "softcard/wire/endian.h"

#include <gtest/gtest.h>

#include "wire_test_support.h"

namespace softcard::wire {
namespace {
using test::hex;

TEST(Endian, WritesBothOrders) {
  Bytes b;
  put_u16be(b, 0x1234);
  put_u16le(b, 0x1234);
  put_u32be(b, 0x01020304);
  put_u32le(b, 0x01020304);
  put_u64be(b, 0x0102030405060708ull);
  put_u64le(b, 0x0102030405060708ull);
  EXPECT_EQ(b, hex("1234 3412 01020304 04030201 0102030405060708 0807060504030201"));
}

TEST(Endian, ReadsAtOffsets) {
  const Bytes b = hex("FF 1234 01020304 0102030405060708");
  EXPECT_EQ(get_u16be(b, 1), 0x1234);
  EXPECT_EQ(get_u16le(b, 1), 0x3412);
  EXPECT_EQ(get_u32be(b, 3), 0x01020304u);
  EXPECT_EQ(get_u32le(b, 3), 0x04030201u);
  EXPECT_EQ(get_u64be(b, 7), 0x0102030405060708ull);
  EXPECT_EQ(get_u64le(b, 7), 0x0807060504030201ull);
}

TEST(Endian, HighBitsSurvive) {
  Bytes b;
  put_u32le(b, 0xFFFFFFFEu);
  put_u64be(b, 0x8000000000000001ull);
  EXPECT_EQ(get_u32le(b, 0), 0xFFFFFFFEu);
  EXPECT_EQ(get_u64be(b, 4), 0x8000000000000001ull);
}

TEST(Bytes, StripAndReverseAndWipe) {
  EXPECT_EQ(strip_leading_zeros(hex("000001 02")), hex("0102"));
  EXPECT_EQ(strip_leading_zeros(hex("0000")), hex("00"));
  EXPECT_EQ(reversed(hex("010203")), hex("030201"));
  Bytes secret = hex("AABBCC");
  wipe(secret);
  EXPECT_TRUE(secret.empty());
}

}  // namespace
}  // namespace softcard::wire
