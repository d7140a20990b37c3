// PROCESS ENCRYPTED DATA (62): opens the blob under a session key (docs/ski.md §5) and runs the
// card-side function it carries: CSF_AUTHENTICATE (with session PINs), CSF_CHANGE_AUTHENTICATOR
// here, CSF_IMPORT_KEYPAIR in ski_import.cpp.
#include <array>

#include "applets/ski/ski_session.h"
#include "applets/ski/ski_tlv.h"
#include "softcard/errors.h"
#include "softcard/wire/ski.h"

namespace softcard::ski {
namespace {

constexpr std::uint32_t flag_generate_session_pin = 0x10000000, flag_session_pin = 0x20000000,
                        flag_silent = 0x40;
constexpr std::uint32_t pin_change_unblock = 1, pin_change_changepin = 2;
constexpr std::uint32_t role_user = 1, role_admin = 2;

Sw reject_sw(Reject r) {
  switch (r) {
    case Reject::malformed:
      return Sw::wrong_data;
    case Reject::wrong_function:
      return Sw::incorrect_p1p2;
    case Reject::wrong_handle:
      return Sw::reference_not_found;
    case Reject::wrong_iv:
      return Sw::reference_data_not_usable;
    case Reject::tampered:
      return sw_unwrap_failed;
    case Reject::replayed:
      return Sw::conditions_not_satisfied;
  }
  return Sw::unknown;
}

Response authenticate(SkiSession& s, ByteView p, CardContext& ctx, gids::GidsApi& gids,
                      SessionKey& key) {
  const auto st = wire::ski::decode_authenticate(p);  // version 7, cbPinData = the rest
  if (!st) reject(Sw::wrong_data);
  const std::uint32_t flags = st->flags & ~flag_silent;
  if (st->pin_id != role_user) reject(Sw::wrong_data);
  if (flags != 0 && flags != flag_generate_session_pin && flags != flag_session_pin)
    reject(Sw::wrong_data);
  const ByteView pin = st->pin;
  Bytes answer;
  if (flags == flag_session_pin) {
    if (!s.session_pin || !constant_time_equal(pin, s.session_pin->view()))
      reject(Sw::security_not_satisfied);
    const Sw sw = gids.verify_pin(ctx, s.real_pin->view());
    if (sw != Sw::ok) reject(sw);
    put_u32le(answer, 7), put_u32le(answer, 0), put_u32le(answer, gids.pin_tries_left(ctx.store()));
    return Response(answer);
  }
  const Sw sw = gids.verify_pin(ctx, pin);
  if (sw != Sw::ok) reject(sw);
  Bytes session_blob;
  if (flags == flag_generate_session_pin) {
    SecretBytes token(16);
    ctx.rng().fill(token.span());
    std::array<std::uint8_t, nonce_length> nonce{};
    ctx.rng().fill(nonce);
    session_blob =
        seal(ctx.crypto(), key, csf::session_pin, Direction::to_server, nonce, token.view());
    s.session_pin = std::move(token);
    s.real_pin = SecretBytes(pin);
    gids.deauthenticate_pin();  // a generated session PIN does not leave the PIN verified
  }
  put_u32le(answer, 7);
  put_u32le(answer, static_cast<std::uint32_t>(session_blob.size()));
  put_u32le(answer, gids.pin_tries_left(ctx.store()));
  append(answer, session_blob);
  return Response(answer);
}

Response change_authenticator(ByteView p, CardContext& ctx, gids::GidsApi& gids) {
  // Version 7 and the two lengths adding up to the payload (D45 order: then the retry count
  // and the target, all 6A80 before any PIN is compared).
  const auto st = wire::ski::decode_change_authenticator(p);
  if (!st || st->retry_count != 0 || st->target_pin_id != role_user) reject(Sw::wrong_data);
  const std::uint32_t flags = st->flags, auth_id = st->auth_pin_id;
  const ByteView auth = st->auth, fresh = st->target;
  if (flags == pin_change_changepin) {
    if (auth_id != role_user) reject(Sw::wrong_data);
    const Sw sw = gids.change_pin(ctx, auth, fresh);
    if (sw != Sw::ok) reject(sw);
  } else if (flags == pin_change_unblock) {
    // The administrator authenticates with GIDS mutual authentication beforehand (docs/ski.md
    // D20).
    if (auth_id != role_admin || !auth.empty()) reject(Sw::wrong_data);
    if (!gids.admin_authenticated()) reject(Sw::security_not_satisfied);
    gids.unblock_pin(ctx, fresh);
  } else {
    reject(Sw::wrong_data);
  }
  Bytes answer;
  put_u32le(answer, 7);
  put_u32le(answer, gids.pin_tries_left(ctx.store()));
  return Response(answer);
}

}  // namespace

Response process_encrypted(SkiSession& s, const Command& cmd, CardContext& ctx,
                           gids::GidsApi& gids) {
  const std::uint8_t f = cmd.p1;
  if (f != csf::import_keypair && f != csf::authenticate && f != csf::change_authenticator)
    reject(Sw::function_not_supported);
  if (cmd.p2 != 0) reject(Sw::incorrect_p1p2);
  auto ref = need_tlv(cmd.data, 0x84);
  auto blob = need_tlv(cmd.data, 0x87);
  if (ref.size() != 1) reject(Sw::wrong_data);
  SessionKey& key = s.slot(ref[0]);
  auto opened = open(ctx.crypto(), key, f, Direction::to_card, blob);
  if (auto* r = std::get_if<Reject>(&opened)) reject(reject_sw(*r));
  Opened& o = std::get<Opened>(opened);
  key.last_in_seq = o.seq;  // consumed from here on, whatever the function answers
  ByteView p = o.plaintext.view();
  switch (f) {
    case csf::import_keypair:
      return import_keypair(p, ctx, gids);
    case csf::authenticate:
      return authenticate(s, p, ctx, gids, key);
    default:
      return change_authenticator(p, ctx, gids);
  }
}

}  // namespace softcard::ski
