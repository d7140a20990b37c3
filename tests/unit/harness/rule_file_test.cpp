// The JSON rule file of `softcard run --faults` (docs/faults.md): what it accepts, defaults,
// and that every error names the file and the field.
#include "softcard/harness/rule_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_card.h"
#include "test_support.h"

using namespace softcard;
using namespace softcard::harness;

namespace {

std::string error_of(std::string_view text) {
  try {
    parse_fault_file("f.json", text);
  } catch (const FaultFileError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST(HarnessRuleFile, FullExample) {
  const auto file = parse_fault_file("f.json", R"({
    "softcard_faults": 1,
    "latency": {"per_command_ms": 20, "per_byte_ms": 0.5},
    "rules": [
      {"action": "answer_sw", "sw": "6a82", "match": {"cla": "00", "ins": "A4"}, "nth": 2,
       "times": 0, "label": "select fails"},
      {"action": "delay", "delay_ms": 1.25, "card": 1},
      {"action": "corrupt", "index": 0, "xor": "FF", "match": {"prefix": "00CA"}},
      {"action": "drop_link", "match": {"value": "00200080", "mask": "00FF00FF"}},
      {"action": "tear_before"},
      {"action": "tear_after", "match": {"prefix": "00E2", "p1": "00"}}
    ]})");
  EXPECT_EQ(file.name, "f.json");
  ASSERT_TRUE(file.latency);
  EXPECT_EQ(file.latency->per_command, std::chrono::microseconds(20000));
  EXPECT_EQ(file.latency->per_byte, std::chrono::microseconds(500));
  ASSERT_EQ(file.rules.size(), 6u);
  const Rule& a = file.rules[0].rule;
  EXPECT_EQ(a.action, Action::answer_sw);
  EXPECT_EQ(a.sw, 0x6A82);
  EXPECT_EQ(a.match.mask, from_hex("FFFF"));
  EXPECT_EQ(a.match.value, from_hex("00A4"));
  EXPECT_EQ(a.skip, 1u);
  EXPECT_EQ(a.times, 0u);
  EXPECT_EQ(a.label, "select fails");
  EXPECT_FALSE(file.rules[0].card);
  EXPECT_EQ(file.rules[1].rule.delay, std::chrono::microseconds(1250));
  EXPECT_EQ(file.rules[1].card, 1u);
  EXPECT_EQ(file.rules[1].rule.times, 1u);  // default: once
  EXPECT_EQ(file.rules[1].rule.skip, 0u);   // default: the first match
  EXPECT_EQ(file.rules[2].rule.corrupt_index, 0);
  EXPECT_EQ(file.rules[2].rule.corrupt_xor, 0xFF);
  EXPECT_EQ(file.rules[3].rule.match.mask, from_hex("00FF00FF"));
  EXPECT_EQ(file.rules[3].rule.match.value, from_hex("00200080"));
  EXPECT_TRUE(file.rules[4].rule.match.mask.empty());  // every command
  EXPECT_EQ(file.rules[5].rule.match.mask, from_hex("FFFFFF"));
  EXPECT_EQ(file.rules[5].rule.match.value, from_hex("00E200"));
}

TEST(HarnessRuleFile, Defaults) {
  const auto file = parse_fault_file("f.json", R"({"softcard_faults": 1})");
  EXPECT_TRUE(file.rules.empty());
  EXPECT_FALSE(file.latency);
  const auto c = parse_fault_file("f.json", R"({"softcard_faults": 1,
      "rules": [{"action": "corrupt"}]})");
  EXPECT_EQ(c.rules[0].rule.corrupt_index, -1);
  EXPECT_EQ(c.rules[0].rule.corrupt_xor, 0x01);
  EXPECT_TRUE(c.rules[0].rule.label.empty());  // FaultyCard fills in describe()
}

TEST(HarnessRuleFile, ErrorsNameTheFileAndTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "f.json: not valid JSON"},
      {"[]", "f.json: expected a JSON object"},
      {"{}", "f.json: softcard_faults: missing"},
      {R"({"softcard_faults": 2})", "f.json: softcard_faults: unsupported format version"},
      {R"({"softcard_faults": 1e400})", "f.json: not valid JSON"},
      {R"({"softcard_faults": 1, "rulez": []})", "f.json: rulez: unknown field"},
      {R"({"softcard_faults": 1, "rules": {}})", "f.json: rules: expected an array"},
      {R"({"softcard_faults": 1, "rules": [{}]})", "f.json: rules[0].action: missing"},
      {R"({"softcard_faults": 1, "rules": [{"action": "explode"}]})",
       "f.json: rules[0].action: expected one of"},
      {R"({"softcard_faults": 1, "rules": [{"action": "answer_sw"}]})",
       "f.json: rules[0].sw: missing"},
      {R"({"softcard_faults": 1, "rules": [{"action": "answer_sw", "sw": "6A8"}]})",
       "f.json: rules[0].sw: expected 4 hex digits"},
      {R"({"softcard_faults": 1, "rules": [{"action": "answer_sw", "sw": 27266}]})",
       "f.json: rules[0].sw: expected a string of 4 hex digits"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "sw": "6A82"}]})",
       "f.json: rules[0].sw: only for \"answer_sw\" rules"},
      {R"({"softcard_faults": 1, "rules": [{"action": "delay"}]})",
       "f.json: rules[0].delay_ms: missing"},
      {R"({"softcard_faults": 1, "rules": [{"action": "delay", "delay_ms": -1}]})",
       "f.json: rules[0].delay_ms: out of range"},
      {R"({"softcard_faults": 1, "rules": [{"action": "corrupt", "xor": "00"}]})",
       "f.json: rules[0].xor: must not be \"00\""},
      {R"({"softcard_faults": 1, "rules": [{"action": "corrupt", "index": 1.5}]})",
       "f.json: rules[0].index: expected an integer"},
      {R"({"softcard_faults": 1, "rules": [{"action": "tear_after", "nth": 0}]})",
       "f.json: rules[0].nth: out of range"},
      {R"({"softcard_faults": 1, "rules": [{"action": "tear_after", "times": -1}]})",
       "f.json: rules[0].times: out of range"},
      {R"({"softcard_faults": 1, "rules": [{"action": "tear_after", "card": "0"}]})",
       "f.json: rules[0].card: expected an integer"},
      {R"({"softcard_faults": 1, "rules": [{"action": "tear_after", "label": 3}]})",
       "f.json: rules[0].label: expected a string"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "match": {"ins": "A4", "data": "00"}}]})",
       "f.json: rules[0].match.data: unknown field"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "match": {"ins": "A"}}]})",
       "f.json: rules[0].match.ins: expected 2 hex digits"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "match": {"value": "00"}}]})",
       "f.json: rules[0].match.mask: \"value\" and \"mask\" go together"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "match": {"value": "00", "mask": "FFFF"}}]})",
       "f.json: rules[0].match.mask: must be as long as"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "match": {"prefix": "00A4", "ins": "B0"}}]})",
       "f.json: rules[0].match.ins: contradicts another match field at byte 1"},
      {R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "match": []}]})",
       "f.json: rules[0].match: expected an object"},
      {R"({"softcard_faults": 1, "latency": {"per_command_ms": "1"}})",
       "f.json: latency.per_command_ms: expected a number"},
      {R"({"softcard_faults": 1, "latency": {"jitter_ms": 1}})",
       "f.json: latency.jitter_ms: unknown field"},
  };
  for (const auto& [text, want] : cases) {
    const auto got = error_of(text);
    EXPECT_EQ(got.rfind(want, 0), 0u) << text << "\n  gave: " << got << "\n  want: " << want;
  }
}

