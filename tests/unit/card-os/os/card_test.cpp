#include "softcard/card.h"

#include <gtest/gtest.h>

#include <functional>

#include "softcard/errors.h"

namespace softcard {
namespace {

class CountingRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_ = 1;
};

// A scriptable applet: the test decides what each command does.
class FakeApplet final : public Applet {
 public:
  FakeApplet(std::string name, Bytes aid) : name_(std::move(name)), aid_(std::move(aid)) {}
  std::string_view name() const override { return name_; }
  const Bytes& aid() const override { return aid_; }
  Response select(const Command&, CardContext& ctx) override {
    ++selects;
    if (on_select) on_select(ctx);
    return select_answer;
  }
  Response process(const Command& cmd, CardContext& ctx) override {
    commands.push_back(cmd);
    return handler ? handler(cmd, ctx) : Response(Sw::ok);
  }
  void clear_volatile() override { ++clears; }

  std::function<Response(const Command&, CardContext&)> handler;
  std::function<void(CardContext&)> on_select;
  Response select_answer{from_hex("6F00"), Sw::ok};
  std::vector<Command> commands;
  int selects = 0;
  int clears = 0;

 private:
  std::string name_;
  Bytes aid_;
};

struct CardTest : ::testing::Test {
  CountingRng rng;
  MemoryStore* backend = nullptr;
  FakeApplet* a = nullptr;
  FakeApplet* b = nullptr;
  std::vector<TraceEvent> trace;
  std::unique_ptr<Card> card;

  void SetUp() override {
    auto store = std::make_unique<MemoryStore>();
    backend = store.get();
    CardOptions o;
    o.rng = &rng;
    o.trace = [this](const TraceEvent& ev) { trace.push_back(ev); };
    card = std::make_unique<Card>(std::move(store), o);
    auto fa = std::make_unique<FakeApplet>("a", from_hex("A0000001110101"));
    auto fb = std::make_unique<FakeApplet>("b", from_hex("A0000002220202"));
    a = fa.get();
    b = fb.get();
    card->install(std::move(fa));
    card->install(std::move(fb));
    card->power_on();
  }

