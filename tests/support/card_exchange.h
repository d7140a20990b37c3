#pragma once
// Exchanges with a Card as a host makes them, for the card edges' unit tests: one APDU split
// into data and status word, and a command of any length sent with CLA 10 chaining, its 61xx
// answers collected with GET RESPONSE (as OpenSC, yubico-piv-tool and the minidriver do).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "softcard/card.h"

namespace softcard::test {

struct Rx {
  Bytes data;
  std::uint16_t sw = 0;
};

// A reply shorter than a status word fails the calling test (and reads as sw 0).
inline Rx card_tx(Card& card, ByteView apdu) {
  const Bytes out = card.transmit(apdu);
  EXPECT_GE(out.size(), 2u);
  Rx r;
  if (out.size() < 2) return r;
  r.data.assign(out.begin(), out.end() - 2);
  r.sw = static_cast<std::uint16_t>((out[out.size() - 2] << 8) | out.back());
  return r;
}

// Case 3/4 command `ins p1 p2` with `data` of any length; Le = 00 on the last part when `le`.
// Stops at the first chained part not answered 9000.
inline Rx send_chained(Card& card, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                       const Bytes& data, bool le = true) {
  std::size_t at = 0;
  Rx r;
  do {
    const std::size_t n = std::min<std::size_t>(255, data.size() - at);
    const bool last = at + n == data.size();
    Bytes apdu = {static_cast<std::uint8_t>(last ? 0x00 : 0x10), ins, p1, p2};
    if (n > 0) {
      apdu.push_back(static_cast<std::uint8_t>(n));
      apdu.insert(apdu.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
                  data.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
    if (last && le) apdu.push_back(0x00);
    r = card_tx(card, apdu);
    at += n;
    if (!last && r.sw != 0x9000) return r;
  } while (at < data.size());
  Bytes all = r.data;
  while ((r.sw >> 8) == 0x61) {
    r = card_tx(card, Bytes{0x00, 0xC0, 0x00, 0x00, static_cast<std::uint8_t>(r.sw & 0xFF)});
    all.insert(all.end(), r.data.begin(), r.data.end());
  }
  r.data = all;
  return r;
}

}  // namespace softcard::test
