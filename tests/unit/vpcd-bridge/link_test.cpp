// Link and Bridge over real loopback TCP (ephemeral ports only): connect mode with vpcd absent,
// appearing, dropping; listen mode with replacement, removal and insertion; graceful stop.
#include "softcard/vpcd/bridge.h"

#include <gtest/gtest.h>

#include "fake_card.h"
#include "peer.h"

using namespace softcard;
using namespace softcard::vpcd;
using namespace softcard::vpcd::testing;

namespace {

// A port that nothing listens on right now (bound, then released).
std::uint16_t free_port() {
  auto fd = listen_loopback(0);
  return local_port(fd.get());
}

LinkOptions connect_to(std::uint16_t port) {
  LinkOptions o;
  o.mode = Mode::connect;
  o.endpoint = {"127.0.0.1", port};
  o.initial_backoff = std::chrono::milliseconds(5);
  o.max_backoff = std::chrono::milliseconds(50);
  o.reconnect_delay = std::chrono::milliseconds(5);
  return o;
}

// What vpcd does on insertion: power on, get ATR.
void power_up(int fd, const Bytes& expected_atr) {
  send_all(fd, from_hex("000101 000104"));
  auto atr = recv_frame(fd);
  ASSERT_TRUE(atr);
  EXPECT_EQ(*atr, expected_atr);
}

Bytes transmit(int fd, const char* apdu_hex) {
  send_all(fd, encode_frame(from_hex(apdu_hex)));
  auto r = recv_frame(fd);
  return r ? *r : Bytes{};
}

}  // namespace

TEST(VpcdLink, ConnectModeWaitsForVpcdThenServes) {
  const auto port = free_port();
  FakeCard card;
  Events<LinkState> states;
  Bridge bridge;
  bridge.add(card, connect_to(port), [&](LinkState s) { states.push(s); });
  bridge.start();
  ASSERT_TRUE(states.wait_for(LinkState::connecting));
  auto vpcd = listen_loopback(port);  // vpcd appears late
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  ASSERT_TRUE(states.wait_for(LinkState::connected));
  power_up(conn.get(), card.atr_value);
  EXPECT_EQ(transmit(conn.get(), "00A4000C023F00"), from_hex("3F009000"));
  bridge.stop();
  bridge.wait();
  EXPECT_TRUE(sees_eof(conn.get()));
  EXPECT_EQ(bridge.link(0).state(), LinkState::stopped);
}

TEST(VpcdLink, ConnectModeReconnectsAfterDropWithoutLosingCommittedState) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Events<LinkState> states;
  Bridge bridge;
  bridge.add(card, connect_to(local_port(vpcd.get())), [&](LinkState s) { states.push(s); });
  bridge.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  power_up(conn.get(), card.atr_value);
  EXPECT_EQ(transmit(conn.get(), "00200081"), from_hex("9000"));
  EXPECT_EQ(transmit(conn.get(), "00E20000"), from_hex("9000"));
  // vpcd drops the link mid-stream: half a frame, then gone.
  send_all(conn.get(), from_hex("0007 00A4"));
  conn.reset();
  ASSERT_TRUE(states.wait_for(LinkState::connecting));
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  ASSERT_TRUE(states.wait_for(LinkState::connected));
  power_up(again.get(), card.atr_value);
  EXPECT_EQ(transmit(again.get(), "00CA000002"), from_hex("00019000"));  // PIN gone, commit kept
  EXPECT_GE(card.power_offs, 1);
  EXPECT_EQ(bridge.link(0).connections(), 2u);
}

TEST(VpcdLink, DropIsSeenByVpcdAndTheLinkComesBack) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Events<LinkState> states;
  Bridge bridge;
  auto& link =
      bridge.add(card, connect_to(local_port(vpcd.get())), [&](LinkState s) { states.push(s); });
  bridge.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(states.wait_for(LinkState::connected));
  link.drop();
  EXPECT_TRUE(sees_eof(conn.get()));
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  power_up(again.get(), card.atr_value);
}

