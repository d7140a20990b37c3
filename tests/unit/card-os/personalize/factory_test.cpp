// The card factory: profile + empty store -> a working card, all or nothing.
#include <gtest/gtest.h>

#include "softcard/card_factory.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"

namespace softcard {
namespace {

struct Factory : ::testing::Test {
  OpenSslRng rng;
  CardOptions options() {
    CardOptions o;
    o.rng = &rng;
    return o;
  }
};

TEST_F(Factory, MakesAWorkingCardFromEachBuiltinProfile) {
  for (const auto& name : builtin_profile_names()) {
    SCOPED_TRACE(name);
    auto store = std::make_unique<MemoryStore>();
    MemoryStore* backend = store.get();
    auto card = make_card(load_profile(name), std::move(store), options());
    EXPECT_EQ(backend->apply_count(), 1u) << "one all-or-nothing write";
    const CardIdentity id = read_identity(card->store());
    EXPECT_EQ(id.profile, name);
    ASSERT_FALSE(id.applets.empty());
    ASSERT_NE(card->find_applet(id.applets.front()), nullptr);
    const Applet* applet = card->find_applet(id.applets.front());
    Bytes select = {0x00, 0xA4, 0x04, 0x00, static_cast<std::uint8_t>(applet->aid().size())};
    append(select, applet->aid());
    const Bytes r = card->transmit(select);
    ASSERT_GE(r.size(), 2u);
    EXPECT_EQ(to_hex(Bytes(r.end() - 2, r.end())), "9000");
  }
}

TEST_F(Factory, SerialOverrideAndGidsSelect) {
  PersonalizeOptions po;
  po.serial = from_hex("00112233445566778899AABBCCDDEEFF");
  auto card = make_card(load_profile("gids"), std::make_unique<MemoryStore>(), options(), po);
  EXPECT_EQ(read_identity(card->store()).serial, po.serial);
  const Bytes r = card->transmit(from_hex("00A4040009A0000003974254465900"));
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(to_hex(Bytes(r.end() - 2, r.end())), "9000");
}

// Counts writes in a counter that outlives the store (make_card owns the store).
class CountingStore final : public CardStore {
 public:
  explicit CountingStore(std::size_t& applies) : applies_(applies) {}
  StoredObjects load() override { return {}; }
  void apply(const ChangeSet&) override { ++applies_; }
  std::string describe() const override { return "<counting>"; }

 private:
  std::size_t& applies_;
};

TEST_F(Factory, ABadProfileWritesNothing) {
  std::size_t applies = 0;
  const Profile bad = parse_profile(
      "bad",
      R"({"softcard_profile":1,"applets":["iso"],"iso":{"pins":[{"reference":"81","value":"12"}]}})");
  EXPECT_THROW(make_card(bad, std::make_unique<CountingStore>(applies), options()), ProfileError);
  EXPECT_EQ(applies, 0u);
}

TEST_F(Factory, RefusesAStoreThatAlreadyHoldsACard) {
  auto store = std::make_unique<MemoryStore>();
  ChangeSet c;
  c.writes.emplace_back("card/serial", Bytes{1});
  store->apply(c);
  EXPECT_THROW(make_card(load_profile("iso"), std::move(store), options()), ImageError);
}

TEST_F(Factory, AnEmptyProfileIsRefused) {
  EXPECT_THROW(make_card(Profile{}, std::make_unique<MemoryStore>(), options()), ProfileError);
}

}  // namespace
}  // namespace softcard
