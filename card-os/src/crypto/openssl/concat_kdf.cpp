// The single-step key derivation of NIST SP 800-56C (SP 800-56A's "concatenation KDF") with a
// hash: BCrypt's BCRYPT_KDF_SP80056A_CONCAT, which the host library offers on ECDH secrets.
#include "crypto/openssl/backend.h"

namespace softcard {

using namespace ossl;

SecretBytes CryptoProvider::concat_kdf(HashAlg md, ByteView z, ByteView other_info,
                                       std::size_t length) {
  if (z.empty()) throw CryptoError(CryptoErrc::invalid_argument, "concat KDF secret is empty");
  if (length == 0) throw CryptoError(CryptoErrc::invalid_argument, "concat KDF length is 0");
  KdfPtr kdf(EVP_KDF_fetch(impl_->lib->get(), "SSKDF", nullptr));
  if (!kdf) fail(CryptoErrc::unsupported, "OpenSSL does not offer SSKDF");
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) fail(CryptoErrc::internal, "EVP_KDF_CTX_new failed");
  // OSSL_PARAM wants a pointer even for an empty OtherInfo.
  static const std::uint8_t none = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md_name(md)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(z.data()),
                                        z.size()),
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_INFO,
          const_cast<unsigned char*>(other_info.empty() ? &none : other_info.data()),
          other_info.size()),
      OSSL_PARAM_construct_end()};
  SecretBytes out(length);
  check(EVP_KDF_derive(ctx.get(), out.data(), out.size(), params), CryptoErrc::internal,
        "concat KDF failed");
  return out;
}

}  // namespace softcard
