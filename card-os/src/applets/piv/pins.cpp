// VERIFY (20), CHANGE REFERENCE DATA (24), RESET RETRY COUNTER (2C) for PIN 80 and PUK 81, and
// Yubico's SET PIN RETRIES (FA). Blocks are 8 bytes, the value padded with FF; the retry
// counter is spent and made durable before any comparison (security/pin.*).
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
constexpr std::size_t block = 8;
constexpr std::size_t min_value = 6;

// A new PIN or PUK: 6 to 8 characters before the FF padding.
bool valid_new_value(ByteView b) {
  const std::size_t n = unpadded_length(b);
  return n >= min_value && n <= block;
}
}  // namespace

Response verify(PivSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p2 != pin_ref) return Sw::reference_not_found;
  if (cmd.p1 == 0xFF) {
    // Reset of the verification (SP 800-73-4 3.2.1, OpenSC's logout).
    if (!cmd.data.empty()) return Sw::wrong_data;
    s.pins.deauthenticate(ctx.store(), s.security, pin_ref);
    s.pin_fresh = false;
    return Sw::ok;
  }
  if (cmd.p1 != 0x00) return Sw::incorrect_p1p2;
  if (cmd.data.empty()) return s.pins.status(ctx.store(), s.security, pin_ref);
  if (cmd.data.size() != block) return Sw::wrong_data;
  const Sw sw = s.pins.verify(ctx, s.security, pin_ref, cmd.data);
  s.pin_fresh = sw == Sw::ok;
  return sw;
}

Response change_reference_data(PivSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 != 0x00) return Sw::incorrect_p1p2;
  if (cmd.p2 != pin_ref && cmd.p2 != puk_ref) return Sw::reference_not_found;
  if (cmd.data.size() != 2 * block) return Sw::wrong_data;
  const ByteView data(cmd.data);
  // A malformed new value costs no try.
  if (!valid_new_value(data.subspan(block))) return Sw::wrong_data;
  const Sw sw = s.pins.change(ctx, s.security, cmd.p2, data.first(block), data.subspan(block));
  if (cmd.p2 == puk_ref) s.security.set_verified(puk_ref, false);
  if (sw != Sw::ok && cmd.p2 == pin_ref) s.pin_fresh = false;
  return sw;
}

Response reset_retry_counter(PivSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 != 0x00) return Sw::incorrect_p1p2;
  if (cmd.p2 != pin_ref) return Sw::reference_not_found;
  if (cmd.data.size() != 2 * block) return Sw::wrong_data;
  const ByteView data(cmd.data);
  // The PUK is checked first, whatever the new PIN: ykman blocks the PUK with empty values.
  const Sw sw = s.pins.verify(ctx, s.security, puk_ref, data.first(block));
  s.security.set_verified(puk_ref, false);
  if (sw != Sw::ok) return sw;
  if (!valid_new_value(data.subspan(block))) {
    ctx.persist_now(s.pins.key(puk_ref));  // the right PUK restored its counter; keep that
    return Sw::wrong_data;
  }
  auto pin = s.pins.find(ctx.store(), pin_ref);
  if (!pin) return Sw::reference_not_found;
  pin->tries_left = pin->max_tries;
  pin->value = SecretBytes(data.subspan(block));
  s.pins.install(ctx.store(), *pin);
  s.security.set_verified(pin_ref, false);
  s.pin_fresh = false;
  return Sw::ok;
}

Response set_pin_retries(PivSession& s, const Command& cmd, CardContext& ctx) {
  require_device(ctx.store());
  require_admin(s);
  if (!s.security.verified(pin_ref)) return Sw::security_not_satisfied;
  if (cmd.p1 < 1 || cmd.p1 > 15 || cmd.p2 < 1 || cmd.p2 > 15) return Sw::incorrect_p1p2;
  // As on a YubiKey, new limits come with the factory PIN and PUK.
  install_pins(ctx.store(), default_pin, cmd.p1, default_puk, cmd.p2);
  s.security.set_verified(pin_ref, false);
  s.pin_fresh = false;
  return Sw::ok;
}

}  // namespace softcard::piv
