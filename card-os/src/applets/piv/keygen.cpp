// GENERATE ASYMMETRIC KEY PAIR (47) and Yubico's IMPORT ASYMMETRIC KEY (FE). Both need the
// management key; the key's PIN and touch policies come with it (AA, AB) and are stored.
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
std::optional<std::uint8_t> policy_byte(const std::vector<wire::Tlv>& items, std::uint32_t tag) {
  const wire::Tlv* t = wire::find_tlv(items, tag);
  if (!t) return std::nullopt;
  if (t->value.size() != 1) throw CardError(Sw::wrong_data);
  return t->value[0];
}

Curve curve_of(std::uint8_t a) {
  return a == alg::p384 ? Curve::p384 : Curve::p256;
}

KeyPair generate(CryptoProvider& crypto, std::uint8_t a) {
  if (is_rsa(a)) return crypto.generate_rsa(rsa_bits(a));
  if (a == alg::ed25519) return crypto.generate_ed25519();
  if (a == alg::x25519) return crypto.generate_x25519();
  return crypto.generate_ec(curve_of(a));
}
}  // namespace

Response generate_key_pair(PivSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 != 0x00 || !is_key_slot(cmd.p2)) return Sw::incorrect_p1p2;
  require_admin(s);
  // AC { 80 alg [AA pin-policy] [AB touch-policy] }
  const auto top = parse_or_6a80(cmd.data);
  if (top.size() != 1 || top[0].tag != 0xAC) return Sw::wrong_data;
  const auto items = parse_or_6a80(top[0].value);
  const wire::Tlv* a = wire::find_tlv(items, 0x80);
  if (!a || a->value.size() != 1) return Sw::wrong_data;
  const std::uint8_t algorithm = a->value[0];
  if (!asymmetric_supported(ctx.store(), algorithm)) return Sw::wrong_data;
  const PinPolicy pin = resolve_pin_policy(cmd.p2, policy_byte(items, 0xAA));
  const TouchPolicy touch = resolve_touch_policy(policy_byte(items, 0xAB));
  CryptoProvider& crypto = ctx.crypto();
  const KeyPair key = generate(crypto, algorithm);
  store_slot_key(s, ctx, cmd.p2, key, algorithm, pin, touch, Origin::generated);
  return public_key_template(crypto, key);
}

Response import_key(PivSession& s, const Command& cmd, CardContext& ctx) {
  require_device(ctx.store());
  if (!is_key_slot(cmd.p2) && cmd.p2 != attestation_slot) return Sw::incorrect_p1p2;
  require_admin(s);
  const std::uint8_t algorithm = cmd.p1;
  if (!asymmetric_supported(ctx.store(), algorithm)) return Sw::incorrect_p1p2;
  const auto items = parse_or_6a80(cmd.data);
  const PinPolicy pin = resolve_pin_policy(cmd.p2, policy_byte(items, 0xAA));
  const TouchPolicy touch = resolve_touch_policy(policy_byte(items, 0xAB));
  CryptoProvider& crypto = ctx.crypto();
  try {
    std::optional<KeyPair> key;
    if (is_rsa(algorithm)) {
      // 01 p, 02 q, 03 dp, 04 dq, 05 qinv; the public exponent is 65537.
      RsaPrivateComponents c;
      SecretBytes* parts[] = {&c.p, &c.q, &c.dp, &c.dq, &c.qinv};
      for (std::uint32_t tag = 1; tag <= 5; ++tag) {
        const wire::Tlv* t = wire::find_tlv(items, tag);
        if (!t || t->value.empty()) return Sw::wrong_data;
        *parts[tag - 1] = SecretBytes(t->value);
      }
      c.e = {0x01, 0x00, 0x01};
      key.emplace(crypto.import_rsa_components(c));
    } else if (algorithm == alg::ed25519 || algorithm == alg::x25519) {
      // 07 the Ed25519 seed, 08 the X25519 scalar: 32 bytes each.
      const wire::Tlv* k = wire::find_tlv(items, algorithm == alg::ed25519 ? 0x07 : 0x08);
      if (!k || k->value.size() != 32) return Sw::wrong_data;
      key.emplace(algorithm == alg::ed25519 ? crypto.import_ed25519_private(k->value)
                                            : crypto.import_x25519_private(k->value));
    } else {
      const wire::Tlv* d = wire::find_tlv(items, 0x06);
      if (!d || d->value.size() != curve_field_size(curve_of(algorithm))) return Sw::wrong_data;
      key.emplace(crypto.import_ec_private(curve_of(algorithm), d->value));
    }
    if (algorithm_of(*key) != algorithm) return Sw::wrong_data;
    store_slot_key(s, ctx, cmd.p2, *key, algorithm, pin, touch, Origin::imported);
  } catch (const CryptoError& e) {
    if (e.code() == CryptoErrc::internal) throw;
    return Sw::wrong_data;
  }
  return Sw::ok;
}

}  // namespace softcard::piv
