#include "verify.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstring>

#include "cardmod.h"

namespace softcard::mdtest::verify {

namespace {

PKey own(EVP_PKEY* p) {
  return PKey(p, EVP_PKEY_free);
}
using Ctx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
Ctx ctx_for(EVP_PKEY* key) {
  return Ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), EVP_PKEY_CTX_free);
}
using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

std::uint32_t u32le(const Bytes& b, std::size_t off) {
  return b[off] | b[off + 1] << 8 | b[off + 2] << 16 | static_cast<std::uint32_t>(b[off + 3]) << 24;
}
void put_u32le(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

const char* curve_for_size(std::size_t field_bytes) {
  switch (field_bytes) {
    case 32:
      return "P-256";
    case 48:
      return "P-384";
    case 66:
      return "P-521";
  }
  return nullptr;
}

PKey from_params(const char* type, OSSL_PARAM* params) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> c(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!c || EVP_PKEY_fromdata_init(c.get()) != 1 ||
      EVP_PKEY_fromdata(c.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
    return nullptr;
  return own(key);
}

Bytes bn_le(const BIGNUM* bn, std::size_t len) {
  Bytes out(len);
  BN_bn2lebinpad(bn, out.data(), static_cast<int>(len));
  return out;
}

}  // namespace

Bytes reversed(Bytes b) {
  std::reverse(b.begin(), b.end());
  return b;
}

Bytes digest(const std::string& hash, const Bytes& data) {
  const EVP_MD* md = EVP_get_digestbyname(hash.c_str());
  if (!md) return {};
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr);
  out.resize(n);
  return out;
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  RAND_bytes(b.data(), static_cast<int>(n));
  return b;
}

PKey from_capi_public(const Bytes& b) {
  if (b.size() < 20 || b[0] != PUBLICKEYBLOB || u32le(b, 8) != RSA1_MAGIC) return nullptr;
  const std::uint32_t bits = u32le(b, 12);
  const std::uint32_t e = u32le(b, 16);
  if (bits == 0 || bits % 8 || b.size() < 20 + bits / 8) return nullptr;
  Bn n(BN_lebin2bn(b.data() + 20, static_cast<int>(bits / 8), nullptr), BN_free);
  Bn ebn(BN_new(), BN_free);
  BN_set_word(ebn.get(), e);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      OSSL_PARAM_BLD_free);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, ebn.get());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  PKey key = from_params("RSA", params);
  OSSL_PARAM_free(params);
  return key;
}

PKey from_bcrypt_ecc_public(const Bytes& b) {
  if (b.size() < 8) return nullptr;
  const std::uint32_t cb = u32le(b, 4);
  const char* curve = curve_for_size(cb);
  if (!curve || b.size() != 8 + 2 * cb) return nullptr;
  Bytes point{0x04};
  point.insert(point.end(), b.begin() + 8, b.end());
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      OSSL_PARAM_BLD_free);
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve, 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  PKey key = from_params("EC", params);
  OSSL_PARAM_free(params);
  return key;
}

bool rsa_verify(EVP_PKEY* key, const std::string& hash, const Bytes& hash_value,
                const Bytes& signature_le, bool pss) {
  const EVP_MD* md = EVP_get_digestbyname(hash.c_str());
  auto c = ctx_for(key);
  if (!md || !c || EVP_PKEY_verify_init(c.get()) != 1) return false;
  EVP_PKEY_CTX_set_rsa_padding(c.get(), pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING);
  if (pss) EVP_PKEY_CTX_set_rsa_pss_saltlen(c.get(), RSA_PSS_SALTLEN_AUTO);
  EVP_PKEY_CTX_set_signature_md(c.get(), md);
  const Bytes sig = reversed(signature_le);
  return EVP_PKEY_verify(c.get(), sig.data(), sig.size(), hash_value.data(), hash_value.size()) ==
         1;
}

