#pragma once
// Internals of the softcard minidriver. Every C entry point validates its parameters, then runs
// its body inside guard(), which turns MdError/CryptoError/bad_alloc into Windows error codes.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cardmod.h"
#include "softcard/apdu.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/ski_codec.h"
#include "softcard/wire/gids.h"
#include "softcard/wire/ski.h"
#include "softcard/wire/tlv.h"

namespace softcard::md {

class MdError : public std::exception {
 public:
  explicit MdError(DWORD code) : code_(code) {}
  DWORD code() const noexcept { return code_; }
  const char* what() const noexcept override { return "minidriver error"; }

 private:
  DWORD code_;
};
[[noreturn]] inline void fail(DWORD code) {
  throw MdError(code);
}

// Raw transport: C-APDU bytes in, R-APDU bytes out; returns 0 or a Windows SCARD_* error.
using RawTransmit = std::function<DWORD(ByteView command, Bytes& response)>;
RawTransmit make_pcsc_transport(std::uintptr_t hscard);
// The ATR of the card behind hscard; 0 or a Windows SCARD_* error.
DWORD pcsc_atr(std::uintptr_t hscard, Bytes& atr);

// APDU exchange with command chaining (CLA bit 0x10), GET RESPONSE (61xx) and 6Cxx retries.
class ApduChannel {
 public:
  explicit ApduChannel(RawTransmit raw) : raw_(std::move(raw)) {}
  Response transmit(const Command& cmd);
  // transmit + fail(map_sw(sw)) unless 9000.
  Bytes exchange(const Command& cmd);

 private:
  Response transmit_one(const Command& cmd);
  RawTransmit raw_;
};

// SW -> Windows error for ordinary GIDS commands and for SKI commands (docs/ski.md §5/§6).
DWORD map_sw(Sw sw, bool ski = false);

struct HostKey {
  bool on_card = false;
  std::uint8_t card_ref = 0;
  ski::SessionKey sk;    // server: key + properties; client: properties only (key empty)
  bool pending = false;  // server half of the shared-key handshake started, not finished
  Bytes pending_ns;
  std::uint8_t shared_number = 0;
  SecretBytes shared_key;
};

// What CardConstructDHAgreement agreed to: CardDeriveKey without CARD_RETURN_KEY_HANDLE runs
// a plain GIDS ECDH with it (docs/ski.md D22).
// An ordinary ECDH key is no establishment key, so the card makes no agreement for it (docs/ski.md
// §13): the agreement then lives on the host only (index host_agreement_base + n) and serves
// key-bytes derivations only.
struct DhAgreement {
  std::uint8_t container = 0;
  unsigned bits = 0;  // curve size of the container's key
  Bytes point;        // the peer's public point, uncompressed (04 || X || Y)
  bool on_card = true;
};
inline constexpr std::uint8_t host_agreement_base = 0x10;
inline constexpr std::uint8_t host_agreement_slots = 4;

// A master file entry: directory, name, DO tag and EF of a minidriver file.
using CardFile = wire::gids::MasterFileEntry;

// The card edge CardAcquireContext found (docs/minidriver.md "PIV cards"): GIDS, or a PIV
// application served read-mostly as Windows' inbox PIV minidriver does.
enum class Edge { gids, piv };

struct Context {
  bool no_card = false;
  Edge edge = Edge::gids;
  // PIV: the algorithm ids of the application property template's AC list (what the card does).
  Bytes piv_algorithms;
  CryptoProvider crypto;
  OpenSslRng rng;
  std::unique_ptr<ApduChannel> channel;  // null in no-card mode
  std::map<CARD_KEY_HANDLE, HostKey> keys;
  CARD_KEY_HANDLE next_handle = 1;
  bool admin = false;  // this context answered an admin challenge (the card has no query)
  std::map<std::uint8_t, DhAgreement> agreements;  // by the agreement index (card or host)

