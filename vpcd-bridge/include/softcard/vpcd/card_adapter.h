#pragma once
// Adapter from the card OS boundary (softcard::Card) to the bridge's VirtualCard. Header-only so
// the bridge library itself does not link the card OS.
#include "softcard/card.h"
#include "softcard/vpcd/virtual_card.h"

namespace softcard::vpcd {

class CardAdapter final : public VirtualCard {
 public:
  explicit CardAdapter(Card& card) : card_(card) {}
  void power_on() override { card_.power_on(); }
  void power_off() override { card_.power_off(); }
  void reset() override { card_.reset(); }
  Bytes atr() override { return card_.atr(); }
  Bytes transmit(ByteView command) override { return card_.transmit(command); }
  Card& card() { return card_; }

 private:
  Card& card_;
};

}  // namespace softcard::vpcd
