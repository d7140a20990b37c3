#include "os/default_atr.h"

namespace softcard {

Bytes with_tck(Bytes atr) {
  std::uint8_t tck = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) tck ^= atr[i];
  atr.push_back(tck);
  return atr;
}

Bytes default_atr() {
  // TS=3B direct convention; T0=8B: TD1 follows, 11 historical bytes; TD1=81: TD2 follows, T=1;
  // TD2=01: T=1. Historical: category 80 (compact-TLV), tag 5 (issuer data) length 9 =
  // "softcard" + format version 01.
  return with_tck(
      {0x3B, 0x8B, 0x81, 0x01, 0x80, 0x59, 's', 'o', 'f', 't', 'c', 'a', 'r', 'd', 0x01});
}

}  // namespace softcard
