#include "report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "errors.h"
#include "runner.h"

namespace softcard::mdtest {
namespace {

NodeResult result(const std::string& name, Outcome o, std::optional<std::uint32_t> e = {},
                  std::optional<std::uint32_t> a = {}, std::string msg = "") {
  NodeResult r;
  r.name = name;
  r.group = group_of(name);
  r.outcome = o;
  r.expected = e;
  r.actual = a;
  r.message = std::move(msg);
  return r;
}

TEST(MdtestReport, JunitCountsAndElements) {
  std::vector<NodeResult> rs = {
      result("neg.CardReadFile.null_name", Outcome::pass, 0x80100004, 0x80100004, "ok"),
      result("acquire.version_4", Outcome::fail, 1306, 0, "v4 <accepted>"),
      result("ski.x", Outcome::skip, {}, {}, "config: no SKI")};
  std::ostringstream out;
  write_junit(out, "softcard-mdtest", rs);
  const std::string x = out.str();
  EXPECT_NE(x.find("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos);
  EXPECT_NE(x.find("<testcase classname=\"acquire\" name=\"acquire.version_4\""),
            std::string::npos);
  EXPECT_NE(x.find("<failure message=\"v4 &lt;accepted&gt;\""), std::string::npos);
  EXPECT_NE(x.find("expected ERROR_REVISION_MISMATCH (0x0000051A), actual SCARD_S_SUCCESS"),
            std::string::npos);
  EXPECT_NE(x.find("<skipped message=\"config: no SKI\"/>"), std::string::npos);
  EXPECT_EQ(x.find("<failure", x.find("null_name")), x.find("<failure"));  // only one failure
}

TEST(MdtestReport, SummaryListsFailuresAndTotals) {
  std::vector<NodeResult> rs = {result("a.one", Outcome::pass),
                                result("a.two", Outcome::fail, 1, 2),
                                result("b.three", Outcome::skip, {}, {}, "why")};
  std::ostringstream quiet, loud;
  write_summary(quiet, rs, false);
  write_summary(loud, rs, true);
  EXPECT_EQ(quiet.str().find("PASS  a.one"), std::string::npos);
  EXPECT_NE(loud.str().find("PASS  a.one"), std::string::npos);
  EXPECT_NE(quiet.str().find("FAIL  a.two  [expected 0x00000001, actual 0x00000002]"),
            std::string::npos);
  EXPECT_NE(quiet.str().find("SKIP  b.three  why"), std::string::npos);
  EXPECT_NE(quiet.str().find("total: 3 nodes, 1 passed, 1 failed, 1 skipped"), std::string::npos);
}

TEST(MdtestReport, ErrorNamesAreExactWindowsValues) {
  EXPECT_EQ(error_name(0x80100022), "SCARD_E_UNSUPPORTED_FEATURE (0x80100022)");
  EXPECT_EQ(error_name(1306), "ERROR_REVISION_MISMATCH (0x0000051A)");
  EXPECT_EQ(error_name(0x12345678), "0x12345678");
}

TEST(MdtestReport, ResultRecordRoundTrips) {
  NodeResult r = result("x.y", Outcome::fail, 5, 0x80100004, std::string("line1\nline2"));
  r.seconds = 1.5;
  NodeResult back;
  ASSERT_TRUE(decode_result(encode_result(r), back));
  EXPECT_EQ(back.outcome, Outcome::fail);
  EXPECT_EQ(back.expected, 5u);
  EXPECT_EQ(back.actual, 0x80100004u);
  EXPECT_EQ(back.message, "line1\nline2");
  EXPECT_DOUBLE_EQ(back.seconds, 1.5);
  NodeResult none = result("x.z", Outcome::pass);
  ASSERT_TRUE(decode_result(encode_result(none), back));
  EXPECT_FALSE(back.expected.has_value());
  EXPECT_FALSE(decode_result("", back));
  EXPECT_FALSE(decode_result(std::string("7\0\0\0"
                                         "1\0m\0",
                                         9),
                             back));
}

}  // namespace
}  // namespace softcard::mdtest
