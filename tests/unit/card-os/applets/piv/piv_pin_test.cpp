// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER: 8-byte blocks, counters spent and made
// durable before the comparison, PUK first on unblock.
#include "piv_test_support.h"

namespace softcard::piv::test {
namespace {

using Pins = PivCardTest;

TEST_F(Pins, StatusQueryAndWrongPinsCountDown) {
  select_piv();
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  EXPECT_EQ(tx("0020008000").sw, 0x63C3);
  EXPECT_EQ(verify_pin("000000").sw, 0x63C2);
  EXPECT_EQ(verify_pin("").sw, 0x63C1);  // all FF is a candidate too (ykman's reset)
  card->power_off();
  card->power_on();
  select_piv();
  EXPECT_EQ(tx("00200080").sw, 0x63C1);
  EXPECT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x9000);
  EXPECT_EQ(verify_pin("1").sw, 0x63C2);  // a wrong PIN ends the verification
  EXPECT_EQ(tx("00200080").sw, 0x63C2);
}

TEST_F(Pins, BlockedPinAnswers6983) {
  select_piv();
  for (int i = 0; i < 3; ++i) verify_pin("999999");
  EXPECT_EQ(verify_pin().sw, 0x6983);
  EXPECT_EQ(tx("00200080").sw, 0x6983);
}

TEST_F(Pins, ResetOfVerificationWithP1FF) {
  select_piv();
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(tx("0020FF80").sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  EXPECT_EQ(tx("0020FF8001FF").sw, 0x6A80);
}

TEST_F(Pins, ReselectKeepsTheSessionAnotherApplicationEndsIt) {
  select_piv();
  ASSERT_EQ(verify_pin().sw, 0x9000);
  select_piv();
  EXPECT_EQ(tx("00200080").sw, 0x9000);
  ASSERT_EQ(tx("00A4040008A000000527471117").sw, 0x9000);
  select_piv();
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
}

TEST_F(Pins, MalformedVerify) {
  select_piv();
  EXPECT_EQ(tx("0020008006313233343536").sw, 0x6A80);  // not an 8-byte block
  EXPECT_EQ(tx("00200081083132333435363738").sw, 0x6A88);
  EXPECT_EQ(tx("00200180083132333435363738").sw, 0x6A86);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);  // nothing spent
}

TEST_F(Pins, FailingPersistAnswers6581AndNeverCompares) {
  select_piv();
  backend->set_failing(true);
  EXPECT_EQ(verify_pin().sw, 0x6581);
  backend->set_failing(false);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);  // not verified: the right PIN was never compared
}

TEST_F(Pins, ChangePinAndPuk) {
  select_piv();
  EXPECT_EQ(send(0x24, 0, 0x80, cat(pin_block("123456"), pin_block("654321")), false).sw, 0x9000);
  EXPECT_EQ(verify_pin("123456").sw, 0x63C2);
  EXPECT_EQ(verify_pin("654321").sw, 0x9000);
  EXPECT_EQ(send(0x24, 0, 0x81, cat(pin_block("12345678"), pin_block("87654321")), false).sw,
            0x9000);
  EXPECT_EQ(send(0x24, 0, 0x81, cat(pin_block("12345678"), pin_block("87654321")), false).sw,
            0x63C2);
  // A new value shorter than 6 costs no try.
  EXPECT_EQ(send(0x24, 0, 0x80, cat(pin_block("654321"), pin_block("12345")), false).sw, 0x6A80);
  EXPECT_EQ(send(0x24, 0, 0x80, cat(pin_block("000000"), pin_block("111111")), false).sw, 0x63C2);
  EXPECT_EQ(tx("002400800812345678FFFFFFFF").sw, 0x6A80);
  EXPECT_EQ(send(0x24, 0, 0x82, cat(pin_block("000000"), pin_block("111111")), false).sw, 0x6A88);
}

TEST_F(Pins, UnblockWithPukChecksThePukFirst) {
  select_piv();
  for (int i = 0; i < 3; ++i) verify_pin("999999");
  // Wrong PUK with an empty new PIN still spends a PUK try (ykman's way to block the PUK).
  EXPECT_EQ(send(0x2C, 0, 0x80, cat(pin_block(""), pin_block("")), false).sw, 0x63C2);
  // Right PUK, unusable new PIN: 6A80, and the PUK counter is restored.
  EXPECT_EQ(send(0x2C, 0, 0x80, cat(pin_block("12345678"), pin_block("1")), false).sw, 0x6A80);
  EXPECT_EQ(send(0x2C, 0, 0x80, cat(pin_block("00000000"), pin_block("111111")), false).sw, 0x63C2);
  EXPECT_EQ(send(0x2C, 0, 0x80, cat(pin_block("12345678"), pin_block("111111")), false).sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  EXPECT_EQ(verify_pin("111111").sw, 0x9000);
  EXPECT_EQ(send(0x2C, 0, 0x81, cat(pin_block("12345678"), pin_block("111111")), false).sw, 0x6A88);
}

}  // namespace
}  // namespace softcard::piv::test
