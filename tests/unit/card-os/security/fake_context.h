#pragma once
// A CardContext over an in-memory store, as the Card provides one per command.
#include <memory>
#include <string>
#include <vector>

#include "softcard/applet.h"
#include "softcard/store.h"

namespace softcard::test {

class ZeroRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = 0;
  }
};

class FakeContext final : public CardContext {
 public:
  FakeContext() {
    auto mem = std::make_unique<MemoryStore>();
    memory = mem.get();
    store_ = std::make_unique<ObjectStore>(std::move(mem));
  }
  ObjectStore& store() override { return *store_; }
  Rng& rng() override { return rng_; }
  CryptoProvider& crypto() override {
    if (!crypto_) crypto_ = std::make_unique<CryptoProvider>(rng_);
    return *crypto_;
  }
  void persist_now(std::string_view key) override {
    ++commits;
    persisted.emplace_back(key);
    store_->commit_one(key);
  }
  void log(LogLevel, std::string_view) override {}

  MemoryStore* memory = nullptr;  // owned by store_
  int commits = 0;
  std::vector<std::string> persisted;  // keys given to persist_now, in order

 private:
  std::unique_ptr<ObjectStore> store_;
  ZeroRng rng_;
  std::unique_ptr<CryptoProvider> crypto_;  // after rng_: destroyed before it
};

}  // namespace softcard::test
