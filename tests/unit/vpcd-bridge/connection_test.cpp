// The byte-moving core over a socketpair, with injected failures.
#include "softcard/vpcd/connection.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <future>
#include <thread>

#include "fake_card.h"
#include "peer.h"

using namespace softcard;
using namespace softcard::vpcd;
using namespace softcard::vpcd::testing;
namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

namespace {

struct Harness {
  FakeCard card;
  asio::io_context io;
  Fd peer;
  std::promise<std::error_code> closed;
  std::shared_ptr<Connection<Local::socket>> connection;
  std::thread thread;
  Connection<Local::socket>::Strand strand{
      asio::make_strand(asio::any_io_executor(io.get_executor()))};
  std::vector<std::string> logs;
  std::mutex log_mutex;

  explicit Harness(ConnectionOptions options = {}) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) throw std::runtime_error("socketpair");
    peer = Fd(fds[0]);
    Local::socket socket(strand, Local(), fds[1]);
    connection = std::make_shared<Connection<Local::socket>>(
        std::move(socket), strand, card, options,
        [this](LogLevel, std::string_view m) {
          std::lock_guard lock(log_mutex);
          logs.emplace_back(m);
        },
        [this](std::error_code ec) { closed.set_value(ec); });
    asio::post(strand, [c = connection] { c->start(); });
    thread = std::thread([this] { io.run(); });
  }
  ~Harness() {
    peer.reset();
    thread.join();
  }
  void send(const char* hex) { send_all(peer.get(), from_hex(hex)); }
  std::optional<Bytes> reply() { return recv_frame(peer.get()); }
  std::optional<std::error_code> wait_closed() {
    auto f = closed.get_future();
    if (f.wait_for(std::chrono::milliseconds(generous_ms)) != std::future_status::ready)
      return std::nullopt;
    return f.get();
  }
};

}  // namespace

TEST(VpcdConnection, PowerOnAndGetAtrCoalesced) {
  Harness h;
  h.send("000101 000104");
  auto atr = h.reply();
  ASSERT_TRUE(atr);
  EXPECT_EQ(*atr, h.card.atr_value);
  EXPECT_EQ(h.card.power_ons, 1);
}

TEST(VpcdConnection, ApduSplitByteByByte) {
  Harness h;
  for (auto b : from_hex("0009 00A4000C023F00 AABB")) send_all(h.peer.get(), ByteView(&b, 1));
  auto r = h.reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, from_hex("3F00AABB9000"));
}

TEST(VpcdConnection, TwoApdusInOneSegmentGetTwoReplies) {
  Harness h;
  h.send("0006 00CA000001AA 0006 00CA000001BB");
  auto r1 = h.reply();
  auto r2 = h.reply();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(*r1, from_hex("00009000"));
  EXPECT_EQ(*r2, from_hex("00009000"));
  EXPECT_EQ(h.card.apdus, 2);
}

TEST(VpcdConnection, ResetAndPowerOffClearVolatileState) {
  Harness h;
  h.send("000101 0004 00200081");
  ASSERT_EQ(*h.reply(), from_hex("9000"));
  h.send("0004 00E20000");  // commit something persistent
  ASSERT_EQ(*h.reply(), from_hex("9000"));
  h.send("0005 00CA000002");
  EXPECT_EQ(*h.reply(), from_hex("01019000"));
  h.send("000102 000104");
  ASSERT_TRUE(h.reply());
  h.send("0005 00CA000002");
  EXPECT_EQ(*h.reply(), from_hex("00019000"));  // verified gone, committed kept
  EXPECT_EQ(h.card.resets, 1);
}

TEST(VpcdConnection, CardExceptionAnswers6F00AndKeepsTheLink) {
  Harness h;
  h.card.throw_on_transmit = true;
  h.send("0004 00B00000");
  EXPECT_EQ(*h.reply(), from_hex("6F00"));
  h.card.throw_on_transmit = false;
  h.send("0004 00B00000");
  EXPECT_EQ(*h.reply(), from_hex("9000"));
  std::lock_guard lock(h.log_mutex);
  ASSERT_FALSE(h.logs.empty());  // the failure was reported, not swallowed
}

TEST(VpcdConnection, UnknownControlIsIgnoredAndReported) {
  Harness h;
  h.send("000177 000104");
  EXPECT_EQ(*h.reply(), h.card.atr_value);
  std::lock_guard lock(h.log_mutex);
  ASSERT_EQ(h.logs.size(), 1u);
  EXPECT_NE(h.logs[0].find("unknown vpcd control"), std::string::npos);
}

