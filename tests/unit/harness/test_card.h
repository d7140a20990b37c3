#pragma once
// A real softcard::Card (card-os public API only) with one small applet for harness tests:
//   00 E2 00 00  commits a persistent counter (+1)     -> 9000
//   00 CA 00 00  returns [counter] 9000
//   00 20 00 00  sets a volatile "verified" flag       -> 9000
//   00 CB 00 00  returns [verified] 9000
//   anything else                                      -> 6D00
#include <memory>

#include "softcard/applet.h"
#include "softcard/card.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard::harness::testing {

class CounterApplet final : public Applet {
 public:
  std::string_view name() const override { return "counter"; }
  const Bytes& aid() const override { return aid_; }
  Response select(const Command&, CardContext&) override { return Sw::ok; }
  Response process(const Command& cmd, CardContext& ctx) override {
    switch (cmd.ins) {
      case 0xE2: {
        const Bytes* now = ctx.store().get("test/counter");
        const std::uint8_t n = now && !now->empty() ? (*now)[0] : 0;
        ctx.store().put("test/counter", Bytes{static_cast<std::uint8_t>(n + 1)});
        return Sw::ok;
      }
      case 0xCA: {
        const Bytes* now = ctx.store().get("test/counter");
        return Response(Bytes{now && !now->empty() ? (*now)[0] : std::uint8_t{0}});
      }
      case 0x20:
        verified_ = true;
        return Sw::ok;
      case 0xCB:
        return Response(Bytes{static_cast<std::uint8_t>(verified_ ? 1 : 0)});
      default:
        return Sw::ins_not_supported;
    }
  }
  void clear_volatile() override { verified_ = false; }

 private:
  Bytes aid_{0xF0, 0x00, 0x00, 0x00, 0x01};
  bool verified_ = false;
};

class FixedRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = 0x5A;
  }
};

struct TestCard {
  FixedRng rng;
  std::unique_ptr<Card> card;
  TestCard() {
    CardOptions options;
    options.rng = &rng;
    card = std::make_unique<Card>(std::make_unique<MemoryStore>(), options);
    card->install(std::make_unique<CounterApplet>());
  }
};

}  // namespace softcard::harness::testing
