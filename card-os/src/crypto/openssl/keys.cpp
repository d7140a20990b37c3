// Key generation, import/export and public parts (the key objects themselves: key_handles.cpp).
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "crypto/openssl/backend.h"

namespace softcard {

using namespace ossl;

namespace {

constexpr unsigned min_rsa_bits = 1024;
constexpr unsigned max_rsa_bits = 4096;

template <class Handle>
std::unique_ptr<Handle> make_handle(const CryptoProvider::Impl& p, PkeyPtr pkey) {
  auto h = std::make_unique<Handle>();
  h->lib = p.lib;
  h->pkey = std::move(pkey);
  describe_key(*h);
  return h;
}

// Full consistency check of a private key: public part, private part and their relation
// (for RSA: primes, n = p*q, d*e = 1 mod lcm(p-1, q-1), CRT values; for EC: d*G = Q).
void check_private_key(const CryptoProvider::Impl& p, EVP_PKEY* pkey) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(p.ctx(), pkey, nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_pkey failed");
  if (EVP_PKEY_check(ctx.get()) != 1) fail(CryptoErrc::invalid_key, "inconsistent private key");
}

// The cheap check for keys from the card's own image (KeyCheck::stored): every relation between
// the components that the full check verifies, except that p and q are prime, and the private
// operation undone by the public one.
void check_stored_rsa_key(const CryptoProvider::Impl& p, const KeyHandle& h) {
  auto param = [&](const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(h.pkey.get(), name, &raw) != 1)
      fail(CryptoErrc::invalid_key, std::string("RSA key lacks ") + name);
    return BnPtr(raw);
  };
  BnPtr n = param(OSSL_PKEY_PARAM_RSA_N);
  BnPtr e = param(OSSL_PKEY_PARAM_RSA_E);
  BnPtr f1 = param(OSSL_PKEY_PARAM_RSA_FACTOR1);
  BnPtr f2 = param(OSSL_PKEY_PARAM_RSA_FACTOR2);
  BnCtxPtr bnctx(BN_CTX_secure_new_ex(p.ctx()));
  BnPtr product(BN_secure_new());
  if (!bnctx || !product || BN_mul(product.get(), f1.get(), f2.get(), bnctx.get()) != 1)
    fail(CryptoErrc::internal, "BN_mul failed");
  if (BN_cmp(product.get(), n.get()) != 0 || !BN_is_odd(e.get()) || BN_is_one(e.get()))
    fail(CryptoErrc::invalid_key, "inconsistent private key");

  // d*e = 1 mod (p-1) and mod (q-1) (i.e. mod lcm), dp = d mod (p-1), dq = d mod (q-1),
  // qinv*q = 1 mod p.
  BnPtr d = param(OSSL_PKEY_PARAM_RSA_D);
  BnPtr dp = param(OSSL_PKEY_PARAM_RSA_EXPONENT1);
  BnPtr dq = param(OSSL_PKEY_PARAM_RSA_EXPONENT2);
  BnPtr qinv = param(OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  BnPtr pm1(BN_secure_new()), qm1(BN_secure_new()), t(BN_secure_new());
  if (!pm1 || !qm1 || !t) fail(CryptoErrc::internal, "BN_new failed");
  auto ok = [](int rc) {
    if (rc != 1) fail(CryptoErrc::invalid_key, "inconsistent private key");
  };
  ok(BN_copy(pm1.get(), f1.get()) != nullptr && BN_sub_word(pm1.get(), 1) == 1 ? 1 : 0);
  ok(BN_copy(qm1.get(), f2.get()) != nullptr && BN_sub_word(qm1.get(), 1) == 1 ? 1 : 0);
  ok(BN_is_zero(pm1.get()) || BN_is_zero(qm1.get()) ? 0 : 1);
  for (const BIGNUM* m : {pm1.get(), qm1.get()}) {
    ok(BN_mod_mul(t.get(), d.get(), e.get(), m, bnctx.get()));
    ok(BN_is_one(t.get()) ? 1 : 0);
  }
  ok(BN_nnmod(t.get(), d.get(), pm1.get(), bnctx.get()));
  ok(BN_cmp(t.get(), dp.get()) == 0 ? 1 : 0);
  ok(BN_nnmod(t.get(), d.get(), qm1.get(), bnctx.get()));
  ok(BN_cmp(t.get(), dq.get()) == 0 ? 1 : 0);
  ok(BN_mod_mul(t.get(), qinv.get(), f2.get(), f1.get(), bnctx.get()));
  ok(BN_is_one(t.get()) ? 1 : 0);

  // x = 00 01 02 ... (below n: leading zero byte), y = x^d mod n, then y^e mod n must be x.
  Bytes x(h.size_bytes);
  for (std::size_t i = 1; i < x.size(); ++i) x[i] = static_cast<std::uint8_t>(i * 7 + 1);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(p.ctx(), h.pkey.get(), nullptr));
  Bytes y(h.size_bytes), back(h.size_bytes);
  std::size_t ylen = y.size(), blen = back.size();
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_decrypt(ctx.get(), y.data(), &ylen, x.data(), x.size()) != 1 ||
      EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), back.data(), &blen, y.data(), ylen) != 1)
    fail(CryptoErrc::invalid_key, "RSA private key does not work");
  if (blen != x.size() || back != x) fail(CryptoErrc::invalid_key, "inconsistent private key");
}

