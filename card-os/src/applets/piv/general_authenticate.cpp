// GENERAL AUTHENTICATE (87) with a key slot: RSA raw private operation (sign or decrypt, the
// host pads), ECDSA over the host's hash (DER signature), Ed25519 over the message, ECDH and
// X25519 (85). The order of checks is
// docs/piv.md's "Key use". 9B (the management key) goes to mgmt_auth.cpp.
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
const wire::Tlv* find(const std::vector<wire::Tlv>& items, std::uint32_t tag) {
  return wire::find_tlv(items, tag);
}

// The policy decision for one use of a slot's key.
void check_policies(PivSession& s, const ObjectStore& store, const SlotKey& rec) {
  switch (rec.pin_policy) {
    case PinPolicy::never:
    case PinPolicy::defaulted:
      break;
    case PinPolicy::once:
      if (!s.security.verified(pin_ref)) throw CardError(Sw::security_not_satisfied);
      break;
    case PinPolicy::always:
      if (!s.security.verified(pin_ref) || !s.pin_fresh)
        throw CardError(Sw::security_not_satisfied);
      break;
  }
  if (rec.touch_policy == TouchPolicy::always || rec.touch_policy == TouchPolicy::cached)
    require_touch(store);
}

Bytes answer(ByteView result) {
  return wire::tlv(0x7C, wire::tlv(0x82, result));
}

Bytes key_operation(CryptoProvider& crypto, const KeyPair& key, const wire::Tlv* challenge,
                    const wire::Tlv* exponentiation) {
  try {
    if (exponentiation) {
      if (key.key_type() == KeyType::x25519)
        return answer(crypto.x25519(key, exponentiation->value).view());
      if (key.key_type() != KeyType::ec) throw CardError(Sw::wrong_data);
      const SecretBytes z = crypto.ecdh(key, exponentiation->value);
      return answer(z.view());
    }
    // Ed25519 signs the message itself (PureEdDSA), not a hash; an X25519 key cannot sign.
    if (key.key_type() == KeyType::ed25519)
      return answer(crypto.ed25519_sign(key, challenge->value));
    if (key.key_type() == KeyType::x25519) throw CardError(Sw::wrong_data);
    if (key.key_type() == KeyType::rsa) {
      if (challenge->value.size() != key.size_bytes()) throw CardError(Sw::wrong_data);
      const SecretBytes out = crypto.rsa_raw(key, challenge->value);
      return answer(out.view());
    }
    if (challenge->value.empty() || challenge->value.size() > 2 * key.size_bytes())
      throw CardError(Sw::wrong_data);
    return answer(crypto.ecdsa_sign_der(key, challenge->value));
  } catch (const CryptoError& e) {
    if (e.code() == CryptoErrc::internal) throw;
    throw CardError(Sw::wrong_data);
  }
}
}  // namespace

Response general_authenticate(PivSession& s, const Command& cmd, CardContext& ctx) {
  const auto top = parse_or_6a80(cmd.data);
  if (top.size() != 1 || top[0].tag != 0x7C) return Sw::wrong_data;
  const auto items = parse_or_6a80(top[0].value);
  if (cmd.p2 == mgmt_ref) return mgmt_authenticate(s, cmd, ctx, items);
  if (!is_key_slot(cmd.p2)) return Sw::incorrect_p1p2;

  // 7C { 82 00, 81 data } signs or deciphers, 7C { 82 00, 85 point } agrees a key.
  const wire::Tlv* response = find(items, 0x82);
  const wire::Tlv* challenge = find(items, 0x81);
  const wire::Tlv* exponentiation = find(items, 0x85);
  if (!response || !response->value.empty() || (!challenge == !exponentiation))
    return Sw::wrong_data;

  const auto rec = load_slot(ctx.store(), cmd.p2);
  if (!rec) return Sw::wrong_data;  // empty slot: a YubiKey answers 6A80 too
  if (cmd.p1 != rec->algorithm) return Sw::wrong_data;
  check_policies(s, ctx.store(), *rec);
  const KeyPair& key = slot_private_key(s, ctx, cmd.p2, *rec);
  Bytes out = key_operation(ctx.crypto(), key, challenge, exponentiation);
  // A PIN-always key consumes the verification it was given.
  if (rec->pin_policy == PinPolicy::always) s.pin_fresh = false;
  return out;
}

}  // namespace softcard::piv
