#include "padding.h"

namespace softcard::md {

namespace {

Bytes mgf1(Context& ctx, HashAlg md, ByteView seed, std::size_t len) {
  Bytes out;
  for (std::uint32_t counter = 0; out.size() < len; ++counter) {
    Bytes block(seed.begin(), seed.end());
    for (int shift = 24; shift >= 0; shift -= 8) block.push_back(std::uint8_t(counter >> shift));
    const Bytes h = ctx.crypto.digest(md, block);
    out.insert(out.end(), h.begin(), h.end());
  }
  out.resize(len);
  return out;
}

}  // namespace

HashAlg bcrypt_hash(LPCWSTR name) {
  if (wide_equal(name, u"SHA1")) return HashAlg::sha1;
  if (wide_equal(name, u"SHA256")) return HashAlg::sha256;
  if (wide_equal(name, u"SHA384")) return HashAlg::sha384;
  if (wide_equal(name, u"SHA512")) return HashAlg::sha512;
  fail(SCARD_E_INVALID_PARAMETER);
}

HashAlg calg_hash(ALG_ID alg) {
  switch (alg) {
    case CALG_SHA1:
      return HashAlg::sha1;
    case CALG_SHA_256:
      return HashAlg::sha256;
    case CALG_SHA_384:
      return HashAlg::sha384;
    case CALG_SHA_512:
      return HashAlg::sha512;
    default:
      fail(SCARD_E_INVALID_PARAMETER);
  }
}

Bytes pss_encode(Context& ctx, HashAlg md, ByteView hash, std::size_t salt_len, unsigned mod_bits) {
  const std::size_t h_len = digest_size(md);
  const unsigned em_bits = mod_bits - 1;
  const std::size_t em_len = (em_bits + 7) / 8;
  if (hash.size() != h_len || em_len < h_len + salt_len + 2) fail(SCARD_E_INVALID_PARAMETER);
  const Bytes salt = ctx.random(salt_len);
  Bytes m(8, 0);
  m.insert(m.end(), hash.begin(), hash.end());
  m.insert(m.end(), salt.begin(), salt.end());
  const Bytes h = ctx.crypto.digest(md, m);
  Bytes db(em_len - salt_len - h_len - 2, 0);
  db.push_back(0x01);
  db.insert(db.end(), salt.begin(), salt.end());
  const Bytes mask = mgf1(ctx, md, h, db.size());
  for (std::size_t i = 0; i < db.size(); ++i) db[i] ^= mask[i];
  db[0] &= static_cast<std::uint8_t>(0xFF >> (8 * em_len - em_bits));
  Bytes em((mod_bits + 7) / 8 - em_len, 0);  // the raw RSA input is modulus-sized
  em.insert(em.end(), db.begin(), db.end());
  em.insert(em.end(), h.begin(), h.end());
  em.push_back(0xBC);
  return em;
}

SecretBytes oaep_decode(Context& ctx, HashAlg md, ByteView em, ByteView label) {
  const std::size_t h_len = digest_size(md);
  if (em.size() < 2 * h_len + 2) fail(NTE_BAD_DATA);
  const Bytes l_hash = ctx.crypto.digest(md, label);
  const ByteView masked_seed = em.subspan(1, h_len), masked_db = em.subspan(1 + h_len);
  Bytes seed = mgf1(ctx, md, masked_db, h_len);
  for (std::size_t i = 0; i < h_len; ++i) seed[i] ^= masked_seed[i];
  Bytes db = mgf1(ctx, md, seed, masked_db.size());
  for (std::size_t i = 0; i < db.size(); ++i) db[i] ^= masked_db[i];
  // Every check runs whatever failed before, so the answer time says nothing about where.
  unsigned bad = em[0];
  for (std::size_t i = 0; i < h_len; ++i) bad |= db[i] ^ l_hash[i];
  std::size_t start = 0;
  unsigned looking = 1;
  for (std::size_t i = h_len; i < db.size(); ++i) {
    const unsigned is_one = db[i] == 0x01, is_zero = db[i] == 0x00;
    start |= looking & is_one ? i + 1 : 0;
    bad |= looking & !is_one & !is_zero;
    looking &= !is_one;
  }
  bad |= looking;
  SecretBytes out(ByteView(db).subspan(bad ? db.size() : start));
  std::fill(seed.begin(), seed.end(), 0), std::fill(db.begin(), db.end(), 0);
  if (bad) fail(NTE_BAD_DATA);
  return out;
}

Bytes pkcs1_sign_pad(ByteView t, std::size_t k) {
  if (t.size() + 11 > k) fail(SCARD_E_INVALID_PARAMETER);
  Bytes em = {0x00, 0x01};
  em.resize(k - t.size() - 1, 0xFF);
  em.push_back(0x00);
  em.insert(em.end(), t.begin(), t.end());
  return em;
}

SecretBytes pkcs1_decrypt_unpad(ByteView em) {
  // As oaep_decode: every byte is looked at whatever was found before.
  unsigned bad = em.size() < 11 ? 1u : 0u;
  std::size_t start = 0;
  if (!bad) {
    bad |= em[0] | (em[1] ^ 0x02u);
    unsigned looking = 1;
    for (std::size_t i = 2; i < em.size(); ++i) {
      const unsigned is_zero = em[i] == 0x00;
      start |= looking & is_zero ? i + 1 : 0;
      looking &= !is_zero;
    }
    bad |= looking;
    bad |= start < 11;  // the padding string has at least 8 bytes
  }
  SecretBytes out(em.subspan(bad ? em.size() : start));
  if (bad) fail(NTE_BAD_DATA);
  return out;
}

}  // namespace softcard::md
