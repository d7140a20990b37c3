// A FaultyCard served through the bridge (the one serving path) to a fake vpcd on loopback:
// fired faults are acted out on the wire.
#include "softcard/harness/served_card.h"

#include <gtest/gtest.h>

#include "peer.h"
#include "test_card.h"

using namespace softcard;
using namespace softcard::harness;
using namespace softcard::vpcd::testing;
using softcard::harness::testing::TestCard;

namespace {

constexpr std::chrono::milliseconds generous{generous_ms};

ServeOptions to(int listener) {
  ServeOptions o;
  o.port = local_port(listener);
  o.initial_backoff = std::chrono::milliseconds(5);
  o.reconnect_delay = std::chrono::milliseconds(5);
  return o;
}

Bytes exchange(int fd, const char* hex) {
  send_all(fd, vpcd::encode_frame(from_hex(hex)));
  auto r = recv_frame(fd);
  return r ? *r : Bytes{};
}

void power_up(int fd) {
  send_all(fd, from_hex("000101 000104"));
  ASSERT_TRUE(recv_frame(fd));
}

Rule on_ins(Action action, std::uint8_t ins) {
  Rule r;
  r.action = action;
  r.match.mask = {0x00, 0xFF};
  r.match.value = {0x00, ins};
  return r;
}

}  // namespace

TEST(HarnessServedCard, AnswersThroughTheRules) {
  TestCard t;
  FaultyCard f(*t.card);
  auto rule = on_ins(Action::answer_sw, 0xCA);
  rule.sw = 0x6A82;
  f.add_rule(rule);
  auto vpcd = listen_loopback(0);
  ServedCard served(f, to(vpcd.get()));
  served.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  ASSERT_TRUE(served.wait_for(ServeState::connected, generous));
  power_up(conn.get());
  EXPECT_EQ(exchange(conn.get(), "00CA0000"), from_hex("6A82"));
  EXPECT_EQ(exchange(conn.get(), "00CA0000"), from_hex("009000"));
  EXPECT_EQ(served.apdus(), 2u);
}

TEST(HarnessServedCard, DropLinkCutsTheConnectionAndTheCardComesBack) {
  TestCard t;
  FaultyCard f(*t.card);
  f.add_rule(on_ins(Action::drop_link, 0xE2));
  auto vpcd = listen_loopback(0);
  ServedCard served(f, to(vpcd.get()));
  served.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  power_up(conn.get());
  send_all(conn.get(), vpcd::encode_frame(from_hex("00E20000")));
  EXPECT_TRUE(sees_eof(conn.get()));  // no answer, the link is gone
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  ASSERT_TRUE(served.wait_connections(2, generous));
  power_up(again.get());
  EXPECT_EQ(exchange(again.get(), "00CA0000"), from_hex("009000"));  // never committed
}

TEST(HarnessServedCard, TornCardStaysOutUntilInserted) {
  TestCard t;
  FaultyCard f(*t.card);
  f.add_rule(on_ins(Action::tear_after, 0xE2));
  auto vpcd = listen_loopback(0);
  ServedCard served(f, to(vpcd.get()));
  served.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  power_up(conn.get());
  send_all(conn.get(), vpcd::encode_frame(from_hex("00E20000")));
  EXPECT_TRUE(sees_eof(conn.get()));
  ASSERT_TRUE(served.wait_for(ServeState::removed, generous));
  EXPECT_FALSE(wait_readable(vpcd.get(), 300));
  served.insert();
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  power_up(again.get());
  EXPECT_EQ(exchange(again.get(), "00CA0000"), from_hex("019000"));  // committed before the tear
}

TEST(HarnessServedCard, DelayedAnswerArrivesIntact) {
  TestCard t;
  FaultyCard f(*t.card);
  auto rule = on_ins(Action::delay, 0xCA);
  rule.delay = std::chrono::milliseconds(30);
  f.add_rule(rule);
  auto vpcd = listen_loopback(0);
  ServedCard served(f, to(vpcd.get()));
  served.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  power_up(conn.get());
  EXPECT_EQ(exchange(conn.get(), "00CA0000"), from_hex("009000"));
  served.stop();
  EXPECT_EQ(served.state(), ServeState::stopped);
  EXPECT_TRUE(sees_eof(conn.get()));
}
