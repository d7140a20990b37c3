// CSF_IMPORT_KEYPAIR (docs/ski.md §8.1): the KEY_IMPORT structure inside an opened blob and the
// Microsoft key blobs it carries (PRIVATEKEYBLOB for RSA, BCRYPT_ECCPRIVATE_BLOB for EC), turned
// into a new container through the GIDS API.
#include <algorithm>
#include <array>

#include "applets/ski/ski_session.h"
#include "softcard/errors.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/ski.h"

namespace softcard::ski {
namespace {

constexpr std::uint32_t at_keyexchange = 1, at_signature = 2;
constexpr std::uint32_t role_user = 1;

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

// The PRIVATEKEYBLOB's format is wire's (docs/wire.md); the card adds the size rules of §8.1:
// an unsupported dwKeySize 6A81 first, then any blob that is not exactly a PRIVATEKEYBLOB of
// that size 6A80.
KeyPair rsa_from_privatekeyblob(CryptoProvider& crypto, ByteView b, std::uint32_t bits) {
  if (bits < 1024 || bits > 4096 || bits % 1024) reject(Sw::function_not_supported);
  const auto blob = wire::decode_privatekeyblob(b);
  if (!blob || blob->key.bits != bits) reject(Sw::wrong_data);
  const wire::RsaParts& k = blob->key;
  RsaPrivateComponents c;
  c.n = k.n;
  c.e = k.e;
  c.p = SecretBytes(k.p), c.q = SecretBytes(k.q), c.dp = SecretBytes(k.dp),
  c.dq = SecretBytes(k.dq), c.qinv = SecretBytes(k.qinv), c.d = SecretBytes(k.d);
  KeyPair key = crypto.import_rsa_components(c);
  if (key.bits() != bits) reject(Sw::wrong_data);
  return key;
}

// BCRYPT_ECCPRIVATE_BLOB through wire: the magic must be the private ECDSA/ECDH one of the
// spec's curve, and X || Y the public point of d (all 6A80).
KeyPair ec_from_blob(CryptoProvider& crypto, ByteView b, std::uint32_t spec, std::uint32_t bits) {
  static const Curve curves[] = {Curve::p256, Curve::p384, Curve::p521};
  const Curve curve = curves[(spec - 3) % 3];
  const bool ecdh = spec >= 6;
  if (bits != curve_bits(curve)) reject(Sw::wrong_data);
  const auto blob = wire::decode_bcrypt_ecckey_blob(b);
  if (!blob || !blob->has_private || blob->ecdh != ecdh || blob->curve_bits != bits)
    reject(Sw::wrong_data);
  KeyPair k = crypto.import_ec_private(curve, blob->d);
  const EcPublic pub = crypto.ec_public(k);
  Bytes point = {0x04};
  append(point, blob->x);
  append(point, blob->y);
  if (pub.point != point) reject(Sw::wrong_data);
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
  const auto st = wire::ski::decode_import_keypair(p);  // version 7, cbInput = the rest
  if (!st) reject(Sw::wrong_data);
  const std::size_t index = st->container_index;
  const std::uint32_t pin_id = st->pin_id, spec = st->key_spec, bits = st->key_bits;
  const ByteView blob = st->key_blob;
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