KeyPair checked_key_pair(const CryptoProvider::Impl& p, PkeyPtr pkey,
                         KeyCheck check = KeyCheck::full) {
  if (!EVP_PKEY_is_a(pkey.get(), "RSA") && !EVP_PKEY_is_a(pkey.get(), "EC") &&
      !EVP_PKEY_is_a(pkey.get(), "ED25519") && !EVP_PKEY_is_a(pkey.get(), "X25519"))
    fail(CryptoErrc::unsupported, "unsupported key type");
  auto h = make_handle<KeyPair::Impl>(p, std::move(pkey));
  if (h->type == KeyType::rsa && (h->bits < min_rsa_bits || h->bits > max_rsa_bits))
    fail(CryptoErrc::unsupported, "RSA modulus size outside 1024..4096 bits");
  if (check == KeyCheck::stored && h->type == KeyType::rsa)
    check_stored_rsa_key(p, *h);
  else
    check_private_key(p, h->pkey.get());
  return KeyPair(std::move(h));
}

PkeyPtr from_params(const CryptoProvider::Impl& p, const char* type, int selection,
                    OSSL_PARAM_BLD* bld, CryptoErrc code) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) fail(CryptoErrc::internal, "OSSL_PARAM_BLD_to_param failed");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(p.ctx(), type, nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_name failed");
  check(EVP_PKEY_fromdata_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_fromdata_init failed");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1)
    fail(code, std::string("key components rejected (") + type + ")");
  return PkeyPtr(raw);
}

ParamBldPtr new_bld() {
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) fail(CryptoErrc::internal, "OSSL_PARAM_BLD_new failed");
  return bld;
}

void push_bn(OSSL_PARAM_BLD* bld, const char* key, const BIGNUM* bn) {
  check(OSSL_PARAM_BLD_push_BN(bld, key, bn), CryptoErrc::internal,
        "OSSL_PARAM_BLD_push_BN failed");
}

Bytes strip_zeros(ByteView v) {
  auto it = std::find_if(v.begin(), v.end(), [](std::uint8_t b) { return b != 0; });
  return Bytes(it, v.end());
}

Bytes get_bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1)
    fail(CryptoErrc::internal, std::string("cannot read key parameter ") + name);
  BnPtr bn(raw);
  return from_bn(bn.get());
}

Bytes encode_point(const KeyHandle& h) {
  const std::size_t field = curve_field_size(h.curve);
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  const int ok_x = EVP_PKEY_get_bn_param(h.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x);
  BnPtr bx(x);
  const int ok_y = EVP_PKEY_get_bn_param(h.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y);
  BnPtr by(y);
  if (ok_x != 1 || ok_y != 1) fail(CryptoErrc::internal, "cannot read the EC public point");
  Bytes out{0x04};
  append(out, from_bn_padded(bx.get(), field));
  append(out, from_bn_padded(by.get(), field));
  return out;
}

