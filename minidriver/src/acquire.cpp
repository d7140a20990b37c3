// CardAcquireContext: version negotiation, the v7 function table, no-card mode, the card edge.
#include <algorithm>
#include <cstring>

#include "host_trace.h"
#include "md.h"
#include "piv_card.h"
#include "softcard_minidriver.h"

using namespace softcard;
using namespace softcard::md;

namespace {

// Versions 4 and 5 predate the PIN_ID entry points this library's table relies on (M1).
constexpr DWORD min_version = CARD_DATA_VERSION_SIX;
constexpr DWORD max_atr_len = 33;

const Bytes gids_select = {0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00,
                           0x03, 0x97, 0x42, 0x54, 0x46, 0x59, 0x00};

void fill_table(PCARD_DATA cd) {
  cd->pfnCardDeleteContext = MdCardDeleteContext;
  cd->pfnCardQueryCapabilities = MdCardQueryCapabilities;
  cd->pfnCardDeleteContainer = MdCardDeleteContainer;
  cd->pfnCardCreateContainer = MdCardCreateContainer;
  cd->pfnCardGetContainerInfo = MdCardGetContainerInfo;
  cd->pfnCardAuthenticatePin = MdCardAuthenticatePin;
  cd->pfnCardGetChallenge = MdCardGetChallenge;
  cd->pfnCardAuthenticateChallenge = MdCardAuthenticateChallenge;
  cd->pfnCardUnblockPin = MdCardUnblockPin;
  cd->pfnCardChangeAuthenticator = MdCardChangeAuthenticator;
  cd->pfnCardDeauthenticate = MdCardDeauthenticate;
  cd->pfnCardCreateDirectory = MdCardCreateDirectory;
  cd->pfnCardDeleteDirectory = MdCardDeleteDirectory;
  cd->pvUnused3 = nullptr;
  cd->pvUnused4 = nullptr;
  cd->pfnCardCreateFile = MdCardCreateFile;
  cd->pfnCardReadFile = MdCardReadFile;
  cd->pfnCardWriteFile = MdCardWriteFile;
  cd->pfnCardDeleteFile = MdCardDeleteFile;
  cd->pfnCardEnumFiles = MdCardEnumFiles;
  cd->pfnCardGetFileInfo = MdCardGetFileInfo;
  cd->pfnCardQueryFreeSpace = MdCardQueryFreeSpace;
  cd->pfnCardQueryKeySizes = MdCardQueryKeySizes;
  cd->pfnCardSignData = MdCardSignData;
  cd->pfnCardRSADecrypt = MdCardRSADecrypt;
  cd->pfnCardConstructDHAgreement = MdCardConstructDHAgreement;
  if (cd->dwVersion >= CARD_DATA_VERSION_FIVE) {
    cd->pfnCardDeriveKey = MdCardDeriveKey;
    cd->pfnCardDestroyDHAgreement = MdCardDestroyDHAgreement;
  }
  if (cd->dwVersion >= CARD_DATA_VERSION_SIX) {
    cd->pfnCardGetChallengeEx = MdCardGetChallengeEx;
    cd->pfnCardAuthenticateEx = MdCardAuthenticateEx;
    cd->pfnCardChangeAuthenticatorEx = MdCardChangeAuthenticatorEx;
    cd->pfnCardDeauthenticateEx = MdCardDeauthenticateEx;
    cd->pfnCardGetContainerProperty = MdCardGetContainerProperty;
    cd->pfnCardSetContainerProperty = MdCardSetContainerProperty;
    cd->pfnCardGetProperty = MdCardGetProperty;
    cd->pfnCardSetProperty = MdCardSetProperty;
  }
  if (cd->dwVersion >= CARD_DATA_VERSION_SEVEN) {
    cd->pfnMDImportSessionKey = MdMDImportSessionKey;
    cd->pfnMDEncryptData = MdMDEncryptData;
    cd->pfnCardImportSessionKey = MdCardImportSessionKey;
    cd->pfnCardGetSharedKeyHandle = MdCardGetSharedKeyHandle;
    cd->pfnCardGetAlgorithmProperty = MdCardGetAlgorithmProperty;
    cd->pfnCardGetKeyProperty = MdCardGetKeyProperty;
    cd->pfnCardSetKeyProperty = MdCardSetKeyProperty;
    cd->pfnCardDestroyKey = MdCardDestroyKey;
    cd->pfnCardProcessEncryptedData = MdCardProcessEncryptedData;
    cd->pfnCardCreateContainerEx = MdCardCreateContainerEx;
  }
}

DWORD acquire(PCARD_DATA pCardData, DWORD dwFlags, RawTransmit transport) {
  if (pCardData == nullptr) return SCARD_E_INVALID_PARAMETER;
  if (dwFlags & ~DWORD(CARD_SECURE_KEY_INJECTION_NO_CARD_MODE)) return SCARD_E_INVALID_PARAMETER;
  if (pCardData->dwVersion < min_version) return ERROR_REVISION_MISMATCH;
  if (pCardData->dwVersion > CARD_DATA_CURRENT_VERSION)
    pCardData->dwVersion = CARD_DATA_CURRENT_VERSION;
  if (!pCardData->pfnCspAlloc || !pCardData->pfnCspReAlloc || !pCardData->pfnCspFree)
    return SCARD_E_INVALID_PARAMETER;
  const bool no_card = (dwFlags & CARD_SECURE_KEY_INJECTION_NO_CARD_MODE) != 0;
  if (no_card) {
    // Secure key injection needs the v7 table.
    if (pCardData->dwVersion < CARD_DATA_VERSION_SEVEN) return SCARD_E_UNSUPPORTED_FEATURE;
  } else {
    if (pCardData->pbAtr == nullptr || pCardData->cbAtr == 0 || pCardData->cbAtr > max_atr_len ||
        pCardData->pwszCardName == nullptr)
      return SCARD_E_INVALID_PARAMETER;
    if (!transport) {
      if (pCardData->hScard == 0) return SCARD_E_INVALID_HANDLE;
      // The caller's ATR must be the card's: a context for another card would talk GIDS to it.
      Bytes atr;
      if (const DWORD rc = pcsc_atr(pCardData->hScard, atr)) return rc;
      if (!std::equal(atr.begin(), atr.end(), pCardData->pbAtr,
                      pCardData->pbAtr + pCardData->cbAtr))
        return SCARD_E_UNKNOWN_CARD;
      transport = make_pcsc_transport(pCardData->hScard);
    }
  }
  return guard([&] {
    auto ctx = std::make_unique<Context>();
    ctx->no_card = no_card;
    if (!no_card) {
      ctx->channel = std::make_unique<ApduChannel>(std::move(transport));
      auto cmd = parse_command(gids_select);
      Response r = ctx->channel->transmit(std::get<Command>(cmd));
      // GIDS first: a card with both applications (gids+piv) is served through GIDS, the edge
      // with key generation and SKI. Without GIDS, a PIV application makes a read-only card.
      if (r.sw != Sw::ok) {
        if (!piv::select(*ctx)) fail(SCARD_E_UNKNOWN_CARD);
        ctx->edge = Edge::piv;
      }
    }
    pCardData->pvVendorSpecific = ctx.release();
    fill_table(pCardData);
    trace_calls(pCardData);
  });
}

}  // namespace