TEST(HarnessRuleFile, CardIndexIsCheckedAgainstTheImages) {
  const auto file = parse_fault_file(
      "f.json", R"({"softcard_faults": 1, "rules": [{"action": "drop_link", "card": 2}]})");
  EXPECT_NO_THROW(file.check_cards(3));
  try {
    file.check_cards(2);
    FAIL() << "accepted";
  } catch (const FaultFileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("f.json: rules[0].card: card 2 does not exist", 0), 0u)
        << e.what();
  }
}

TEST(HarnessRuleFile, ApplyInstallsTheCardsRulesInFileOrder) {
  const auto file = parse_fault_file("f.json", R"({"softcard_faults": 1,
      "latency": {"per_command_ms": 1},
      "rules": [{"action": "answer_sw", "sw": "6F00", "label": "a"},
                {"action": "drop_link", "card": 0, "label": "b"},
                {"action": "tear_before", "card": 1, "label": "c"},
                {"action": "delay", "delay_ms": 1, "label": "d"}]})");
  harness::testing::TestCard t;
  FaultyCard f(*t.card);
  file.apply(0, f);
  std::vector<std::string> labels;
  for (const auto& r : f.rules()) labels.push_back(r.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(f.latency().per_command, std::chrono::microseconds(1000));
}

TEST(HarnessRuleFile, LoadNamesAnUnreadableFile) {
  test::TempDir dir;
  const auto missing = dir.path / "nope.json";
  try {
    load_fault_file(missing);
    FAIL() << "accepted";
  } catch (const FaultFileError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.json"), std::string::npos);
  }
  const auto bad = dir.path / "bad.json";
  std::ofstream(bad) << R"({"softcard_faults": 1, "rules": [{"action": 1}]})";
  try {
    load_fault_file(bad);
    FAIL() << "accepted";
  } catch (const FaultFileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(bad.string() + ": rules[0].action", 0), 0u) << e.what();
  }
}
