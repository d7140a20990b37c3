// Block ciphers, AES-GCM, digests, MACs and HKDF.
#include <climits>

#include "crypto/openssl/backend.h"
#include "crypto/padding.h"

namespace softcard {

using namespace ossl;

namespace {

// OpenSSL treats a null key pointer as "no key"; an empty key must still be a key.
const unsigned char* nonnull(ByteView v) {
  static constexpr unsigned char empty = 0;
  return v.empty() ? &empty : v.data();
}

std::size_t aes_index(std::size_t key_len) {
  switch (key_len) {
    case 16:
      return 0;
    case 24:
      return 1;
    case 32:
      return 2;
  }
  throw CryptoError(CryptoErrc::invalid_argument, "AES key must be 16, 24 or 32 bytes");
}

// 3DES keys as OpenSSL wants them: always three 8-byte keys (2-key K1 K2 becomes K1 K2 K1).
SecretBytes tdes_key(ByteView key) {
  if (key.size() == 24) return SecretBytes(key);
  if (key.size() != 16)
    throw CryptoError(CryptoErrc::invalid_argument, "3DES key must be 16 or 24 bytes");
  SecretBytes out(24);
  std::copy(key.begin(), key.end(), out.data());
  std::copy(key.begin(), key.begin() + 8, out.data() + 16);
  return out;
}

void check_size(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX) - 64)
    throw CryptoError(CryptoErrc::invalid_argument, "data too long");
}

// Runs an unpadded ECB/CBC operation over whole blocks; out has in.size() bytes.
void run_cipher(const EVP_CIPHER* cipher, ByteView key, ByteView iv, ByteView in, std::uint8_t* out,
                bool encrypt) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) fail(CryptoErrc::internal, "EVP_CIPHER_CTX_new failed");
  check(EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), iv.empty() ? nullptr : iv.data(),
                           encrypt ? 1 : 0, nullptr),
        CryptoErrc::internal, "cipher initialisation failed");
  check(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), CryptoErrc::internal, "cannot disable padding");
  int len = 0;
  if (!in.empty())
    check(EVP_CipherUpdate(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())),
          CryptoErrc::internal, "cipher update failed");
  int fin = 0;
  check(EVP_CipherFinal_ex(ctx.get(), out + len, &fin), CryptoErrc::internal,
        "cipher final failed");
  if (static_cast<std::size_t>(len + fin) != in.size())
    fail(CryptoErrc::internal, "cipher length mismatch");
}

struct ResolvedCipher {
  const EVP_CIPHER* cipher;
  SecretBytes key;
};

ResolvedCipher resolve(const CryptoProvider::Impl& p, const CipherSpec& spec, ByteView key,
                       ByteView iv) {
  const bool cbc = spec.mode == BlockMode::cbc;
  if (spec.mode != BlockMode::cbc && spec.mode != BlockMode::ecb)
    throw CryptoError(CryptoErrc::invalid_argument, "unknown block mode");
  const std::size_t want_iv = cbc ? block_size(spec.alg) : 0;
  if (iv.size() != want_iv)
    throw CryptoError(CryptoErrc::invalid_argument,
                      cbc ? "CBC needs an IV of one block" : "ECB takes no IV");
  switch (spec.alg) {
    case BlockAlg::aes: {
      const std::size_t i = aes_index(key.size());
      return {cbc ? p.aes_cbc[i].get() : p.aes_ecb[i].get(), SecretBytes(key)};
    }
    case BlockAlg::tdes:
      return {cbc ? p.tdes_cbc.get() : p.tdes_ecb.get(), tdes_key(key)};
  }
  throw CryptoError(CryptoErrc::invalid_argument, "unknown block cipher");
}

}  // namespace

Bytes CryptoProvider::encrypt(const CipherSpec& spec, ByteView key, ByteView iv,
                              ByteView plaintext) {
  check_size(plaintext.size());
  const ResolvedCipher rc = resolve(*impl_, spec, key, iv);
  const SecretBytes padded = padding::pad(spec.padding, plaintext, block_size(spec.alg));
  Bytes out(padded.size());
  run_cipher(rc.cipher, rc.key.view(), iv, padded.view(), out.data(), true);
  return out;
}

