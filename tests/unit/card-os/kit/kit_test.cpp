#include "softcard/applet_kit.h"

#include <gtest/gtest.h>

#include <functional>

#include "softcard/card.h"
#include "softcard/errors.h"

namespace softcard {
namespace {

// An applet built only from the public kit, as a foreign front-end builds one.
class KitApplet final : public Applet {
 public:
  KitApplet()
      : prefix_(kit::applet_prefix("vendor")), pins_(prefix_ + "pin/"), keys_(prefix_ + "key/") {}
  std::string_view name() const override { return "vendor"; }
  const Bytes& aid() const override { return aid_; }
  Response select(const Command&, CardContext&) override { return Sw::ok; }
  Response process(const Command& cmd, CardContext& ctx) override {
    kit::ScopedStore store(ctx.store(), prefix_);
    switch (cmd.ins) {
      case 0x01:  // write P1 into "a" and "b", then answer P2's status word
        store.put("a", {cmd.p1});
        store.put("b", {cmd.p1});
        return cmd.p2 ? make_sw(0x6A, cmd.p2) : Sw::ok;
      case 0x02:  // write, then fail with an exception
        store.put("a", {0xEE});
        throw std::runtime_error("applet bug");
      case 0x20:
      case 0x21:  // the same under a proprietary class, marked secret by the applet
        return pins_.verify(ctx, 0x81, cmd.data);
      case 0x46:
        return keys_.generate(ctx, "k", kit::KeySpec{});
      case 0x2A:
        if (!pins_.verified(0x81)) return Sw::security_not_satisfied;
        return keys_.sign(ctx, cmd.p1 ? "missing" : "k",
                          cmd.p2 ? kit::SignScheme::rsa_pkcs1 : kit::SignScheme::ecdsa, cmd.data);
      default:
        return Sw::ins_not_supported;
    }
  }
  void clear_volatile() override { pins_.clear(); }
  bool secret_data(const Command& cmd) const override { return cmd.ins == 0x21; }
  AppletInspection inspect(const ObjectStore& store) const override {
    AppletInspection out;
    out.pins = pins_.inspect(store);
    return out;
  }
  void personalize(ObjectStore& store) const {
    pins_.install(store, kit::PinPolicy{}, from_hex("31323334"));
  }

 private:
  Bytes aid_ = from_hex("F0000000AA");
  std::string prefix_;
  kit::PinSet pins_;
  kit::KeyStore keys_;
};

class KitTest : public ::testing::Test {
 protected:
  KitTest() {
    auto mem = std::make_unique<MemoryStore>();
    memory = mem.get();
    CardOptions o;
    o.rng = &rng;
    card = std::make_unique<Card>(std::move(mem), o);
    auto a = std::make_unique<KitApplet>();
    applet = a.get();
    applet->personalize(card->store());
    card->store().commit();
    card->install(std::move(a));
    EXPECT_EQ(tx("00A4040005F0000000AA"), "9000");
  }
  // Lower-case hex of the R-APDU.
  std::string tx(const std::string& hex) { return to_hex(card->transmit(from_hex(hex))); }