  std::string tx(std::string_view hex) { return to_hex(card->transmit(from_hex(hex))); }
};

TEST_F(CardTest, DefaultAppletIsSelectedAtPowerOn) {
  EXPECT_EQ(card->selected_applet(), a);
  EXPECT_EQ(tx("00 CA 00 00 00"), "9000");
  EXPECT_EQ(a->commands.size(), 1u);
}

TEST_F(CardTest, HasDefaultAtrWithT1AndHistoricalBytes) {
  const Bytes& atr = card->atr();
  ASSERT_GE(atr.size(), 4u);
  EXPECT_EQ(atr[0], 0x3B);
  EXPECT_EQ(atr[2] & 0x0F, 0x01);  // TD1 says T=1
  std::uint8_t x = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  EXPECT_EQ(x, 0) << "TCK must make the XOR of T0..TCK zero";
}

TEST_F(CardTest, SelectByFullAndPartialAid) {
  EXPECT_EQ(tx("00 A4 04 00 07 A0000002220202 00"), "6f009000");
  EXPECT_EQ(card->selected_applet(), b);
  EXPECT_EQ(tx("00 A4 04 00 05 A000000111 00"), "6f009000");  // partial AID
  EXPECT_EQ(card->selected_applet(), a);
}

TEST_F(CardTest, UnknownAidGoesToCurrentAppletAndKeepsSelection) {
  tx("00 A4 04 00 07 A0000002220202");
  b->handler = [](const Command&, CardContext&) { return Response(Sw::file_not_found); };
  EXPECT_EQ(tx("00 A4 04 00 05 A000000308"), "6a82");
  EXPECT_EQ(card->selected_applet(), b);
}

TEST_F(CardTest, FailedAppletSelectKeepsPreviousSelection) {
  b->select_answer = Response(Sw::conditions_not_satisfied);
  EXPECT_EQ(tx("00 A4 04 00 07 A0000002220202"), "6985");
  EXPECT_EQ(card->selected_applet(), a);
}

TEST_F(CardTest, ClaChecks) {
  EXPECT_EQ(tx("FF CA 00 00 00"), "6e00");
  EXPECT_EQ(tx("01 CA 00 00 00"), "6881");
  EXPECT_EQ(tx("0C CA 00 00 00"), "6882");
  EXPECT_EQ(tx("00 CA"), "6700");
  EXPECT_TRUE(a->commands.empty());
}

TEST_F(CardTest, CommandChainingIsReassembled) {
  EXPECT_EQ(tx("10 DB 3F FF 02 0102"), "9000");
  EXPECT_EQ(tx("10 DB 3F FF 02 0304"), "9000");
  EXPECT_TRUE(a->commands.empty());
  EXPECT_EQ(tx("00 DB 3F FF 01 05"), "9000");
  ASSERT_EQ(a->commands.size(), 1u);
  EXPECT_EQ(a->commands[0].data, from_hex("0102030405"));
  EXPECT_EQ(a->commands[0].cla, 0x00);
}

TEST_F(CardTest, ProprietaryClassChainsToo) {
  EXPECT_EQ(tx("90 52 01 00 02 0102"), "9000");
  EXPECT_EQ(tx("80 52 01 00 01 03"), "9000");
  ASSERT_EQ(a->commands.size(), 1u);
  EXPECT_EQ(a->commands[0].cla, 0x80);
  EXPECT_EQ(a->commands[0].data, from_hex("010203"));
}

TEST_F(CardTest, ChainWithDifferentCommandIsRejected) {
  EXPECT_EQ(tx("10 DB 3F FF 02 0102"), "9000");
  EXPECT_EQ(tx("10 DB A0 10 02 0304"), "6883");
  EXPECT_TRUE(a->commands.empty());
}

TEST_F(CardTest, LongResponseUsesGetResponse) {
  Bytes big(600);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  a->handler = [&](const Command&, CardContext&) { return Response(big); };
  Bytes got = card->transmit(from_hex("00 CB 3F FF 02 5C00 00"));
  ASSERT_EQ(got.size(), 258u);
  EXPECT_EQ(got[256], 0x61);
  EXPECT_EQ(got[257], 0x00);  // 344 left: 256 or more
  Bytes all(got.begin(), got.end() - 2);
  got = card->transmit(from_hex("00 C0 00 00 00"));
  ASSERT_EQ(got.size(), 258u);
  EXPECT_EQ(got[256], 0x61);
  EXPECT_EQ(got[257], 88);  // 600 - 512
  all.insert(all.end(), got.begin(), got.end() - 2);
  got = card->transmit(from_hex("00 C0 00 00 58"));
  ASSERT_EQ(got.size(), 90u);
  EXPECT_EQ(got[88], 0x90);
  all.insert(all.end(), got.begin(), got.end() - 2);
  EXPECT_EQ(all, big);
  EXPECT_EQ(tx("00 C0 00 00 00"), "6985");  // nothing pending any more
}

TEST_F(CardTest, AnyOtherCommandDropsPendingResponse) {
  a->handler = [](const Command& c, CardContext&) {
    return c.ins == 0xCB ? Response(Bytes(300, 7)) : Response(Sw::ok);
  };
  tx("00 CB 3F FF 02 5C00 00");
  EXPECT_EQ(tx("00 20 00 80"), "9000");
  EXPECT_EQ(tx("00 C0 00 00 00"), "6985");
}

TEST_F(CardTest, ShortCase2WithTooSmallLeGets6Cxx) {
  a->handler = [](const Command&, CardContext&) { return Response(Bytes(20, 1)); };
  EXPECT_EQ(tx("00 B0 00 00 10"), "6c14");
  EXPECT_EQ(tx("00 B0 00 00 14"), to_hex(Bytes(20, 1)) + "9000");
}

TEST_F(CardTest, SuccessCommitsErrorRollsBack) {
  a->handler = [](const Command& c, CardContext& ctx) {
    ctx.store().put("obj", {c.p1});
    return c.p2 == 0 ? Response(Sw::ok) : Response(Sw::wrong_data);
  };
  EXPECT_EQ(tx("00 DA 01 00"), "9000");
  EXPECT_EQ(backend->objects().at("obj"), Bytes{1});
  EXPECT_EQ(tx("00 DA 02 01"), "6a80");
  EXPECT_EQ(backend->objects().at("obj"), Bytes{1});
  EXPECT_EQ(*card->store().get("obj"), Bytes{1});
}

TEST_F(CardTest, CardErrorAndExceptionsRollBack) {
  a->handler = [](const Command& c, CardContext& ctx) -> Response {
    ctx.store().put("obj", {9});
    if (c.p1 == 1) throw CardError(Sw::security_not_satisfied);
    throw std::runtime_error("boom");
  };
  EXPECT_EQ(tx("00 DA 01 00"), "6982");
  EXPECT_EQ(tx("00 DA 02 00"), "6f00");
  EXPECT_EQ(card->store().get("obj"), nullptr);
  EXPECT_TRUE(backend->objects().empty());
}

TEST_F(CardTest, PersistNowPersistsBeforeTheRestOfTheCommand) {
  a->handler = [](const Command&, CardContext& ctx) {
    ctx.store().put("counter", {2});
    ctx.persist_now("counter");
    ctx.store().put("other", {1});
    return Response(sw_retries(2));  // a failed verification: the rest rolls back
  };
  EXPECT_EQ(tx("00 20 00 80 04 31323334"), "63c2");
  EXPECT_EQ(backend->objects().at("counter"), Bytes{2});
  EXPECT_EQ(backend->durable_apply_count(), 1u);  // the counter commit is flushed to disk
  EXPECT_EQ(backend->objects().count("other"), 0u);
}

TEST_F(CardTest, PersistNowWritesOnlyThatRecord) {
  // A write made BEFORE the counter is persisted stays in the command's transaction: the
  // failed comparison keeps the counter and rolls the other write back.
  a->handler = [](const Command&, CardContext& ctx) {
    ctx.store().put("other", {1});
    ctx.store().put("counter", {2});
    ctx.persist_now("counter");
    return Response(sw_retries(2));
  };
  EXPECT_EQ(tx("00 20 00 80 04 31323334"), "63c2");
  EXPECT_EQ(backend->objects().at("counter"), Bytes{2});
  EXPECT_EQ(backend->last_keys(), std::vector<std::string>{"counter"});
  EXPECT_EQ(backend->objects().count("other"), 0u);
  EXPECT_EQ(card->store().get("other"), nullptr);
}

TEST_F(CardTest, PersistNowFailureAnswersMemoryFailure) {
  bool compared = false;
  a->handler = [&](const Command&, CardContext& ctx) {
    ctx.store().put("counter", {2});
    ctx.persist_now("counter");
    compared = true;  // never reached: no comparison without a committed counter
    return Response(Sw::ok);
  };
  backend->set_failing_durable(true);
  EXPECT_EQ(tx("00 20 00 80 04 31323334"), "6581");
  EXPECT_FALSE(compared);
  EXPECT_EQ(card->store().get("counter"), nullptr);
  EXPECT_EQ(backend->objects().count("counter"), 0u);
}

TEST_F(CardTest, StoreFailureGivesMemoryFailureAndNoChange) {
  a->handler = [](const Command&, CardContext& ctx) {
    ctx.store().put("obj", {1});
    return Response(Sw::ok);
  };
  backend->set_failing(true);
  EXPECT_EQ(tx("00 DA 00 00"), "6581");
  backend->set_failing(false);
  EXPECT_EQ(card->store().get("obj"), nullptr);
}

TEST_F(CardTest, PowerOffAndResetClearVolatileState) {
  const int before = a->clears;
  card->reset();
  EXPECT_GT(a->clears, before);
  card->power_off();
  EXPECT_FALSE(card->powered());
  EXPECT_EQ(card->selected_applet(), nullptr);
  EXPECT_EQ(tx("00 CA 00 00 00"), "9000");  // implicitly powered again
  EXPECT_TRUE(card->powered());
}

TEST_F(CardTest, TraceRedactsSecrets) {
  tx("00 20 00 80 04 31323334");
  ASSERT_FALSE(trace.empty());
  const TraceEvent& ev = trace.back();
  EXPECT_TRUE(ev.redacted);
  EXPECT_EQ(to_hex(ev.command), "002000800400000000");
  EXPECT_EQ(ev.name, "VERIFY");
}

TEST_F(CardTest, TerminatedCardRefusesCommands) {
  card->store().put(keys::life_cycle, {static_cast<std::uint8_t>(LifeCycle::terminated)});
  card->store().commit();
  EXPECT_EQ(tx("00 CA 00 00 00"), "6a81");
}

TEST_F(CardTest, OneCryptoProviderPerCardFedByTheCardRng) {
  std::vector<const CryptoProvider*> seen;
  Bytes drawn(4);
  auto record = [&](const Command&, CardContext& ctx) {
    seen.push_back(&ctx.crypto());
    ctx.crypto().random(drawn);
    return Response(Sw::ok);
  };
  a->handler = record;
  b->handler = record;
  tx("00 CA 00 00 00");
  tx("00 CA 00 00 00");
  ASSERT_EQ(tx("00 A4 04 00 07 A0000002220202"), "6f009000");
  tx("00 CA 00 00 00");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_EQ(seen[0], seen[2]);
  // CountingRng hands out consecutive bytes: the provider passed them through.
  EXPECT_EQ(drawn[1], static_cast<std::uint8_t>(drawn[0] + 1));
  EXPECT_EQ(drawn[3], static_cast<std::uint8_t>(drawn[0] + 3));
}

TEST_F(CardTest, SelectIsOneTransactionLikeEveryCommand) {
  b->on_select = [](CardContext& ctx) { ctx.store().put("b/selected", {1}); };
  b->select_answer = Response(Sw::conditions_not_satisfied);
  EXPECT_EQ(tx("00 A4 04 00 07 A0000002220202"), "6985");
  EXPECT_EQ(card->selected_applet(), a);
  EXPECT_EQ(card->store().get("b/selected"), nullptr);
  EXPECT_EQ(backend->objects().count("b/selected"), 0u);

  b->on_select = [](CardContext& ctx) {
    ctx.store().put("b/selected", {1});
    throw std::runtime_error("boom");
  };
  EXPECT_EQ(tx("00 A4 04 00 07 A0000002220202"), "6f00");
  EXPECT_EQ(card->selected_applet(), a);
  EXPECT_EQ(backend->objects().count("b/selected"), 0u);

  b->on_select = [](CardContext& ctx) { ctx.store().put("b/selected", {1}); };
  b->select_answer = Response(from_hex("6F00"), Sw::ok);
  EXPECT_EQ(tx("00 A4 04 00 07 A0000002220202"), "6f009000");
  EXPECT_EQ(card->selected_applet(), b);
  EXPECT_EQ(backend->objects().count("b/selected"), 1u);
}

}  // namespace
}  // namespace softcard