Bytes spki_der(const KeyHandle& h) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(h.pkey.get(), &der);
  if (len <= 0) fail(CryptoErrc::internal, "i2d_PUBKEY failed");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

const KeyHandle& require_rsa(const KeyHandle& h) {
  if (h.type != KeyType::rsa) throw CryptoError(CryptoErrc::wrong_key_type, "not an RSA key");
  return h;
}

PublicKey public_from_der(const CryptoProvider::Impl& p, ByteView der) {
  const unsigned char* in = der.data();
  if (der.empty() || der.size() > 0x100000)
    throw CryptoError(CryptoErrc::invalid_key, "SubjectPublicKeyInfo has a bad length");
  PkeyPtr pkey(d2i_PUBKEY_ex(nullptr, &in, static_cast<long>(der.size()), p.ctx(), nullptr));
  if (!pkey) fail(CryptoErrc::invalid_key, "not a SubjectPublicKeyInfo");
  if (in != der.data() + der.size())
    fail(CryptoErrc::invalid_key, "trailing data after the public key");
  auto h = std::make_shared<PublicKey::Impl>();
  h->lib = p.lib;
  h->pkey = std::move(pkey);
  describe_key(*h);
  if (h->type == KeyType::ec) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(p.ctx(), h->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1)
      fail(CryptoErrc::invalid_key, "EC public point is not valid");
  } else if (h->type == KeyType::rsa && (h->bits < 512 || h->bits > 16384)) {
    fail(CryptoErrc::unsupported, "RSA modulus size outside 512..16384 bits");
  }
  return PublicKey(std::move(h));
}

// RSAPrivateKey ::= SEQUENCE { version INTEGER (0|1), modulus INTEGER, ... }. OpenSSL's
// "type-specific" decoder also takes PKCS#8; PUT DATA must carry PKCS#1 and nothing else.
bool looks_like_pkcs1_private(ByteView der) {
  std::size_t i = 0;
  auto header = [&](std::uint8_t tag) -> bool {  // skips tag and length, leaves i at the value
    if (i + 2 > der.size() || der[i] != tag) return false;
    ++i;
    std::size_t len_bytes = 0;
    if (der[i] & 0x80) {
      len_bytes = der[i] & 0x7F;
      if (len_bytes == 0 || len_bytes > 3) return false;
    }
    i += 1 + len_bytes;
    return i <= der.size();
  };
  if (!header(0x30)) return false;
  if (i + 3 > der.size() || der[i] != 0x02 || der[i + 1] != 0x01 || der[i + 2] > 1) return false;
  i += 3;
  return i < der.size() && der[i] == 0x02;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Generation

KeyPair CryptoProvider::generate_rsa(unsigned bits) {
  if (bits != 1024 && bits != 2048 && bits != 3072 && bits != 4096)
    throw CryptoError(CryptoErrc::unsupported, "RSA key size must be 1024, 2048, 3072 or 4096");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(impl_->ctx(), "RSA", nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_name(RSA) failed");
  check(EVP_PKEY_keygen_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_keygen_init failed");
  check(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)), CryptoErrc::internal,
        "cannot set RSA key size");
  BnPtr e = to_bn(Bytes{0x01, 0x00, 0x01});
  check(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()), CryptoErrc::internal,
        "cannot set RSA public exponent");
  EVP_PKEY* raw = nullptr;
  check(EVP_PKEY_generate(ctx.get(), &raw), CryptoErrc::internal, "RSA key generation failed");
  return KeyPair(make_handle<KeyPair::Impl>(*impl_, PkeyPtr(raw)));
}

KeyPair CryptoProvider::generate_ec(Curve curve) {
  const char* group = group_name(curve);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(impl_->ctx(), "EC", nullptr));
  if (!ctx) fail(CryptoErrc::internal, "EVP_PKEY_CTX_new_from_name(EC) failed");
  check(EVP_PKEY_keygen_init(ctx.get()), CryptoErrc::internal, "EVP_PKEY_keygen_init failed");
  check(EVP_PKEY_CTX_set_group_name(ctx.get(), group), CryptoErrc::unsupported, "cannot set curve");
  EVP_PKEY* raw = nullptr;
  check(EVP_PKEY_generate(ctx.get(), &raw), CryptoErrc::internal, "EC key generation failed");
  return KeyPair(make_handle<KeyPair::Impl>(*impl_, PkeyPtr(raw)));
}

