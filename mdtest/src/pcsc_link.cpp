// The only translation unit that includes pcsc-lite: its SCARD_* values differ from Windows'.
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "pcsc_link.h"

namespace softcard::mdtest::pcsc {

namespace {

// pcsc-lite status -> the Windows value of the same name.
std::uint32_t to_windows(LONG rc) {
  switch (rc) {
    case SCARD_S_SUCCESS:
      return 0;
    case SCARD_E_INVALID_PARAMETER:
      return 0x80100004;
    case SCARD_E_INVALID_HANDLE:
      return 0x80100003;
    case SCARD_E_NO_MEMORY:
      return 0x80100006;
    case SCARD_E_TIMEOUT:
      return 0x8010000A;
    case SCARD_E_SHARING_VIOLATION:
      return 0x8010000B;
    case SCARD_E_NO_SMARTCARD:
      return 0x8010000C;
    case SCARD_E_UNKNOWN_READER:
      return 0x80100009;
    case SCARD_E_NOT_TRANSACTED:
      return 0x80100016;
    case SCARD_E_NO_SERVICE:
      return 0x8010001D;
    case SCARD_E_NO_READERS_AVAILABLE:
      return 0x8010002E;
    case SCARD_W_UNRESPONSIVE_CARD:
      return 0x80100066;
    case SCARD_W_UNPOWERED_CARD:
      return 0x80100067;
    case SCARD_W_RESET_CARD:
      return 0x80100068;
    case SCARD_W_REMOVED_CARD:
      return 0x80100069;
    default:
      return 0x80100013;  // SCARD_F_COMM_ERROR
  }
}

}  // namespace

std::uint32_t readers_with_card(std::vector<std::string>& out) {
  out.clear();
  SCARDCONTEXT ctx = 0;
  LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
  if (rc != SCARD_S_SUCCESS) return to_windows(rc);
  DWORD len = 0;
  rc = SCardListReaders(ctx, nullptr, nullptr, &len);
  std::vector<char> names(len ? len : 1);
  if (rc == SCARD_S_SUCCESS) rc = SCardListReaders(ctx, nullptr, names.data(), &len);
  if (rc == SCARD_S_SUCCESS) {
    for (const char* p = names.data(); *p; p += std::strlen(p) + 1) {
      SCARD_READERSTATE st{};
      st.szReader = p;
      st.dwCurrentState = SCARD_STATE_UNAWARE;
      if (SCardGetStatusChange(ctx, 0, &st, 1) == SCARD_S_SUCCESS &&
          (st.dwEventState & SCARD_STATE_PRESENT))
        out.emplace_back(p);
    }
  }
  SCardReleaseContext(ctx);
  return rc == SCARD_E_NO_READERS_AVAILABLE ? 0 : to_windows(rc);
}

std::uint32_t connect(const std::string& reader, Connection& out) {
  disconnect(out);
  SCARDCONTEXT ctx = 0;
  LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
  if (rc != SCARD_S_SUCCESS) return to_windows(rc);
  SCARDHANDLE card = 0;
  DWORD proto = 0;
  rc = SCardConnect(ctx, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                    &card, &proto);
  if (rc != SCARD_S_SUCCESS) {
    SCardReleaseContext(ctx);
    return to_windows(rc);
  }
  unsigned char atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr, state = 0, rlen = 0;
  rc = SCardStatus(card, nullptr, &rlen, &state, &proto, atr, &atr_len);
  if (rc != SCARD_S_SUCCESS) {
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    return to_windows(rc);
  }
  out.context = static_cast<std::uintptr_t>(ctx);
  out.handle = static_cast<std::uintptr_t>(card);
  out.atr.assign(atr, atr + atr_len);
  out.reader = reader;
  return 0;
}

void disconnect(Connection& c) {
  if (c.handle) SCardDisconnect(static_cast<SCARDHANDLE>(c.handle), SCARD_LEAVE_CARD);
  if (c.context) SCardReleaseContext(static_cast<SCARDCONTEXT>(c.context));
  c.handle = c.context = 0;
}

std::uint32_t reset(Connection& c) {
  DWORD proto = 0;
  return to_windows(SCardReconnect(static_cast<SCARDHANDLE>(c.handle), SCARD_SHARE_SHARED,
                                   SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD,
                                   &proto));
}

std::uint32_t reconnect(Connection& c) {
  DWORD proto = 0;
  return to_windows(SCardReconnect(static_cast<SCARDHANDLE>(c.handle), SCARD_SHARE_SHARED,
                                   SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD,
                                   &proto));
}

std::uint32_t begin_transaction(Connection& c) {
  return to_windows(SCardBeginTransaction(static_cast<SCARDHANDLE>(c.handle)));
}

std::uint32_t end_transaction(Connection& c) {
  return to_windows(SCardEndTransaction(static_cast<SCARDHANDLE>(c.handle), SCARD_LEAVE_CARD));
}

bool wait_card(const std::string& reader, bool present, double seconds) {
  SCARDCONTEXT ctx = 0;
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS)
    return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  SCARD_READERSTATE st{};
  st.szReader = reader.c_str();
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  bool done = false;
  while (!done) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) break;
    const LONG rc = SCardGetStatusChange(ctx, static_cast<DWORD>(left.count()), &st, 1);
    if (rc != SCARD_S_SUCCESS && rc != SCARD_E_TIMEOUT) {
      // The reader can vanish and come back (vpcd); poll again shortly.
      st.dwCurrentState = SCARD_STATE_UNAWARE;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const bool is_present = (st.dwEventState & SCARD_STATE_PRESENT) != 0;
    const bool is_empty = (st.dwEventState & SCARD_STATE_EMPTY) != 0;
    done = rc == SCARD_S_SUCCESS &&
           (present ? is_present && !(st.dwEventState & SCARD_STATE_MUTE) : is_empty);
    if (rc == SCARD_S_SUCCESS) st.dwCurrentState = st.dwEventState & ~SCARD_STATE_CHANGED;
    if (rc == SCARD_E_TIMEOUT) break;
  }
  SCardReleaseContext(ctx);
  return done;
}

}  // namespace softcard::mdtest::pcsc
