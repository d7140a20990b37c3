// Yubico's PIV extensions that describe or reset the token: GET VERSION (FD), GET SERIAL (F8),
// GET METADATA (F7, firmware 5.3 and later) and RESET (FB, only with PIN and PUK blocked).
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
Bytes tlv1(std::uint32_t tag, std::initializer_list<std::uint8_t> v) {
  return wire::tlv(tag, Bytes(v));
}

// Whether a stored secret is still the factory value (GET METADATA "default" flag).
std::uint8_t is_default(ByteView stored, ByteView factory) {
  return constant_time_equal(stored, factory) ? 1 : 0;
}
}  // namespace

Response get_version(PivSession&, const Command&, CardContext& ctx) {
  const Device d = require_device(ctx.store());
  return Bytes(d.version.begin(), d.version.end());
}

Response get_serial(PivSession&, const Command&, CardContext& ctx) {
  // YubiKey 4 gives its serial through the OTP application only.
  const Device d = require_device(ctx.store(), 5, 0);
  Bytes out;
  wire::put_u32be(out, d.serial);
  return out;
}

Response get_metadata(PivSession& s, const Command& cmd, CardContext& ctx) {
  require_device(ctx.store(), 5, 3);
  if (cmd.p1 != 0x00) return Sw::incorrect_p1p2;
  const std::uint8_t ref = cmd.p2;
  Bytes out;
  if (ref == pin_ref || ref == puk_ref) {
    const auto pin = s.pins.find(ctx.store(), ref);
    if (!pin) return Sw::reference_not_found;
    const Bytes factory = padded_pin(ref == pin_ref ? default_pin : default_puk);
    append(out, tlv1(0x01, {0xFF}));
    // The image keeps only a verifier: "still the factory value" costs one KDF run.
    const bool factory_value = pin->verifier && security::pin_matches(*pin->verifier, factory);
    append(out, tlv1(0x05, {static_cast<std::uint8_t>(factory_value ? 1 : 0)}));
    append(out, tlv1(0x06, {pin->max_tries, pin->tries_left}));
    return out;
  }
  if (ref == mgmt_ref) {
    const MgmtKey k = load_mgmt(ctx.store());
    append(out, tlv1(0x01, {k.algorithm}));
    append(out, tlv1(0x02, {0x00, static_cast<std::uint8_t>(k.touch ? 0x02 : 0x01)}));
    append(out, tlv1(0x05, {is_default(k.key.view(), default_mgmt_key())}));
    return out;
  }
  if (!is_key_slot(ref) && ref != attestation_slot) return Sw::reference_not_found;
  const auto rec = load_slot(ctx.store(), ref);
  if (!rec) return Sw::reference_not_found;
  const KeyPair& key = slot_private_key(s, ctx, ref, *rec);
  append(out, tlv1(0x01, {rec->algorithm}));
  append(out, tlv1(0x02, {static_cast<std::uint8_t>(rec->pin_policy),
                          static_cast<std::uint8_t>(rec->touch_policy)}));
  append(out, tlv1(0x03, {static_cast<std::uint8_t>(rec->origin)}));
  append(out, wire::tlv(0x04, public_key_inner(ctx.crypto(), key)));
  return out;
}

Response reset_applet(PivSession& s, const Command& cmd, CardContext& ctx) {
  const Device d = require_device(ctx.store());
  if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return Sw::incorrect_p1p2;
  ObjectStore& store = ctx.store();
  const auto pin = s.pins.find(store, pin_ref);
  const auto puk = s.pins.find(store, puk_ref);
  if (!pin || !puk || !pin->blocked() || !puk->blocked()) return Sw::conditions_not_satisfied;
  // Everything of the PIV application goes, except the attestation key and its certificate,
  // which a YubiKey keeps through a reset.
  const std::string keep_key = slot_key(attestation_slot);
  const std::string keep_cert = object_key(cert_object_of(attestation_slot));
  for (const auto& k : store.keys("piv/"))
    if (k != keep_key && k != keep_cert) store.erase(k);
  install_pins(store, default_pin, 3, default_puk, 3);
  MgmtKey mgmt;
  mgmt.algorithm = d.factory_mgmt_algorithm;
  mgmt.key = SecretBytes(view(default_mgmt_key()));
  store.put_secret(mgmt_key, encode_mgmt(mgmt));
  s.reset();
  s.key_cache.clear();
  return Sw::ok;
}

}  // namespace softcard::piv