// ---------------------------------------------------------------------------------------------
// Private import / export

SecretBytes CryptoProvider::export_private(const KeyPair& key) {
  using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, Deleter<OSSL_ENCODER_CTX_free>>;
  EncoderCtxPtr enc(OSSL_ENCODER_CTX_new_for_pkey(key.impl().pkey.get(), EVP_PKEY_KEYPAIR, "DER",
                                                  "PrivateKeyInfo", nullptr));
  if (!enc || OSSL_ENCODER_CTX_get_num_encoders(enc.get()) == 0)
    fail(CryptoErrc::internal, "no PKCS#8 encoder for this key");
  unsigned char* data = nullptr;
  std::size_t len = 0;
  check(OSSL_ENCODER_to_data(enc.get(), &data, &len), CryptoErrc::internal,
        "PKCS#8 encoding failed");
  SecretBytes out(ByteView(data, len));
  OPENSSL_clear_free(data, len);
  return out;
}

KeyPair CryptoProvider::import_private(ByteView der, KeyCheck check) {
  using P8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO_free>>;
  if (der.empty() || der.size() > 0x10000)
    throw CryptoError(CryptoErrc::invalid_key, "PKCS#8 private key has a bad length");
  const unsigned char* in = der.data();
  P8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &in, static_cast<long>(der.size())));
  if (!p8) fail(CryptoErrc::invalid_key, "not a PKCS#8 PrivateKeyInfo");
  if (in != der.data() + der.size())
    fail(CryptoErrc::invalid_key, "trailing data after the private key");
  PkeyPtr pkey(EVP_PKCS82PKEY_ex(p8.get(), impl_->ctx(), nullptr));
  if (!pkey) fail(CryptoErrc::invalid_key, "PKCS#8 private key does not decode");
  return checked_key_pair(*impl_, std::move(pkey), check);
}

KeyPair CryptoProvider::import_rsa_pkcs1_private(ByteView der) {
  using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX_free>>;
  if (der.empty() || der.size() > 0x10000)
    throw CryptoError(CryptoErrc::invalid_key, "RSAPrivateKey has a bad length");
  if (!looks_like_pkcs1_private(der))
    throw CryptoError(CryptoErrc::invalid_key, "not a PKCS#1 RSAPrivateKey");
  EVP_PKEY* raw = nullptr;
  DecoderCtxPtr dec(OSSL_DECODER_CTX_new_for_pkey(&raw, "DER", "type-specific", "RSA",
                                                  EVP_PKEY_KEYPAIR, impl_->ctx(), nullptr));
  if (!dec) fail(CryptoErrc::internal, "no RSAPrivateKey decoder");
  const unsigned char* in = der.data();
  std::size_t left = der.size();
  const int rc = OSSL_DECODER_from_data(dec.get(), &in, &left);
  PkeyPtr pkey(raw);
  if (rc != 1 || !pkey) fail(CryptoErrc::invalid_key, "not a PKCS#1 RSAPrivateKey");
  if (left != 0) fail(CryptoErrc::invalid_key, "trailing data after the private key");
  clear_errors();  // decoders that were tried and did not match leave entries behind
  return checked_key_pair(*impl_, std::move(pkey));
}

