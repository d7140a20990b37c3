#include "security/access.h"

#include <gtest/gtest.h>

#include "softcard/errors.h"

namespace softcard::security {
namespace {

TEST(AccessCondition, NeverAndAlways) {
  SecurityState s;
  EXPECT_FALSE(AccessCondition::never().satisfied(s));
  EXPECT_TRUE(AccessCondition().is_never());
  EXPECT_TRUE(AccessCondition::always().satisfied(s));
  EXPECT_TRUE(AccessCondition::always().is_always());
}

TEST(AccessCondition, PinOrAdmin) {
  const auto c = AccessCondition::pin(0x81) | AccessCondition::admin();
  SecurityState s;
  EXPECT_FALSE(c.satisfied(s));
  s.set_verified(0x82);
  EXPECT_FALSE(c.satisfied(s));
  s.set_verified(0x81);
  EXPECT_TRUE(c.satisfied(s));
  s.clear();
  s.set_admin();
  EXPECT_TRUE(c.satisfied(s));
  EXPECT_EQ(c.to_string(), "pin(81)|admin");
  EXPECT_EQ((c | AccessCondition::admin()).alternatives().size(), 2u) << "no duplicates";
}

TEST(AccessCondition, RequireThrows6982) {
  SecurityState s;
  try {
    require(AccessCondition::pin(0x81), s);
    FAIL() << "no exception";
  } catch (const CardError& e) {
    EXPECT_EQ(e.sw(), Sw::security_not_satisfied);
  }
  s.set_verified(0x81);
  EXPECT_NO_THROW(require(AccessCondition::pin(0x81), s));
}

}  // namespace
}  // namespace softcard::security