SecretBytes CryptoProvider::decrypt(const CipherSpec& spec, ByteView key, ByteView iv,
                                    ByteView ciphertext) {
  check_size(ciphertext.size());
  const ResolvedCipher rc = resolve(*impl_, spec, key, iv);
  const std::size_t bs = block_size(spec.alg);
  if (ciphertext.size() % bs != 0)
    throw CryptoError(CryptoErrc::invalid_argument,
                      "ciphertext length is not a multiple of the block size");
  if (spec.padding != BlockPadding::none && ciphertext.empty())
    throw CryptoError(CryptoErrc::bad_padding, "block padding check failed");
  SecretBytes out(ciphertext.size());
  run_cipher(rc.cipher, rc.key.view(), iv, ciphertext, out.data(), false);
  const std::size_t len = padding::unpadded_length(spec.padding, out.view(), bs);
  if (len == out.size()) return out;
  return SecretBytes(ByteView(out.data(), len));
}

// ---------------------------------------------------------------------------------------------
// AES-GCM

namespace {
constexpr std::size_t gcm_iv_size = 12;
constexpr std::size_t gcm_tag_size = 16;

CipherCtxPtr gcm_init(const CryptoProvider::Impl& p, ByteView key, ByteView iv, ByteView aad,
                      bool encrypt) {
  const EVP_CIPHER* cipher = p.aes_gcm[aes_index(key.size())].get();
  if (iv.size() != gcm_iv_size)
    throw CryptoError(CryptoErrc::invalid_argument, "GCM IV must be 12 bytes");
  check_size(aad.size());
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) fail(CryptoErrc::internal, "EVP_CIPHER_CTX_new failed");
  check(EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), iv.data(), encrypt ? 1 : 0, nullptr),
        CryptoErrc::internal, "GCM initialisation failed");
  if (!aad.empty()) {
    int len = 0;
    check(EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())),
          CryptoErrc::internal, "GCM AAD failed");
  }
  return ctx;
}
}  // namespace

GcmSealed CryptoProvider::aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad,
                                          ByteView plaintext) {
  check_size(plaintext.size());
  CipherCtxPtr ctx = gcm_init(*impl_, key, iv, aad, true);
  GcmSealed out;
  out.ciphertext.resize(plaintext.size());
  int len = 0;
  if (!plaintext.empty())
    check(EVP_CipherUpdate(ctx.get(), out.ciphertext.data(), &len, plaintext.data(),
                           static_cast<int>(plaintext.size())),
          CryptoErrc::internal, "GCM encryption failed");
  unsigned char dummy[16];
  int fin = 0;
  check(EVP_CipherFinal_ex(ctx.get(), dummy, &fin), CryptoErrc::internal, "GCM final failed");
  out.tag.resize(gcm_tag_size);
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(gcm_tag_size),
                            out.tag.data()),
        CryptoErrc::internal, "cannot read GCM tag");
  return out;
}

SecretBytes CryptoProvider::aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad,
                                            ByteView ciphertext, ByteView tag) {
  check_size(ciphertext.size());
  if (tag.size() != gcm_tag_size)
    throw CryptoError(CryptoErrc::invalid_argument, "GCM tag must be 16 bytes");
  CipherCtxPtr ctx = gcm_init(*impl_, key, iv, aad, false);
  SecretBytes out(ciphertext.size());
  int len = 0;
  if (!ciphertext.empty())
    check(EVP_CipherUpdate(ctx.get(), out.data(), &len, ciphertext.data(),
                           static_cast<int>(ciphertext.size())),
          CryptoErrc::internal, "GCM decryption failed");
  Bytes tag_copy(tag.begin(), tag.end());  // the ctrl takes a non-const pointer
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(gcm_tag_size),
                            tag_copy.data()),
        CryptoErrc::internal, "cannot set GCM tag");
  unsigned char dummy[16];
  int fin = 0;
  if (EVP_CipherFinal_ex(ctx.get(), dummy, &fin) != 1) {
    clear_errors();
    throw AuthenticationError("GCM tag mismatch");  // `out` is wiped on the way out
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Digests, MACs, KDFs

Bytes CryptoProvider::digest(HashAlg md, ByteView data) {
  const EVP_MD* m = impl_->md(md);
  Bytes out(digest_size(md));
  unsigned int len = 0;
  check(EVP_Digest(data.data(), data.size(), out.data(), &len, m, nullptr), CryptoErrc::internal,
        "digest failed");
  if (len != out.size()) fail(CryptoErrc::internal, "digest has the wrong length");
  return out;
}

namespace {
Bytes run_mac(EVP_MAC* mac, ByteView key, const OSSL_PARAM* params, ByteView data) {
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) fail(CryptoErrc::internal, "EVP_MAC_CTX_new failed");
  check(EVP_MAC_init(ctx.get(), nonnull(key), key.size(), params), CryptoErrc::invalid_argument,
        "MAC initialisation failed");
  if (!data.empty())
    check(EVP_MAC_update(ctx.get(), data.data(), data.size()), CryptoErrc::internal,
          "MAC update failed");
  Bytes out(EVP_MAX_MD_SIZE);
  std::size_t len = 0;
  check(EVP_MAC_final(ctx.get(), out.data(), &len, out.size()), CryptoErrc::internal,
        "MAC final failed");
  out.resize(len);
  return out;
}
}  // namespace