KeyPair CryptoProvider::import_rsa_components(const RsaPrivateComponents& c) {
  auto missing = [](const char* what) {
    throw CryptoError(CryptoErrc::invalid_key, std::string("RSA component missing: ") + what);
  };
  if (c.e.empty()) missing("e");
  if (c.p.empty()) missing("p");
  if (c.q.empty()) missing("q");
  if (c.dp.empty()) missing("dp");
  if (c.dq.empty()) missing("dq");
  if (c.qinv.empty()) missing("qinv");
  if (c.n.size() > 1024 || c.e.size() > 1024 || c.d.size() > 1024 || c.p.size() > 1024 ||
      c.q.size() > 1024 || c.dp.size() > 1024 || c.dq.size() > 1024 || c.qinv.size() > 1024)
    throw CryptoError(CryptoErrc::invalid_key, "RSA component too long");

  BnCtxPtr bnctx(BN_CTX_secure_new_ex(impl_->ctx()));
  if (!bnctx) fail(CryptoErrc::internal, "BN_CTX_new failed");
  BnPtr e = to_bn(c.e);
  BnPtr p = to_bn(c.p.view(), true);
  BnPtr q = to_bn(c.q.view(), true);
  BnPtr dp = to_bn(c.dp.view(), true);
  BnPtr dq = to_bn(c.dq.view(), true);
  BnPtr qinv = to_bn(c.qinv.view(), true);
  BnPtr n;
  if (c.n.empty()) {
    n.reset(BN_new());
    if (!n || BN_mul(n.get(), p.get(), q.get(), bnctx.get()) != 1)
      fail(CryptoErrc::internal, "cannot compute n");
  } else {
    n = to_bn(c.n);
  }
  BnPtr d;
  if (c.d.empty()) {
    // d = e^-1 mod lcm(p-1, q-1)
    BnPtr p1(BN_secure_new()), q1(BN_secure_new()), g(BN_secure_new()), phi(BN_secure_new()),
        lcm(BN_secure_new()), rem(BN_secure_new());
    d.reset(BN_secure_new());
    if (!p1 || !q1 || !g || !phi || !lcm || !rem || !d) fail(CryptoErrc::internal, "BN_new failed");
    if (BN_is_zero(p.get()) || BN_is_zero(q.get()) || BN_copy(p1.get(), p.get()) == nullptr ||
        BN_copy(q1.get(), q.get()) == nullptr || BN_sub_word(p1.get(), 1) != 1 ||
        BN_sub_word(q1.get(), 1) != 1 || BN_mul(phi.get(), p1.get(), q1.get(), bnctx.get()) != 1 ||
        BN_gcd(g.get(), p1.get(), q1.get(), bnctx.get()) != 1 || BN_is_zero(g.get()) ||
        BN_div(lcm.get(), rem.get(), phi.get(), g.get(), bnctx.get()) != 1 ||
        BN_mod_inverse(d.get(), e.get(), lcm.get(), bnctx.get()) == nullptr)
      fail(CryptoErrc::invalid_key, "cannot derive d from e, p and q");
  } else {
    d = to_bn(c.d.view(), true);
  }

  ParamBldPtr bld = new_bld();
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get());
  PkeyPtr pkey = from_params(*impl_, "RSA", EVP_PKEY_KEYPAIR, bld.get(), CryptoErrc::invalid_key);
  return checked_key_pair(*impl_, std::move(pkey));
}

KeyPair CryptoProvider::import_ec_private(Curve curve, ByteView d_bytes) {
  using GroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
  using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
  const std::size_t field = curve_field_size(curve);
  if (d_bytes.empty() || d_bytes.size() > field)
    throw CryptoError(CryptoErrc::invalid_key, "EC private scalar has a bad length");
  GroupPtr group(EC_GROUP_new_by_curve_name_ex(impl_->ctx(), nullptr, curve_nid(curve)));
  if (!group) fail(CryptoErrc::internal, "EC_GROUP_new_by_curve_name_ex failed");
  BnPtr d = to_bn(d_bytes, true);
  const BIGNUM* order = EC_GROUP_get0_order(group.get());
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), order) >= 0)
    throw CryptoError(CryptoErrc::invalid_key, "EC private scalar out of range");
  BnCtxPtr bnctx(BN_CTX_secure_new_ex(impl_->ctx()));
  PointPtr q(EC_POINT_new(group.get()));
  if (!bnctx || !q ||
      EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, bnctx.get()) != 1)
    fail(CryptoErrc::internal, "cannot derive the EC public point");
  Bytes point(1 + 2 * field);
  if (EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(),
                         point.size(), bnctx.get()) != point.size())
    fail(CryptoErrc::internal, "cannot encode the EC public point");

  ParamBldPtr bld = new_bld();
  check(
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_name(curve), 0),
      CryptoErrc::internal, "OSSL_PARAM_BLD_push_utf8_string failed");
  push_bn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
  check(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()),
        CryptoErrc::internal, "OSSL_PARAM_BLD_push_octet_string failed");
  PkeyPtr pkey = from_params(*impl_, "EC", EVP_PKEY_KEYPAIR, bld.get(), CryptoErrc::invalid_key);
  return checked_key_pair(*impl_, std::move(pkey));
}

