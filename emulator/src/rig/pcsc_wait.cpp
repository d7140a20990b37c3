#include "rig/pcsc_wait.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <algorithm>
#include <stdexcept>

namespace softcard::cli {

namespace {

std::string pcsc_error(const char* what, LONG rv) {
  return std::string(what) + ": " + pcsc_stringify_error(rv);
}

class Context {
 public:
  Context() {
    const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &handle_);
    if (rv != SCARD_S_SUCCESS)
      throw std::runtime_error(pcsc_error("cannot reach the private pcscd", rv));
  }
  ~Context() { SCardReleaseContext(handle_); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  SCARDCONTEXT get() const { return handle_; }

 private:
  SCARDCONTEXT handle_ = 0;
};

std::vector<std::string> list_readers(SCARDCONTEXT ctx) {
  DWORD size = 0;
  LONG rv = SCardListReaders(ctx, nullptr, nullptr, &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return {};
  if (rv != SCARD_S_SUCCESS) throw std::runtime_error(pcsc_error("SCardListReaders", rv));
  std::string buffer(size, '\0');
  rv = SCardListReaders(ctx, nullptr, buffer.data(), &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return {};
  if (rv != SCARD_S_SUCCESS) throw std::runtime_error(pcsc_error("SCardListReaders", rv));
  std::vector<std::string> out;
  for (std::size_t at = 0; at < buffer.size() && buffer[at] != '\0';) {
    const std::string name(buffer.c_str() + at);
    out.push_back(name);
    at += name.size() + 1;
  }
  return out;
}

DWORD remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<DWORD>(left.count());
}

}  // namespace

void wait_for_readers(const std::vector<std::string>& readers,
                      std::chrono::steady_clock::time_point deadline) {
  Context ctx;
  // pcscd adds reader.conf readers at start-up; wait on its reader-list event.
  while (true) {
    const auto present = list_readers(ctx.get());
    std::vector<std::string> missing;
    for (const auto& r : readers)
      if (std::find(present.begin(), present.end(), r) == present.end()) missing.push_back(r);
    if (missing.empty()) break;
    const DWORD left = remaining_ms(deadline);
    if (left == 0) {
      std::string list;
      for (const auto& r : present) list += (list.empty() ? "'" : ", '") + r + "'";
      throw std::runtime_error("reader '" + missing.front() + "' did not appear (pcscd has " +
                               (list.empty() ? std::string("no readers") : list) + ")");
    }
    SCARD_READERSTATE pnp{};
    pnp.szReader = "\\\\?PnP?\\Notification";
    pnp.dwCurrentState = static_cast<DWORD>(present.size()) << 16;
    const LONG rv = SCardGetStatusChange(ctx.get(), left, &pnp, 1);
    if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
      throw std::runtime_error(pcsc_error("waiting for readers", rv));
  }
}

void wait_for_cards(const std::vector<std::string>& with_card,
                    std::chrono::steady_clock::time_point deadline) {
  if (with_card.empty()) return;
  Context ctx;
  std::vector<SCARD_READERSTATE> states(with_card.size());
  for (std::size_t i = 0; i < with_card.size(); ++i) {
    states[i].szReader = with_card[i].c_str();
    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  while (true) {
    const DWORD left = remaining_ms(deadline);
    const LONG rv =
        SCardGetStatusChange(ctx.get(), left, states.data(), static_cast<DWORD>(states.size()));
    if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
      throw std::runtime_error(pcsc_error("waiting for cards", rv));
    bool all = true;
    for (auto& s : states) {
      s.dwCurrentState = s.dwEventState & ~SCARD_STATE_CHANGED;
      if (!(s.dwEventState & SCARD_STATE_PRESENT)) all = false;
    }
    if (all) return;
    if (rv == SCARD_E_TIMEOUT || remaining_ms(deadline) == 0) {
      for (std::size_t i = 0; i < states.size(); ++i)
        if (!(states[i].dwEventState & SCARD_STATE_PRESENT))
          throw std::runtime_error("no card became present in reader '" + with_card[i] +
                                   "' in time (is the image usable? see the log above)");
    }
  }
}

}  // namespace softcard::cli
