// FaultyCard in front of a real Card: what each action does to the card and to the answer.
#include "softcard/harness/faulty_card.h"

#include <gtest/gtest.h>

#include "test_card.h"

using namespace softcard;
using namespace softcard::harness;
using softcard::harness::testing::TestCard;

namespace {

const Bytes commit = from_hex("00E20000");
const Bytes read_counter = from_hex("00CA0000");

Rule on_ins(Action action, std::uint8_t ins) {
  Rule r;
  r.action = action;
  r.match.mask = {0x00, 0xFF};
  r.match.value = {0x00, ins};
  return r;
}

}  // namespace

TEST(HarnessFaultyCard, AnswerSwNeverReachesTheCard) {
  TestCard t;
  FaultyCard f(*t.card);
  auto r = on_ins(Action::answer_sw, 0xE2);
  r.sw = 0x6581;
  f.add_rule(r);
  EXPECT_EQ(f.transmit(commit).response, from_hex("6581"));
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("009000"));  // not committed
  EXPECT_EQ(f.transmit(commit).response, from_hex("9000"));          // fired once (times = 1)
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("019000"));
}

TEST(HarnessFaultyCard, NthAndTimesCountMatchingCommandsOnly) {
  TestCard t;
  FaultyCard f(*t.card);
  auto r = on_ins(Action::answer_sw, 0xCA);
  r.skip = 1;   // the 2nd matching command
  r.times = 2;  // and the 3rd
  const auto id = f.add_rule(r);
  std::vector<Bytes> got;
  for (int i = 0; i < 4; ++i) {
    f.transmit(commit);  // never matches
    got.push_back(f.transmit(read_counter).response);
  }
  EXPECT_EQ(got[0], from_hex("019000"));
  EXPECT_EQ(got[1], from_hex("6F00"));
  EXPECT_EQ(got[2], from_hex("6F00"));
  EXPECT_EQ(got[3], from_hex("049000"));
  const auto info = f.rule(id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->matched, 3u);  // exhausted rules stop counting
  EXPECT_EQ(info->fired, 2u);
  EXPECT_TRUE(info->exhausted());
}

TEST(HarnessFaultyCard, CorruptXorsOneResponseByte) {
  TestCard t;
  FaultyCard f(*t.card);
  auto r = on_ins(Action::corrupt, 0xCA);
  r.corrupt_index = 0;
  r.corrupt_xor = 0xFF;
  f.add_rule(r);
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("FF9000"));
}

TEST(HarnessFaultyCard, DelayIsReturnedAndSleptByTransmitOnly) {
  TestCard t;
  std::vector<std::chrono::microseconds> slept;
  FaultyCard f(*t.card, [&](std::chrono::microseconds d) { slept.push_back(d); });
  auto r = on_ins(Action::delay, 0xCA);
  r.delay = std::chrono::microseconds(1500);
  r.times = 0;
  f.add_rule(r);
  f.set_latency({std::chrono::microseconds(100), std::chrono::microseconds(10)});
  const auto ex = f.exchange(read_counter);  // 4 + 3 bytes
  EXPECT_EQ(ex.delay, std::chrono::microseconds(1500 + 100 + 70));
  EXPECT_TRUE(slept.empty());
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("009000"));
  ASSERT_EQ(slept.size(), 1u);
  EXPECT_EQ(slept[0], std::chrono::microseconds(1670));
}

TEST(HarnessFaultyCard, DropLinkLeavesTheCardUntouched) {
  TestCard t;
  FaultyCard f(*t.card);
  f.add_rule(on_ins(Action::drop_link, 0xE2));
  const auto ex = f.transmit(commit);
  EXPECT_EQ(ex.outcome, Outcome::dropped);
  EXPECT_TRUE(ex.response.empty());
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("009000"));
}

TEST(HarnessFaultyCard, TearBeforeCutsPowerWithoutRunningTheCommand) {
  TestCard t;
  FaultyCard f(*t.card);
  f.transmit(from_hex("00200000"));
  f.add_rule(on_ins(Action::tear_before, 0xE2));
  EXPECT_EQ(f.transmit(commit).outcome, Outcome::torn);
  EXPECT_FALSE(f.powered());
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("009000"));
  EXPECT_EQ(f.transmit(from_hex("00CB0000")).response, from_hex("009000"));  // volatile gone
}

TEST(HarnessFaultyCard, TearAfterCommitsThenCutsPower) {
  TestCard t;
  FaultyCard f(*t.card);
  f.add_rule(on_ins(Action::tear_after, 0xE2));
  EXPECT_EQ(f.transmit(commit).outcome, Outcome::torn);
  EXPECT_FALSE(f.powered());
  EXPECT_EQ(f.transmit(read_counter).response, from_hex("019000"));
}

TEST(HarnessFaultyCard, TraceRecordsFaultsAndRedactsSecrets) {
  TestCard t;
  FaultyCard f(*t.card);
  auto r = on_ins(Action::answer_sw, 0x20);
  r.label = "refuse verify";
  f.add_rule(r);
  f.transmit(from_hex("0020008104 31323334"));
  const auto records = f.trace().snapshot();
  ASSERT_GE(records.size(), 2u);
  EXPECT_EQ(records[0].kind, RecordKind::rule_added);
  const auto& apdu = records.back();
  EXPECT_EQ(apdu.kind, RecordKind::apdu);
  EXPECT_EQ(apdu.faults, std::vector<std::string>{"refuse verify"});
  EXPECT_TRUE(apdu.redacted);
  EXPECT_EQ(apdu.command, from_hex("0020008104 00000000"));
}

TEST(HarnessFaultyCard, DefaultLabelDescribesTheRule) {
  auto r = on_ins(Action::answer_sw, 0xA4);
  r.sw = 0x6A82;
  r.times = 0;
  EXPECT_EQ(describe(r), "answer_sw 6a82 when 00a4/00ff always");
}