// The vpcd 3.3 wedge (docs/vpcd.md): after a drop the card must stay away for reconnect_delay,
// also across remove/insert, so that vpcd's presence poll sees it gone.
TEST(VpcdLink, StaysAwayForTheReconnectDelayAfterADrop) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Events<LinkState> states;
  Bridge bridge;
  auto options = connect_to(local_port(vpcd.get()));
  options.reconnect_delay = std::chrono::hours(1);
  auto& link = bridge.add(card, options, [&](LinkState s) { states.push(s); });
  bridge.start();
  auto conn = accept_one(vpcd.get());  // the first connection is not delayed
  ASSERT_TRUE(conn);
  ASSERT_TRUE(states.wait_for(LinkState::connected));
  power_up(conn.get(), card.atr_value);
  link.drop();
  EXPECT_TRUE(sees_eof(conn.get()));
  ASSERT_TRUE(states.wait_for(LinkState::connecting));
  // A pending connection would make the listener readable at once.
  EXPECT_FALSE(wait_readable(vpcd.get(), 300));
  link.remove();
  ASSERT_TRUE(states.wait_for(LinkState::removed));
  link.insert();
  ASSERT_TRUE(states.wait_for(LinkState::connecting));
  EXPECT_FALSE(wait_readable(vpcd.get(), 300));
  EXPECT_EQ(link.connections(), 1u);
}

TEST(VpcdLink, AConnectionVpcdNeverTalksOnIsDroppedAndTriedAgain) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Events<LinkState> states;
  Bridge bridge;
  auto options = connect_to(local_port(vpcd.get()));
  options.connection.first_frame_timeout = std::chrono::milliseconds(500);
  auto& link = bridge.add(card, options, [&](LinkState s) { states.push(s); });
  bridge.start();
  auto silent = accept_one(vpcd.get());
  ASSERT_TRUE(silent);
  EXPECT_TRUE(sees_eof(silent.get()));  // nothing sent: the card gives up on this connection
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  power_up(again.get(), card.atr_value);  // a vpcd that talks keeps the link
  EXPECT_EQ(transmit(again.get(), "00A4000C023F00"), from_hex("3F009000"));
  EXPECT_GE(link.connections(), 2u);
}

TEST(VpcdLink, ATornCardStaysOutUntilInserted) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Events<LinkState> states;
  Bridge bridge;
  auto& link =
      bridge.add(card, connect_to(local_port(vpcd.get())), [&](LinkState s) { states.push(s); });
  bridge.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  power_up(conn.get(), card.atr_value);
  card.script({Reply::Kind::tear_power, {}, {}});
  send_all(conn.get(), encode_frame(from_hex("00B00000")));
  EXPECT_TRUE(sees_eof(conn.get()));
  ASSERT_TRUE(states.wait_for(LinkState::removed));
  EXPECT_FALSE(wait_readable(vpcd.get(), 300));  // no reconnect while torn
  link.insert();
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  power_up(again.get(), card.atr_value);
}

TEST(VpcdLink, ADropReplyReconnects) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Bridge bridge;
  bridge.add(card, connect_to(local_port(vpcd.get())));
  bridge.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  power_up(conn.get(), card.atr_value);
  card.script({Reply::Kind::drop_link, {}, {}});
  send_all(conn.get(), encode_frame(from_hex("00B00000")));
  EXPECT_TRUE(sees_eof(conn.get()));
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  power_up(again.get(), card.atr_value);
  EXPECT_EQ(transmit(again.get(), "00A4000C023F00"), from_hex("3F009000"));
}

TEST(VpcdLink, RemoveAndInsertInConnectMode) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Events<LinkState> states;
  Bridge bridge;
  auto& link =
      bridge.add(card, connect_to(local_port(vpcd.get())), [&](LinkState s) { states.push(s); });
  bridge.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(states.wait_for(LinkState::connected));
  link.remove();
  ASSERT_TRUE(states.wait_for(LinkState::removed));
  EXPECT_TRUE(sees_eof(conn.get()));
  link.insert();
  auto again = accept_one(vpcd.get());
  ASSERT_TRUE(again);
  ASSERT_TRUE(states.wait_for(LinkState::connected));
  power_up(again.get(), card.atr_value);
}

TEST(VpcdLink, ListenModeServesReplacesRemovesInserts) {
  FakeCard card;
  Events<LinkState> states;
  Bridge bridge;
  LinkOptions o;
  o.mode = Mode::listen;
  o.endpoint = {"127.0.0.1", 0};
  auto& link = bridge.add(card, o, [&](LinkState s) { states.push(s); });
  const auto port = link.endpoint().port;
  ASSERT_NE(port, 0);
  bridge.start();
  ASSERT_TRUE(states.wait_for(LinkState::listening));
  auto first = connect_loopback(port);
  ASSERT_TRUE(first);
  power_up(first.get(), card.atr_value);
  // A newer connection (vpcd restarted, old one half-open) replaces the older.
  auto second = connect_loopback(port);
  ASSERT_TRUE(second);
  EXPECT_TRUE(sees_eof(first.get()));
  power_up(second.get(), card.atr_value);
  link.remove();
  ASSERT_TRUE(states.wait_for(LinkState::removed));
  EXPECT_TRUE(sees_eof(second.get()));
  EXPECT_FALSE(connect_loopback(port));  // nothing listens: vpcd sees no card
  link.insert();
  ASSERT_TRUE(states.wait_for(LinkState::listening));
  auto third = connect_loopback(port);
  ASSERT_TRUE(third);
  power_up(third.get(), card.atr_value);
}

