#pragma once
// Shared pieces of the libFuzzer targets: a deterministic RNG (a crash must replay from its input
// alone), an input splitter and the oracle failure report.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "softcard/bytes.h"
#include "softcard/rng.h"

namespace softcard::fuzz {

// xorshift64*: fast and reproducible. Fuzzing only, never a card's real randomness.
class DeterministicRng final : public Rng {
 public:
  static constexpr std::uint64_t default_seed = 0x9E3779B97F4A7C15ull;
  explicit DeterministicRng(std::uint64_t seed = default_seed) : state_(seed | 1) {}
  // Back to the stream of a new generator with `seed` (a reused card starts every input alike).
  void reseed(std::uint64_t seed = default_seed) { state_ = seed | 1; }
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) {
      state_ ^= state_ >> 12, state_ ^= state_ << 25, state_ ^= state_ >> 27;
      b = static_cast<std::uint8_t>((state_ * 0x2545F4914F6CDD1Dull) >> 56);
    }
  }

 private:
  std::uint64_t state_;
};

// Reads the fuzzer's bytes as a sequence of chunks: a 1-byte length (0xFF: a 2-byte big-endian
// length follows), then that many bytes (fewer at the end of the input).
class Splitter {
 public:
  Splitter(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  bool done() const { return p_ >= end_; }
  std::uint8_t byte() { return done() ? 0 : *p_++; }
  Bytes chunk() {
    std::size_t n = byte();
    if (n == 0xFF) n = (std::size_t(byte()) << 8) | byte();
    n = std::min<std::size_t>(n, static_cast<std::size_t>(end_ - p_));
    Bytes out(p_, p_ + n);
    p_ += n;
    return out;
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

[[noreturn]] inline void oracle_failed(const std::string& what) {
  std::fprintf(stderr, "ORACLE: %s\n", what.c_str());
  std::abort();
}

}  // namespace softcard::fuzz
