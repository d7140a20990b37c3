#include <stdexcept>

#include "softcard/wire/endian.h"
#include "softcard/wire/key_blobs.h"

namespace softcard::wire {

RsaParts::~RsaParts() {
  for (Bytes* v : {&d, &p, &q, &dp, &dq, &qinv}) wipe(*v);
}

namespace {

std::uint32_t exponent_u32(ByteView e) {
  const Bytes v = strip_leading_zeros(e);
  if (v.size() > 4) throw std::invalid_argument("RSA public exponent wider than 32 bits");
  std::uint32_t out = 0;
  for (std::uint8_t b : v) out = (out << 8) | b;
  return out;
}

Bytes exponent_bytes(std::uint32_t e) {
  Bytes out;
  put_u32be(out, e);
  return strip_leading_zeros(out);
}

// A big-endian number as `width` little-endian bytes.
void put_le(Bytes& out, ByteView be, std::size_t width) {
  const Bytes v = strip_leading_zeros(be);
  if (v.size() > width) throw std::invalid_argument("key component wider than the blob field");
  const std::size_t at = out.size();
  out.insert(out.end(), v.rbegin(), v.rend());
  out.resize(at + width, 0);
}

Bytes take_be(ByteView b, std::size_t& at, std::size_t width) {
  Bytes v = reversed(b.subspan(at, width));
  at += width;
  return v;
}

void put_header(Bytes& out, std::uint8_t type, std::uint32_t alg, std::uint32_t magic,
                unsigned bits, const RsaParts& key) {
  out.push_back(type);
  out.push_back(capi::cur_blob_version);
  out.push_back(0), out.push_back(0);
  put_u32le(out, alg);
  put_u32le(out, magic);
  put_u32le(out, bits);
  put_u32le(out, exponent_u32(key.e));
}

unsigned modulus_bits(const RsaParts& key) {
  if (key.bits) return key.bits;
  return static_cast<unsigned>(strip_leading_zeros(key.n).size() * 8);
}

}  // namespace

Bytes encode_publickeyblob(const RsaParts& key, bool key_exchange) {
  const unsigned bits = modulus_bits(key);
  Bytes out;
  put_header(out, capi::publickeyblob, key_exchange ? capi::calg_rsa_keyx : capi::calg_rsa_sign,
             capi::rsa1_magic, bits, key);
  put_le(out, key.n, bits / 8);
  return out;
}

std::optional<RsaParts> decode_publickeyblob(ByteView b) {
  if (b.size() < 20 || b[0] != capi::publickeyblob || b[1] != capi::cur_blob_version)
    return std::nullopt;
  if (get_u32le(b, 8) != capi::rsa1_magic) return std::nullopt;
  const std::uint32_t bits = get_u32le(b, 12);
  if (bits == 0 || bits % 8 || b.size() != 20 + std::size_t(bits / 8)) return std::nullopt;
  RsaParts k;
  k.bits = bits;
  k.e = exponent_bytes(get_u32le(b, 16));
  std::size_t at = 20;
  k.n = take_be(b, at, bits / 8);
  return k;
}

Bytes encode_privatekeyblob(const RsaParts& key, bool key_exchange) {
  const unsigned bits = modulus_bits(key);
  const std::size_t n = bits / 8, h = n / 2;
  Bytes out;
  put_header(out, capi::privatekeyblob, key_exchange ? capi::calg_rsa_keyx : capi::calg_rsa_sign,
             capi::rsa2_magic, bits, key);
  put_le(out, key.n, n);
  for (const Bytes* v : {&key.p, &key.q, &key.dp, &key.dq, &key.qinv}) put_le(out, *v, h);
  put_le(out, key.d, n);
  return out;
}

std::optional<PrivateKeyBlob> decode_privatekeyblob(ByteView b) {
  if (b.size() < 20 || b[0] != capi::privatekeyblob || b[1] != capi::cur_blob_version)
    return std::nullopt;
  const std::uint32_t alg = get_u32le(b, 4);
  if (alg != capi::calg_rsa_keyx && alg != capi::calg_rsa_sign) return std::nullopt;
  if (get_u32le(b, 8) != capi::rsa2_magic) return std::nullopt;
  const std::uint32_t bits = get_u32le(b, 12);
  if (bits == 0 || bits % 16) return std::nullopt;
  const std::size_t n = bits / 8, h = n / 2;
  if (b.size() != 20 + 2 * n + 5 * h) return std::nullopt;
  PrivateKeyBlob out;
  out.key_exchange = alg == capi::calg_rsa_keyx;
  RsaParts& k = out.key;
  k.bits = bits;
  k.e = exponent_bytes(get_u32le(b, 16));
  std::size_t at = 20;
  k.n = take_be(b, at, n);
  k.p = take_be(b, at, h), k.q = take_be(b, at, h);
  k.dp = take_be(b, at, h), k.dq = take_be(b, at, h), k.qinv = take_be(b, at, h);
  k.d = take_be(b, at, n);
  return out;
}

}  // namespace softcard::wire
