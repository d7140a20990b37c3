#pragma once
// Shared pieces of the libFuzzer targets: a deterministic RNG (a crash must replay from its input
// alone), an input splitter, and a card built once from a profile and cloned per input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "profile/profile.h"
#include "softcard/bytes.h"
#include "softcard/card.h"
#include "softcard/card_factory.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard::fuzz {

// xorshift64*: fast and reproducible. Fuzzing only, never a card's real randomness.
class DeterministicRng final : public Rng {
 public:
  explicit DeterministicRng(std::uint64_t seed = 0x9E3779B97F4A7C15ull) : state_(seed | 1) {}
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

// The committed objects of a card personalized from `profile_text` with a fixed RNG.
inline ObjectMap personalized_objects(const std::string& name, const std::string& profile_text) {
  DeterministicRng rng;
  ObjectStore store(std::make_unique<MemoryStore>());
  personalize(parse_profile(name, profile_text), store, rng);
  store.commit();
  return store.backend().load();
}

// A fresh in-memory card holding `objects`; `backend` points at its store for snapshots.
inline std::unique_ptr<Card> card_from(const ObjectMap& objects, Rng& rng,
                                       const AppletRegistry& registry,
                                       const MemoryStore** backend) {
  auto store = std::make_unique<MemoryStore>();
  ChangeSet all;
  for (const auto& [k, v] : objects) all.writes.emplace_back(k, v);
  store->apply(all);
  *backend = store.get();
  CardOptions options;
  options.rng = &rng;
  return make_card(std::move(store), std::move(options), registry);
}

inline std::string builtin_profile(const std::string& name) {
  for (const auto& [n, text] : builtin_profile_texts())
    if (n == name) return text;
  oracle_failed("no built-in profile " + name);
}

}  // namespace softcard::fuzz
