#include "crypto/openssl/util.h"

#include <openssl/obj_mac.h>

namespace softcard::ossl {

void clear_errors() noexcept {
  ERR_clear_error();
}

void fail(CryptoErrc code, const std::string& what) {
  std::string message = what;
  // The reason string names the check that failed; OpenSSL never puts key material in it. The
  // last entry belongs to the failing call even if older, unrelated entries are still queued.
  if (unsigned long err = ERR_peek_last_error(); err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    message += " (";
    message += buf;
    message += ")";
  }
  ERR_clear_error();
  throw CryptoError(code, message);
}

BnPtr to_bn(ByteView bytes, bool secret) {
  BnPtr bn(secret ? BN_secure_new() : BN_new());
  if (!bn) fail(CryptoErrc::internal, "BN_new failed");
  if (bytes.size() > 0x10000) fail(CryptoErrc::invalid_argument, "integer too long");
  if (BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), bn.get()) == nullptr)
    fail(CryptoErrc::internal, "BN_bin2bn failed");
  return bn;
}

Bytes from_bn(const BIGNUM* bn) {
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  if (!out.empty()) BN_bn2bin(bn, out.data());
  return out;
}

Bytes from_bn_padded(const BIGNUM* bn, std::size_t length) {
  Bytes out(length);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(length)) < 0)
    fail(CryptoErrc::internal, "number longer than its field");
  return out;
}

SecretBytes secret_from_bn(const BIGNUM* bn, std::size_t length) {
  const std::size_t n = length ? length : static_cast<std::size_t>(BN_num_bytes(bn));
  SecretBytes out(n);
  if (n && BN_bn2binpad(bn, out.data(), static_cast<int>(n)) < 0)
    fail(CryptoErrc::internal, "number longer than its field");
  return out;
}

const char* md_name(HashAlg md) {
  // OpenSSL 3 fetches digests by these names too.
  return hash_name(md);
}

const char* group_name(Curve curve) {
  switch (curve) {
    case Curve::p256:
      return "prime256v1";
    case Curve::p384:
      return "secp384r1";
    case Curve::p521:
      return "secp521r1";
  }
  throw CryptoError(CryptoErrc::invalid_argument, "unknown curve");
}

int curve_nid(Curve curve) {
  switch (curve) {
    case Curve::p256:
      return NID_X9_62_prime256v1;
    case Curve::p384:
      return NID_secp384r1;
    case Curve::p521:
      return NID_secp521r1;
  }
  throw CryptoError(CryptoErrc::invalid_argument, "unknown curve");
}

}  // namespace softcard::ossl
