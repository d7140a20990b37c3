// The annotation wrappers: one template instance per entry point, calling the real function.
#include "host_trace.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <type_traits>

#include "md.h"
#include "softcard/trace/writer.h"

namespace softcard::md {

namespace {

template <std::size_t N>
struct Name {
  char text[N];
  constexpr Name(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT: literal wrapper
};

std::string process_name() {
  if (const char* p = std::getenv("SOFTCARD_TRACE_PROCESS"); p && *p) return p;
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

void record(const char* path, const std::string& text, std::int64_t start, DWORD rc) {
  trace::Event e;
  e.kind = trace::Kind::call;
  e.t_ns = start;
  e.dur_ns = trace::now_ns() - start;
  e.pid = ::getpid();
  e.process = process_name();
  e.text = text;
  e.rc = rc;
  trace::append_line(path, e);  // a failed annotation must not fail the call
}

std::string narrow(const char16_t* s) {
  std::string out;
  for (; s && *s && out.size() < 64; ++s) out += *s < 0x80 ? static_cast<char>(*s) : '?';
  return out;
}

// What an argument says about the call. Buffers (PBYTE: PINs, keys, data), handles and flags
// say nothing.
std::string describe(BYTE container) {
  return "container " + std::to_string(container);
}
std::string describe(LPCWSTR s) {
  return s ? "\"" + narrow(s) + "\"" : "";
}
std::string describe(LPWSTR s) {
  return describe(static_cast<LPCWSTR>(s));
}
std::string describe(LPSTR s) {
  return s ? "\"" + std::string(s).substr(0, 64) + "\"" : "";
}
std::string describe(PCARD_SIGNING_INFO i) {
  return i ? describe(i->bContainerIndex) : "";
}
std::string describe(PCARD_RSA_DECRYPT_INFO i) {
  return i ? describe(i->bContainerIndex) : "";
}
template <class T>
std::string describe(T) {
  return "";
}

// The PIN_ID argument of the *Ex PIN calls is a plain DWORD: named by position.
constexpr bool pin_id_first(std::string_view name) {
  return name == "CardAuthenticateEx" || name == "CardGetChallengeEx" ||
         name == "CardDeauthenticateEx" || name == "CardChangeAuthenticatorEx";
}

template <class... A>
std::string arguments(bool pin_first, A... a) {
  std::string out;
  std::size_t index = 0;
  auto add = [&](auto v) {
    std::string d;
    if constexpr (std::is_same_v<decltype(v), DWORD>) {
      if (index == 1 && pin_first) d = "PIN " + std::to_string(v);
    } else {
      d = describe(v);
    }
    ++index;
    if (!d.empty()) out += (out.empty() ? "" : ", ") + d;
  };
  (add(a), ...);
  return out;
}

template <Name N, auto Fn>
struct Wrap;
template <Name N, class... A, DWORD (*Fn)(A...)>
struct Wrap<N, Fn> {
  static DWORD WINAPI call(A... a) {
    const char* path = std::getenv("SOFTCARD_TRACE_FILE");
    if (!path || !*path) return Fn(a...);
    const std::int64_t start = trace::now_ns();
    const DWORD rc = Fn(a...);
    const std::string_view name(N.text);
    record(path, std::string(name) + "(" + arguments(pin_id_first(name), a...) + ")", start, rc);
    return rc;
  }
};

template <Name N, auto Fn, class Slot>
void wrap(Slot& slot) {
  if (slot == Fn) slot = &Wrap<N, Fn>::call;
}

}  // namespace

void trace_calls(PCARD_DATA cd) {
  wrap<"CardDeleteContext", MdCardDeleteContext>(cd->pfnCardDeleteContext);
  wrap<"CardQueryCapabilities", MdCardQueryCapabilities>(cd->pfnCardQueryCapabilities);
  wrap<"CardDeleteContainer", MdCardDeleteContainer>(cd->pfnCardDeleteContainer);
  wrap<"CardCreateContainer", MdCardCreateContainer>(cd->pfnCardCreateContainer);
  wrap<"CardGetContainerInfo", MdCardGetContainerInfo>(cd->pfnCardGetContainerInfo);
  wrap<"CardAuthenticatePin", MdCardAuthenticatePin>(cd->pfnCardAuthenticatePin);
  wrap<"CardGetChallenge", MdCardGetChallenge>(cd->pfnCardGetChallenge);
  wrap<"CardAuthenticateChallenge", MdCardAuthenticateChallenge>(cd->pfnCardAuthenticateChallenge);
  wrap<"CardUnblockPin", MdCardUnblockPin>(cd->pfnCardUnblockPin);
  wrap<"CardChangeAuthenticator", MdCardChangeAuthenticator>(cd->pfnCardChangeAuthenticator);
  wrap<"CardDeauthenticate", MdCardDeauthenticate>(cd->pfnCardDeauthenticate);
  wrap<"CardCreateDirectory", MdCardCreateDirectory>(cd->pfnCardCreateDirectory);
  wrap<"CardDeleteDirectory", MdCardDeleteDirectory>(cd->pfnCardDeleteDirectory);
  wrap<"CardCreateFile", MdCardCreateFile>(cd->pfnCardCreateFile);
  wrap<"CardReadFile", MdCardReadFile>(cd->pfnCardReadFile);
  wrap<"CardWriteFile", MdCardWriteFile>(cd->pfnCardWriteFile);
  wrap<"CardDeleteFile", MdCardDeleteFile>(cd->pfnCardDeleteFile);
  wrap<"CardEnumFiles", MdCardEnumFiles>(cd->pfnCardEnumFiles);
  wrap<"CardGetFileInfo", MdCardGetFileInfo>(cd->pfnCardGetFileInfo);
  wrap<"CardQueryFreeSpace", MdCardQueryFreeSpace>(cd->pfnCardQueryFreeSpace);
  wrap<"CardQueryKeySizes", MdCardQueryKeySizes>(cd->pfnCardQueryKeySizes);
  wrap<"CardSignData", MdCardSignData>(cd->pfnCardSignData);
  wrap<"CardRSADecrypt", MdCardRSADecrypt>(cd->pfnCardRSADecrypt);
  wrap<"CardConstructDHAgreement", MdCardConstructDHAgreement>(cd->pfnCardConstructDHAgreement);
  wrap<"CardDeriveKey", MdCardDeriveKey>(cd->pfnCardDeriveKey);
  wrap<"CardDestroyDHAgreement", MdCardDestroyDHAgreement>(cd->pfnCardDestroyDHAgreement);
  wrap<"CardGetChallengeEx", MdCardGetChallengeEx>(cd->pfnCardGetChallengeEx);
  wrap<"CardAuthenticateEx", MdCardAuthenticateEx>(cd->pfnCardAuthenticateEx);
  wrap<"CardChangeAuthenticatorEx", MdCardChangeAuthenticatorEx>(cd->pfnCardChangeAuthenticatorEx);
  wrap<"CardDeauthenticateEx", MdCardDeauthenticateEx>(cd->pfnCardDeauthenticateEx);
  wrap<"CardGetContainerProperty", MdCardGetContainerProperty>(cd->pfnCardGetContainerProperty);
  wrap<"CardSetContainerProperty", MdCardSetContainerProperty>(cd->pfnCardSetContainerProperty);
  wrap<"CardGetProperty", MdCardGetProperty>(cd->pfnCardGetProperty);
  wrap<"CardSetProperty", MdCardSetProperty>(cd->pfnCardSetProperty);
  wrap<"MDImportSessionKey", MdMDImportSessionKey>(cd->pfnMDImportSessionKey);
  wrap<"MDEncryptData", MdMDEncryptData>(cd->pfnMDEncryptData);
  wrap<"CardImportSessionKey", MdCardImportSessionKey>(cd->pfnCardImportSessionKey);
  wrap<"CardGetSharedKeyHandle", MdCardGetSharedKeyHandle>(cd->pfnCardGetSharedKeyHandle);
  wrap<"CardGetAlgorithmProperty", MdCardGetAlgorithmProperty>(cd->pfnCardGetAlgorithmProperty);
  wrap<"CardGetKeyProperty", MdCardGetKeyProperty>(cd->pfnCardGetKeyProperty);
  wrap<"CardSetKeyProperty", MdCardSetKeyProperty>(cd->pfnCardSetKeyProperty);
  wrap<"CardDestroyKey", MdCardDestroyKey>(cd->pfnCardDestroyKey);
  wrap<"CardProcessEncryptedData", MdCardProcessEncryptedData>(cd->pfnCardProcessEncryptedData);
  wrap<"CardCreateContainerEx", MdCardCreateContainerEx>(cd->pfnCardCreateContainerEx);
}

HostCall::HostCall(std::string name, std::string args)
    : name_(std::move(name)), args_(std::move(args)), start_(trace::now_ns()) {
  path_ = std::getenv("SOFTCARD_TRACE_FILE");
}

DWORD HostCall::done(DWORD rc) {
  if (path_ && *path_) record(path_, name_ + "(" + args_ + ")", start_, rc);
  return rc;
}

}  // namespace softcard::md
