// Private and public key operations (RSA, ECDSA, ECDH).
#include <openssl/rsa.h>

#include <algorithm>
#include <cstring>

#include "crypto/openssl/backend.h"

namespace softcard {

using namespace ossl;

namespace {

const KeyHandle& rsa(const KeyHandle& h) {
  if (h.type != KeyType::rsa) throw CryptoError(CryptoErrc::wrong_key_type, "not an RSA key");
  return h;
}
const KeyHandle& ec(const KeyHandle& h) {
  if (h.type != KeyType::ec) throw CryptoError(CryptoErrc::wrong_key_type, "not an EC key");
  return h;
}

PkeyCtxPtr op_ctx(const CryptoProvider::Impl& p, const KeyHandle& h) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(p.ctx(), h.pkey.get(), nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_pkey failed");
  return ctx;
}

// The value of input (big-endian, modulus length) is below n.
void check_below_modulus(const KeyHandle& h, ByteView input) {
  if (input.size() != h.size_bytes)
    throw CryptoError(CryptoErrc::invalid_argument, "input length must equal the modulus length");
  BIGNUM* raw_n = nullptr;
  if (EVP_PKEY_get_bn_param(h.pkey.get(), OSSL_PKEY_PARAM_RSA_N, &raw_n) != 1)
    fail(CryptoErrc::internal, "cannot read the modulus");
  BnPtr n(raw_n);
  const Bytes nb = from_bn_padded(n.get(), h.size_bytes);
  if (!std::lexicographical_compare(input.begin(), input.end(), nb.begin(), nb.end()))
    throw CryptoError(CryptoErrc::invalid_argument, "input is not smaller than the modulus");
}

void set_oaep(EVP_PKEY_CTX* ctx, const RsaPadding& padding) {
  check(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), CryptoErrc::internal,
        "cannot select OAEP");
  const char* md = md_name(padding.oaep_md);
  check(EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, md, nullptr), CryptoErrc::internal,
        "cannot set OAEP hash");
  check(EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, md, nullptr), CryptoErrc::internal,
        "cannot set MGF1 hash");
  if (!padding.label.empty()) {
    // The context takes ownership of the copy.
    void* label = OPENSSL_memdup(padding.label.data(), padding.label.size());
    if (label == nullptr) fail(CryptoErrc::internal, "out of memory");
    if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, static_cast<int>(padding.label.size())) <= 0) {
      OPENSSL_free(label);
      fail(CryptoErrc::internal, "cannot set OAEP label");
    }
  }
}

void set_pss(EVP_PKEY_CTX* ctx, const EVP_MD* md, HashAlg alg,
             std::optional<std::size_t> salt_len) {
  check(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING), CryptoErrc::internal,
        "cannot select PSS");
  check(EVP_PKEY_CTX_set_signature_md(ctx, md), CryptoErrc::internal, "cannot set PSS hash");
  check(EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, md_name(alg), nullptr), CryptoErrc::internal,
        "cannot set MGF1 hash");
  const std::size_t salt = salt_len.value_or(digest_size(alg));
  if (salt > 1024) throw CryptoError(CryptoErrc::invalid_argument, "PSS salt too long");
  check(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, static_cast<int>(salt)), CryptoErrc::internal,
        "cannot set PSS salt length");
}

Bytes sign_with(EVP_PKEY_CTX* ctx, ByteView tbs, std::size_t max_len, CryptoErrc code,
                const char* what) {
  Bytes sig(max_len);
  std::size_t len = sig.size();
  if (EVP_PKEY_sign(ctx, sig.data(), &len, tbs.data(), tbs.size()) != 1) fail(code, what);
  sig.resize(len);
  return sig;
}

void check_hash(ByteView hash) {
  // Longer hashes are truncated to the order size (FIPS 186-4 6.4); the bound only stops abuse.
  if (hash.empty() || hash.size() > 256)
    throw CryptoError(CryptoErrc::invalid_argument, "hash must be 1..256 bytes");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RSA, card side

Bytes CryptoProvider::rsa_sign_pkcs1_v15(const KeyPair& key, ByteView digest_info) {
  const KeyHandle& h = rsa(key.impl());
  if (digest_info.empty() || digest_info.size() + 11 > h.size_bytes)
    throw CryptoError(CryptoErrc::invalid_argument, "DigestInfo too long for the modulus");
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_sign_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_sign_init failed");
  // No signature digest set: OpenSSL applies EMSA-PKCS1-v1_5 type 1 padding to the input as is.
  check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), CryptoErrc::internal,
        "cannot select PKCS#1 v1.5 padding");
  Bytes sig = sign_with(ctx.get(), digest_info, h.size_bytes, CryptoErrc::internal,
                        "RSA PKCS#1 v1.5 signature failed");
  if (sig.size() != h.size_bytes) fail(CryptoErrc::internal, "RSA signature has the wrong length");
  return sig;
}

