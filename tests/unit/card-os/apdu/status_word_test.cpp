#include "softcard/status_word.h"

#include <gtest/gtest.h>

namespace softcard {
namespace {

TEST(StatusWord, ComputedWords) {
  EXPECT_EQ(value(sw_retries(2)), 0x63C2);
  EXPECT_EQ(value(sw_retries(99)), 0x63CF);
  EXPECT_EQ(value(sw_bytes_remaining(0x10)), 0x6110);
  EXPECT_EQ(value(sw_bytes_remaining(300)), 0x6100);
  EXPECT_EQ(value(sw_wrong_le(256)), 0x6C00);
}

TEST(StatusWord, SuccessClassification) {
  EXPECT_TRUE(is_success(Sw::ok));
  EXPECT_TRUE(is_success(sw_bytes_remaining(5)));
  EXPECT_TRUE(is_success(Sw::warning_eof));
  EXPECT_FALSE(is_success(sw_retries(1)));
  EXPECT_FALSE(is_success(Sw::security_not_satisfied));
}

TEST(StatusWord, Describe) {
  EXPECT_EQ(describe(Sw::security_not_satisfied), "6982 security status not satisfied");
  EXPECT_EQ(describe(sw_retries(2)), "63C2 verification failed, 2 tries left");
  EXPECT_EQ(describe(sw_bytes_remaining(0)), "6100 256 or more more bytes available");
  EXPECT_EQ(describe(make_sw(0x6C, 0x10)), "6C10 wrong Le, exact length 16");
}

}  // namespace
}  // namespace softcard
