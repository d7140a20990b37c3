#include "softcard/wire/tlv.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "wire_test_support.h"

namespace softcard::wire {
namespace {
using test::cat;
using test::filled;
using test::hex;

Bytes value_of(const Tlv& t) {
  return Bytes(t.value.begin(), t.value.end());
}

TEST(Tlv, ParsesOneAndTwoByteTags) {
  const Bytes d = hex("62 03 820138  5F2D 02 656E");
  auto t = parse_tlvs(d);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].tag, 0x62u);
  EXPECT_EQ(value_of((*t)[0]), hex("820138"));
  EXPECT_EQ((*t)[1].tag, 0x5F2Du);
  EXPECT_EQ(value_of((*t)[1]), hex("656E"));
}

TEST(Tlv, ParsesLongLengths) {
  const Bytes v128 = filled(128, 0xAB), v256 = filled(256, 0xCD);
  const Bytes d = cat(cat(hex("7F49 81 80"), v128), cat(hex("87 82 0100"), v256));
  auto t = parse_tlvs(d);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].tag, 0x7F49u);
  EXPECT_EQ(value_of((*t)[0]), v128);
  EXPECT_EQ((*t)[1].tag, 0x87u);
  EXPECT_EQ(value_of((*t)[1]), v256);
}

TEST(Tlv, NestedValuesParseAgain) {
  const Bytes d = hex("70 08 84 01 81 A5 03 7F4980");
  auto outer = parse_tlvs(d);
  ASSERT_TRUE(outer);
  auto inner = parse_tlvs((*outer)[0].value);
  ASSERT_TRUE(inner);
  ASSERT_EQ(inner->size(), 2u);
  EXPECT_EQ(inner->at(0).tag, 0x84u);
  EXPECT_EQ(value_of(inner->at(0)), hex("81"));
  EXPECT_EQ(value_of(inner->at(1)), hex("7F4980"));
}

TEST(Tlv, SkipsPaddingBetweenObjects) {
  const Bytes d = hex("00 FF 80 01 AA 00 00");
  auto t = parse_tlvs(d);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ(value_of((*t)[0]), hex("AA"));
  auto empty = parse_tlvs({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(Tlv, RejectsMalformed) {
  for (const char* bad : {
           "80",                   // no length
           "80 02 AA",             // value runs past the end
           "80 80 AA",             // indefinite length
           "80 83 000001 AA",      // length form we do not read
           "80 81",                // long length cut short
           "80 82 01",             // long length cut short
           "1F",                   // two-byte tag cut short
           "1F 81 01 01 00",       // three-byte tag
           "84 01 81 87 05 0102",  // a good object, then a bad one
       })
    EXPECT_FALSE(parse_tlvs(hex(bad))) << bad;
}

TEST(Tlv, FindsByTag) {
  const Bytes d = hex("84 01 61 87 02 AABB");
  EXPECT_EQ(Bytes(find_tlv(d, 0x87)->begin(), find_tlv(d, 0x87)->end()), hex("AABB"));
  EXPECT_FALSE(find_tlv(d, 0x85));
  EXPECT_FALSE(find_tlv(hex("84 01 61 87 05 AA"), 0x84));  // malformed anywhere: nothing
  auto t = parse_tlvs(d);
  ASSERT_NE(find_tlv(*t, 0x84), nullptr);
  EXPECT_EQ(find_tlv(*t, 0x99), nullptr);
}

TEST(Tlv, EncodesShortestLength) {
  auto len = [](std::size_t n) {
    Bytes b;
    put_length(b, n);
    return b;
  };
  EXPECT_EQ(len(0), hex("00"));
  EXPECT_EQ(len(0x7F), hex("7F"));
  EXPECT_EQ(len(0x80), hex("8180"));
  EXPECT_EQ(len(0xFF), hex("81FF"));
  EXPECT_EQ(len(0x100), hex("820100"));
  EXPECT_EQ(len(0xFFFF), hex("82FFFF"));
  EXPECT_THROW(len(0x10000), std::length_error);
}

TEST(Tlv, EncodesTagsAndRoundTrips) {
  EXPECT_EQ(tlv(0x7F49, hex("8601 04")), hex("7F49 03 860104"));
  EXPECT_EQ(tlv(0x62, {}), hex("62 00"));
  for (std::size_t n : {0u, 1u, 127u, 128u, 255u, 256u, 1000u}) {
    const Bytes v = filled(n, 0x5A);
    const Bytes enc = tlv(0x5F2D, v);
    auto t = parse_tlvs(enc);
    ASSERT_TRUE(t) << n;
    ASSERT_EQ(t->size(), 1u);
    EXPECT_EQ(t->at(0).tag, 0x5F2Du);
    EXPECT_EQ(value_of(t->at(0)), v);
  }
}

}  // namespace
}  // namespace softcard::wire
