// Ed25519 signatures (RFC 8032, PureEdDSA) and X25519 key agreement (RFC 7748): generation
// from the provider's randomness, raw 32-byte import and export, sign/verify, derive.
#include <algorithm>

#include "crypto/openssl/backend.h"

namespace softcard {

using namespace ossl;

namespace {

constexpr std::size_t raw_size = 32;

const KeyHandle& require(const KeyHandle& h, KeyType type) {
  if (h.type != type)
    throw CryptoError(CryptoErrc::wrong_key_type,
                      type == KeyType::ed25519 ? "not an Ed25519 key" : "not an X25519 key");
  return h;
}

const char* name_of(KeyType type) {
  return type == KeyType::ed25519 ? "ED25519" : "X25519";
}

template <class Impl>
std::unique_ptr<Impl> handle(const CryptoProvider::Impl& p, PkeyPtr pkey) {
  auto h = std::make_unique<Impl>();
  h->lib = p.lib;
  h->pkey = std::move(pkey);
  describe_key(*h);
  return h;
}

KeyPair generate(const CryptoProvider::Impl& p, KeyType type) {
  // The library context's randomness: the card's Rng when the provider was made from one.
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(p.ctx(), name_of(type), nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_name failed");
  check(EVP_PKEY_keygen_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_keygen_init failed");
  EVP_PKEY* raw = nullptr;
  check(EVP_PKEY_generate(ctx.get(), &raw), CryptoErrc::internal, "key generation failed");
  return KeyPair(handle<KeyPair::Impl>(p, PkeyPtr(raw)));
}

KeyPair import_private_raw(const CryptoProvider::Impl& p, KeyType type, ByteView key) {
  if (key.size() != raw_size)
    throw CryptoError(CryptoErrc::invalid_key, "the private key must be 32 bytes");
  PkeyPtr pkey(
      EVP_PKEY_new_raw_private_key_ex(p.ctx(), name_of(type), nullptr, key.data(), key.size()));
  if (!pkey) fail(CryptoErrc::invalid_key, "private key rejected");
  return KeyPair(handle<KeyPair::Impl>(p, std::move(pkey)));
}

PublicKey import_public_raw(const CryptoProvider::Impl& p, KeyType type, ByteView key) {
  if (key.size() != raw_size)
    throw CryptoError(CryptoErrc::invalid_argument, "the public key must be 32 bytes");
  PkeyPtr pkey(
      EVP_PKEY_new_raw_public_key_ex(p.ctx(), name_of(type), nullptr, key.data(), key.size()));
  if (!pkey) fail(CryptoErrc::invalid_argument, "public key rejected");
  auto h = std::make_shared<PublicKey::Impl>();
  h->lib = p.lib;
  h->pkey = std::move(pkey);
  describe_key(*h);
  return PublicKey(std::move(h));
}

Bytes raw_public_of(const KeyHandle& h) {
  if (h.type != KeyType::ed25519 && h.type != KeyType::x25519)
    throw CryptoError(CryptoErrc::wrong_key_type, "not an Ed25519 or X25519 key");
  Bytes out(raw_size);
  std::size_t len = out.size();
  check(EVP_PKEY_get_raw_public_key(h.pkey.get(), out.data(), &len), CryptoErrc::internal,
        "EVP_PKEY_get_raw_public_key failed");
  if (len != raw_size) fail(CryptoErrc::internal, "public key has the wrong length");
  return out;
}

}  // namespace

KeyPair CryptoProvider::generate_ed25519() {
  return generate(*impl_, KeyType::ed25519);
}
KeyPair CryptoProvider::generate_x25519() {
  return generate(*impl_, KeyType::x25519);
}
KeyPair CryptoProvider::import_ed25519_private(ByteView seed) {
  return import_private_raw(*impl_, KeyType::ed25519, seed);
}
KeyPair CryptoProvider::import_x25519_private(ByteView scalar) {
  return import_private_raw(*impl_, KeyType::x25519, scalar);
}
Bytes CryptoProvider::raw_public(const KeyPair& key) {
  return raw_public_of(key.impl());
}
Bytes CryptoProvider::raw_public(const PublicKey& key) {
  return raw_public_of(key.impl());
}
PublicKey CryptoProvider::import_ed25519_public(ByteView public_key) {
  return import_public_raw(*impl_, KeyType::ed25519, public_key);
}
PublicKey CryptoProvider::import_x25519_public(ByteView public_key) {
  return import_public_raw(*impl_, KeyType::x25519, public_key);
}

Bytes CryptoProvider::ed25519_sign(const KeyPair& key, ByteView message) {
  const KeyHandle& h = require(key.impl(), KeyType::ed25519);
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md) fail(CryptoErrc::internal, "EVP_MD_CTX_new failed");
  // PureEdDSA: no digest is named, the message goes in whole.
  check(EVP_DigestSignInit_ex(md.get(), nullptr, nullptr, impl_->ctx(), nullptr, h.pkey.get(),
                              nullptr),
        CryptoErrc::internal, "EVP_DigestSignInit_ex failed");
  Bytes sig(64);
  std::size_t len = sig.size();
  check(EVP_DigestSign(md.get(), sig.data(), &len, message.data(), message.size()),
        CryptoErrc::internal, "Ed25519 signature failed");
  sig.resize(len);
  return sig;
}

bool CryptoProvider::ed25519_verify(const PublicKey& key, ByteView message, ByteView signature) {
  const KeyHandle& h = require(key.impl(), KeyType::ed25519);
  if (signature.size() != 64) return false;
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md) fail(CryptoErrc::internal, "EVP_MD_CTX_new failed");
  check(EVP_DigestVerifyInit_ex(md.get(), nullptr, nullptr, impl_->ctx(), nullptr, h.pkey.get(),
                                nullptr),
        CryptoErrc::internal, "EVP_DigestVerifyInit_ex failed");
  const int rc = EVP_DigestVerify(md.get(), signature.data(), signature.size(), message.data(),
                                  message.size());
  clear_errors();
  return rc == 1;
}

SecretBytes CryptoProvider::x25519(const KeyPair& key, ByteView peer_public) {
  const KeyHandle& h = require(key.impl(), KeyType::x25519);
  const PublicKey peer = import_x25519_public(peer_public);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(impl_->ctx(), h.pkey.get(), nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_pkey failed");
  check(EVP_PKEY_derive_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_derive_init failed");
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.impl().pkey.get(), 1) != 1)
    fail(CryptoErrc::invalid_argument, "peer public key rejected");
  SecretBytes secret(raw_size);
  std::size_t len = secret.size();
  // OpenSSL refuses an all-zero result (a small-order peer point).
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1 || len != raw_size)
    fail(CryptoErrc::invalid_argument, "X25519 with this peer gives no secret");
  return secret;
}

}  // namespace softcard
