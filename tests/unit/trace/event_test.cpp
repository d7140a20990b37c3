#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "softcard/trace/event.h"
#include "softcard/trace/writer.h"

namespace softcard::trace {
namespace {

TEST(TraceEvent, RoundTripsEveryField) {
  Event e;
  e.kind = Kind::apdu;
  e.t_ns = 123456789;
  e.dur_ns = 42;
  e.card = "card 0 (a.img)";
  e.reader = "Virtual PCD 00 00";
  e.command = from_hex("00A4040009A0000003974254465900");
  e.response = from_hex("9000");
  e.redacted = true;
  e.outcome = "torn";
  e.faults = {"tear after"};
  const Event back = from_json_line(to_json_line(e));
  EXPECT_EQ(back.kind, Kind::apdu);
  EXPECT_EQ(back.t_ns, e.t_ns);
  EXPECT_EQ(back.dur_ns, e.dur_ns);
  EXPECT_EQ(back.card, e.card);
  EXPECT_EQ(back.reader, e.reader);
  EXPECT_EQ(back.command, e.command);
  EXPECT_EQ(back.response, e.response);
  EXPECT_TRUE(back.redacted);
  EXPECT_EQ(back.outcome, "torn");
  EXPECT_EQ(back.faults, e.faults);

  Event c;
  c.kind = Kind::call;
  c.pid = 7;
  c.process = "client";
  c.text = "CardSignData(container 1)";
  c.rc = 0x80100004;
  const Event cb = from_json_line(to_json_line(c));
  EXPECT_EQ(cb.kind, Kind::call);
  EXPECT_EQ(cb.pid, 7);
  EXPECT_EQ(cb.text, c.text);
  EXPECT_EQ(cb.rc, 0x80100004);
}

// Found by fuzz_trace: a step carrying "c" read back with a command that its own line then lost.
TEST(TraceEvent, IgnoresFieldsOfOtherRecordTypes) {
  const Event s = from_json_line(
      R"({"v":1,"type":"step","t":5,"dur":9,"rc":3,"c":"00A4","r":"9000","name":"X","text":"a"})");
  EXPECT_EQ(s.kind, Kind::step);
  EXPECT_TRUE(s.command.empty());
  EXPECT_TRUE(s.response.empty());
  EXPECT_TRUE(s.name.empty());
  EXPECT_EQ(s.dur_ns, 0);
  EXPECT_EQ(s.rc, 0);
  EXPECT_EQ(s.text, "a");
  const Event back = from_json_line(to_json_line(s));
  EXPECT_EQ(back.command, s.command);
  EXPECT_EQ(back.text, s.text);
  const Event c = from_json_line(R"({"v":1,"type":"call","t":5,"dur":9,"rc":3,"c":"00A4"})");
  EXPECT_EQ(c.dur_ns, 9);
  EXPECT_EQ(c.rc, 3);
  EXPECT_TRUE(c.command.empty());
}

TEST(TraceEvent, RefusesOtherVersionsAndBadLines) {
  EXPECT_THROW(from_json_line(R"({"v":2,"type":"apdu","t":1,"c":"00"})"), std::invalid_argument);
  EXPECT_THROW(from_json_line(R"({"type":"apdu","t":1,"c":"00"})"), std::invalid_argument);
  EXPECT_THROW(from_json_line(R"({"v":1,"type":"bogus","t":1})"), std::invalid_argument);
  EXPECT_THROW(from_json_line(R"({"v":1,"type":"apdu","t":1})"), std::invalid_argument);
  EXPECT_THROW(from_json_line(R"({"v":1,"type":"apdu","t":"x","c":"00"})"), std::invalid_argument);
  EXPECT_THROW(from_json_line(R"({"v":1,"type":"apdu","t":1,"c":"0G"})"), std::invalid_argument);
  EXPECT_THROW(from_json_line("not json"), std::invalid_argument);
}

TEST(TraceWriter, AppendsDecodedLinesThatReadBack) {
  const std::string path = ::testing::TempDir() + "/writer_test.jsonl";
  {
    Writer w(path, true);
    Event e;
    e.kind = Kind::apdu;
    e.card = "c";
    e.command = from_hex("00A4040009A0000003974254465900");
    e.response = from_hex("9000");
    w.write(e);
    Event call;
    call.kind = Kind::call;
    call.text = "CardReadFile()";
    EXPECT_TRUE(append_line(path, call));
  }
  const auto events = read_file(path);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "SELECT");
  EXPECT_EQ(events[0].summary, "SELECT GIDS");
  EXPECT_EQ(events[1].kind, Kind::call);
  std::remove(path.c_str());
}

TEST(TraceWriter, ReadFileNamesTheBadLine) {
  const std::string path = ::testing::TempDir() + "/bad_test.jsonl";
  std::ofstream(path) << R"({"v":1,"type":"step","t":1,"text":"a"})"
                      << "\n\n{oops\n";
  try {
    read_file(path);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":3:"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace softcard::trace
