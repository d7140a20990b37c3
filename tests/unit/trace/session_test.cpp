#include <gtest/gtest.h>

#include "softcard/trace/session.h"

namespace softcard::trace {
namespace {

Event apdu(std::int64_t t, const char* c, const char* r) {
  Event e;
  e.kind = Kind::apdu;
  e.t_ns = t;
  e.dur_ns = 10;
  e.card = "card";
  e.command = from_hex(c);
  e.response = from_hex(r);
  return e;
}

Event call(std::int64_t t, std::int64_t dur, const char* text, std::int64_t pid = 1) {
  Event e;
  e.kind = Kind::call;
  e.t_ns = t;
  e.dur_ns = dur;
  e.pid = pid;
  e.process = "client";
  e.text = text;
  return e;
}

Event step(std::int64_t t, const char* text) {
  Event e;
  e.kind = Kind::step;
  e.t_ns = t;
  e.text = text;
  return e;
}

TEST(TraceSession, FoldsChainingAndGetResponse) {
  std::vector<Event> ev = {
      apdu(100, "00A4040009A0000003974254465900", "9000"),
      apdu(200, "902A8086 02 0102", "9000"),  // chained block (CLA 90 = 80 + chaining)
      apdu(300, "802A8086 02 0304", "6104"),  // last block; 4 more bytes
      apdu(400, "00C0000004", "AABBCCDD9000"),
      apdu(500, "00CB3FFF00", "6C05"),  // wrong Le, retried with the right one
      apdu(600, "00CB3FFF05", "01020304059000"),
  };
  const Session s = build_session(ev);
  ASSERT_EQ(s.exchanges.size(), 3u);
  const Exchange& x = s.exchanges[1];
  EXPECT_EQ(x.parts.size(), 3u);
  EXPECT_EQ(x.command, from_hex("802A808604 01020304"));
  EXPECT_EQ(x.response, from_hex("AABBCCDD9000"));
  EXPECT_EQ(x.card_ns, 30);
  EXPECT_EQ(s.exchanges[2].parts.size(), 2u);
  EXPECT_EQ(s.exchanges[2].response, from_hex("01020304059000"));
  EXPECT_EQ(s.exchanges[2].number, 3u);
}

TEST(TraceSession, AttributesCommandsToOutermostCallsAndClosingSteps) {
  std::vector<Event> ev = {
      call(100, 1000, "CardSignData(container 1)"),
      call(150, 100, "CardReadFile(\"mscp\", \"cmapfile\")"),  // nested: not a lane of its own
      apdu(200, "00A4040009A0000003974254465900", "9000"),
      step(1200, "[C] signed"),
      apdu(1300, "00CB3FFF00", "9000"),
      call(1250, 10, "CardGetProperty()", 2),
      step(1400, "[S] second"),
  };
  const Session s = build_session(ev);
  ASSERT_EQ(s.exchanges.size(), 2u);
  ASSERT_EQ(s.calls.size(), 3u);
  EXPECT_EQ(s.calls[0].depth, 0);
  EXPECT_EQ(s.calls[1].depth, 1);
  EXPECT_EQ(s.exchanges[0].call, 0);
  EXPECT_EQ(s.exchanges[0].step, 0);
  EXPECT_EQ(s.exchanges[1].call, -1);
  EXPECT_EQ(s.exchanges[1].step, 1);
  EXPECT_EQ(s.processes.size(), 2u);
  EXPECT_EQ(s.processes[0], "client (pid 1)");
}

TEST(TraceSession, PowerEventsResetTheSelection) {
  Event power;
  power.kind = Kind::power_on;
  power.card = "card";
  power.t_ns = 150;
  std::vector<Event> ev = {apdu(100, "00A4040009A0000003974254465900", "9000"), power,
                           apdu(200, "0087000004 7C028100", "9000")};
  const Session s = build_session(ev);
  ASSERT_EQ(s.exchanges.size(), 2u);
  EXPECT_EQ(s.exchanges[0].decoded.applet, "GIDS");
  EXPECT_EQ(s.exchanges[1].decoded.applet, "GIDS");  // decided by shape: P2 00 = GIDS admin auth
  EXPECT_EQ(s.exchanges[1].decoded.title, "GENERAL AUTHENTICATE: admin key authentication");
}

}  // namespace
}  // namespace softcard::trace
