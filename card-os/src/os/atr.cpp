#include "softcard/atr.h"

#include <string>

namespace softcard {

std::string atr_problem(ByteView atr) {
  if (atr.size() < 2 || atr.size() > 33)
    return "an ATR has 2 to 33 bytes, not " + std::to_string(atr.size());
  if (atr[0] != 0x3B && atr[0] != 0x3F)
    return "TS (the first byte) must be 3B (direct) or 3F (inverse convention)";
  const std::size_t historical = atr[1] & 0x0F;
  unsigned present = atr[1] >> 4;  // which of TA, TB, TC, TD follow (bits 1, 2, 4, 8)
  std::size_t at = 2;
  bool tck = false;
  for (unsigned group = 1;; ++group) {
    for (unsigned bit = 1; bit <= 8; bit <<= 1)
      if (present & bit) ++at;
    if (at > atr.size())
      return "the interface bytes T0/TD" + std::to_string(group - 1) +
             " announces run past the end";
    if (!(present & 8)) break;
    const std::uint8_t td = atr[at - 1];
    if ((td & 0x0F) != 0) tck = true;  // any protocol but T=0 needs the check byte
    present = td >> 4;
  }
  if (at + historical > atr.size())
    return "T0 announces " + std::to_string(historical) +
           " historical bytes, which run past the end";
  at += historical;
  if (!tck) {
    if (at != atr.size())
      return std::to_string(atr.size() - at) +
             " bytes follow the historical bytes (an ATR offering only T=0 has no TCK)";
    return {};
  }
  if (at == atr.size()) return "the check byte TCK is missing (required unless only T=0)";
  if (at + 1 != atr.size())
    return std::to_string(atr.size() - at - 1) + " bytes follow the check byte TCK";
  std::uint8_t x = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  if (x != 0) return "the check byte TCK is wrong (T0 to TCK must XOR to 00)";
  return {};
}

}  // namespace softcard