  ApduChannel& card() {
    if (!channel) fail(SCARD_E_UNSUPPORTED_FEATURE);
    return *channel;
  }
  HostKey& key(CARD_KEY_HANDLE h) {
    auto it = keys.find(h);
    if (it == keys.end()) fail(SCARD_E_INVALID_HANDLE);
    return it->second;
  }
  CARD_KEY_HANDLE add_key(HostKey k) {
    const CARD_KEY_HANDLE h = next_handle++;
    keys.emplace(h, std::move(k));
    return h;
  }
  Bytes random(std::size_t n) {
    Bytes b(n);
    rng.fill(b);
    return b;
  }
};

// The context behind pCardData, or fail(SCARD_E_INVALID_PARAMETER).
Context& context(PCARD_DATA pCardData);
// Entry points allowed in no-card mode call this with allowed=true; the rest with false. Entry
// points that serve a PIV card pass piv_serves=true and branch on ctx.edge; every other entry
// point answers SCARD_E_UNSUPPORTED_FEATURE on a PIV card (a read-only card edge).
Context& context_for(PCARD_DATA pCardData, bool allowed_without_card, bool piv_serves = false);

DWORD guard(const std::function<void()>& body) noexcept;

// Strings.
std::u16string_view wide(LPCWSTR s);  // empty view for NULL
bool wide_equal(LPCWSTR s, const char16_t* literal);
Bytes multi_sz(std::initializer_list<std::u16string_view> items);  // UTF-16LE, double NUL
// Property-style output: *pdwDataLen = size; copy when it fits, else ERROR_INSUFFICIENT_BUFFER.
void copy_out(PBYTE pbData, DWORD cbData, PDWORD pdwDataLen, ByteView value);
Bytes dword_bytes(DWORD v);
// Allocation through the CSP's allocator.
PBYTE csp_alloc(PCARD_DATA pCardData, std::size_t n);
PBYTE csp_copy(PCARD_DATA pCardData, ByteView data);

// BER-TLV for the APDU templates.
using wire::find_tlv;
using wire::put_tlv;

// SKI client commands (ski_client.cpp).
using SkiCapabilities = wire::ski::Capabilities;
SkiCapabilities read_capabilities(Context& ctx);

// CardDeriveKey without CARD_RETURN_KEY_HANDLE (ecdh_kdf.cpp): the HASH, HMAC and
// SP800_56A_CONCAT KDFs over the Z of a plain GIDS ECDH; fills pbDerivedKey/cbDerivedKey.
void derive_key_bytes(PCARD_DATA pCardData, Context& ctx, CARD_DERIVE_KEY& info);

// Containers (containers.cpp) pieces needed elsewhere.
std::optional<std::uint8_t> container_count_free(Context& ctx, DWORD* max);

}  // namespace softcard::md

