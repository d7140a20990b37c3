#include "security/compact_acl.h"

#include <gtest/gtest.h>

#include "softcard/errors.h"

namespace softcard::security {
namespace {

Sw status_of(ByteView value) {
  try {
    parse_compact_acl(value);
  } catch (const CardError& e) {
    return e.sw();
  }
  return Sw::ok;
}

TEST(CompactAcl, OneConditionBytePerAccessModeBitHighestFirst) {
  // GIDS key file: AM 8F (b8 ignored), bits 4..1 -> conditions 10 20 30 00.
  const Bytes v = {0x8F, 0x10, 0x20, 0x30, 0x00};
  const CompactAcl acl = parse_compact_acl(v);
  EXPECT_EQ(acl.condition(0x08), 0x10);
  EXPECT_EQ(acl.condition(0x04), 0x20);
  EXPECT_EQ(acl.condition(0x02), 0x30);
  EXPECT_EQ(acl.condition(0x01), 0x00);
  EXPECT_EQ(acl.condition(0x10), std::nullopt);
  EXPECT_EQ(acl.condition(0x40), std::nullopt);
}

TEST(CompactAcl, MalformedIs6A80) {
  EXPECT_EQ(status_of(Bytes{}), Sw::wrong_data);
  EXPECT_EQ(status_of(Bytes{0x03, 0x00}), Sw::wrong_data);        // one byte short
  EXPECT_EQ(status_of(Bytes{0x01, 0x00, 0x00}), Sw::wrong_data);  // one byte left over
  EXPECT_EQ(status_of(Bytes{0x03, 0x00, 0xFF}), Sw::ok);
  EXPECT_EQ(status_of(Bytes{0x00}), Sw::ok);  // no operation named: nothing restricted here
}

constexpr CompactScheme gids_like{0x80, true, 0x02};

bool holds(std::uint8_t sc, const CompactScheme& scheme, bool pin, bool admin) {
  SecurityState s;
  if (pin) s.set_verified(0x80);
  if (admin) s.set_admin();
  return compact_condition(sc, scheme).satisfied(s);
}

TEST(CompactCondition, AlwaysNeverAndSingleMethods) {
  EXPECT_TRUE(compact_condition(0x00, gids_like).is_always());
  EXPECT_TRUE(compact_condition(0xFF, gids_like).is_never());
  EXPECT_EQ(compact_condition(0x10, gids_like), AccessCondition::pin(0x80));
  EXPECT_EQ(compact_condition(0x90, gids_like), AccessCondition::pin(0x80));
  EXPECT_EQ(compact_condition(0x20, gids_like), AccessCondition::admin());
  EXPECT_EQ(compact_condition(0xA0, gids_like), AccessCondition::admin());
  EXPECT_EQ(compact_condition(0x30, gids_like),
            AccessCondition::pin(0x80) | AccessCondition::admin());
}

TEST(CompactCondition, AllOfMeansAnd) {
  EXPECT_FALSE(holds(0xB0, gids_like, true, false));
  EXPECT_FALSE(holds(0xB0, gids_like, false, true));
  EXPECT_TRUE(holds(0xB0, gids_like, true, true));
  EXPECT_TRUE(holds(0x30, gids_like, true, false));
  EXPECT_EQ(compact_condition(0xB0, gids_like).to_string(), "pin(80)&admin");
}

TEST(CompactCondition, SecureMessagingIsNeverAvailable) {
  EXPECT_TRUE(compact_condition(0x40, gids_like).is_never());
  EXPECT_TRUE(compact_condition(0xD0, gids_like).is_never());                 // SM and PIN
  EXPECT_EQ(compact_condition(0x50, gids_like), AccessCondition::pin(0x80));  // SM or PIN
}

TEST(CompactCondition, UnreachableSecurityEnvironment) {
  EXPECT_TRUE(compact_condition(0x12, gids_like).is_never());
  EXPECT_EQ(compact_condition(0x11, gids_like), AccessCondition::pin(0x80));
}

TEST(CompactCondition, NoMethodNamedOrOfferedIsNever) {
  EXPECT_TRUE(compact_condition(0x80, gids_like).is_never());
  EXPECT_TRUE(compact_condition(0x01, gids_like).is_never());
  const CompactScheme bare{};
  EXPECT_TRUE(compact_condition(0x10, bare).is_never());
  EXPECT_TRUE(compact_condition(0x90, bare).is_never());
  EXPECT_TRUE(compact_condition(0x00, bare).is_always());
}

}  // namespace
}  // namespace softcard::security
