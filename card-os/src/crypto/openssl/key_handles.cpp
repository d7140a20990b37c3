// The opaque key objects of softcard/crypto.h (KeyPair, PublicKey) and how a decoded OpenSSL key
// is classified.
#include <cstring>

#include "crypto/openssl/backend.h"

namespace softcard {

using namespace ossl;

// ---------------------------------------------------------------------------------------------
// KeyPair / PublicKey

KeyPair::KeyPair(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KeyPair::KeyPair(KeyPair&&) noexcept = default;
KeyPair& KeyPair::operator=(KeyPair&&) noexcept = default;
KeyPair::~KeyPair() = default;
KeyType KeyPair::key_type() const {
  return impl_->type;
}
unsigned KeyPair::bits() const {
  return impl_->bits;
}
Curve KeyPair::curve() const {
  return require_ec(*impl_);
}
std::size_t KeyPair::size_bytes() const {
  return impl_->size_bytes;
}

PublicKey::PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
PublicKey::~PublicKey() = default;
KeyType PublicKey::key_type() const {
  return impl_->type;
}
unsigned PublicKey::bits() const {
  return impl_->bits;
}
Curve PublicKey::curve() const {
  return require_ec(*impl_);
}
std::size_t PublicKey::size_bytes() const {
  return impl_->size_bytes;
}

namespace ossl {

Curve require_ec(const KeyHandle& h) {
  if (h.type != KeyType::ec) throw CryptoError(CryptoErrc::wrong_key_type, "not an EC key");
  return h.curve;
}

void describe_key(KeyHandle& h) {
  EVP_PKEY* pkey = h.pkey.get();
  h.bits = static_cast<unsigned>(EVP_PKEY_get_bits(pkey));
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    h.type = KeyType::rsa;
    h.size_bytes = (h.bits + 7) / 8;
    return;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char name[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) !=
        1)
      fail(CryptoErrc::unsupported, "EC key without a named curve");
    for (Curve c : {Curve::p256, Curve::p384, Curve::p521}) {
      if (std::strcmp(name, group_name(c)) == 0) {
        h.type = KeyType::ec;
        h.curve = c;
        h.bits = curve_bits(c);
        h.size_bytes = curve_field_size(c);
        return;
      }
    }
    fail(CryptoErrc::unsupported, std::string("unsupported curve ") + name);
  }
  using Named = std::pair<const char*, KeyType>;
  for (const auto& [name, type] :
       std::initializer_list<Named>{{"ED25519", KeyType::ed25519}, {"X25519", KeyType::x25519}}) {
    if (EVP_PKEY_is_a(pkey, name)) {
      h.type = type;
      h.bits = 255;
      h.size_bytes = 32;
      return;
    }
  }
  fail(CryptoErrc::unsupported, "unsupported key type (RSA, EC, Ed25519 and X25519 only)");
}

}  // namespace ossl

}  // namespace softcard
