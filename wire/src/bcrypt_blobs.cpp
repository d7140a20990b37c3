#include <stdexcept>

#include "softcard/wire/endian.h"
#include "softcard/wire/key_blobs.h"

namespace softcard::wire {

EccParts::~EccParts() {
  wipe(d);
}

namespace {

void put_be(Bytes& out, ByteView be, std::size_t width) {
  const Bytes v = strip_leading_zeros(be);
  if (v.size() > width) throw std::invalid_argument("key component wider than the blob field");
  out.resize(out.size() + width - v.size(), 0);
  append(out, v);
}

Bytes take(ByteView b, std::size_t& at, std::size_t width) {
  Bytes v(b.begin() + static_cast<std::ptrdiff_t>(at),
          b.begin() + static_cast<std::ptrdiff_t>(at + width));
  at += width;
  return v;
}

}  // namespace

Bytes encode_bcrypt_rsakey_blob(const RsaParts& key, BcryptRsaKind kind) {
  const Bytes e = strip_leading_zeros(key.e), n = strip_leading_zeros(key.n);
  const unsigned bits = key.bits ? key.bits : static_cast<unsigned>(n.size() * 8);
  const std::size_t cb_mod = (bits + 7) / 8, cb_half = (cb_mod + 1) / 2;
  const bool priv = kind != BcryptRsaKind::public_key;
  Bytes out;
  put_u32le(out, kind == BcryptRsaKind::public_key    ? bcrypt::rsa_public_magic
                 : kind == BcryptRsaKind::private_key ? bcrypt::rsa_private_magic
                                                      : bcrypt::rsa_full_private_magic);
  put_u32le(out, bits);
  put_u32le(out, static_cast<std::uint32_t>(e.size()));
  put_u32le(out, static_cast<std::uint32_t>(cb_mod));
  put_u32le(out, priv ? static_cast<std::uint32_t>(cb_half) : 0);
  put_u32le(out, priv ? static_cast<std::uint32_t>(cb_half) : 0);
  append(out, e);
  put_be(out, n, cb_mod);
  if (!priv) return out;
  put_be(out, key.p, cb_half), put_be(out, key.q, cb_half);
  if (kind == BcryptRsaKind::full_private_key) {
    put_be(out, key.dp, cb_half), put_be(out, key.dq, cb_half), put_be(out, key.qinv, cb_half);
    put_be(out, key.d, cb_mod);
  }
  return out;
}

std::optional<RsaParts> decode_bcrypt_rsakey_blob(ByteView b) {
  if (b.size() < 24) return std::nullopt;
  const std::uint32_t magic = get_u32le(b, 0), bits = get_u32le(b, 4);
  const std::size_t cb_e = get_u32le(b, 8), cb_mod = get_u32le(b, 12), cb_p = get_u32le(b, 16),
                    cb_q = get_u32le(b, 20);
  const bool full = magic == bcrypt::rsa_full_private_magic;
  const bool priv = full || magic == bcrypt::rsa_private_magic;
  if (!priv && magic != bcrypt::rsa_public_magic) return std::nullopt;
  if (bits == 0 || cb_e == 0 || cb_mod != (bits + 7) / 8) return std::nullopt;
  if (priv && (cb_p == 0 || cb_q == 0)) return std::nullopt;
  // Fields are bounded by the blob itself, so the sum cannot overflow for any real size.
  if (cb_e > b.size() || cb_mod > b.size() || cb_p > b.size() || cb_q > b.size())
    return std::nullopt;
  std::size_t want = 24 + cb_e + cb_mod;
  if (priv) want += cb_p + cb_q;
  if (full) want += cb_p + cb_q + cb_p + cb_mod;
  if (b.size() != want) return std::nullopt;
  RsaParts k;
  k.bits = bits;
  std::size_t at = 24;
  k.e = take(b, at, cb_e);
  k.n = take(b, at, cb_mod);
  if (priv) k.p = take(b, at, cb_p), k.q = take(b, at, cb_q);
  if (full) {
    k.dp = take(b, at, cb_p), k.dq = take(b, at, cb_q), k.qinv = take(b, at, cb_p);
    k.d = take(b, at, cb_mod);
  }
  return k;
}

std::size_t ecc_field_bytes(unsigned curve_bits) {
  switch (curve_bits) {
    case 256:
      return 32;
    case 384:
      return 48;
    case 521:
      return 66;
  }
  return 0;
}

std::uint32_t ecc_magic(unsigned curve_bits, bool ecdh, bool has_private) {
  // "ECS1".."ECS6" / "ECK1".."ECK6": odd digits public, even private; P-256, P-384, P-521.
  unsigned digit = 0;
  switch (curve_bits) {
    case 256:
      digit = 1;
      break;
    case 384:
      digit = 3;
      break;
    case 521:
      digit = 5;
      break;
    default:
      return 0;
  }
  if (has_private) ++digit;
  const std::uint32_t letter = ecdh ? std::uint32_t{'K'} : std::uint32_t{'S'};
  return 0x00004345u | (letter << 16) | (std::uint32_t('0' + digit) << 24);
}

Bytes encode_bcrypt_ecckey_blob(const EccParts& key) {
  const std::size_t f = ecc_field_bytes(key.curve_bits);
  if (f == 0) throw std::invalid_argument("unknown curve");
  Bytes out;
  put_u32le(out, ecc_magic(key.curve_bits, key.ecdh, key.has_private));
  put_u32le(out, static_cast<std::uint32_t>(f));
  put_be(out, key.x, f), put_be(out, key.y, f);
  if (key.has_private) put_be(out, key.d, f);
  return out;
}

std::optional<EccParts> decode_bcrypt_ecckey_blob(ByteView b) {
  if (b.size() < 8) return std::nullopt;
  const std::uint32_t magic = get_u32le(b, 0);
  for (unsigned bits : {256u, 384u, 521u}) {
    for (bool ecdh : {false, true}) {
      for (bool priv : {false, true}) {
        if (ecc_magic(bits, ecdh, priv) != magic) continue;
        const std::size_t f = ecc_field_bytes(bits);
        if (get_u32le(b, 4) != f || b.size() != 8 + (priv ? 3 : 2) * f) return std::nullopt;
        EccParts k;
        k.curve_bits = bits, k.ecdh = ecdh, k.has_private = priv;
        std::size_t at = 8;
        k.x = take(b, at, f), k.y = take(b, at, f);
        if (priv) k.d = take(b, at, f);
        return k;
      }
    }
  }
  return std::nullopt;
}

}  // namespace softcard::wire
