#pragma once
// Backend state behind the opaque types of softcard/crypto.h.
#include <array>
#include <memory>

#include "crypto/openssl/util.h"

namespace softcard {

struct CryptoProvider::Impl {
  std::shared_ptr<const ossl::LibCtx> lib;
  // Fetched once at construction and read-only afterwards, so a provider may be used from
  // several threads.
  std::array<ossl::MdPtr, 4> mds;                            // by HashAlg
  std::array<ossl::CipherPtr, 3> aes_ecb, aes_cbc, aes_gcm;  // 128, 192, 256
  ossl::CipherPtr tdes_ecb, tdes_cbc;                        // 3-key EDE
  ossl::MacPtr hmac, cmac;
  ossl::KdfPtr hkdf;

  OSSL_LIB_CTX* ctx() const { return lib->get(); }
  const EVP_MD* md(HashAlg alg) const;
};

// A key (pair or public) together with the library context its methods belong to; the context
// is declared first so that it is released last.
struct KeyHandle {
  std::shared_ptr<const ossl::LibCtx> lib;
  ossl::PkeyPtr pkey;
  KeyType type = KeyType::rsa;
  Curve curve = Curve::p256;  // EC only
  unsigned bits = 0;
  std::size_t size_bytes = 0;
};

struct KeyPair::Impl : KeyHandle {};
struct PublicKey::Impl : KeyHandle {};

namespace ossl {
// Classifies a decoded key; throws CryptoError(unsupported) for anything but RSA / our curves.
void describe_key(KeyHandle& handle);
// The curve of an EC key; throws CryptoError(wrong_key_type) for anything else.
Curve require_ec(const KeyHandle& handle);
}  // namespace ossl

}  // namespace softcard
