#include <openssl/rand.h>

#include <climits>

#include "crypto/openssl/backend.h"
#include "crypto/openssl/card_rng.h"

namespace softcard {

using namespace ossl;

void OpenSslRng::fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(out.size() - done, INT_MAX));
    if (RAND_bytes(out.data() + done, chunk) != 1) fail(CryptoErrc::internal, "RAND_bytes failed");
    done += static_cast<std::size_t>(chunk);
  }
}

const EVP_MD* CryptoProvider::Impl::md(HashAlg alg) const {
  const auto i = static_cast<std::size_t>(alg);
  if (i >= mds.size()) throw CryptoError(CryptoErrc::invalid_argument, "unknown hash algorithm");
  return mds[i].get();
}

namespace {

template <class Ptr, class Fetch>
Ptr fetch(Fetch fetch_fn, OSSL_LIB_CTX* ctx, const char* name) {
  Ptr p(fetch_fn(ctx, name, nullptr));
  if (!p) fail(CryptoErrc::unsupported, std::string("OpenSSL does not offer ") + name);
  return p;
}

}  // namespace

CryptoProvider::CryptoProvider() : CryptoProvider(nullptr) {}

CryptoProvider::CryptoProvider(Rng& rng) : CryptoProvider(&rng) {}

CryptoProvider::CryptoProvider(Rng* rng) : impl_(std::make_unique<Impl>()) {
  // A private library context: no global configuration applies, and several cards (each with
  // its own provider) can live in one process.
  auto lib = std::make_shared<LibCtx>();
  lib->ctx.reset(OSSL_LIB_CTX_new());
  if (!lib->ctx) fail(CryptoErrc::internal, "OSSL_LIB_CTX_new failed");
  if (rng != nullptr) {
    lib->rng_bridge = std::make_shared<RngBridge>(*rng);
    lib->rng_provider = install_card_rng(lib->ctx.get(), *lib->rng_bridge);
  }
  lib->default_provider.reset(OSSL_PROVIDER_load(lib->ctx.get(), "default"));
  if (!lib->default_provider)
    fail(CryptoErrc::internal, "cannot load the OpenSSL default provider");
  impl_->lib = lib;
  OSSL_LIB_CTX* ctx = lib->ctx.get();

  const HashAlg all_md[] = {HashAlg::sha1, HashAlg::sha256, HashAlg::sha384, HashAlg::sha512};
  for (HashAlg md : all_md)
    impl_->mds[static_cast<std::size_t>(md)] = fetch<MdPtr>(EVP_MD_fetch, ctx, md_name(md));
  const char* ecb[] = {"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"};
  const char* cbc[] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};
  const char* gcm[] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
  for (std::size_t i = 0; i < 3; ++i) {
    impl_->aes_ecb[i] = fetch<CipherPtr>(EVP_CIPHER_fetch, ctx, ecb[i]);
    impl_->aes_cbc[i] = fetch<CipherPtr>(EVP_CIPHER_fetch, ctx, cbc[i]);
    impl_->aes_gcm[i] = fetch<CipherPtr>(EVP_CIPHER_fetch, ctx, gcm[i]);
  }
  impl_->tdes_ecb = fetch<CipherPtr>(EVP_CIPHER_fetch, ctx, "DES-EDE3-ECB");
  impl_->tdes_cbc = fetch<CipherPtr>(EVP_CIPHER_fetch, ctx, "DES-EDE3-CBC");
  impl_->hmac = fetch<MacPtr>(EVP_MAC_fetch, ctx, "HMAC");
  impl_->cmac = fetch<MacPtr>(EVP_MAC_fetch, ctx, "CMAC");
  impl_->hkdf = fetch<KdfPtr>(EVP_KDF_fetch, ctx, "HKDF");
}

namespace {
// Keys made by a provider may outlive it (and the Rng it was given): from then on they get no
// randomness rather than a dangling Rng.
void detach_rng(const std::unique_ptr<CryptoProvider::Impl>& impl) noexcept {
  if (impl && impl->lib && impl->lib->rng_bridge) impl->lib->rng_bridge->detach();
}
}  // namespace

CryptoProvider::~CryptoProvider() {
  detach_rng(impl_);
}
CryptoProvider::CryptoProvider(CryptoProvider&&) noexcept = default;
CryptoProvider& CryptoProvider::operator=(CryptoProvider&& other) noexcept {
  if (this != &other) {
    detach_rng(impl_);
    impl_ = std::move(other.impl_);
  }
  return *this;
}

void CryptoProvider::random(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t chunk = std::min<std::size_t>(out.size() - done, INT_MAX);
    if (RAND_bytes_ex(impl_->ctx(), out.data() + done, chunk, 0) != 1)
      fail(CryptoErrc::internal, "RAND_bytes_ex failed");
    done += chunk;
  }
}

}  // namespace softcard