TEST(VpcdLink, ListenOnATakenPortThrowsToTheCaller) {
  auto taken = listen_loopback(0);
  FakeCard card;
  Bridge bridge;
  LinkOptions o;
  o.mode = Mode::listen;
  o.endpoint = {"127.0.0.1", local_port(taken.get())};
  // SO_REUSEADDR does not allow two listeners on one port.
  EXPECT_THROW(bridge.add(card, o), boost::system::system_error);
}

TEST(VpcdBridge, SeveralCardsOnePerPort) {
  FakeCard a, b, c;
  a.atr_value = from_hex("3B01AA");
  b.atr_value = from_hex("3B01BB");
  c.atr_value = from_hex("3B01CC");
  auto va = listen_loopback(0), vb = listen_loopback(0), vc = listen_loopback(0);
  Bridge bridge;
  bridge.add(a, connect_to(local_port(va.get())));
  bridge.add(b, connect_to(local_port(vb.get())));
  bridge.add(c, connect_to(local_port(vc.get())));
  bridge.start();
  auto ca = accept_one(va.get()), cb = accept_one(vb.get()), cc = accept_one(vc.get());
  power_up(cb.get(), b.atr_value);
  power_up(ca.get(), a.atr_value);
  power_up(cc.get(), c.atr_value);
  EXPECT_EQ(transmit(ca.get(), "00E20000"), from_hex("9000"));
  EXPECT_EQ(a.committed, 1);
  EXPECT_EQ(b.committed, 0);
}

TEST(VpcdBridge, StopFinishesTheReplyInFlight) {
  struct SlowCard : FakeCard {
    std::promise<void> entered;
    std::shared_future<void> release;
    Bytes transmit(ByteView c) override {
      entered.set_value();
      release.wait();
      return FakeCard::transmit(c);
    }
  };
  SlowCard card;
  std::promise<void> release;
  card.release = release.get_future().share();
  auto vpcd = listen_loopback(0);
  Bridge bridge;
  bridge.add(card, connect_to(local_port(vpcd.get())));
  bridge.start();
  auto conn = accept_one(vpcd.get());
  send_all(conn.get(), encode_frame(from_hex("00E20000")));
  ASSERT_EQ(card.entered.get_future().wait_for(std::chrono::milliseconds(generous_ms)),
            std::future_status::ready);
  bridge.stop();  // while the APDU is inside the card
  release.set_value();
  auto r = recv_frame(conn.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, from_hex("9000"));  // the reply still went out
  EXPECT_TRUE(sees_eof(conn.get()));
  bridge.wait();
  EXPECT_EQ(card.committed, 1);
}

TEST(VpcdBridge, StopsOnSignal) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Bridge bridge;
  bridge.add(card, connect_to(local_port(vpcd.get())));
  bridge.stop_on_signals({SIGUSR2});
  bridge.start();
  auto conn = accept_one(vpcd.get());
  ASSERT_TRUE(conn);
  ::raise(SIGUSR2);
  bridge.wait();
  EXPECT_EQ(bridge.stop_signal(), SIGUSR2);
  EXPECT_TRUE(sees_eof(conn.get()));
}

TEST(VpcdBridge, OnSignalRunsTheActionEveryTime) {
  FakeCard card;
  auto vpcd = listen_loopback(0);
  Bridge bridge;
  auto& link = bridge.add(card, connect_to(local_port(vpcd.get())));
  Events<int> fired;
  int count = 0;
  bridge.on_signal(SIGUSR1, [&] {
    fired.push(++count);
    link.drop();
  });
  bridge.start();
  auto first = accept_one(vpcd.get());
  ASSERT_TRUE(first);
  ::raise(SIGUSR1);
  ASSERT_TRUE(fired.wait_for(1));
  EXPECT_TRUE(sees_eof(first.get()));
  auto second = accept_one(vpcd.get());  // the dropped link came back
  ASSERT_TRUE(second);
  ::raise(SIGUSR1);
  ASSERT_TRUE(fired.wait_for(2));
  EXPECT_TRUE(sees_eof(second.get()));
  bridge.stop();
  bridge.wait();
}
