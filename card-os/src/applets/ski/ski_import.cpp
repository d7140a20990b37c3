// CSF_IMPORT_KEYPAIR (docs/ski.md §8.1): the KEY_IMPORT structure inside an opened blob and the
// Microsoft key blobs it carries (PRIVATEKEYBLOB for RSA, BCRYPT_ECCPRIVATE_BLOB for EC), turned
// into a new container through the GIDS API.
#include <algorithm>
#include <array>

#include "applets/ski/ski_session.h"
#include "softcard/errors.h"

namespace softcard::ski {
namespace {

constexpr std::uint32_t at_keyexchange = 1, at_signature = 2;
constexpr std::uint32_t role_user = 1;

Bytes be_from_le(ByteView le) {
  return Bytes(le.rbegin(), le.rend());
}

std::u16string random_guid(Rng& rng) {
  std::array<std::uint8_t, 16> r{};
  rng.fill(r);
  static const char* hex = "0123456789ABCDEF";
  std::u16string s = u"{";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back(u'-');
    s.push_back(static_cast<char16_t>(hex[r[i] >> 4]));
    s.push_back(static_cast<char16_t>(hex[r[i] & 15]));
  }
  s.push_back(u'}');
  return s;
}

KeyPair rsa_from_privatekeyblob(CryptoProvider& crypto, ByteView b, std::uint32_t bits) {
  if (bits < 1024 || bits > 4096 || bits % 1024) reject(Sw::function_not_supported);
  const std::size_t n = bits / 8, h = n / 2;
  if (b.size() != 20 + n + 5 * h + n) reject(Sw::wrong_data);
  if (b[0] != 0x07 || b[1] != 0x02 || get_u32le(b, 8) != 0x32415352 || get_u32le(b, 12) != bits)
    reject(Sw::wrong_data);
  const std::uint32_t alg = get_u32le(b, 4);
  if (alg != 0xA400 && alg != 0x2400) reject(Sw::wrong_data);
  RsaPrivateComponents c;
  const std::uint32_t e = get_u32le(b, 16);
  for (int i = 3; i >= 0; --i)
    if (!c.e.empty() || (e >> (8 * i)) & 0xFF) c.e.push_back(std::uint8_t(e >> (8 * i)));
  std::size_t off = 20;
  auto take = [&](std::size_t len) {
    Bytes v = be_from_le(b.subspan(off, len));
    off += len;
    return v;
  };
  c.n = take(n);
  auto secret = [&](std::size_t len) {
    Bytes v = take(len);
    SecretBytes s(v);
    std::fill(v.begin(), v.end(), 0);
    return s;
  };
  c.p = secret(h), c.q = secret(h), c.dp = secret(h), c.dq = secret(h), c.qinv = secret(h),
  c.d = secret(n);
  KeyPair k = crypto.import_rsa_components(c);
  if (k.bits() != bits) reject(Sw::wrong_data);
  return k;
}

KeyPair ec_from_blob(CryptoProvider& crypto, ByteView b, std::uint32_t spec, std::uint32_t bits) {
  static const Curve curves[] = {Curve::p256, Curve::p384, Curve::p521};
  const Curve curve = curves[(spec - 3) % 3];
  const bool ecdh = spec >= 6;
  static const std::uint32_t dsa_magic[] = {0x32534345, 0x34534345, 0x36534345};
  static const std::uint32_t dh_magic[] = {0x324B4345, 0x344B4345, 0x364B4345};
  const std::uint32_t magic = ecdh ? dh_magic[(spec - 3) % 3] : dsa_magic[(spec - 3) % 3];
  const std::size_t f = curve_field_size(curve);
  if (bits != curve_bits(curve)) reject(Sw::wrong_data);
  if (b.size() != 8 + 3 * f || get_u32le(b, 0) != magic || get_u32le(b, 4) != f)
    reject(Sw::wrong_data);
  KeyPair k = crypto.import_ec_private(curve, b.subspan(8 + 2 * f, f));
  EcPublic pub = crypto.ec_public(k);
  if (pub.point.size() != 1 + 2 * f ||
      !std::equal(pub.point.begin() + 1, pub.point.end(), b.begin() + 8))
    reject(Sw::wrong_data);
  return k;
}

bool holds_key(CardContext& ctx, gids::GidsApi& gids, std::size_t index) {
  try {
    gids.container_public_key(ctx, index);
    return true;
  } catch (const CardError& e) {
    if (e.sw() == Sw::reference_not_found) return false;  // no key file, or one without a key
    throw;
  }
}

}  // namespace

Response import_keypair(ByteView p, CardContext& ctx, gids::GidsApi& gids) {
  if (p.size() < 24 || get_u32le(p, 0) != 7 || get_u32le(p, 20) != p.size() - 24)
    reject(Sw::wrong_data);
  const std::size_t index = p[4];
  const std::uint32_t pin_id = get_u32le(p, 8), spec = get_u32le(p, 12), bits = get_u32le(p, 16);
  ByteView blob = p.subspan(24);
  if (pin_id != role_user) reject(Sw::wrong_data);
  if (index >= gids::max_containers) reject(Sw::wrong_data);
  if (!gids.pin_verified()) reject(Sw::security_not_satisfied);
  auto containers = gids.containers(ctx.store());
  if (index < containers.size() && containers[index].valid()) reject(Sw::file_exists);
  // A key in the container's key file makes it in use too, whatever the cmapfile says (D32): an
  // import never silently replaces a key.
  if (holds_key(ctx, gids, index)) reject(Sw::file_exists);
  bool has_default = false;
  for (const auto& c : containers)
    has_default |= (c.flags & gids::ContainerRecord::flag_default) != 0;
  CryptoProvider& crypto = ctx.crypto();
  std::optional<KeyPair> key;
  gids::ContainerKeyOptions opts;
  try {
    if (spec == at_keyexchange || spec == at_signature) {
      key = rsa_from_privatekeyblob(crypto, blob, bits);
      opts.spec = spec == at_keyexchange ? gids::KeySpec::key_exchange : gids::KeySpec::signature;
    } else if (spec >= 3 && spec <= 8) {
      key = ec_from_blob(crypto, blob, spec, bits);
      opts.spec = spec >= 6 ? gids::KeySpec::key_exchange : gids::KeySpec::signature;
    } else {
      reject(Sw::wrong_data);
    }
  } catch (const CryptoError& e) {
    reject(e.code() == CryptoErrc::unsupported ? Sw::function_not_supported : Sw::wrong_data);
  }
  opts.guid = random_guid(ctx.rng());
  opts.pin_protected = true;
  opts.make_default = !has_default;
  gids.create_container_key(ctx, index, *key, opts);
  return Response(Sw::ok);
}

}  // namespace softcard::ski