extern "C" {

SOFTCARD_MD_EXPORT DWORD WINAPI CardAcquireContext(PCARD_DATA pCardData, DWORD dwFlags) {
  HostCall call("CardAcquireContext",
                dwFlags & CARD_SECURE_KEY_INJECTION_NO_CARD_MODE ? "no-card mode" : "");
  return call.done(acquire(pCardData, dwFlags, nullptr));
}

SOFTCARD_MD_EXPORT DWORD WINAPI SoftcardAcquireContextWithTransport(PCARD_DATA pCardData,
                                                                    DWORD dwFlags,
                                                                    SOFTCARD_TRANSMIT_FN transmit,
                                                                    void* tctx) {
  if (transmit == nullptr) return SCARD_E_INVALID_PARAMETER;
  RawTransmit raw = [transmit, tctx](ByteView command, Bytes& response) -> DWORD {
    response.assign(65538 + 2, 0);
    DWORD len = static_cast<DWORD>(response.size());
    DWORD rc =
        transmit(tctx, command.data(), static_cast<DWORD>(command.size()), response.data(), &len);
    if (rc) return rc;
    response.resize(len);
    return 0;
  };
  return acquire(pCardData, dwFlags, std::move(raw));
}

DWORD WINAPI MdCardDeleteContext(PCARD_DATA pCardData) {
  if (pCardData == nullptr || pCardData->pvVendorSpecific == nullptr)
    return SCARD_E_INVALID_PARAMETER;
  delete static_cast<Context*>(pCardData->pvVendorSpecific);
  pCardData->pvVendorSpecific = nullptr;
  return SCARD_S_SUCCESS;
}

}  // extern "C"
