// The only translation unit that includes pcsc-lite: its SCARD_* values differ from Windows'.
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "softcard/bytes.h"

namespace softcard::md {

using RawTransmit = std::function<std::uint32_t(ByteView command, Bytes& response)>;

namespace {
// pcsc-lite status -> Windows value (the names agree, some numbers do not).
std::uint32_t to_windows(LONG rc) {
  switch (rc) {
    case SCARD_S_SUCCESS: return 0;
    case SCARD_W_RESET_CARD: return 0x80100068;
    case SCARD_W_REMOVED_CARD: return 0x80100069;
    case SCARD_E_NO_SMARTCARD: return 0x8010000C;
    case SCARD_E_INVALID_HANDLE: return 0x80100003;
    case SCARD_E_NOT_TRANSACTED: return 0x80100016;
    case SCARD_E_NO_SERVICE: return 0x8010001D;
    default: return 0x80100013;  // SCARD_F_COMM_ERROR
  }
}
}  // namespace

RawTransmit make_pcsc_transport(std::uintptr_t hscard) {
  return [hscard](ByteView command, Bytes& response) -> std::uint32_t {
    const auto h = static_cast<SCARDHANDLE>(hscard);
    DWORD state = 0, protocol = 0, reader_len = 0, atr_len = 0;
    LONG rc = SCardStatus(h, nullptr, &reader_len, &state, &protocol, nullptr, &atr_len);
    if (rc != SCARD_S_SUCCESS) return to_windows(rc);
    const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    response.assign(65538 + 2, 0);
    DWORD len = static_cast<DWORD>(response.size());
    rc = SCardTransmit(h, pci, command.data(), static_cast<DWORD>(command.size()), nullptr,
                       response.data(), &len);
    if (rc != SCARD_S_SUCCESS) return to_windows(rc);
    response.resize(len);
    return 0;
  };
}

}  // namespace softcard::md
