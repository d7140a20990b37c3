#pragma once
// The fault harness as the vpcd bridge sees it: a VirtualCard whose replies go through a
// FaultyCard's rules. A fired drop_link or tear rule becomes a Reply the bridge's Connection acts
// out (cut the link; or cut it and keep the card out of the reader), a delay becomes a timer on
// the connection. This is the only place faults meet the wire: there is one serving path.
#include <atomic>
#include <cstdint>

#include "softcard/harness/faulty_card.h"
#include "softcard/vpcd/virtual_card.h"

namespace softcard::harness {

class FaultyVpcdCard final : public vpcd::VirtualCard {
 public:
  explicit FaultyVpcdCard(FaultyCard& card) : card_(card) {}

  void power_on() override { card_.power_on(); }
  void power_off() override { card_.power_off(); }
  void reset() override { card_.reset(); }
  Bytes atr() override { return card_.atr(); }
  Bytes transmit(ByteView command) override { return exchange(command).data; }
  vpcd::Reply exchange(ByteView command) override;

  // C-APDUs taken from the link (answered or not).
  std::uint64_t apdus() const { return apdus_.load(); }

 private:
  FaultyCard& card_;
  std::atomic<std::uint64_t> apdus_{0};
};

}  // namespace softcard::harness
