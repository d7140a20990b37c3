#pragma once
// What the bridge drives: the card as a reader sees it. Kept separate from softcard::Card so the
// bridge can be tested (and benchmarked) without the card OS; CardAdapter plugs a real card in.
#include "softcard/bytes.h"

namespace softcard::vpcd {

class VirtualCard {
 public:
  virtual ~VirtualCard() = default;
  // Contact activation. Volatile state starts fresh.
  virtual void power_on() = 0;
  // Deactivation: volatile state (PIN status, selection, session keys) is gone; persistent data
  // stays.
  virtual void power_off() = 0;
  // Warm reset: like power_off + power_on.
  virtual void reset() = 0;
  // Polled several times a second: must be cheap and free of side effects.
  virtual Bytes atr() = 0;
  // One C-APDU in, one R-APDU (data + SW1 SW2) out.
  virtual Bytes transmit(ByteView command) = 0;
};

}  // namespace softcard::vpcd