// ---------------------------------------------------------------------------------------------
// Public parts

RsaPublic CryptoProvider::rsa_public(const KeyPair& key) {
  EVP_PKEY* pkey = require_rsa(key.impl()).pkey.get();
  return {get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N), get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E)};
}
RsaPublic CryptoProvider::rsa_public(const PublicKey& key) {
  EVP_PKEY* pkey = require_rsa(key.impl()).pkey.get();
  return {get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N), get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E)};
}
EcPublic CryptoProvider::ec_public(const KeyPair& key) {
  return {require_ec(key.impl()), encode_point(key.impl())};
}
EcPublic CryptoProvider::ec_public(const PublicKey& key) {
  return {require_ec(key.impl()), encode_point(key.impl())};
}
Bytes CryptoProvider::public_key_der(const KeyPair& key) {
  return spki_der(key.impl());
}
Bytes CryptoProvider::public_key_der(const PublicKey& key) {
  return spki_der(key.impl());
}

PublicKey CryptoProvider::public_key(const KeyPair& key) {
  // Through the SPKI encoding, so the public key shares no private material with the pair.
  return public_from_der(*impl_, spki_der(key.impl()));
}

PublicKey CryptoProvider::import_public_der(ByteView spki_der_bytes) {
  return public_from_der(*impl_, spki_der_bytes);
}

PublicKey CryptoProvider::import_rsa_public(const RsaPublic& pub) {
  const Bytes n = strip_zeros(pub.n);
  const Bytes e = strip_zeros(pub.e);
  if (n.empty() || (n.back() & 1) == 0 || n.size() > 2048)
    throw CryptoError(CryptoErrc::invalid_key, "RSA modulus must be odd and non-zero");
  if (e.empty() || (e.back() & 1) == 0 || (e.size() == 1 && e[0] < 3) || e.size() > 8)
    throw CryptoError(CryptoErrc::invalid_key, "RSA public exponent must be odd and >= 3");
  ParamBldPtr bld = new_bld();
  BnPtr bn_n = to_bn(n), bn_e = to_bn(e);
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  PkeyPtr pkey =
      from_params(*impl_, "RSA", EVP_PKEY_PUBLIC_KEY, bld.get(), CryptoErrc::invalid_key);
  auto h = std::make_shared<PublicKey::Impl>();
  h->lib = impl_->lib;
  h->pkey = std::move(pkey);
  describe_key(*h);
  if (h->bits < 512 || h->bits > 16384)
    throw CryptoError(CryptoErrc::unsupported, "RSA modulus size outside 512..16384 bits");
  return PublicKey(std::move(h));
}

PublicKey CryptoProvider::import_ec_public(const EcPublic& pub) {
  const std::size_t field = curve_field_size(pub.curve);
  if (pub.point.size() != 1 + 2 * field || pub.point[0] != 0x04)
    throw CryptoError(
        CryptoErrc::invalid_argument,
        std::string("EC point must be an uncompressed ") + curve_name(pub.curve) + " point");
  ParamBldPtr bld = new_bld();
  check(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                        group_name(pub.curve), 0),
        CryptoErrc::internal, "OSSL_PARAM_BLD_push_utf8_string failed");
  check(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.point.data(),
                                         pub.point.size()),
        CryptoErrc::internal, "OSSL_PARAM_BLD_push_octet_string failed");
  PkeyPtr pkey =
      from_params(*impl_, "EC", EVP_PKEY_PUBLIC_KEY, bld.get(), CryptoErrc::invalid_argument);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(impl_->ctx(), pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1)
    fail(CryptoErrc::invalid_argument, "EC point is not on the curve");
  auto h = std::make_shared<PublicKey::Impl>();
  h->lib = impl_->lib;
  h->pkey = std::move(pkey);
  describe_key(*h);
  return PublicKey(std::move(h));
}

}  // namespace softcard
