#pragma once
// OpenSSL plumbing shared by the backend: owning pointers, error translation, big numbers.
// Only files under crypto/openssl/ include this.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>

#include <memory>
#include <string>

#include "softcard/crypto.h"

namespace softcard::ossl {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using MdPtr = std::unique_ptr<EVP_MD, Deleter<EVP_MD_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;
using KdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;  // always wiped
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using LibCtxPtr = std::unique_ptr<OSSL_LIB_CTX, Deleter<OSSL_LIB_CTX_free>>;
using ProviderPtr = std::unique_ptr<OSSL_PROVIDER, Deleter<OSSL_PROVIDER_unload>>;

class RngBridge;

// One OpenSSL library context with the default provider. Shared by the provider and every key
// it made, so keys stay usable after the provider is gone.
struct LibCtx {
  // Declared first so that it is released after the context whose DRBGs point to it.
  std::shared_ptr<RngBridge> rng_bridge;  // null: OpenSSL's own DRBGs
  LibCtxPtr ctx;
  ProviderPtr rng_provider;
  ProviderPtr default_provider;
  ~LibCtx() {  // the providers before their context
    default_provider.reset();
    rng_provider.reset();
  }
  OSSL_LIB_CTX* get() const { return ctx.get(); }
};

// Throws CryptoError with `what` and the first reason OpenSSL queued (never key material);
// empties this thread's OpenSSL error queue.
[[noreturn]] void fail(CryptoErrc code, const std::string& what);
// Empties the error queue after an expected, handled failure (e.g. a wrong signature).
void clear_errors() noexcept;
// Throws when an OpenSSL call returned <= 0 (or null via the pointer overload).
inline void check(int rc, CryptoErrc code, const char* what) {
  if (rc <= 0) fail(code, what);
}
template <class T>
T* check_ptr(T* p, CryptoErrc code, const char* what) {
  if (p == nullptr) fail(code, what);
  return p;
}

// Big-endian bytes <-> BIGNUM. Secret numbers go to BN_secure_new and are wiped when freed.
BnPtr to_bn(ByteView bytes, bool secret = false);
Bytes from_bn(const BIGNUM* bn);  // minimal length (empty for zero)
Bytes from_bn_padded(const BIGNUM* bn, std::size_t length);
SecretBytes secret_from_bn(const BIGNUM* bn, std::size_t length = 0);

// OpenSSL names.
const char* md_name(HashAlg md);      // "SHA256"
const char* group_name(Curve curve);  // "prime256v1"
int curve_nid(Curve curve);

}  // namespace softcard::ossl