Bytes CryptoProvider::rsa_sign_pss(const KeyPair& key, HashAlg md, ByteView hash,
                                   std::optional<std::size_t> salt_len) {
  const KeyHandle& h = rsa(key.impl());
  if (hash.size() != digest_size(md))
    throw CryptoError(CryptoErrc::invalid_argument, "hash length does not match the algorithm");
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_sign_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_sign_init failed");
  set_pss(ctx.get(), impl_->md(md), md, salt_len);
  return sign_with(ctx.get(), hash, h.size_bytes, CryptoErrc::invalid_argument,
                   "RSA-PSS signature failed (salt too long for the modulus?)");
}

SecretBytes CryptoProvider::rsa_raw(const KeyPair& key, ByteView input) {
  const KeyHandle& h = rsa(key.impl());
  check_below_modulus(h, input);
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_decrypt_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_decrypt_init failed");
  check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING), CryptoErrc::internal,
        "cannot select raw RSA");
  SecretBytes out(h.size_bytes);
  std::size_t len = out.size();
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, input.data(), input.size()) != 1)
    fail(CryptoErrc::internal, "raw RSA operation failed");
  if (len != h.size_bytes) fail(CryptoErrc::internal, "raw RSA result has the wrong length");
  return out;
}

SecretBytes CryptoProvider::rsa_decrypt(const KeyPair& key, ByteView ciphertext,
                                        const RsaPadding& padding) {
  const KeyHandle& h = rsa(key.impl());
  if (padding.mode == RsaPaddingMode::none) return rsa_raw(key, ciphertext);
  check_below_modulus(h, ciphertext);
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_decrypt_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_decrypt_init failed");
  if (padding.mode == RsaPaddingMode::oaep) {
    set_oaep(ctx.get(), padding);
  } else {
    check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), CryptoErrc::internal,
          "cannot select PKCS#1 v1.5 padding");
  }
  SecretBytes buf(h.size_bytes);
  std::size_t len = buf.size();
  if (EVP_PKEY_decrypt(ctx.get(), buf.data(), &len, ciphertext.data(), ciphertext.size()) != 1) {
    // Deliberately one message for every padding failure (no padding oracle detail).
    clear_errors();
    throw CryptoError(CryptoErrc::bad_padding, "RSA decryption padding check failed");
  }
  if (len > buf.size()) fail(CryptoErrc::internal, "RSA plaintext too long");
  return SecretBytes(ByteView(buf.data(), len));
}

// ---------------------------------------------------------------------------------------------
// RSA, host side

Bytes CryptoProvider::rsa_encrypt(const PublicKey& key, ByteView plaintext,
                                  const RsaPadding& padding) {
  const KeyHandle& h = rsa(key.impl());
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_encrypt_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_encrypt_init failed");
  switch (padding.mode) {
    case RsaPaddingMode::none:
      check_below_modulus(h, plaintext);
      check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING), CryptoErrc::internal,
            "cannot select raw RSA");
      break;
    case RsaPaddingMode::pkcs1:
      if (plaintext.size() + 11 > h.size_bytes)
        throw CryptoError(CryptoErrc::invalid_argument, "plaintext too long for PKCS#1 v1.5");
      check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), CryptoErrc::internal,
            "cannot select PKCS#1 v1.5 padding");
      break;
    case RsaPaddingMode::oaep:
      if (plaintext.size() + 2 * digest_size(padding.oaep_md) + 2 > h.size_bytes)
        throw CryptoError(CryptoErrc::invalid_argument, "plaintext too long for OAEP");
      set_oaep(ctx.get(), padding);
      break;
  }
  Bytes out(h.size_bytes);
  std::size_t len = out.size();
  // A null pointer with length 0 is refused by some paths; point at a dummy byte instead.
  static constexpr std::uint8_t empty = 0;
  const std::uint8_t* in = plaintext.empty() ? &empty : plaintext.data();
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, in, plaintext.size()) != 1)
    fail(CryptoErrc::invalid_argument, "RSA encryption failed");
  out.resize(len);
  return out;
}

