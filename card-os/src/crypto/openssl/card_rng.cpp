#include "crypto/openssl/card_rng.h"

#include <openssl/core_dispatch.h>
#include <openssl/rand.h>

#include <new>
#include <span>

namespace softcard::ossl {

bool RngBridge::fill(unsigned char* out, std::size_t length) noexcept {
  std::lock_guard lock(mutex_);
  if (rng_ == nullptr) return false;
  try {
    rng_->fill(std::span<std::uint8_t>(out, length));
    return true;
  } catch (...) {
    return false;
  }
}

void RngBridge::detach() noexcept {
  std::lock_guard lock(mutex_);
  rng_ = nullptr;
}

namespace {

constexpr const char* provider_name = "softcard-card-rng";
constexpr const char* rand_name = "SOFTCARD-CARD-RNG";
// The Rng stands for a full-entropy source, so the instances claim the highest DRBG strength
// (OpenSSL refuses requests above the strength a DRBG reports).
constexpr unsigned int strength = 256;
constexpr std::size_t max_request = 1 << 16;

// The provider context: set once after loading (OSSL_PROVIDER_get0_provider_ctx), read by every
// RAND instance of the library context.
struct ProvCtx {
  RngBridge* bridge = nullptr;
};

struct RandCtx {
  ProvCtx* prov = nullptr;
  int state = EVP_RAND_STATE_UNINITIALISED;
};

void* rand_new(void* provctx, void* /*parent*/, const OSSL_DISPATCH* /*parent_calls*/) {
  auto* r = new (std::nothrow) RandCtx;
  if (r != nullptr) r->prov = static_cast<ProvCtx*>(provctx);
  return r;
}

void rand_free(void* vctx) {
  delete static_cast<RandCtx*>(vctx);
}

int rand_instantiate(void* vctx, unsigned int /*strength*/, int /*prediction_resistance*/,
                     const unsigned char* /*pstr*/, size_t /*pstr_len*/,
                     const OSSL_PARAM /*params*/[]) {
  static_cast<RandCtx*>(vctx)->state = EVP_RAND_STATE_READY;
  return 1;
}

int rand_uninstantiate(void* vctx) {
  static_cast<RandCtx*>(vctx)->state = EVP_RAND_STATE_UNINITIALISED;
  return 1;
}

int rand_generate(void* vctx, unsigned char* out, size_t outlen, unsigned int /*strength*/,
                  int /*prediction_resistance*/, const unsigned char* /*addin*/,
                  size_t /*addin_len*/) {
  auto* r = static_cast<RandCtx*>(vctx);
  if (r->state != EVP_RAND_STATE_READY || r->prov->bridge == nullptr) return 0;
  return r->prov->bridge->fill(out, outlen) ? 1 : 0;
}

int rand_enable_locking(void*) {
  return 1;  // the bridge serialises access to the Rng itself
}

const OSSL_PARAM* rand_gettable(void*, void*) {
  static const OSSL_PARAM params[] = {
      OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, nullptr),
      OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, nullptr),
      OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, nullptr),
      OSSL_PARAM_END,
  };
  return params;
}

int rand_get_params(void* vctx, OSSL_PARAM params[]) {
  auto* r = static_cast<RandCtx*>(vctx);
  if (OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STATE);
      p != nullptr && !OSSL_PARAM_set_int(p, r->state))
    return 0;
  if (OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STRENGTH);
      p != nullptr && !OSSL_PARAM_set_uint(p, strength))
    return 0;
  if (OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_MAX_REQUEST);
      p != nullptr && !OSSL_PARAM_set_size_t(p, max_request))
    return 0;
  return 1;
}

const OSSL_PARAM* rand_settable(void*, void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_END};
  return params;
}

int rand_set_params(void*, const OSSL_PARAM[]) {
  return 1;  // reseed intervals and the like mean nothing here
}

template <class Fn>
OSSL_DISPATCH entry(int id, Fn* fn) {
  return {id, reinterpret_cast<void (*)(void)>(fn)};
}

const OSSL_DISPATCH* rand_functions() {
  static const OSSL_DISPATCH table[] = {
      entry(OSSL_FUNC_RAND_NEWCTX, rand_new),
      entry(OSSL_FUNC_RAND_FREECTX, rand_free),
      entry(OSSL_FUNC_RAND_INSTANTIATE, rand_instantiate),
      entry(OSSL_FUNC_RAND_UNINSTANTIATE, rand_uninstantiate),
      entry(OSSL_FUNC_RAND_GENERATE, rand_generate),
      entry(OSSL_FUNC_RAND_ENABLE_LOCKING, rand_enable_locking),
      entry(OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS, rand_gettable),
      entry(OSSL_FUNC_RAND_GET_CTX_PARAMS, rand_get_params),
      entry(OSSL_FUNC_RAND_SETTABLE_CTX_PARAMS, rand_settable),
      entry(OSSL_FUNC_RAND_SET_CTX_PARAMS, rand_set_params),
      {0, nullptr},
  };
  return table;
}

const OSSL_ALGORITHM* query(void*, int operation_id, int* no_cache) {
  *no_cache = 0;
  static const OSSL_ALGORITHM rands[] = {
      {rand_name, "provider=softcard-card-rng", rand_functions(), "the card's Rng"},
      {nullptr, nullptr, nullptr, nullptr},
  };
  return operation_id == OSSL_OP_RAND ? rands : nullptr;
}

void teardown(void* provctx) {
  delete static_cast<ProvCtx*>(provctx);
}

int provider_init(const OSSL_CORE_HANDLE*, const OSSL_DISPATCH*, const OSSL_DISPATCH** out,
                  void** provctx) {
  static const OSSL_DISPATCH functions[] = {
      entry(OSSL_FUNC_PROVIDER_TEARDOWN, teardown),
      entry(OSSL_FUNC_PROVIDER_QUERY_OPERATION, query),
      {0, nullptr},
  };
  auto* p = new (std::nothrow) ProvCtx;
  if (p == nullptr) return 0;
  *provctx = p;
  *out = functions;
  return 1;
}

}  // namespace

ProviderPtr install_card_rng(OSSL_LIB_CTX* ctx, RngBridge& bridge) {
  if (OSSL_PROVIDER_add_builtin(ctx, provider_name, provider_init) != 1)
    fail(CryptoErrc::internal, "cannot register the card RNG provider");
  ProviderPtr prov(OSSL_PROVIDER_load(ctx, provider_name));
  if (!prov) fail(CryptoErrc::internal, "cannot load the card RNG provider");
  static_cast<ProvCtx*>(OSSL_PROVIDER_get0_provider_ctx(prov.get()))->bridge = &bridge;
  // Both the seed source and the DRBGs (primary, public, private) are the card's Rng.
  if (RAND_set_seed_source_type(ctx, rand_name, nullptr) != 1 ||
      RAND_set_DRBG_type(ctx, rand_name, nullptr, nullptr, nullptr) != 1)
    fail(CryptoErrc::internal, "cannot make the card RNG the context's DRBG");
  return prov;
}

}  // namespace softcard::ossl
