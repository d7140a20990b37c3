#pragma once
// What the bridge drives: the card as a reader sees it. Kept separate from softcard::Card so the
// bridge can be tested (and benchmarked) without the card OS; CardAdapter plugs a real card in.
#include <chrono>

#include "softcard/bytes.h"

namespace softcard::vpcd {

// What the card does with one C-APDU. A real card answers; a fault harness (harness/) can also
// make the link drop or the power fail instead, which only the connection can act out.
struct Reply {
  enum class Kind {
    bytes,       // send `data` (an R-APDU) after `delay`
    drop_link,   // no answer: the link is cut as a network failure would (then reconnects)
    tear_power,  // no answer: the card lost power in the reader; it stays out until insert()
  };
  Kind kind = Kind::bytes;
  Bytes data;
  std::chrono::microseconds delay{0};  // waited on a timer, never by blocking the thread
};

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
  // What the connection calls: by default just transmit().
  virtual Reply exchange(ByteView command) { return {Reply::Kind::bytes, transmit(command), {}}; }
};

}  // namespace softcard::vpcd
