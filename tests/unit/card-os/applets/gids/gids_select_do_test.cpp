// Selection, discovery and the data objects (GET/PUT DATA, ACLs, chaining).
#include "gids_test_support.h"

namespace softcard::gids::test {
namespace {

using SelectAndData = GidsCardTest;

TEST_F(SelectAndData, SelectByPartialAidReturnsTheFciHostsCheck) {
  const Rx r = select_gids();
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data, hex("61124F0BA00000039742544659020173034001C0"));
}

TEST_F(SelectAndData, SelectByFullAidAndNoResponseForm) {
  EXPECT_EQ(tx("00A4040C0BA00000039742544659020100").sw, 0x9000);
  const Rx r = tx("00A404000BA00000039742544659020100");
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data.size(), 20u);
}

TEST_F(SelectAndData, OtherAidsAnswerFileNotFoundIncludingThePivProbe) {
  EXPECT_EQ(tx("00A4040009A0000003080000100000").sw, 0x6A82);      // PIV (msclmd's first APDU)
  EXPECT_EQ(tx("00A404000BA0000003974349445F0100").sw, 0x6A82);    // SC-PnP
  EXPECT_EQ(tx("00A404000CA000000397425446590201FF").sw, 0x6A82);  // longer than ours
  EXPECT_EQ(tx("00A4040009D27600012401020000").sw, 0x6A82);
}

TEST_F(SelectAndData, SelectApplicationDfWorksBeforeAnyAidSelect) {
  // msclmd: PIV probe, then 00 A4 00 0C 02 3F FF, then the GIDS SELECT.
  EXPECT_EQ(tx("00A4040009A0000003080000100000").sw, 0x6A82);
  EXPECT_EQ(tx("00A4000C023FFF").sw, 0x9000);
  const Rx fcp = tx("00A40000023FFF00");
  EXPECT_EQ(fcp.sw, 0x9000);
  EXPECT_EQ(fcp.data, hex("62088201388C03033030"));
  EXPECT_EQ(tx("00A4000C02ABCD").sw, 0x6A82);
  const Rx fmd = tx("00A40008023FFF00");
  EXPECT_EQ(fmd.sw, 0x9000);
  EXPECT_EQ(fmd.data, hex("64095F2F01607F65028000"));
  EXPECT_EQ(tx("00A4000002A01000").data, hex("620C8201398302A0108C03033000"));
  EXPECT_EQ(tx("00A4001002A010").sw, 0x6A86);
}

TEST_F(SelectAndData, WindowsDiscoveryPnpDoAndEfAtr) {
  EXPECT_EQ(tx("00CA7F6800").sw, 0x6A88);
  const Rx atr = tx("00CB2F01025C0000");
  EXPECT_EQ(atr.sw, 0x9000);
  EXPECT_EQ(Bytes(atr.data.begin(), atr.data.begin() + 8), hex("4301F44703080180"));
}

TEST_F(SelectAndData, JcardsimInstallApduIsANoOp) {
  EXPECT_EQ(tx("80b80000190bA0000003974254465902010bA00000039742544659020100").sw, 0x9000);
  EXPECT_EQ(tx("80500000").sw, 0x6E00);  // no extension installed
}

TEST_F(SelectAndData, InitializedCardHasTheMinidriverFiles) {
  select_gids();
  Rx mf = get_do(0xA000, 0xDF1F);
  ASSERT_EQ(mf.sw, 0x9000);
  EXPECT_EQ(mf.data[0], 0xDF);
  EXPECT_EQ(mf.data[1], 0x1F);
  EXPECT_EQ(mf.data[4], 0x01);  // 81 8D 01 ...
  EXPECT_EQ(mf.data.size(), 3u + 1 + 141);
  Rx cardid = get_do(0xA012, 0xDF20);
  EXPECT_EQ(cardid.data, hex("DF201000112233445566778899AABBCCDDEEFF"));
  EXPECT_EQ(get_do(0xA010, 0xDF21).data, hex("DF21086D73637000000000"));
  EXPECT_EQ(get_do(0xA010, 0xDF22).data, hex("DF2206000000000000"));
  EXPECT_EQ(get_do(0xA010, 0xDF23).data, hex("DF2300"));
  EXPECT_EQ(get_do(0xA010, 0xDF2F).sw, 0x6A88);
  EXPECT_EQ(get_do(0xA0FF, 0xDF20).sw, 0x6A82);
}

