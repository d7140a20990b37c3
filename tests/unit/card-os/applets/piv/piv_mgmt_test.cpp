// The management key 9B: mutual and single authentication, 3DES and AES, SET MANAGEMENT KEY,
// the firmware gate for AES and the simulated touch.
#include "piv_test_support.h"

namespace softcard::piv::test {
namespace {

using Mgmt = PivCardTest;

TEST_F(Mgmt, MutualAuthenticationWithTheDefault3DesKey) {
  select_piv();
  EXPECT_EQ(authenticate(), 0x9000);
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(send(0xFA, 5, 4, {}, false).sw, 0x9000);  // needs both
}

TEST_F(Mgmt, WrongKeyFailsWith6982AndLeavesNoAuthentication) {
  select_piv();
  Bytes wrong = default_mgmt();
  wrong[0] ^= 2;  // bit 0 is a DES parity bit
  EXPECT_EQ(authenticate(wrong), 0x6982);
  EXPECT_EQ(generate(0x9A, 0x11).sw, 0x6982);
}

TEST_F(Mgmt, SingleAuthenticationAndOpenScRandom) {
  select_piv();
  Rx r = tx("0087009B047C02810000");  // OpenSC's random request, P1 00
  ASSERT_EQ(r.sw, 0x9000);
  const Bytes challenge = field(r.data, 0x7C, 0x81);
  ASSERT_EQ(challenge.size(), 8u);
  const CipherSpec spec{BlockAlg::tdes, BlockMode::ecb, BlockPadding::none};
  const Bytes answer = host.encrypt(spec, default_mgmt(), {}, challenge);
  EXPECT_EQ(send(0x87, 0x03, 0x9B, wire::tlv(0x7C, wire::tlv(0x82, answer)), false).sw, 0x9000);
  EXPECT_EQ(generate(0x9E, 0x11).sw, 0x9000);
  // The same answer again: no challenge is outstanding any more.
  EXPECT_EQ(send(0x87, 0x03, 0x9B, wire::tlv(0x7C, wire::tlv(0x82, answer)), false).sw, 0x6985);
}

TEST_F(Mgmt, StepTwoWithoutStepOneAndMalformedRequests) {
  select_piv();
  Bytes inner = wire::tlv(0x80, Bytes(8, 0));
  append(inner, wire::tlv(0x81, Bytes(8, 0)));
  EXPECT_EQ(send(0x87, 0x03, 0x9B, wire::tlv(0x7C, inner)).sw, 0x6985);
  EXPECT_EQ(tx("0087089B047C02800000").sw, 0x6A80);  // AES P1 for a 3DES key
  EXPECT_EQ(tx("0087039B047D02800000").sw, 0x6A80);
  EXPECT_EQ(tx("0087039B047C02830000").sw, 0x6A80);
  EXPECT_EQ(tx("0087039B037C028000").sw, 0x6A80);  // 7C runs past the end
}

TEST_F(Mgmt, SetAesManagementKeyOn57) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Bytes aes = hex("00112233445566778899AABBCCDDEEFF");
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("089B10"), aes), false).sw, 0x9000);
  select_piv();
  EXPECT_EQ(authenticate(default_mgmt()), 0x6A80);  // 3DES P1 no longer matches
  EXPECT_EQ(authenticate(aes, 0x08), 0x9000);
  // Metadata: AES-128, not the default.
  EXPECT_EQ(tx("00F7009B00").data, hex("01010802020001050100"));
}

TEST_F(Mgmt, AesNeedsFirmware54) {
  make_card(yubikey({5, 3, 0}));
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("089B10"), Bytes(16, 1)), false).sw, 0x6A80);
  make_card(yubikey({5, 4, 3}));
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("0A9B18"), Bytes(24, 1)), false).sw, 0x9000);
}

TEST_F(Mgmt, SetManagementKeyChecks) {
  select_piv();
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("039B18"), Bytes(24, 1)), false).sw, 0x6982);
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFD, cat(hex("039B18"), Bytes(24, 1)), false).sw, 0x6A86);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("039B10"), Bytes(16, 1)), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("039C18"), Bytes(24, 1)), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("039B18"), Bytes(23, 1)), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFF, 0xFF, 0xFF, cat(hex("069B18"), Bytes(24, 1)), false).sw, 0x6A80);
  const Bytes key = hex("080706050403020108070605040302010807060504030201");
  EXPECT_EQ(send(0xFF, 0xFF, 0xFE, cat(hex("039B18"), key), false).sw, 0x9000);
  EXPECT_EQ(tx("00F7009B00").data, hex("01010302020002050100"));  // touch required
  EXPECT_EQ(authenticate(key), 0x9000);                           // touch granted
}

TEST_F(Mgmt, TouchThatTimesOut) {
  auto p = yubikey();
  p.yubikey->touch_times_out = true;
  make_card(p);
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);  // the factory key needs no touch
  ASSERT_EQ(send(0xFF, 0xFF, 0xFE, cat(hex("039B18"), default_mgmt()), false).sw, 0x9000);
  EXPECT_EQ(authenticate(), 0x6985);
}

}  // namespace
}  // namespace softcard::piv::test
