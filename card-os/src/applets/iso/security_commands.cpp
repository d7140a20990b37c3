// Security commands of the ISO applet: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER,
// GET CHALLENGE. The PIN rules themselves (tries, commit before compare) live in
// security::PinManager; this file only maps P1/P2 and the data field onto it.
#include "applets/iso/iso_session.h"
#include "softcard/errors.h"

namespace softcard::iso {

Response verify(IsoSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 == 0xFF) {  // reset the verification status
    if (!cmd.data.empty()) throw CardError(Sw::wrong_length);
    s.pins.deauthenticate(ctx.store(), s.security, cmd.p2);
    return Sw::ok;
  }
  if (cmd.p1 != 0x00) throw CardError(Sw::incorrect_p1p2);
  if (cmd.data.empty()) return s.pins.status(ctx.store(), s.security, cmd.p2);
  return s.pins.verify(ctx, s.security, cmd.p2, cmd.data);
}

Response change_reference_data(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const ByteView data(cmd.data);
  switch (cmd.p1) {
    case 0x00: {  // current value || new value
      const std::size_t split = s.pins.current_length(ctx.store(), cmd.p2);
      if (data.size() <= split) throw CardError(Sw::wrong_length);
      return s.pins.change(ctx, s.security, cmd.p2, data.first(split), data.subspan(split));
    }
    case 0x01:  // new value only, after VERIFY in this session
      if (data.empty()) throw CardError(Sw::wrong_length);
      s.pins.change_verified(ctx, s.security, cmd.p2, data);
      return Sw::ok;
    default:
      throw CardError(Sw::incorrect_p1p2);
  }
}

Response reset_retry_counter(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const ByteView data(cmd.data);
  switch (cmd.p1) {
    case 0x00: {  // resetting code || new value
      const std::size_t split = s.pins.unblock_length(ctx.store(), cmd.p2);
      if (data.size() <= split) throw CardError(Sw::wrong_length);
      return s.pins.unblock(ctx, s.security, cmd.p2, data.first(split), data.subspan(split));
    }
    case 0x01:  // resetting code only
      if (data.empty()) throw CardError(Sw::wrong_length);
      return s.pins.unblock(ctx, s.security, cmd.p2, data, std::nullopt);
    case 0x02:  // new value, administrator authenticated
      if (data.empty()) throw CardError(Sw::wrong_length);
      s.pins.reset_by_admin(ctx, s.security, cmd.p2, data);
      return Sw::ok;
    case 0x03:  // counter only, administrator authenticated
      if (!data.empty()) throw CardError(Sw::wrong_length);
      s.pins.reset_by_admin(ctx, s.security, cmd.p2, std::nullopt);
      return Sw::ok;
    default:
      throw CardError(Sw::incorrect_p1p2);
  }
}

Response get_challenge(IsoSession&, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 != 0 || cmd.p2 != 0) throw CardError(Sw::incorrect_p1p2);
  if (!cmd.data.empty() || !cmd.ne || *cmd.ne > 256) throw CardError(Sw::wrong_length);
  Bytes challenge(*cmd.ne);
  ctx.rng().fill(challenge);
  return Response(std::move(challenge));
}

}  // namespace softcard::iso
