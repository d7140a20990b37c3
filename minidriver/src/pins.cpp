// The user PIN: authenticate, deauthenticate, change (GIDS VERIFY / CHANGE REFERENCE DATA).
#include "admin.h"
#include "piv_card.h"

using namespace softcard;
using namespace softcard::md;

extern "C" {

DWORD WINAPI MdCardAuthenticatePin(PCARD_DATA pCardData, LPWSTR pwszUserId, PBYTE pbPin,
                                   DWORD cbPin, PDWORD pcAttempts) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pwszUserId || !pbPin || cbPin == 0) fail(SCARD_E_INVALID_PARAMETER);
    if (!wide_equal(pwszUserId, u"user")) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) return piv::verify_pin(ctx, {pbPin, cbPin}, pcAttempts);
    verify_user_pin(ctx, {pbPin, cbPin}, pcAttempts);
  });
}

DWORD WINAPI MdCardAuthenticateEx(PCARD_DATA pCardData, PIN_ID PinId, DWORD dwFlags,
                                  PBYTE pbPinData, DWORD cbPinData, PBYTE* ppbSessionPin,
                                  PDWORD pcbSessionPin, PDWORD pcAttempts) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    // A PIV card has one PIN for the minidriver: the PIV PIN as ROLE_USER (no admin role).
    if (PinId == ROLE_ADMIN && ctx.edge == Edge::piv) fail(SCARD_E_INVALID_PARAMETER);
    if (PinId == ROLE_ADMIN) {
      // The admin "PIN" is the response to CardGetChallengeEx (M15); no session PINs.
      if (dwFlags & ~DWORD(CARD_PIN_SILENT_CONTEXT)) fail(SCARD_E_INVALID_PARAMETER);
      if (!pbPinData || cbPinData == 0) fail(SCARD_E_INVALID_PARAMETER);
      admin_respond(ctx, {pbPinData, cbPinData});
      return;
    }
    if (PinId != ROLE_USER) fail(SCARD_E_INVALID_PARAMETER);
    if ((dwFlags & CARD_AUTHENTICATE_GENERATE_SESSION_PIN) && (!ppbSessionPin || !pcbSessionPin))
      fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags & (CARD_AUTHENTICATE_GENERATE_SESSION_PIN | CARD_AUTHENTICATE_SESSION_PIN))
      fail(SCARD_E_UNSUPPORTED_FEATURE);  // session PINs exist only through CSF_AUTHENTICATE (SKI)
    if (dwFlags & ~DWORD(CARD_PIN_SILENT_CONTEXT)) fail(SCARD_E_INVALID_PARAMETER);
    if (!pbPinData || cbPinData == 0) fail(SCARD_E_INVALID_PARAMETER);
    (void)ppbSessionPin, (void)pcbSessionPin;
    if (ctx.edge == Edge::piv) return piv::verify_pin(ctx, {pbPinData, cbPinData}, pcAttempts);
    verify_user_pin(ctx, {pbPinData, cbPinData}, pcAttempts);
  });
}

DWORD WINAPI MdCardDeauthenticate(PCARD_DATA pCardData, LPWSTR pwszUserId, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pwszUserId || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) return piv::logout(ctx);
    ctx.card().exchange(gids_command(0x00, 0x20, 0x00, 0x82));
    ctx.admin = false;
  });
}

DWORD WINAPI MdCardDeauthenticateEx(PCARD_DATA pCardData, PIN_SET PinId, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (dwFlags != 0 || PinId == 0) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) return piv::logout(ctx);
    // 00 20 00 82 logs out everything: the user PIN and the admin key.
    ctx.card().exchange(gids_command(0x00, 0x20, 0x00, 0x82));
    ctx.admin = false;
  });
}

DWORD WINAPI MdCardChangeAuthenticatorEx(PCARD_DATA pCardData, DWORD dwFlags, PIN_ID auth,
                                         PBYTE pbAuth, DWORD cbAuth, PIN_ID target, PBYTE pbTarget,
                                         DWORD cbTarget, DWORD cRetryCount, PDWORD pcAttempts) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    // PIV: the PIN can be changed; unblocking needs the PUK, which no minidriver role carries.
    if (ctx.edge == Edge::piv && dwFlags == PIN_CHANGE_FLAG_UNBLOCK)
      fail(SCARD_E_UNSUPPORTED_FEATURE);
    if (dwFlags == PIN_CHANGE_FLAG_UNBLOCK) {
      // Unblock: the admin response authenticates, the target PIN gets the new value (M15).
      if (auth != ROLE_ADMIN || target != ROLE_USER || cRetryCount != 0)
        fail(SCARD_E_INVALID_PARAMETER);
      if (!pbAuth || !cbAuth || !pbTarget || !cbTarget) fail(SCARD_E_INVALID_PARAMETER);
      unblock_user_pin(ctx, {pbAuth, cbAuth}, {pbTarget, cbTarget});
      return;
    }
    if (dwFlags != PIN_CHANGE_FLAG_CHANGEPIN || auth != ROLE_USER || target != ROLE_USER ||
        cRetryCount != 0)
      fail(SCARD_E_INVALID_PARAMETER);
    if (!pbAuth || !cbAuth || !pbTarget || !cbTarget) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv)
      return piv::change_pin(ctx, {pbAuth, cbAuth}, {pbTarget, cbTarget}, pcAttempts);
    Bytes data(pbAuth, pbAuth + cbAuth);
    data.insert(data.end(), pbTarget, pbTarget + cbTarget);
    Response r = ctx.card().transmit(gids_command(0x00, 0x24, 0x00, 0x80, data));
    std::fill(data.begin(), data.end(), 0);
    check_pin_answer(r.sw, pcAttempts);
  });
}

}  // extern "C"
