#include "softcard/apdu.h"

#include <gtest/gtest.h>

namespace softcard {
namespace {

Command parse_ok(std::string_view hex) {
  auto r = parse_command(from_hex(hex));
  EXPECT_TRUE(std::holds_alternative<Command>(r)) << hex;
  return std::get<Command>(r);
}

Sw parse_err(std::string_view hex) {
  auto r = parse_command(from_hex(hex));
  EXPECT_TRUE(std::holds_alternative<Sw>(r)) << hex;
  return std::holds_alternative<Sw>(r) ? std::get<Sw>(r) : Sw::ok;
}

TEST(ApduParse, Case1) {
  const Command c = parse_ok("00 A4 00 00");
  EXPECT_EQ(c.iso_case(), 1);
  EXPECT_FALSE(c.ne);
  EXPECT_TRUE(c.data.empty());
}

TEST(ApduParse, Case2ShortLeZeroMeans256) {
  EXPECT_EQ(*parse_ok("00 B0 00 00 00").ne, 256u);
  EXPECT_EQ(*parse_ok("00 B0 00 00 10").ne, 16u);
  EXPECT_EQ(parse_ok("00 B0 00 00 10").iso_case(), 2);
}

TEST(ApduParse, Case3And4Short) {
  const Command c3 = parse_ok("00 D6 00 00 02 AA BB");
  EXPECT_EQ(c3.iso_case(), 3);
  EXPECT_EQ(c3.data, from_hex("AABB"));
  const Command c4 = parse_ok("00 A4 04 00 02 3F 00 00");
  EXPECT_EQ(c4.iso_case(), 4);
  EXPECT_EQ(*c4.ne, 256u);
  EXPECT_EQ(c4.data, from_hex("3F00"));
}

TEST(ApduParse, ExtendedForms) {
  const Command c2 = parse_ok("00 B0 00 00 00 00 00");
  EXPECT_TRUE(c2.extended);
  EXPECT_EQ(*c2.ne, 65536u);
  EXPECT_EQ(*parse_ok("00 B0 00 00 00 01 00").ne, 256u);

  Bytes long_data(300, 0x5A);
  Bytes apdu = from_hex("00 DB 3F FF 00 01 2C");
  append(apdu, long_data);
  const Command c3 = parse_ok(to_hex(apdu));
  EXPECT_EQ(c3.iso_case(), 3);
  EXPECT_EQ(c3.data.size(), 300u);

  apdu.push_back(0x00);
  apdu.push_back(0x00);
  const Command c4 = parse_ok(to_hex(apdu));
  EXPECT_EQ(c4.iso_case(), 4);
  EXPECT_EQ(*c4.ne, 65536u);
}

TEST(ApduParse, MalformedIsWrongLength) {
  EXPECT_EQ(parse_err(""), Sw::wrong_length);
  EXPECT_EQ(parse_err("00 A4 00"), Sw::wrong_length);
  EXPECT_EQ(parse_err("00 D6 00 00 03 AA BB"), Sw::wrong_length);        // Lc says 3, 2 follow
  EXPECT_EQ(parse_err("00 D6 00 00 02 AA BB CC DD"), Sw::wrong_length);  // trailing garbage
  EXPECT_EQ(parse_err("00 B0 00 00 00 00"), Sw::wrong_length);           // 6 bytes: no valid form
  EXPECT_EQ(parse_err("00 D6 00 00 00 00 03 AA"), Sw::wrong_length);     // extended Lc too big
  EXPECT_EQ(parse_err("00 D6 00 00 00 00 00 AA"), Sw::wrong_length);     // extended Lc = 0
}

TEST(ApduEncode, RoundTripsEveryCase) {
  for (const char* hex :
       {"00A40000", "00B0000010", "00D6000002AABB", "00A40400023F0000", "00B00000000000"}) {
    auto parsed = parse_command(from_hex(hex));
    ASSERT_TRUE(std::holds_alternative<Command>(parsed));
    const Command c = std::get<Command>(parsed);
    const auto again = parse_command(encode(c));
    ASSERT_TRUE(std::holds_alternative<Command>(again));
    EXPECT_EQ(std::get<Command>(again).data, c.data);
    EXPECT_EQ(std::get<Command>(again).ne, c.ne);
  }
  Command big{0x00, 0xDB, 0x3F, 0xFF, Bytes(1000, 1), 65536, false};
  const Bytes enc = encode(big);
  EXPECT_EQ(enc.size(), 4u + 3u + 1000u + 2u);
  auto back = std::get<Command>(parse_command(enc));
  EXPECT_EQ(back.data.size(), 1000u);
  EXPECT_EQ(*back.ne, 65536u);
}

TEST(ApduResponse, SplitsStatusWord) {
  auto r = parse_response(from_hex("0102 6283"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->data, from_hex("0102"));
  EXPECT_EQ(r->sw, Sw::warning_file_deactivated);
  EXPECT_FALSE(parse_response(from_hex("90")));
  EXPECT_EQ(Response(from_hex("AA"), Sw::ok).to_bytes(), from_hex("AA9000"));
}

TEST(ApduNames, NamesAndSecrets) {
  EXPECT_EQ(command_name(parse_ok("00 A4 04 00 01 A0")), "SELECT");
  EXPECT_EQ(command_name(parse_ok("00 20 00 80 04 31 32 33 34")), "VERIFY");
  EXPECT_TRUE(carries_secret(parse_ok("00 20 00 80 04 31 32 33 34")));
  EXPECT_TRUE(carries_secret(parse_ok("10 24 00 80 04 31 32 33 34")));
  EXPECT_TRUE(carries_secret(parse_ok("00 DB 3F FF 02 70 00")));
  EXPECT_FALSE(carries_secret(parse_ok("00 DB A0 10 02 DF 00")));
  EXPECT_FALSE(carries_secret(parse_ok("00 20 00 80")));  // status query carries nothing
  // YubiKey IMPORT ASYMMETRIC KEY and SET MANAGEMENT KEY carry keys.
  EXPECT_TRUE(carries_secret(parse_ok("00 FE 11 9A 04 06 02 01 02")));
  EXPECT_TRUE(carries_secret(parse_ok("00 FF FF FF 03 03 9B 01")));
}

}  // namespace
}  // namespace softcard