bool ecdsa_verify(EVP_PKEY* key, const Bytes& hash_value, const Bytes& r_s) {
  if (r_s.empty() || r_s.size() % 2) return false;
  const std::size_t half = r_s.size() / 2;
  Bn r(BN_bin2bn(r_s.data(), static_cast<int>(half), nullptr), BN_free);
  Bn s(BN_bin2bn(r_s.data() + half, static_cast<int>(half), nullptr), BN_free);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, r.release(), s.release());
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  auto c = ctx_for(key);
  bool ok = der_len > 0 && c && EVP_PKEY_verify_init(c.get()) == 1 &&
            EVP_PKEY_verify(c.get(), der, static_cast<std::size_t>(der_len), hash_value.data(),
                            hash_value.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

Bytes rsa_encrypt(EVP_PKEY* key, const Bytes& message, const std::string& padding,
                  const std::string& oaep_hash, const Bytes& label) {
  auto c = ctx_for(key);
  if (!c || EVP_PKEY_encrypt_init(c.get()) != 1) return {};
  if (padding == "oaep") {
    EVP_PKEY_CTX_set_rsa_padding(c.get(), RSA_PKCS1_OAEP_PADDING);
    const EVP_MD* md = EVP_get_digestbyname(oaep_hash.c_str());
    EVP_PKEY_CTX_set_rsa_oaep_md(c.get(), md);
    EVP_PKEY_CTX_set_rsa_mgf1_md(c.get(), md);
    if (!label.empty()) {
      auto* l = static_cast<unsigned char*>(OPENSSL_malloc(label.size()));
      std::memcpy(l, label.data(), label.size());
      EVP_PKEY_CTX_set0_rsa_oaep_label(c.get(), l, static_cast<int>(label.size()));
    }
  } else {
    EVP_PKEY_CTX_set_rsa_padding(c.get(), padding == "none" ? RSA_NO_PADDING : RSA_PKCS1_PADDING);
  }
  std::size_t len = 0;
  if (EVP_PKEY_encrypt(c.get(), nullptr, &len, message.data(), message.size()) != 1) return {};
  Bytes out(len);
  if (EVP_PKEY_encrypt(c.get(), out.data(), &len, message.data(), message.size()) != 1) return {};
  out.resize(len);
  return out;
}

PKey rsa_generate(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  return key ? own(key) : nullptr;
}

Bytes capi_private_blob(EVP_PKEY* key, bool signature) {
  BIGNUM *n = nullptr, *e = nullptr, *d = nullptr, *p = nullptr, *q = nullptr, *dp = nullptr,
         *dq = nullptr, *qi = nullptr;
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_D, &d);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR1, &p);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR2, &q);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1, &dp);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2, &dq);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, &qi);
  const std::size_t bits = static_cast<std::size_t>(EVP_PKEY_get_bits(key));
  Bytes b = {PRIVATEKEYBLOB, CUR_BLOB_VERSION, 0, 0};
  put_u32le(b, signature ? CALG_RSA_SIGN : CALG_RSA_KEYX);
  put_u32le(b, RSA2_MAGIC);
  put_u32le(b, static_cast<std::uint32_t>(bits));
  put_u32le(b, static_cast<std::uint32_t>(BN_get_word(e)));
  for (auto [bn, len] : {std::pair{n, bits / 8},
                         {p, bits / 16},
                         {q, bits / 16},
                         {dp, bits / 16},
                         {dq, bits / 16},
                         {qi, bits / 16},
                         {d, bits / 8}}) {
    const Bytes part = bn_le(bn, len);
    b.insert(b.end(), part.begin(), part.end());
  }
  for (BIGNUM* x : {n, e, d, p, q, dp, dq, qi}) BN_clear_free(x);
  return b;
}

Ecdh ecdh_with(EVP_PKEY* card_public) {
  Ecdh out;
  char group[64] = {0};
  std::size_t glen = 0;
  if (EVP_PKEY_get_utf8_string_param(card_public, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &glen) != 1)
    return out;
  EVP_PKEY* eph = EVP_EC_gen(group);
  if (!eph) return out;
  out.ephemeral = own(eph);
  unsigned char point[1 + 2 * 66];
  std::size_t plen = 0;
  EVP_PKEY_get_octet_string_param(eph, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &plen);
  const std::size_t cb = (plen - 1) / 2;
  const std::uint32_t magic = cb == 32   ? BCRYPT_ECDH_PUBLIC_P256_MAGIC
                              : cb == 48 ? BCRYPT_ECDH_PUBLIC_P384_MAGIC
                                         : BCRYPT_ECDH_PUBLIC_P521_MAGIC;
  put_u32le(out.public_blob, magic);
  put_u32le(out.public_blob, static_cast<std::uint32_t>(cb));
  out.public_blob.insert(out.public_blob.end(), point + 1, point + plen);
  auto c = ctx_for(eph);
  std::size_t slen = 0;
  if (!c || EVP_PKEY_derive_init(c.get()) != 1 ||
      EVP_PKEY_derive_set_peer(c.get(), card_public) != 1 ||
      EVP_PKEY_derive(c.get(), nullptr, &slen) != 1)
    return out;
  out.secret.resize(slen);
  EVP_PKEY_derive(c.get(), out.secret.data(), &slen);
  out.secret.resize(slen);
  return out;
}

}  // namespace softcard::mdtest::verify
