#include <gtest/gtest.h>

#include "test_support.h"

#include "fs/file.h"
#include "softcard/errors.h"

namespace softcard::fs {
namespace {

using security::AccessCondition;

Sw thrown(auto&& f) {
  return test::thrown_sw(f);
}

FileHeader sample_ef() {
  FileHeader h;
  h.fid = 0x5001;
  h.size = 0x80;
  h.rules = AccessRules::all(AccessCondition::admin());
  h.rules[Operation::read] = AccessCondition::always();
  h.rules[Operation::update] = AccessCondition::pin(0x81) | AccessCondition::admin();
  return h;
}

TEST(Fcp, EncodesEfAsDocumented) {
  // Layout documented in docs/iso-applet.md.
  // clang-format off
  EXPECT_EQ(to_hex(encode_fcp(sample_ef())),
            "622f"
            "80020080" "820101" "83025001" "8a0105"  // size, transparent EF, FID, activated
            "ab1f"
            "800101" "9000"                                  // read: always
            "800102" "a00d" "a406830181950108" "a403950180"  // update: PIN 81 or admin
            "800178" "a403950180");                          // the rest: admin
  // clang-format on
}

TEST(Fcp, RoundTripEf) {
  FileHeader h = sample_ef();
  h.rules[Operation::create] = AccessCondition::never();  // does not apply to an EF
  const FileHeader back = parse_fcp(encode_fcp(h));
  EXPECT_EQ(back, h);
}

TEST(Fcp, RoundTripDfWithName) {
  FileHeader h;
  h.fid = 0x5000;
  h.type = FileType::df;
  h.df_name = {0xA0, 0x00, 0x00, 0x00, 0x01};
  h.life_cycle = LifeCycle::initialisation;
  h.rules = AccessRules::all(AccessCondition::never());
  h.rules[Operation::create] = AccessCondition::pin(0x81);
  h.rules[Operation::delete_file] = AccessCondition::admin();
  // read/update do not apply to a DF and are not encoded: they come back as "never".
  const FileHeader back = parse_fcp(encode_fcp(h));
  EXPECT_EQ(back, h);
  const Bytes fci = encode_fci(h);
  ASSERT_FALSE(fci.empty());
  EXPECT_EQ(fci[0], 0x6F);
}

TEST(Fcp, MissingSecurityAttributesMeanNoRestriction) {
  const FileHeader h = parse_fcp(from_hex("620b 8202 0100 8302 4001 8001 20"));
  EXPECT_EQ(h.fid, 0x4001);
  EXPECT_EQ(h.size, 0x20);
  EXPECT_FALSE(h.is_df());
  EXPECT_EQ(h.life_cycle, LifeCycle::operational);
  EXPECT_EQ(h.rules, AccessRules::all(AccessCondition::always()));
}

TEST(Fcp, ExpandedAttributesOperationsNotListedAreNever) {
  // read always; nothing else mentioned.
  const FileHeader h = parse_fcp(from_hex("6211 820101 83024002 800110 ab05 800101 9000"));
  EXPECT_EQ(h.rules[Operation::read], AccessCondition::always());
  EXPECT_TRUE(h.rules[Operation::update].is_never());
  EXPECT_TRUE(h.rules[Operation::delete_file].is_never());
}

TEST(Fcp, SeveralConditionsAfterOneAccessModeAreAlternatives) {
  const FileHeader h =
      parse_fcp(from_hex("6219 820101 83024003 ab10 800103 a406830181950108 a403950180"));
  EXPECT_EQ(h.rules[Operation::read], AccessCondition::pin(0x81) | AccessCondition::admin());
  EXPECT_EQ(h.rules[Operation::update], AccessCondition::pin(0x81) | AccessCondition::admin());
}

TEST(Fcp, CompactAlwaysNever) {
  // AM 43 = delete, update, read: SC bytes for b7 (delete) FF, b2 (update) FF, b1 (read) 00.
  const FileHeader h = parse_fcp(from_hex("620d 820101 83024004 8c04 43ffff00"));
  EXPECT_TRUE(h.rules[Operation::read].is_always());
  EXPECT_TRUE(h.rules[Operation::update].is_never());
  EXPECT_TRUE(h.rules[Operation::delete_file].is_never());
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("620b 820101 83024004 8c02 0112")); }), Sw::wrong_data);
}

TEST(Fcp, Rejections) {
  // Not an FCP template.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("6f03 830150")); }), Sw::wrong_data);
  // Length runs past the end.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("6210 8302")); }), Sw::lc_inconsistent_with_tlv);
  // No FID.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("6203 820101")); }), Sw::wrong_data);
  // Reserved FIDs.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("6204 83023f00")); }), Sw::wrong_data);
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("6204 8302ffff")); }), Sw::wrong_data);
  // Record structure is not supported.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("6207 820102 83024001")); }), Sw::wrong_data);
  // A DF name on an EF, a size on a DF.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("620a 820101 83024001 8401aa")); }), Sw::wrong_data);
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("620a 820138 83024001 800110")); }), Sw::wrong_data);
  // Created terminated.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("620a 820101 83024001 8a010c")); }), Sw::wrong_data);
  // AND templates are not supported; an access mode without a condition is malformed.
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("620e 820101 83024001 ab05 800101 af00")); }),
            Sw::wrong_data);
  EXPECT_EQ(thrown([] { parse_fcp(from_hex("620c 820101 83024001 ab03 800101")); }),
            Sw::wrong_data);
}

TEST(CheckAccess, LifeCycleThenRule) {
  FileHeader h = sample_ef();
  security::SecurityState none, user;
  user.set_verified(0x81);
  EXPECT_NO_THROW(check_access(h, Operation::read, none));
  EXPECT_EQ(thrown([&] { check_access(h, Operation::update, none); }), Sw::security_not_satisfied);
  EXPECT_NO_THROW(check_access(h, Operation::update, user));

  h.life_cycle = LifeCycle::deactivated;
  EXPECT_EQ(thrown([&] { check_access(h, Operation::read, user); }), Sw::conditions_not_satisfied);
  EXPECT_EQ(thrown([&] { check_access(h, Operation::activate, none); }),
            Sw::security_not_satisfied);

  h.life_cycle = LifeCycle::terminated;
  EXPECT_EQ(thrown([&] { check_access(h, Operation::read, user); }), Sw::function_not_supported);
  EXPECT_EQ(thrown([&] { check_access(h, Operation::activate, user); }),
            Sw::function_not_supported);

  h.life_cycle = LifeCycle::creation;  // personalisation: rules not in force
  EXPECT_NO_THROW(check_access(h, Operation::update, none));
}

}  // namespace
}  // namespace softcard::fs
