// VERIFY (20), CHANGE REFERENCE DATA (24), RESET RETRY COUNTER (2C): user PIN 0x80 and the
// optional PUK 0x81. Counters and constant-time comparison are the security module's.
#include "applets/gids/gids_session.h"
#include "softcard/errors.h"

namespace softcard::gids {

namespace {
constexpr std::uint8_t default_tries = 3;
constexpr std::uint8_t min_pin = 4;
constexpr std::uint8_t max_pin = 16;

void check_ref(std::uint8_t ref) {
  if (ref != user_pin_reference && ref != puk_reference) throw CardError(Sw::reference_not_found);
}
}  // namespace

Response verify(GidsSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p2 == 0x82 && cmd.p1 == 0x00) {
    // GIDS "deauthenticate all" (OpenSC's logout): PINs and the administrator.
    s.security.clear();
    s.env.reset();
    s.challenge.reset();
    s.session_material.reset();
    return Sw::ok;
  }
  check_ref(cmd.p2);
  if (cmd.p1 == 0xFF) {
    s.pins.deauthenticate(ctx.store(), s.security, cmd.p2);
    return Sw::ok;
  }
  if (cmd.p1 != 0x00) return Sw::incorrect_p1p2;
  if (cmd.data.empty()) return s.pins.status(ctx.store(), s.security, cmd.p2);
  // GIDS (like GidsApplet) answers a PIN outside min..max length as a wrong PIN, 63Cx with the
  // tries left, without using a try: the length limits are public, so such a PIN tells nothing
  // and can never be right (docs/gids.md, "PINs"). The ISO/PIV rule (6A80) is PinManager's.
  const auto info = s.pins.info(ctx.store(), s.security, cmd.p2);
  if (!info.blocked() && (cmd.data.size() < info.min_length || cmd.data.size() > info.max_length)) {
    s.pins.deauthenticate(ctx.store(), s.security, cmd.p2);
    return sw_retries(info.tries_left);
  }
  return s.pins.verify(ctx, s.security, cmd.p2, cmd.data);
}

Response change_reference_data(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  check_ref(cmd.p2);
  if (cmd.p1 == 0x01) {
    // New value without the old one: the initial PIN/PUK while the card is being created,
    // afterwards only for a PIN verified in this session.
    if (cmd.data.size() < min_pin || cmd.data.size() > max_pin) throw CardError(Sw::wrong_data);
    if (app_state(store) == AppState::creation) {
      security::PinRecord rec;
      if (auto existing = s.pins.find(store, cmd.p2)) rec = std::move(*existing);
      rec.reference = cmd.p2;
      rec.min_length = min_pin;
      rec.max_length = max_pin;
      if (rec.max_tries == 0) rec.max_tries = default_tries;
      rec.tries_left = rec.max_tries;
      rec.value = SecretBytes(cmd.data);
      if (cmd.p2 == user_pin_reference && s.pins.find(store, puk_reference))
        rec.unblock_reference = puk_reference;
      s.pins.install(store, rec);
      if (cmd.p2 == puk_reference) {
        if (auto user = s.pins.find(store, user_pin_reference)) {
          user->unblock_reference = puk_reference;
          s.pins.install(store, *user);
        }
      }
      return Sw::ok;
    }
    s.pins.change_verified(ctx, s.security, cmd.p2, cmd.data);
    return Sw::ok;
  }
  if (cmd.p1 != 0x00) return Sw::incorrect_p1p2;
  const std::size_t old_len = s.pins.current_length(store, cmd.p2);
  if (cmd.data.size() <= old_len) throw CardError(Sw::wrong_data);
  const ByteView data(cmd.data);
  return s.pins.change(ctx, s.security, cmd.p2, data.first(old_len), data.subspan(old_len));
}

Response reset_retry_counter(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (app_state(store) == AppState::creation) return Sw::command_not_allowed;
  if (cmd.p2 != user_pin_reference) throw CardError(Sw::reference_not_found);
  switch (cmd.p1) {
    case 0x02:
    case 0x03: {
      // After admin mutual/external authentication (gids-tool --unblock).
      if (!s.security.admin()) throw CardError(Sw::security_not_satisfied);
      std::optional<ByteView> new_pin;
      if (cmd.p1 == 0x02) {
        if (cmd.data.empty()) throw CardError(Sw::wrong_length);
        new_pin = ByteView(cmd.data);
      }
      s.pins.reset_by_admin(ctx, s.security, cmd.p2, new_pin);
      // The unblock ends the administrator session, as on GidsApplet.
      s.security.clear();
      return Sw::ok;
    }
    case 0x00:
    case 0x01: {
      const std::size_t puk_len = s.pins.unblock_length(store, cmd.p2);
      if (cmd.data.size() < puk_len || (cmd.p1 == 0x00 && cmd.data.size() == puk_len))
        throw CardError(Sw::wrong_data);
      if (cmd.p1 == 0x01 && cmd.data.size() != puk_len) throw CardError(Sw::wrong_data);
      const ByteView data(cmd.data);
      std::optional<ByteView> new_pin;
      if (cmd.p1 == 0x00) new_pin = data.subspan(puk_len);
      return s.pins.unblock(ctx, s.security, cmd.p2, data.first(puk_len), new_pin);
    }
    default:
      return Sw::incorrect_p1p2;
  }
}

}  // namespace softcard::gids