  OpenSslRng rng;
  MemoryStore* memory = nullptr;
  std::unique_ptr<Card> card;
  KitApplet* applet = nullptr;
};

TEST_F(KitTest, WritesLiveUnderThePrefixAndCommitWithSuccess) {
  EXPECT_EQ(tx("0001070000"), "9000");
  EXPECT_EQ(memory->objects().at("ext/vendor/a"), Bytes{0x07});
  EXPECT_EQ(memory->objects().at("ext/vendor/b"), Bytes{0x07});
}

TEST_F(KitTest, AnErrorStatusOrAnExceptionRollsBackEveryWrite) {
  EXPECT_EQ(tx("0001070000"), "9000");
  EXPECT_EQ(tx("0001098200"), "6a82");
  EXPECT_EQ(tx("0002000000"), "6f00");
  EXPECT_EQ(memory->objects().at("ext/vendor/a"), Bytes{0x07});
  EXPECT_EQ(memory->objects().at("ext/vendor/b"), Bytes{0x07});
}

TEST_F(KitTest, AWrongPinSpendsADurableTryThoughTheCommandRollsBack) {
  const auto durable = memory->durable_apply_count();
  EXPECT_EQ(tx("002000810439393939"), "63c2");
  EXPECT_EQ(memory->durable_apply_count(), durable + 1);
  card->power_off();
  EXPECT_EQ(applet->inspect(card->store()).pins.at(0).tries_left, 2u);
  EXPECT_EQ(tx("00A4040005F0000000AA"), "9000");
  EXPECT_EQ(tx("002000810431323334"), "9000");
  EXPECT_EQ(applet->inspect(card->store()).pins.at(0).tries_left, 3u);
  EXPECT_EQ(tx("0020008102"
               "3132"),
            "6a80");  // too short: no try spent
  EXPECT_EQ(applet->inspect(card->store()).pins.at(0).tries_left, 3u);
}

TEST_F(KitTest, KeysStaySecretRecordsAndSignAfterVerify) {
  const std::string spki = tx("0046000000");
  ASSERT_EQ(spki.substr(spki.size() - 4), "9000");
  EXPECT_TRUE(memory->secret_keys().count("ext/vendor/key/k"));
  const std::string hash(64, 'A');
  EXPECT_EQ(tx("002A000020" + hash), "6982");
  EXPECT_EQ(tx("002000810431323334"), "9000");
  const Bytes sig = card->transmit(from_hex("002A000020" + hash + "00"));
  ASSERT_EQ(sig.size(), 66u);  // P-256 r||s + 9000
  CryptoProvider crypto;
  const Bytes der = from_hex(spki.substr(0, spki.size() - 4));
  EXPECT_TRUE(crypto.ecdsa_verify(crypto.import_public_der(der), from_hex(hash),
                                  Bytes(sig.begin(), sig.end() - 2)));
  EXPECT_EQ(tx("002A010020" + hash), "6a88");  // no such key
  EXPECT_EQ(tx("002A000120" + hash), "6a80");  // PKCS#1 with an EC key
}

TEST_F(KitTest, TracesZeroWhatTheAppletMarksSecret) {
  std::vector<TraceEvent> events;
  card->set_trace([&](const TraceEvent& ev) { events.push_back(ev); });
  EXPECT_EQ(tx("802100810431323334"), "9000");  // proprietary: the applet's rule
  EXPECT_EQ(tx("0046000000").substr(0, 2), "30");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].redacted);
  EXPECT_EQ(to_hex(events[0].command), "802100810400000000");
  EXPECT_FALSE(events[1].redacted);
}

TEST(KitNames, PrefixAndKeysAreChecked) {
  EXPECT_EQ(kit::applet_prefix("vendor-1.x_y"), "ext/vendor-1.x_y/");
  EXPECT_THROW(kit::applet_prefix(""), std::invalid_argument);
  EXPECT_THROW(kit::applet_prefix("a/b"), std::invalid_argument);
  EXPECT_THROW(kit::applet_prefix(std::string(65, 'a')), std::invalid_argument);
  ObjectStore store(std::make_unique<MemoryStore>());
  kit::ScopedStore s(store, "ext/x/");
  EXPECT_THROW(s.put("", {}), std::invalid_argument);
  EXPECT_THROW(s.put("a b", {}), std::invalid_argument);
  EXPECT_THROW(s.put(std::string(201, 'k'), {}), std::invalid_argument);
  s.put("k/1", {1});
  s.put_secret("k/2", {2});
  EXPECT_EQ(store.get("ext/x/k/1")->at(0), 1);
  EXPECT_TRUE(s.is_secret("k/2"));
  EXPECT_EQ(s.keys("k/"), (std::vector<std::string>{"k/1", "k/2"}));
}

TEST(KitSetup, PersistNowCommitsOneRecordOutsideACommand) {
  auto mem = std::make_unique<MemoryStore>();
  MemoryStore* memory = mem.get();
  ObjectStore store(std::move(mem));
  OpenSslRng rng;
  kit::SetupContext ctx(store, rng);
  store.put("ext/x/a", {1});
  store.put("ext/x/b", {2});
  ctx.persist_now("ext/x/a");
  EXPECT_TRUE(memory->objects().count("ext/x/a"));
  EXPECT_FALSE(memory->objects().count("ext/x/b"));
  kit::KeyStore keys("ext/x/key/");
  const Bytes spki = keys.generate(ctx, "k", kit::KeySpec{KeyType::ec, 0, Curve::p384});
  EXPECT_FALSE(spki.empty());
  store.rollback();
  EXPECT_FALSE(keys.has(store, "k"));
}

}  // namespace
}  // namespace softcard
