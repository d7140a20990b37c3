#include "expectations.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace softcard::mdtest {
namespace {

NodeResult r(const std::string& name, Outcome o) {
  NodeResult x;
  x.name = name;
  x.group = group_of(name);
  x.outcome = o;
  return x;
}

TEST(MdtestExpectations, ParsesNodesReasonsAndComments) {
  const auto k = parse_known_failures(
      "# header\n\nacquire.version_4  library accepts v4\r\n  neg.x.y\tnot yet implemented  \n");
  ASSERT_EQ(k.reasons.size(), 2u);
  EXPECT_EQ(k.reasons.at("acquire.version_4"), "library accepts v4");
  EXPECT_EQ(k.reasons.at("neg.x.y"), "not yet implemented  ");
}

TEST(MdtestExpectations, ReasonIsMandatoryAndNodesUnique) {
  EXPECT_THROW(parse_known_failures("a.b\n"), std::runtime_error);
  EXPECT_THROW(parse_known_failures("a.b   \n"), std::runtime_error);
  EXPECT_THROW(parse_known_failures("a.b why\na.b again\n"), std::runtime_error);
}

TEST(MdtestExpectations, ExactMatchIsOk) {
  const auto k = parse_known_failures("a.fail reason\n");
  const auto rep =
      compare(k, {r("a.fail", Outcome::fail), r("a.pass", Outcome::pass)}, {"a.fail", "a.pass"});
  EXPECT_TRUE(rep.ok());
}

TEST(MdtestExpectations, EveryKindOfMismatchIsReported) {
  const auto k = parse_known_failures("a.fixed r\na.skipped r\na.gone r\na.still r\n");
  const auto rep = compare(k,
                           {r("a.new", Outcome::fail), r("a.fixed", Outcome::pass),
                            r("a.skipped", Outcome::skip), r("a.still", Outcome::fail)},
                           {"a.new", "a.fixed", "a.skipped", "a.still"});
  EXPECT_FALSE(rep.ok());
  EXPECT_EQ(rep.unexpected_failures, std::vector<std::string>{"a.new"});
  EXPECT_EQ(rep.now_passing, std::vector<std::string>{"a.fixed"});
  EXPECT_EQ(rep.listed_but_skipped, std::vector<std::string>{"a.skipped"});
  EXPECT_EQ(rep.unknown_nodes, std::vector<std::string>{"a.gone"});
}

TEST(MdtestExpectations, NodesNotRunAreNotJudged) {
  const auto k = parse_known_failures("a.listed r\n");
  const auto rep = compare(k, {r("a.other", Outcome::pass)}, {"a.listed", "a.other"});
  EXPECT_TRUE(rep.ok());
}

}  // namespace
}  // namespace softcard::mdtest
