#pragma once
// PC/SC from the system (pcsc-lite here, winscard.dll on Windows), as Windows' base CSP uses it
// before it calls a minidriver. Only plain types cross this header: pcsc_link.cpp is the one
// translation unit that includes <winscard.h>, whose SCARD_* values differ from cardmod.h's.
// Every returned status is already converted to the Windows value.
#include <cstdint>
#include <string>
#include <vector>

namespace softcard::mdtest::pcsc {

struct Connection {
  std::uintptr_t context = 0;  // SCARDCONTEXT
  std::uintptr_t handle = 0;   // SCARDHANDLE
  std::vector<std::uint8_t> atr;
  std::string reader;
};

// Readers that currently hold a card, in pcsc-lite's order.
std::uint32_t readers_with_card(std::vector<std::string>& out);
// Establishes a context and connects shared (T=0 or T=1) to `reader`; reads the ATR.
std::uint32_t connect(const std::string& reader, Connection& out);
void disconnect(Connection& c);  // leaves the card as it is; idempotent
// Resets the card through this connection (SCardReconnect with SCARD_RESET_CARD): every other
// handle to the card then sees SCARD_W_RESET_CARD.
std::uint32_t reset(Connection& c);
// Reconnects this handle after a reset, leaving the card as it is (what the base CSP does when a
// call answers SCARD_W_RESET_CARD).
std::uint32_t reconnect(Connection& c);
// SCardBeginTransaction / SCardEndTransaction(LEAVE): what the base CSP wraps around every
// sequence of minidriver calls, so another process cannot interleave (e.g. between login and sign).
std::uint32_t begin_transaction(Connection& c);
std::uint32_t end_transaction(Connection& c);
// Waits until `reader` holds a card (present=true) or is empty; false on timeout.
bool wait_card(const std::string& reader, bool present, double seconds);

}  // namespace softcard::mdtest::pcsc