TEST_F(SelectAndData, PutDataFollowsTheCompactAcl) {
  select_gids();
  // A010: everyone reads, user (or admin) writes.
  EXPECT_EQ(put_do(0xA010, 0xDF24, hex("0102")).sw, 0x6982);
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(put_do(0xA010, 0xDF24, hex("0102")).sw, 0x9000);
  EXPECT_EQ(get_do(0xA010, 0xDF24).data, hex("DF24020102"));
  // A012: admin writes only, even with the PIN.
  EXPECT_EQ(put_do(0xA012, 0xDF20, hex("00")).sw, 0x6982);
  // A013: user reads and writes; A011: never readable.
  EXPECT_EQ(put_do(0xA013, 0xDF30, hex("AA")).sw, 0x9000);
  EXPECT_EQ(put_do(0xA011, 0xDF30, hex("BB")).sw, 0x9000);
  EXPECT_EQ(get_do(0xA011, 0xDF30).sw, 0x6982);
  EXPECT_EQ(tx("00200082").sw, 0x9000);  // deauthenticate all
  EXPECT_EQ(get_do(0xA013, 0xDF30).sw, 0x6982);
  EXPECT_EQ(get_do(0xA010, 0xDF24).sw, 0x9000);
  // A014: admin only, also for reading.
  EXPECT_EQ(get_do(0xA014, 0xDF20).sw, 0x6982);
  ASSERT_EQ(admin_mutual_auth(default_admin_key()), 0x9000);
  EXPECT_EQ(put_do(0xA014, 0xDF20, hex("1234")).sw, 0x9000);
  EXPECT_EQ(get_do(0xA014, 0xDF20).data, hex("DF20021234"));
  EXPECT_EQ(put_do(0xA012, 0xDF20, hex("00112233445566778899AABBCCDDEEF0")).sw, 0x9000);
}

TEST_F(SelectAndData, EmptyPutEmptiesThenDeletes) {
  select_gids();
  ASSERT_EQ(verify_pin().sw, 0x9000);
  ASSERT_EQ(put_do(0xA010, 0xDF24, hex("0102")).sw, 0x9000);
  EXPECT_EQ(put_do(0xA010, 0xDF24, {}).sw, 0x9000);
  EXPECT_EQ(get_do(0xA010, 0xDF24).data, hex("DF2400"));
  EXPECT_EQ(put_do(0xA010, 0xDF24, {}).sw, 0x9000);
  EXPECT_EQ(get_do(0xA010, 0xDF24).sw, 0x6A88);
}

TEST_F(SelectAndData, LargeDoByChainingInAndGetResponseOut) {
  select_gids();
  ASSERT_EQ(verify_pin().sw, 0x9000);
  Bytes cert(3000);
  for (std::size_t i = 0; i < cert.size(); ++i) cert[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_EQ(put_do(0xA010, 0xDF24, cert).sw, 0x9000);
  const Rx r = get_do(0xA010, 0xDF24);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data, tlv(0xDF24, cert));
}

TEST_F(SelectAndData, MalformedAndUnknownRequests) {
  select_gids();
  EXPECT_EQ(tx("00CBA010035C02DF00").sw, 0x6A80);    // 5C length past the data
  EXPECT_EQ(tx("00CBA010045C03DF2300").sw, 0x6A80);  // truncated
  EXPECT_EQ(tx("00CBA01004DF02DF2300").sw, 0x6A80);  // not a tag list
  EXPECT_EQ(tx("00CB3FFF045C027F7000").sw, 0x6A80);  // unknown 3FFF DO
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(tx("00DBA01004DF2405AA").sw, 0x6A80);  // length runs past the data
  EXPECT_EQ(tx("00DBA01000").sw, 0x6A80);          // no data
  EXPECT_EQ(tx("00DBB080035C0100").sw, 0x6981);    // a key file holds no DOs
  EXPECT_EQ(tx("00FE0000").sw, 0x6D00);
}

TEST_F(SelectAndData, FailedCommandsChangeNothing) {
  select_gids();
  const ObjectMap before = backend->objects();
  EXPECT_EQ(put_do(0xA012, 0xDF20, hex("00")).sw, 0x6982);
  EXPECT_EQ(tx("00DBA01005DF2302AABB").sw, 0x6982);  // no PIN
  EXPECT_EQ(backend->objects(), before);
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const ObjectMap after_pin = backend->objects();
  // First DO valid, second malformed: the whole PUT fails and nothing is written.
  EXPECT_EQ(tx("00DBA01009DF2402AABBDF2405AA").sw, 0x6A80);
  EXPECT_EQ(backend->objects(), after_pin);
  EXPECT_EQ(get_do(0xA010, 0xDF24).sw, 0x6A88);
  EXPECT_EQ(get_do(0xA010, 0xDF23).data, hex("DF2300"));
}

}  // namespace
}  // namespace softcard::gids::test
