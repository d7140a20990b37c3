#pragma once
// A fresh in-memory card with the ISO applet personalised from iso::test_profile(), shared by
// the ISO applet tests, the APDU scripts, the crash test and the benchmark.
#include <cstdint>
#include <memory>
#include <string_view>

#include "applets/iso/iso_applet.h"
#include "applets/iso/iso_profile.h"
#include "softcard/card.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard::test {

// Deterministic bytes 00 01 02 ... so GET CHALLENGE answers are predictable in scripts.
class CountingRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_ = 0;
};

// Writes the ISO test profile (and the applet list) into `backend` in one apply().
inline void personalize_test_image(CardStore& backend) {
  ObjectStore store(std::make_unique<MemoryStore>());
  iso::personalize(store, iso::test_profile());
  const std::string applets = iso::applet_name;
  store.put(keys::applets, Bytes(applets.begin(), applets.end()));
  store.commit();
  backend.apply(store.snapshot());
}

struct IsoCard {
  CountingRng rng;
  MemoryStore* memory = nullptr;  // owned by the card
  std::unique_ptr<Card> card;

  // A card over `backend` (already personalised).
  explicit IsoCard(std::unique_ptr<CardStore> backend) {
    CardOptions options;
    options.rng = &rng;
    card = std::make_unique<Card>(std::move(backend), std::move(options));
    card->install(iso::make_iso_applet());
  }
  // A fresh in-memory card.
  static std::unique_ptr<IsoCard> fresh() {
    auto mem = std::make_unique<MemoryStore>();
    personalize_test_image(*mem);
    MemoryStore* m = mem.get();
    auto c = std::make_unique<IsoCard>(std::move(mem));
    c->memory = m;
    return c;
  }

  Bytes transmit(std::string_view hex) { return card->transmit(from_hex(hex)); }
  std::string tx(std::string_view hex) { return to_hex(transmit(hex)); }
  ObjectStore& store() { return card->store(); }
};

}  // namespace softcard::test
