// Slow, memory-hard derivation for low-entropy secrets (PIN verifiers in the card image).
#include "crypto/openssl/backend.h"

namespace softcard {

using namespace ossl;

SecretBytes CryptoProvider::scrypt(ByteView password, ByteView salt, const ScryptCost& cost,
                                   std::size_t length) {
  if (cost.log2_n < 1 || cost.log2_n > 30 || cost.r == 0 || cost.p == 0 || length == 0)
    throw CryptoError(CryptoErrc::invalid_argument, "scrypt cost or length out of range");
  KdfPtr kdf(EVP_KDF_fetch(impl_->lib->get(), "SCRYPT", nullptr));
  if (!kdf) fail(CryptoErrc::unsupported, "OpenSSL does not offer SCRYPT");
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) fail(CryptoErrc::internal, "EVP_KDF_CTX_new failed");
  std::uint64_t n = std::uint64_t{1} << cost.log2_n;
  std::uint32_t r = cost.r, p = cost.p;
  // Enough for N * r * 128 bytes of scratch plus OpenSSL's own accounting.
  std::uint64_t maxmem = (n * r * 128) + (std::uint64_t{1} << 24);
  static const std::uint8_t empty = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_PASSWORD,
          const_cast<unsigned char*>(password.empty() ? &empty : password.data()), password.size()),
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_SALT, const_cast<unsigned char*>(salt.empty() ? &empty : salt.data()),
          salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  SecretBytes out(length);
  check(EVP_KDF_derive(ctx.get(), out.data(), out.size(), params), CryptoErrc::internal,
        "scrypt failed");
  return out;
}

}  // namespace softcard
