// Helpers the PIV handler families share: personality and firmware gates, the slot key cache,
// public key templates, policies, the simulated touch.
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

Device require_device(const ObjectStore& store, std::uint8_t major, std::uint8_t minor) {
  const auto d = load_device(store);
  if (!d || !d->at_least(major, minor)) throw CardError(Sw::ins_not_supported);
  return *d;
}

bool asymmetric_supported(const ObjectStore& store, std::uint8_t a) {
  if (a == alg::rsa1024 || a == alg::rsa2048 || a == alg::p256 || a == alg::p384) return true;
  // RSA-3072/4096, Ed25519 and X25519 came with YubiKey firmware 5.7; a plain PIV card (SP
  // 800-78-4) has none of them.
  if (a == alg::rsa3072 || a == alg::rsa4096 || a == alg::ed25519 || a == alg::x25519) {
    const auto d = load_device(store);
    return d && d->at_least(5, 7);
  }
  return false;
}

bool mgmt_algorithm_supported(const ObjectStore& store, std::uint8_t a) {
  if (a == alg::tdes) return true;
  if (!is_symmetric(a)) return false;
  const auto d = load_device(store);
  return !d || d->at_least(5, 4);
}

void require_admin(const PivSession& s) {
  if (!s.security.admin()) throw CardError(Sw::security_not_satisfied);
}

std::vector<wire::Tlv> parse_or_6a80(ByteView data) {
  auto tlvs = wire::parse_tlvs(data);
  if (!tlvs) throw CardError(Sw::wrong_data);
  return std::move(*tlvs);
}

const KeyPair& slot_private_key(PivSession& s, CardContext& ctx, std::uint8_t slot,
                                const SlotKey& rec) {
  auto it = s.key_cache.find(slot);
  if (it != s.key_cache.end() && it->second.key &&
      constant_time_equal(it->second.pkcs8.view(), rec.pkcs8.view()))
    return *it->second.key;
  auto key =
      std::make_unique<KeyPair>(ctx.crypto().import_private(rec.pkcs8.view(), KeyCheck::stored));
  auto& entry = s.key_cache[slot];
  entry.pkcs8 = rec.pkcs8;
  entry.key = std::move(key);
  return *entry.key;
}

void store_slot_key(PivSession& s, CardContext& ctx, std::uint8_t slot, const KeyPair& key,
                    std::uint8_t algorithm, PinPolicy pin, TouchPolicy touch, Origin origin) {
  SlotKey rec;
  rec.algorithm = algorithm;
  rec.pin_policy = pin;
  rec.touch_policy = touch;
  rec.origin = origin;
  rec.pkcs8 = ctx.crypto().export_private(key);
  ctx.store().put_secret(slot_key(slot), encode_slot(rec));
  s.key_cache.erase(slot);
}

Bytes public_key_inner(CryptoProvider& crypto, const KeyPair& key) {
  Bytes inner;
  if (key.key_type() == KeyType::rsa) {
    const RsaPublic pub = crypto.rsa_public(key);
    wire::put_tlv(inner, 0x81, pub.n);
    wire::put_tlv(inner, 0x82, pub.e);
  } else if (key.key_type() == KeyType::ed25519 || key.key_type() == KeyType::x25519) {
    wire::put_tlv(inner, 0x86, crypto.raw_public(key));  // the 32-byte public key, as Yubico
  } else {
    wire::put_tlv(inner, 0x86, crypto.ec_public(key).point);
  }
  return inner;
}

Bytes public_key_template(CryptoProvider& crypto, const KeyPair& key) {
  return wire::tlv(0x7F49, public_key_inner(crypto, key));
}

std::uint8_t algorithm_of(const KeyPair& key) {
  if (key.key_type() == KeyType::ed25519) return alg::ed25519;
  if (key.key_type() == KeyType::x25519) return alg::x25519;
  if (key.key_type() == KeyType::rsa) {
    switch (key.bits()) {
      case 1024:
        return alg::rsa1024;
      case 2048:
        return alg::rsa2048;
      case 3072:
        return alg::rsa3072;
      case 4096:
        return alg::rsa4096;
      default:
        return 0;
    }
  }
  switch (key.curve()) {
    case Curve::p256:
      return alg::p256;
    case Curve::p384:
      return alg::p384;
    default:
      return 0;
  }
}

PinPolicy resolve_pin_policy(std::uint8_t slot, std::optional<std::uint8_t> v) {
  if (!v || *v == 0) return default_pin_policy(slot);
  if (*v > 3) throw CardError(Sw::wrong_data);
  return static_cast<PinPolicy>(*v);
}

TouchPolicy resolve_touch_policy(std::optional<std::uint8_t> v) {
  if (!v || *v == 0) return TouchPolicy::never;
  if (*v > 3) throw CardError(Sw::wrong_data);
  return static_cast<TouchPolicy>(*v);
}

void require_touch(const ObjectStore& store) {
  const auto d = load_device(store);
  if (d && d->touch_times_out) throw CardError(Sw::conditions_not_satisfied);
}

void install_pins(ObjectStore& store, std::string_view pin, std::uint8_t pin_tries,
                  std::string_view puk, std::uint8_t puk_tries) {
  const security::PinManager pins(pin_prefix);
  // The card keeps the 8-byte block hosts send (value padded with FF) and compares blocks, so
  // any 8 bytes are a candidate that costs a try, as on a YubiKey (ykman blocks a PIN with
  // empty ones before RESET).
  security::PinRecord puk_rec;
  puk_rec.reference = puk_ref;
  puk_rec.min_length = puk_rec.max_length = 8;
  puk_rec.max_tries = puk_rec.tries_left = puk_tries;
  puk_rec.value = SecretBytes(view(padded_pin(puk)));
  pins.install(store, puk_rec);
  security::PinRecord pin_rec;
  pin_rec.reference = pin_ref;
  pin_rec.min_length = pin_rec.max_length = 8;
  pin_rec.max_tries = pin_rec.tries_left = pin_tries;
  pin_rec.unblock_reference = puk_ref;
  pin_rec.value = SecretBytes(view(padded_pin(pin)));
  pins.install(store, pin_rec);
}

}  // namespace softcard::piv
