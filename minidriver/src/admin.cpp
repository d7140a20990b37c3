// ROLE_ADMIN: challenge-response with the GIDS admin key (GENERAL AUTHENTICATE, external
// authentication: the card's one-block challenge, the host's answer = the challenge encrypted
// with the admin key, ECB), and what it unlocks: unblocking the user PIN (RESET RETRY COUNTER).
#include "admin.h"

#include "softcard/wire/tlv.h"

using namespace softcard;
using namespace softcard::md;

namespace softcard::md {

namespace {

Bytes general_authenticate(std::uint8_t tag, ByteView value) {
  Bytes inner, outer;
  wire::put_tlv(inner, tag, value);
  wire::put_tlv(outer, 0x7C, inner);
  return outer;
}

}  // namespace

Bytes admin_challenge(Context& ctx) {
  Bytes r = ctx.card().exchange(
      gids_command(0x00, 0x87, 0x00, 0x00, general_authenticate(0x81, {}), 256));
  const auto top = wire::find_tlv(r, 0x7C);
  const auto c = top ? wire::find_tlv(*top, 0x81) : std::nullopt;
  if (!c || c->empty()) fail(SCARD_E_UNEXPECTED);
  ctx.admin = false;  // a new challenge ends the admin session on the card
  return Bytes(c->begin(), c->end());
}

void admin_respond(Context& ctx, ByteView response) {
  Response r = ctx.card().transmit(
      gids_command(0x00, 0x87, 0x00, 0x00, general_authenticate(0x82, response)));
  // A response of the wrong length, or to no challenge (one answer per challenge), is as wrong
  // as one with the wrong bytes (M15).
  if (r.sw == Sw::security_not_satisfied || r.sw == Sw::wrong_data ||
      r.sw == Sw::conditions_not_satisfied)
    fail(SCARD_W_WRONG_CHV);
  if (r.sw == Sw::auth_method_blocked) fail(SCARD_W_CHV_BLOCKED);
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
  ctx.admin = true;
}

void unblock_user_pin(Context& ctx, ByteView response, ByteView new_pin) {
  admin_respond(ctx, response);
  Response r = ctx.card().transmit(
      gids_command(0x00, 0x2C, 0x02, 0x80, Bytes(new_pin.begin(), new_pin.end())));
  ctx.admin = false;  // the card ends the admin session with the unblock
  if (r.sw == Sw::wrong_data || r.sw == Sw::wrong_length) fail(SCARD_E_INVALID_PARAMETER);
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
}

}  // namespace softcard::md

extern "C" {

DWORD WINAPI MdCardGetChallenge(PCARD_DATA pCardData, PBYTE* ppbChallengeData,
                                PDWORD pcbChallengeData) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!ppbChallengeData || !pcbChallengeData) fail(SCARD_E_INVALID_PARAMETER);
    const Bytes c = admin_challenge(ctx);
    *ppbChallengeData = csp_copy(pCardData, c);
    *pcbChallengeData = static_cast<DWORD>(c.size());
  });
}

DWORD WINAPI MdCardGetChallengeEx(PCARD_DATA pCardData, PIN_ID PinId, PBYTE* ppbChallengeData,
                                  PDWORD pcbChallengeData, DWORD dwFlags) {
  return guard([&] {
    context_for(pCardData, false);
    // Only the admin key is a challenge-response PIN (M15).
    if (PinId != ROLE_ADMIN || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (DWORD rc = MdCardGetChallenge(pCardData, ppbChallengeData, pcbChallengeData)) fail(rc);
  });
}

DWORD WINAPI MdCardAuthenticateChallenge(PCARD_DATA pCardData, PBYTE pbResponseData,
                                         DWORD cbResponseData, PDWORD pcAttemptsRemaining) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pbResponseData || cbResponseData == 0) fail(SCARD_E_INVALID_PARAMETER);
    (void)pcAttemptsRemaining;  // the admin key has no retry counter to report
    admin_respond(ctx, {pbResponseData, cbResponseData});
  });
}

DWORD WINAPI MdCardUnblockPin(PCARD_DATA pCardData, LPWSTR pwszUserId, PBYTE pbAuthenticationData,
                              DWORD cbAuthenticationData, PBYTE pbNewPinData, DWORD cbNewPinData,
                              DWORD cRetryCount, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!wide_equal(pwszUserId, u"user")) fail(SCARD_E_INVALID_PARAMETER);
    if (!pbAuthenticationData || !cbAuthenticationData || !pbNewPinData || !cbNewPinData)
      fail(SCARD_E_INVALID_PARAMETER);
    // The card keeps its own retry limit; a PUK (CARD_AUTHENTICATE_PIN_PIN) is not offered.
    if (cRetryCount != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags == CARD_AUTHENTICATE_PIN_PIN) fail(SCARD_E_UNSUPPORTED_FEATURE);
    if (dwFlags != CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE) fail(SCARD_E_INVALID_PARAMETER);
    unblock_user_pin(ctx, {pbAuthenticationData, cbAuthenticationData},
                     {pbNewPinData, cbNewPinData});
  });
}

DWORD WINAPI MdCardChangeAuthenticator(PCARD_DATA pCardData, LPWSTR pwszUserId,
                                       PBYTE pbCurrentAuthenticator, DWORD cbCurrentAuthenticator,
                                       PBYTE pbNewAuthenticator, DWORD cbNewAuthenticator,
                                       DWORD cRetryCount, DWORD dwFlags,
                                       PDWORD pcAttemptsRemaining) {
  return guard([&] {
    context_for(pCardData, false, true);
    // The admin key is changed with PUT KEY by personalization tools, not through the CSP.
    if (!wide_equal(pwszUserId, u"user")) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags != CARD_AUTHENTICATE_PIN_PIN) fail(SCARD_E_INVALID_PARAMETER);
    if (DWORD rc = MdCardChangeAuthenticatorEx(pCardData, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER,
                                               pbCurrentAuthenticator, cbCurrentAuthenticator,
                                               ROLE_USER, pbNewAuthenticator, cbNewAuthenticator,
                                               cRetryCount, pcAttemptsRemaining))
      fail(rc);
  });
}

}  // extern "C"
