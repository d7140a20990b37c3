#include "registry.h"

#include <gtest/gtest.h>

namespace softcard::mdtest {
namespace {

TEST(MdtestRegistry, GlobMatching) {
  EXPECT_TRUE(glob_match("neg.*", "neg.CardReadFile.null_name"));
  EXPECT_TRUE(glob_match("*null*", "neg.CardReadFile.null_name"));
  EXPECT_TRUE(glob_match("acquire.version_?", "acquire.version_4"));
  EXPECT_FALSE(glob_match("acquire.version_?", "acquire.version_65538"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("neg", "neg.x"));
}

TEST(MdtestRegistry, SelectionCombinesOnlyAndSkip) {
  EXPECT_TRUE(selected("neg.a", {}, {}));
  EXPECT_TRUE(selected("neg.a", {"neg.*", "ski.*"}, {}));
  EXPECT_FALSE(selected("pin.a", {"neg.*", "ski.*"}, {}));
  EXPECT_FALSE(selected("neg.a", {"neg.*"}, {"*.a"}));
}

TEST(MdtestRegistry, DuplicateNodeNamesAreRefused) {
  Registry r;
  r.add("a.b", "", [](Env&, Checker&) {});
  EXPECT_THROW(r.add("a.b", "", [](Env&, Checker&) {}), std::logic_error);
}

TEST(MdtestRegistry, CheckerComparesCodesExactly) {
  Checker c;
  EXPECT_NO_THROW(c.rc(0x80100004, 0x80100004, "x"));
  EXPECT_EQ(c.last_expected, 0x80100004u);
  try {
    c.rc(0x80100004, 0x80100022, "CardX");
    FAIL() << "no failure";
  } catch (const NodeFailure& f) {
    EXPECT_EQ(f.expected, 0x80100004u);
    EXPECT_EQ(f.actual, 0x80100022u);
    EXPECT_NE(std::string(f.what()).find("SCARD_E_UNSUPPORTED_FEATURE"), std::string::npos);
  }
  EXPECT_NO_THROW(c.rc_any({1, 2}, 2, "x"));
  EXPECT_EQ(c.last_expected, 2u);
  EXPECT_THROW(c.rc_any({1, 2}, 3, "x"), NodeFailure);
  EXPECT_THROW(c.require(false, "x"), NodeFailure);
  EXPECT_THROW(c.skip("x"), NodeSkip);
}

}  // namespace
}  // namespace softcard::mdtest
