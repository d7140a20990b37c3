// The only translation unit that includes pcsc-lite: its SCARD_* values differ from Windows'.
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "softcard/bytes.h"

namespace softcard::md {

using RawTransmit = std::function<std::uint32_t(ByteView command, Bytes& response)>;

// pcsc-lite status -> Windows value (the names agree, some numbers do not).
std::uint32_t to_windows_rc(LONG rc) {
  switch (rc) {
    case SCARD_S_SUCCESS:
      return 0;
    case SCARD_W_RESET_CARD:
      return 0x80100068;
    case SCARD_W_REMOVED_CARD:
      return 0x80100069;
    case SCARD_E_NO_SMARTCARD:
      return 0x8010000C;
    case SCARD_E_INVALID_HANDLE:
      return 0x80100003;
    case SCARD_E_NOT_TRANSACTED:
      return 0x80100016;
    case SCARD_E_NO_SERVICE:
      return 0x8010001D;
    case SCARD_E_NO_READERS_AVAILABLE:
      return 0x8010002E;
    case SCARD_E_UNKNOWN_READER:
      return 0x80100009;
    default:
      return 0x80100013;  // SCARD_F_COMM_ERROR
  }
}

std::uint32_t pcsc_atr(std::uintptr_t hscard, Bytes& atr) {
  unsigned char buf[MAX_ATR_SIZE];
  DWORD atr_len = sizeof buf, state = 0, protocol = 0, reader_len = 0;
  const LONG rc = SCardStatus(static_cast<SCARDHANDLE>(hscard), nullptr, &reader_len, &state,
                              &protocol, buf, &atr_len);
  if (rc != SCARD_S_SUCCESS) return to_windows_rc(rc);
  atr.assign(buf, buf + atr_len);
  return 0;
}

RawTransmit make_pcsc_transport(std::uintptr_t hscard) {
  return [hscard](ByteView command, Bytes& response) -> std::uint32_t {
    const auto h = static_cast<SCARDHANDLE>(hscard);
    DWORD state = 0, protocol = 0, reader_len = 0, atr_len = 0;
    LONG rc = SCardStatus(h, nullptr, &reader_len, &state, &protocol, nullptr, &atr_len);
    if (rc != SCARD_S_SUCCESS) return to_windows_rc(rc);
    const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    response.assign(65538 + 2, 0);
    DWORD len = static_cast<DWORD>(response.size());
    rc = SCardTransmit(h, pci, command.data(), static_cast<DWORD>(command.size()), nullptr,
                       response.data(), &len);
    if (rc != SCARD_S_SUCCESS) return to_windows_rc(rc);
    response.resize(len);
    return 0;
  };
}

}  // namespace softcard::md

// Exported helpers (declared in softcard_minidriver.h with Windows types; defined here with
// pcsc-lite's, which have the same widths for handles on this platform).
extern "C" __attribute__((visibility("default"))) std::uint32_t SoftcardConnect(
    const char* wanted, std::uintptr_t* phContext, std::uintptr_t* phCard, unsigned char* pbAtr,
    std::uint32_t* pcbAtr, char* szReader, std::uint32_t cchReader) {
  using softcard::md::to_windows_rc;
  if (!phContext || !phCard || !pbAtr || !pcbAtr) return 0x80100004;  // SCARD_E_INVALID_PARAMETER
  SCARDCONTEXT ctx = 0;
  LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
  if (rc != SCARD_S_SUCCESS) return to_windows_rc(rc);
  std::vector<char> names;
  std::string reader = wanted ? wanted : "";
  if (reader.empty()) {
    DWORD len = 0;
    rc = SCardListReaders(ctx, nullptr, nullptr, &len);
    if (rc == SCARD_S_SUCCESS) {
      names.resize(len);
      rc = SCardListReaders(ctx, nullptr, names.data(), &len);
    }
    if (rc != SCARD_S_SUCCESS) {
      SCardReleaseContext(ctx);
      return to_windows_rc(rc);
    }
    for (const char* p = names.data(); *p; p += std::strlen(p) + 1) {
      SCARD_READERSTATE st{};
      st.szReader = p;
      st.dwCurrentState = SCARD_STATE_UNAWARE;
      if (SCardGetStatusChange(ctx, 0, &st, 1) == SCARD_S_SUCCESS &&
          (st.dwEventState & SCARD_STATE_PRESENT)) {
        reader = p;
        break;
      }
    }
    if (reader.empty()) {
      SCardReleaseContext(ctx);
      return 0x8010000C;  // SCARD_E_NO_SMARTCARD
    }
  }
  SCARDHANDLE card = 0;
  DWORD proto = 0;
  rc = SCardConnect(ctx, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                    &card, &proto);
  if (rc != SCARD_S_SUCCESS) {
    SCardReleaseContext(ctx);
    return to_windows_rc(rc);
  }
  unsigned char atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr, state = 0, rlen = 0;
  rc = SCardStatus(card, nullptr, &rlen, &state, &proto, atr, &atr_len);
  if (rc != SCARD_S_SUCCESS || atr_len > *pcbAtr) {
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    return rc != SCARD_S_SUCCESS ? to_windows_rc(rc) : 0x80100008;  // SCARD_E_INSUFFICIENT_BUFFER
  }
  std::memcpy(pbAtr, atr, atr_len);
  *pcbAtr = static_cast<std::uint32_t>(atr_len);
  if (szReader && cchReader) {
    std::strncpy(szReader, reader.c_str(), cchReader - 1);
    szReader[cchReader - 1] = 0;
  }
  *phContext = static_cast<std::uintptr_t>(ctx);
  *phCard = static_cast<std::uintptr_t>(card);
  return 0;
}

extern "C" __attribute__((visibility("default"))) std::uint32_t SoftcardDisconnect(
    std::uintptr_t hContext, std::uintptr_t hCard) {
  if (hCard) SCardDisconnect(static_cast<SCARDHANDLE>(hCard), SCARD_LEAVE_CARD);
  if (hContext) SCardReleaseContext(static_cast<SCARDCONTEXT>(hContext));
  return 0;
}
