// PIN 0x80 / PUK 0x81 and the admin key 0x80 (mutual and external authentication).
#include "gids_test_support.h"

namespace softcard::gids::test {
namespace {

using Pins = GidsCardTest;

TEST_F(Pins, PinStatusDos) {
  select_gids();
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F71")).data, hex("7F7106970103930103"));
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F72")).data, hex("7F7206970103930103"));
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F73")).sw, 0x6A88);  // no PUK on this card
}

TEST_F(Pins, WrongPinCountsDownBlocksAndPersists) {
  select_gids();
  EXPECT_EQ(tx("0020008000").sw, 0x63C3);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);  // Lc absent: status only, no try used
  EXPECT_EQ(verify_pin("000000").sw, 0x63C2);
  EXPECT_EQ(verify_pin("000000").sw, 0x63C1);
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F71")).data, hex("7F7106970101930103"));
  // A reset (power cycle) keeps the counter.
  card->power_off();
  card->power_on();
  select_gids();
  EXPECT_EQ(tx("00200080").sw, 0x63C1);
  EXPECT_EQ(verify_pin("000000").sw, 0x63C0);
  EXPECT_EQ(verify_pin("123456").sw, 0x6983);
  EXPECT_EQ(tx("00200080").sw, 0x6983);
}

TEST_F(Pins, VerifiedStateIsVolatileAndP2_82Deauthenticates) {
  select_gids();
  EXPECT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x9000);
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F71")).data, hex("7F7106970103930103"));
  EXPECT_EQ(tx("00200082").sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  EXPECT_EQ(verify_pin().sw, 0x9000);
  card->reset();
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  EXPECT_EQ(verify_pin().sw, 0x9000);
  select_gids();  // a new selection is a new session
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
}

TEST_F(Pins, PinLengthOutsidePolicyIsAWrongPinWithoutUsingATry) {
  select_gids();
  EXPECT_EQ(verify_pin("123").sw, 0x63C3);
  EXPECT_EQ(verify_pin("12345678901234567").sw, 0x63C3);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  // Like any refused PIN it ends an earlier verification.
  EXPECT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(verify_pin("12345678901234567").sw, 0x63C3);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  // A blocked PIN answers 6983 whatever the length.
  for (int i = 0; i < 3; ++i) verify_pin("000000");
  EXPECT_EQ(verify_pin("123").sw, 0x6983);
  EXPECT_EQ(verify_pin("12345678901234567").sw, 0x6983);
  EXPECT_EQ(tx("0020008106313233343536").sw, 0x6A88);  // no PUK
  EXPECT_EQ(tx("0020008502313233").sw, 0x6A88);
}

TEST_F(Pins, ChangeReferenceData) {
  select_gids();
  EXPECT_EQ(tx("002400800C313233343536363534333231").sw, 0x9000);  // 123456 -> 654321
  EXPECT_EQ(verify_pin("123456").sw, 0x63C2);
  EXPECT_EQ(verify_pin("654321").sw, 0x9000);
  EXPECT_EQ(tx("002400800C303030303030313233343536").sw, 0x63C2);  // wrong old PIN
  // P1=01 after the PIN is verified in this session.
  EXPECT_EQ(verify_pin("654321").sw, 0x9000);
  EXPECT_EQ(tx("002401800431323334").sw, 0x9000);
  EXPECT_EQ(verify_pin("1234").sw, 0x9000);
  EXPECT_EQ(tx("00200082").sw, 0x9000);
  EXPECT_EQ(tx("002401800431323334").sw, 0x6982);
}

TEST_F(Pins, AdminMutualAuthenticationThenUnblock) {
  select_gids();
  for (int i = 0; i < 3; ++i) verify_pin("000000");
  EXPECT_EQ(verify_pin().sw, 0x6983);
  EXPECT_EQ(tx("002C028006313131313131").sw, 0x6982);  // not yet authenticated
  Bytes wrong = default_admin_key();
  wrong[0] ^= 0x80;  // not a DES parity bit
  EXPECT_EQ(admin_mutual_auth(wrong), 0x6982);
  EXPECT_EQ(admin_mutual_auth(default_admin_key(), true), 0x6982);  // card's R2 altered
  EXPECT_EQ(tx("002C028006313131313131").sw, 0x6982);
  ASSERT_EQ(admin_mutual_auth(default_admin_key()), 0x9000);
  EXPECT_EQ(tx("002C028006313131313131").sw, 0x9000);
  EXPECT_EQ(verify_pin("111111").sw, 0x9000);
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F71")).data, hex("7F7106970103930103"));
  // The unblock ended the admin session.
  EXPECT_EQ(tx("002C028006323232323232").sw, 0x6982);
}

TEST_F(Pins, AnswerWithoutChallengeIsRefused) {
  select_gids();
  EXPECT_EQ(tx("0022C1A403830180").sw, 0x9000);
  Bytes body = tlv(0x7C, tlv(0x82, Bytes(40, 0)));
  Bytes apdu = {0x00, 0x87, 0x00, 0x00, static_cast<std::uint8_t>(body.size())};
  append(apdu, body);
  EXPECT_EQ(tx(apdu).sw, 0x6985);
  EXPECT_EQ(tx("0022C1A403830185").sw, 0x6A88);  // no such key
  EXPECT_EQ(tx("00870000047C02830000").sw, 0x6A80);
}

TEST_F(Pins, ExternalAuthentication) {
  select_gids();
  ASSERT_EQ(tx("0022C1A403830180").sw, 0x9000);
  const Rx c = tx("00870000047C02810000");
  ASSERT_EQ(c.sw, 0x9000);
  ASSERT_EQ(c.data.size(), 12u);
  EXPECT_EQ(Bytes(c.data.begin(), c.data.begin() + 4), hex("7C0A8108"));
  const Bytes challenge(c.data.begin() + 4, c.data.end());
  const Bytes ct = host.encrypt({BlockAlg::tdes, BlockMode::cbc, BlockPadding::none},
                                default_admin_key(), Bytes(8, 0), challenge);
  Bytes apdu = hex("008700000C7C0A8208") + ct;
  EXPECT_EQ(tx(apdu).sw, 0x9000);
  EXPECT_EQ(put_do(0xA012, 0xDF20, hex("00112233445566778899AABBCCDDEEFF")).sw, 0x9000);
  // The same answer again is no use: one answer per challenge.
  EXPECT_EQ(tx(apdu).sw, 0x6985);
}

TEST_F(Pins, AesAdminKeyOption) {
  make_card(true, false, AdminKeyAlgorithm::aes);
  select_gids();
  const Bytes key = hex("000102030405060708090A0B0C0D0E0F");
  EXPECT_EQ(admin_mutual_auth(key, false, BlockAlg::aes), 0x9000);
  EXPECT_EQ(put_do(0xA014, 0xDF20, hex("01")).sw, 0x9000);
}

TEST_F(Pins, PukUnblocksThePin) {
  make_card(true, true);
  select_gids();
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F73")).data, hex("7F7306970103930103"));
  for (int i = 0; i < 3; ++i) verify_pin("000000");
  EXPECT_EQ(verify_pin().sw, 0x6983);
  // Wrong PUK counts down the PUK.
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F73")).data, hex("7F7306970103930103"));
  EXPECT_EQ(tx(hex("002C00800E"
                   "3030303030303030"
                   "373737373737"))
                .sw,
            0x63C2);
  EXPECT_EQ(tx(hex("002C00800E"
                   "3837363534333231"
                   "373737373737"))
                .sw,
            0x9000);
  EXPECT_EQ(verify_pin("777777").sw, 0x9000);
}

}  // namespace
}  // namespace softcard::gids::test
