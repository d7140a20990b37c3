#include "softcard/applet_kit.h"
#include "softcard/errors.h"

namespace softcard::kit {

SetupContext::SetupContext(ObjectStore& store, Rng& rng, LogSink log)
    : store_(&store), rng_(&rng), log_(std::move(log)) {}

SetupContext::~SetupContext() = default;

CryptoProvider& SetupContext::crypto() {
  if (!crypto_) crypto_ = std::make_unique<CryptoProvider>(*rng_);
  return *crypto_;
}

void SetupContext::persist_now(std::string_view key) {
  try {
    store_->commit_one(key);
  } catch (const ImageError&) {
    throw CardError(Sw::memory_failure);
  }
}

void SetupContext::log(LogLevel level, std::string_view message) {
  if (log_) log_(level, message);
}

}  // namespace softcard::kit
