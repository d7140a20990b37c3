#pragma once
// PIV (SP 800-73-4) facts both the card and the host library need.
#include <cstdint>

namespace softcard::wire {

// The certificate data object of a key slot: 9A 5FC105, 9C 5FC10A, 9D 5FC10B, 9E 5FC101, retired
// 82..95 5FC10D..5FC120, and YubiKey's attestation slot F9 5FFF01. 0 for any other slot.
constexpr std::uint32_t piv_cert_object(std::uint8_t slot) {
  switch (slot) {
    case 0x9A:
      return 0x5FC105;
    case 0x9C:
      return 0x5FC10A;
    case 0x9D:
      return 0x5FC10B;
    case 0x9E:
      return 0x5FC101;
    case 0xF9:
      return 0x5FFF01;
    default:
      if (slot >= 0x82 && slot <= 0x95) return 0x5FC10Du + (slot - 0x82u);
      return 0;
  }
}

}  // namespace softcard::wire
