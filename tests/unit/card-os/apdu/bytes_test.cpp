#include "softcard/bytes.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace softcard {
namespace {

TEST(Bytes, HexRoundTrip) {
  EXPECT_EQ(to_hex(from_hex("00 A4:04 0c")), "00a4040c");
  EXPECT_EQ(to_hex(from_hex("0102"), ' '), "01 02");
  EXPECT_THROW(from_hex("0"), std::invalid_argument);
  EXPECT_THROW(from_hex("zz"), std::invalid_argument);
}

TEST(Bytes, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal(from_hex("010203"), from_hex("010203")));
  EXPECT_FALSE(constant_time_equal(from_hex("010203"), from_hex("010204")));
  EXPECT_FALSE(constant_time_equal(from_hex("0102"), from_hex("010203")));
}

TEST(Bytes, SecretBytesWipeAndResize) {
  SecretBytes s(from_hex("112233"));
  s.resize(5);
  EXPECT_EQ(to_hex(s.view()), "1122330000");
  s.resize(1);
  EXPECT_EQ(to_hex(s.view()), "11");
  SecretBytes moved(std::move(s));
  EXPECT_EQ(moved.size(), 1u);
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): moved-from secret is emptied
  moved.wipe();
  EXPECT_EQ(moved.data()[0], 0);
}

}  // namespace
}  // namespace softcard