Bytes CryptoProvider::hmac(HashAlg md, ByteView key, ByteView data) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(md_name(md)), 0),
      OSSL_PARAM_construct_end()};
  return run_mac(impl_->hmac.get(), key, params, data);
}

Bytes CryptoProvider::cmac(BlockAlg alg, ByteView key, ByteView data) {
  const char* cipher = nullptr;
  SecretBytes k;
  switch (alg) {
    case BlockAlg::aes: {
      static const char* names[] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};
      cipher = names[aes_index(key.size())];
      k = SecretBytes(key);
      break;
    }
    case BlockAlg::tdes:
      cipher = "DES-EDE3-CBC";
      k = tdes_key(key);
      break;
    default:
      throw CryptoError(CryptoErrc::invalid_argument, "unknown block cipher");
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(cipher), 0),
      OSSL_PARAM_construct_end()};
  return run_mac(impl_->cmac.get(), k.view(), params, data);
}

namespace {
SecretBytes run_hkdf(const CryptoProvider::Impl& p, HashAlg md, int mode, ByteView key,
                     ByteView salt, ByteView info, std::size_t length) {
  KdfCtxPtr ctx(EVP_KDF_CTX_new(p.hkdf.get()));
  if (!ctx) fail(CryptoErrc::internal, "EVP_KDF_CTX_new failed");
  OSSL_PARAM params[6];
  std::size_t i = 0;
  params[i++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[i++] =
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md_name(md)), 0);
  params[i++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(nonnull(key)), key.size());
  if (!salt.empty())
    params[i++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<unsigned char*>(salt.data()), salt.size());
  if (!info.empty())
    params[i++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<unsigned char*>(info.data()), info.size());
  params[i] = OSSL_PARAM_construct_end();
  SecretBytes out(length);
  check(EVP_KDF_derive(ctx.get(), out.data(), out.size(), params), CryptoErrc::invalid_argument,
        "HKDF failed");
  return out;
}
}  // namespace

SecretBytes CryptoProvider::hkdf_extract(HashAlg md, ByteView salt, ByteView ikm) {
  if (ikm.empty())
    throw CryptoError(CryptoErrc::invalid_argument, "HKDF input keying material is empty");
  return run_hkdf(*impl_, md, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, salt, {}, digest_size(md));
}

SecretBytes CryptoProvider::hkdf_expand(HashAlg md, ByteView prk, ByteView info,
                                        std::size_t length) {
  if (prk.size() < digest_size(md))
    throw CryptoError(CryptoErrc::invalid_argument, "HKDF PRK shorter than the hash");
  if (length == 0 || length > 255 * digest_size(md))
    throw CryptoError(CryptoErrc::invalid_argument, "HKDF output length must be 1..255*HashLen");
  return run_hkdf(*impl_, md, EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, {}, info, length);
}

SecretBytes CryptoProvider::hkdf(HashAlg md, ByteView salt, ByteView ikm, ByteView info,
                                 std::size_t length) {
  if (ikm.empty())
    throw CryptoError(CryptoErrc::invalid_argument, "HKDF input keying material is empty");
  if (length == 0 || length > 255 * digest_size(md))
    throw CryptoError(CryptoErrc::invalid_argument, "HKDF output length must be 1..255*HashLen");
  return run_hkdf(*impl_, md, EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, ikm, salt, info, length);
}

}  // namespace softcard
