// ECDSA signature format conversions (pure functions, OpenSSL's ASN.1 codec).
#include <openssl/ec.h>

#include "crypto/openssl/util.h"

namespace softcard {

using namespace ossl;

namespace {
using SigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
}

Bytes ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * 66)
    throw CryptoError(CryptoErrc::invalid_argument, "raw ECDSA signature has a bad length");
  const std::size_t half = raw.size() / 2;
  BnPtr r = to_bn(raw.first(half));
  BnPtr s = to_bn(raw.subspan(half));
  SigPtr sig(ECDSA_SIG_new());
  if (!sig) fail(CryptoErrc::internal, "ECDSA_SIG_new failed");
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    fail(CryptoErrc::internal, "ECDSA_SIG_set0 failed");
  r.release();  // now owned by sig
  s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) fail(CryptoErrc::internal, "i2d_ECDSA_SIG failed");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes ecdsa_der_to_raw(ByteView der, Curve curve) {
  const std::size_t field = curve_field_size(curve);
  if (der.empty() || der.size() > 256)
    throw CryptoError(CryptoErrc::invalid_argument, "DER ECDSA signature has a bad length");
  const unsigned char* in = der.data();
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig) fail(CryptoErrc::invalid_argument, "not a DER ECDSA signature");
  if (in != der.data() + der.size())
    throw CryptoError(CryptoErrc::invalid_argument, "trailing data after the ECDSA signature");
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_is_negative(r) || BN_is_negative(s) || static_cast<std::size_t>(BN_num_bytes(r)) > field ||
      static_cast<std::size_t>(BN_num_bytes(s)) > field)
    throw CryptoError(CryptoErrc::invalid_argument,
                      "ECDSA signature values too large for the curve");
  Bytes out = from_bn_padded(r, field);
  append(out, from_bn_padded(s, field));
  return out;
}

}  // namespace softcard