bool CryptoProvider::rsa_verify_pkcs1(const PublicKey& key, ByteView digest_info,
                                      ByteView signature) {
  const KeyHandle& h = rsa(key.impl());
  if (signature.size() != h.size_bytes || digest_info.size() + 11 > h.size_bytes) return false;
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_verify_recover_init(ctx.get()), CryptoErrc::internal,
        "EVP_PKEY_verify_recover_init failed");
  check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), CryptoErrc::internal,
        "cannot select PKCS#1 v1.5 padding");
  Bytes recovered(h.size_bytes);
  std::size_t len = recovered.size();
  if (EVP_PKEY_verify_recover(ctx.get(), recovered.data(), &len, signature.data(),
                              signature.size()) != 1) {
    clear_errors();
    return false;
  }
  return len == digest_info.size() &&
         std::equal(digest_info.begin(), digest_info.end(), recovered.begin());
}

bool CryptoProvider::rsa_verify_pss(const PublicKey& key, HashAlg md, ByteView hash,
                                    ByteView signature, std::optional<std::size_t> salt_len) {
  const KeyHandle& h = rsa(key.impl());
  if (hash.size() != digest_size(md) || signature.size() != h.size_bytes) return false;
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_verify_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_verify_init failed");
  set_pss(ctx.get(), impl_->md(md), md, salt_len);
  const int rc =
      EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), hash.data(), hash.size());
  clear_errors();
  return rc == 1;
}

// ---------------------------------------------------------------------------------------------
// EC

Bytes CryptoProvider::ecdsa_sign_der(const KeyPair& key, ByteView hash) {
  const KeyHandle& h = ec(key.impl());
  check_hash(hash);
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_sign_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_sign_init failed");
  std::size_t max = 0;
  check(EVP_PKEY_sign(ctx.get(), nullptr, &max, hash.data(), hash.size()), CryptoErrc::internal,
        "ECDSA size query failed");
  return sign_with(ctx.get(), hash, max, CryptoErrc::internal, "ECDSA signature failed");
}

Bytes CryptoProvider::ecdsa_sign(const KeyPair& key, ByteView hash) {
  return ecdsa_der_to_raw(ecdsa_sign_der(key, hash), key.impl().curve);
}

bool CryptoProvider::ecdsa_verify_der(const PublicKey& key, ByteView hash, ByteView der_signature) {
  const KeyHandle& h = ec(key.impl());
  check_hash(hash);
  if (der_signature.empty()) return false;
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_verify_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_verify_init failed");
  const int rc = EVP_PKEY_verify(ctx.get(), der_signature.data(), der_signature.size(), hash.data(),
                                 hash.size());
  clear_errors();
  return rc == 1;
}

bool CryptoProvider::ecdsa_verify(const PublicKey& key, ByteView hash, ByteView raw_signature) {
  const KeyHandle& h = ec(key.impl());
  if (raw_signature.size() != 2 * curve_field_size(h.curve)) return false;
  return ecdsa_verify_der(key, hash, ecdsa_raw_to_der(raw_signature));
}

SecretBytes CryptoProvider::ecdh(const KeyPair& key, ByteView peer_point) {
  const KeyHandle& h = ec(key.impl());
  // Validates the encoding and that the point is on our curve.
  const PublicKey peer =
      import_ec_public(EcPublic{h.curve, Bytes(peer_point.begin(), peer_point.end())});
  PkeyCtxPtr ctx = op_ctx(*impl_, h);
  check(EVP_PKEY_derive_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_derive_init failed");
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.impl().pkey.get(), 1) != 1)
    fail(CryptoErrc::invalid_argument, "peer point rejected");
  std::size_t len = 0;
  check(EVP_PKEY_derive(ctx.get(), nullptr, &len), CryptoErrc::internal, "ECDH size query failed");
  SecretBytes secret(len);
  check(EVP_PKEY_derive(ctx.get(), secret.data(), &len), CryptoErrc::internal, "ECDH failed");
  if (len != curve_field_size(h.curve))
    fail(CryptoErrc::internal, "ECDH secret has the wrong length");
  return secret;
}

}  // namespace softcard