// Entry points (C linkage, not exported: reached through CARD_DATA).
extern "C" {
DWORD WINAPI MdCardDeleteContext(PCARD_DATA);
DWORD WINAPI MdMDImportSessionKey(PCARD_DATA, LPCWSTR, LPCWSTR, PCARD_KEY_HANDLE, PBYTE, DWORD);
DWORD WINAPI MdMDEncryptData(PCARD_DATA, CARD_KEY_HANDLE, LPCWSTR, PBYTE, DWORD, DWORD,
                             PCARD_ENCRYPTED_DATA*, PDWORD);
DWORD WINAPI MdCardGetSharedKeyHandle(PCARD_DATA, PBYTE, DWORD, PBYTE*, PDWORD, PCARD_KEY_HANDLE);
DWORD WINAPI MdCardDestroyKey(PCARD_DATA, CARD_KEY_HANDLE);
DWORD WINAPI MdCardGetAlgorithmProperty(PCARD_DATA, LPCWSTR, LPCWSTR, PBYTE, DWORD, PDWORD, DWORD);
DWORD WINAPI MdCardGetKeyProperty(PCARD_DATA, CARD_KEY_HANDLE, LPCWSTR, PBYTE, DWORD, PDWORD,
                                  DWORD);
DWORD WINAPI MdCardSetKeyProperty(PCARD_DATA, CARD_KEY_HANDLE, LPCWSTR, PBYTE, DWORD, DWORD);
DWORD WINAPI MdCardProcessEncryptedData(PCARD_DATA, CARD_KEY_HANDLE, LPCWSTR, PCARD_ENCRYPTED_DATA,
                                        DWORD, PBYTE, DWORD, PDWORD, DWORD);
DWORD WINAPI MdCardImportSessionKey(PCARD_DATA, BYTE, LPVOID, LPCWSTR, LPCWSTR, PCARD_KEY_HANDLE,
                                    PBYTE, DWORD, DWORD);
DWORD WINAPI MdCardConstructDHAgreement(PCARD_DATA, PCARD_DH_AGREEMENT_INFO);
DWORD WINAPI MdCardDeriveKey(PCARD_DATA, PCARD_DERIVE_KEY);
DWORD WINAPI MdCardDestroyDHAgreement(PCARD_DATA, BYTE, DWORD);
DWORD WINAPI MdCardGetProperty(PCARD_DATA, LPCWSTR, PBYTE, DWORD, PDWORD, DWORD);
DWORD WINAPI MdCardSetProperty(PCARD_DATA, LPCWSTR, PBYTE, DWORD, DWORD);
DWORD WINAPI MdCardQueryCapabilities(PCARD_DATA, PCARD_CAPABILITIES);
DWORD WINAPI MdCardQueryKeySizes(PCARD_DATA, DWORD, DWORD, PCARD_KEY_SIZES);
DWORD WINAPI MdCardQueryFreeSpace(PCARD_DATA, DWORD, PCARD_FREE_SPACE_INFO);
DWORD WINAPI MdCardGetContainerProperty(PCARD_DATA, BYTE, LPCWSTR, PBYTE, DWORD, PDWORD, DWORD);
DWORD WINAPI MdCardSetContainerProperty(PCARD_DATA, BYTE, LPCWSTR, PBYTE, DWORD, DWORD);
DWORD WINAPI MdCardCreateFile(PCARD_DATA, LPSTR, LPSTR, DWORD, CARD_FILE_ACCESS_CONDITION);
DWORD WINAPI MdCardDeleteFile(PCARD_DATA, LPSTR, LPSTR, DWORD);
DWORD WINAPI MdCardCreateDirectory(PCARD_DATA, LPSTR, CARD_DIRECTORY_ACCESS_CONDITION);
DWORD WINAPI MdCardDeleteDirectory(PCARD_DATA, LPSTR);
DWORD WINAPI MdCardReadFile(PCARD_DATA, LPSTR, LPSTR, DWORD, PBYTE*, PDWORD);
DWORD WINAPI MdCardWriteFile(PCARD_DATA, LPSTR, LPSTR, DWORD, PBYTE, DWORD);
DWORD WINAPI MdCardEnumFiles(PCARD_DATA, LPSTR, LPSTR*, LPDWORD, DWORD);
DWORD WINAPI MdCardGetFileInfo(PCARD_DATA, LPSTR, LPSTR, PCARD_FILE_INFO);
DWORD WINAPI MdCardCreateContainer(PCARD_DATA, BYTE, DWORD, DWORD, DWORD, PBYTE);
DWORD WINAPI MdCardCreateContainerEx(PCARD_DATA, BYTE, DWORD, DWORD, DWORD, PBYTE, PIN_ID);
DWORD WINAPI MdCardDeleteContainer(PCARD_DATA, BYTE, DWORD);
DWORD WINAPI MdCardGetContainerInfo(PCARD_DATA, BYTE, DWORD, PCONTAINER_INFO);
DWORD WINAPI MdCardAuthenticatePin(PCARD_DATA, LPWSTR, PBYTE, DWORD, PDWORD);
DWORD WINAPI MdCardAuthenticateEx(PCARD_DATA, PIN_ID, DWORD, PBYTE, DWORD, PBYTE*, PDWORD, PDWORD);
DWORD WINAPI MdCardDeauthenticate(PCARD_DATA, LPWSTR, DWORD);
DWORD WINAPI MdCardDeauthenticateEx(PCARD_DATA, PIN_SET, DWORD);
DWORD WINAPI MdCardGetChallenge(PCARD_DATA, PBYTE*, PDWORD);
DWORD WINAPI MdCardGetChallengeEx(PCARD_DATA, PIN_ID, PBYTE*, PDWORD, DWORD);
DWORD WINAPI MdCardAuthenticateChallenge(PCARD_DATA, PBYTE, DWORD, PDWORD);
DWORD WINAPI MdCardUnblockPin(PCARD_DATA, LPWSTR, PBYTE, DWORD, PBYTE, DWORD, DWORD, DWORD);
DWORD WINAPI MdCardChangeAuthenticator(PCARD_DATA, LPWSTR, PBYTE, DWORD, PBYTE, DWORD, DWORD, DWORD,
                                       PDWORD);
DWORD WINAPI MdCardChangeAuthenticatorEx(PCARD_DATA, DWORD, PIN_ID, PBYTE, DWORD, PIN_ID, PBYTE,
                                         DWORD, DWORD, PDWORD);
DWORD WINAPI MdCardSignData(PCARD_DATA, PCARD_SIGNING_INFO);
DWORD WINAPI MdCardRSADecrypt(PCARD_DATA, PCARD_RSA_DECRYPT_INFO);
}
