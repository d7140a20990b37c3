#pragma once
// Makes an OpenSSL library context draw every random byte (key generation, signature nonces,
// RSA blinding, RAND_bytes_ex) from a softcard Rng: a small built-in OpenSSL provider whose RAND
// algorithm forwards to the Rng is installed as both the seed source and the DRBG type of the
// context, so no OpenSSL DRBG of its own (whose nonces mix in time and thread ids) sits between
// the card's Rng and the keys. A deterministic Rng therefore gives reproducible keys.
#include <mutex>

#include "crypto/openssl/util.h"
#include "softcard/rng.h"

namespace softcard::ossl {

// Shared by the library context and the provider that made it. The provider detaches the Rng
// when it is destroyed; keys that outlive it then fail to get randomness (CryptoError) instead
// of reading a dangling Rng.
class RngBridge {
 public:
  explicit RngBridge(Rng& rng) : rng_(&rng) {}
  // False when detached or when the Rng throws.
  bool fill(unsigned char* out, std::size_t length) noexcept;
  void detach() noexcept;

 private:
  std::mutex mutex_;
  Rng* rng_;
};

// Must run on a fresh context, before anything in it asked for randomness. Returns the loaded
// provider (to be unloaded before the context is freed).
ProviderPtr install_card_rng(OSSL_LIB_CTX* ctx, RngBridge& bridge);

}  // namespace softcard::ossl
