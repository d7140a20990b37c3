#pragma once
#include <cstdint>
#include <span>

namespace softcard {

// Source of random bytes for the card (challenges, key generation seeds, serials).
class Rng {
 public:
  virtual ~Rng() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace softcard