TEST(VpcdConnection, ZeroLengthFrameClosesWithProtocolError) {
  Harness h;
  h.send("0000");
  auto why = h.wait_closed();
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, make_error_code(LinkError::protocol));
  EXPECT_TRUE(sees_eof(h.peer.get()));
  EXPECT_EQ(h.card.power_offs, 1);
}

TEST(VpcdConnection, AtrFailureDropsTheLink) {
  Harness h;
  h.card.throw_on_atr = true;
  h.send("000104");
  auto why = h.wait_closed();
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, make_error_code(LinkError::card_failure));
}

TEST(VpcdConnection, PeerCloseMidFrameIsACleanCloseAndPowersOff) {
  Harness h;
  h.send("000101 0007 00A4");  // power on, then half an APDU
  ::shutdown(h.peer.get(), SHUT_WR);
  auto why = h.wait_closed();
  ASSERT_TRUE(why);
  EXPECT_FALSE(*why);
  EXPECT_EQ(h.card.apdus, 0);
  EXPECT_EQ(h.card.power_offs, 1);
  EXPECT_FALSE(h.card.powered);
}

TEST(VpcdConnection, OversizeReplyBecomes6700) {
  struct BigCard : FakeCard {
    Bytes transmit(ByteView) override { return Bytes(max_payload + 1, 0x90); }
  };
  // Swap the card's behaviour through a dedicated harness-less setup.
  asio::io_context io;
  BigCard card;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Fd peer(fds[0]);
  auto strand = asio::make_strand(asio::any_io_executor(io.get_executor()));
  auto c = std::make_shared<Connection<Local::socket>>(
      Local::socket(strand, Local(), fds[1]), strand, card, ConnectionOptions{}, LogFn{}, nullptr);
  asio::post(strand, [c] { c->start(); });
  std::thread t([&] { io.run(); });
  send_all(peer.get(), from_hex("0004 00B00000"));
  auto r = recv_frame(peer.get());
  peer.reset();
  t.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, from_hex("6700"));
}

TEST(VpcdConnection, FinishWhileIdleClosesAndPowersOff) {
  Harness h;
  h.send("000101 000104");
  ASSERT_TRUE(h.reply());
  asio::post(h.strand, [&] { h.connection->finish(); });
  auto why = h.wait_closed();
  ASSERT_TRUE(why);
  EXPECT_FALSE(*why);
  EXPECT_TRUE(sees_eof(h.peer.get()));
  EXPECT_FALSE(h.card.powered);
}

// Replies from a fault harness (harness/): the connection acts them out on the wire.
TEST(VpcdConnection, DropReplyCutsTheLinkWithoutAnswering) {
  Harness h;
  h.send("000101");
  h.card.script({Reply::Kind::drop_link, {}, {}});
  h.send("0004 00B00000");
  EXPECT_TRUE(sees_eof(h.peer.get()));
  auto why = h.wait_closed();
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, make_error_code(LinkError::fault_drop));
  EXPECT_FALSE(h.card.powered);  // a cut link is a card without power
}

TEST(VpcdConnection, TearReplyCutsTheLinkAsATear) {
  Harness h;
  h.send("000101");
  h.card.script({Reply::Kind::tear_power, {}, {}});
  h.send("0004 00B00000");
  EXPECT_TRUE(sees_eof(h.peer.get()));
  auto why = h.wait_closed();
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, make_error_code(LinkError::fault_tear));
}

TEST(VpcdConnection, RepliesBeforeADropInTheSameReadAreLostWithTheLink) {
  Harness h;
  h.card.script({Reply::Kind::drop_link, {}, {}});
  h.send("0006 00CA000001AA");  // dropped
  EXPECT_TRUE(sees_eof(h.peer.get()));
  EXPECT_EQ(h.card.apdus, 1);
}

TEST(VpcdConnection, DelayedReplyArrivesIntactAndAGracefulFinishWaitsForIt) {
  Harness h;
  h.card.script({Reply::Kind::bytes, from_hex("AB9000"), std::chrono::milliseconds(50)});
  h.send("0004 00B00000");
  // Once the card has the APDU, the strand is in (or past) the handler that arms the delay.
  for (int i = 0; i < generous_ms && h.card.apdus == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  asio::post(h.strand, [c = h.connection] { c->finish(); });  // while the reply waits
  auto r = h.reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, from_hex("AB9000"));
  EXPECT_TRUE(sees_eof(h.peer.get()));
}
