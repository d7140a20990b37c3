#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "softcard/trace/import.h"
#include "softcard/trace/render.h"

namespace softcard::trace {
namespace {

// Samples made on this project's own rig (tests/data/trace/README.md): opensc-tool sends
// SELECT GIDS, VERIFY 123456 and GET DATA cmapfile to a `gids` card.
std::string sample(const char* name) {
  std::ifstream in(std::string(SOFTCARD_TEST_DATA_DIR) + "/trace/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string all_hex(const std::vector<Event>& events) {
  std::string out;
  for (const auto& e : events) out += to_json_line(e);
  return out;
}

TEST(TraceImport, PcscdLogDecodesLikeOurOwnTrace) {
  const auto events = import_log(sample("pcscd-apdu.log"), "auto");
  const auto ours = read_file(std::string(SOFTCARD_TEST_DATA_DIR) + "/trace/rig-gids-opensc.jsonl");
  std::size_t apdus = 0;
  for (const auto& e : events) apdus += e.kind == Kind::apdu;
  EXPECT_EQ(apdus, 31u);
  const Session imported = build_session(events);
  const Session recorded = build_session(ours);
  ASSERT_EQ(imported.exchanges.size(), recorded.exchanges.size());
  for (std::size_t i = 0; i < imported.exchanges.size(); ++i)
    EXPECT_EQ(imported.exchanges[i].decoded.title, recorded.exchanges[i].decoded.title) << i;
  EXPECT_EQ(imported.exchanges.back().decoded.title, "GET DATA cmapfile (A010/DF23)");
  // pcscd logged the PIN in the clear; the import applies the one redaction rule.
  EXPECT_EQ(all_hex(events).find("313233343536"), std::string::npos);
}

TEST(TraceImport, PcscSpyOutputWithAndWithoutTimes) {
  for (const char* name : {"pcsc-spy.txt", "pcsc-spy-d.txt"}) {
    const auto events = import_log(sample(name), "auto");
    ASSERT_EQ(events.size(), 31u) << name;
    EXPECT_EQ(events.front().reader, "Virtual PCD 00 00");
    const Session s = build_session(events);
    EXPECT_EQ(s.exchanges.back().decoded.title, "GET DATA cmapfile (A010/DF23)") << name;
    EXPECT_EQ(all_hex(events).find("313233343536"), std::string::npos) << name;
  }
  // Both logs of the same kind of run compare equal once normalized.
  EXPECT_TRUE(diff(build_session(import_pcsc_spy(sample("pcsc-spy.txt"))),
                   build_session(import_pcsc_spy(sample("pcsc-spy-d.txt"))))
                  .same);
}

TEST(TraceImport, RefusesTextWithoutApdus) {
  EXPECT_THROW(import_log("hello\n", "pcscd"), std::invalid_argument);
  EXPECT_THROW(import_log("hello\n", "pcsc-spy"), std::invalid_argument);
  EXPECT_THROW(import_log("hello\n", "bogus"), std::invalid_argument);
}

}  // namespace
}  // namespace softcard::trace
