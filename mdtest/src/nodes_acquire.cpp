// acquire.*: CardAcquireContext, CARD_DATA version negotiation, the function table.
#include <functional>

#include "errors.h"
#include "helpers.h"
#include "nodes.h"

namespace softcard::mdtest {

namespace {

struct Entry {
  const char* name;
  const void* fn;
};

// Every pointer the minidriver must fill for a CARD_DATA of `version`.
std::vector<Entry> table(const CARD_DATA* c, DWORD version) {
  auto p = [](auto f) { return reinterpret_cast<const void*>(f); };
  std::vector<Entry> t = {
      {"CardDeleteContext", p(c->pfnCardDeleteContext)},
      {"CardQueryCapabilities", p(c->pfnCardQueryCapabilities)},
      {"CardDeleteContainer", p(c->pfnCardDeleteContainer)},
      {"CardCreateContainer", p(c->pfnCardCreateContainer)},
      {"CardGetContainerInfo", p(c->pfnCardGetContainerInfo)},
      {"CardAuthenticatePin", p(c->pfnCardAuthenticatePin)},
      {"CardGetChallenge", p(c->pfnCardGetChallenge)},
      {"CardAuthenticateChallenge", p(c->pfnCardAuthenticateChallenge)},
      {"CardUnblockPin", p(c->pfnCardUnblockPin)},
      {"CardChangeAuthenticator", p(c->pfnCardChangeAuthenticator)},
      {"CardDeauthenticate", p(c->pfnCardDeauthenticate)},
      {"CardCreateDirectory", p(c->pfnCardCreateDirectory)},
      {"CardDeleteDirectory", p(c->pfnCardDeleteDirectory)},
      {"CardCreateFile", p(c->pfnCardCreateFile)},
      {"CardReadFile", p(c->pfnCardReadFile)},
      {"CardWriteFile", p(c->pfnCardWriteFile)},
      {"CardDeleteFile", p(c->pfnCardDeleteFile)},
      {"CardEnumFiles", p(c->pfnCardEnumFiles)},
      {"CardGetFileInfo", p(c->pfnCardGetFileInfo)},
      {"CardQueryFreeSpace", p(c->pfnCardQueryFreeSpace)},
      {"CardQueryKeySizes", p(c->pfnCardQueryKeySizes)},
      {"CardSignData", p(c->pfnCardSignData)},
      {"CardRSADecrypt", p(c->pfnCardRSADecrypt)},
      {"CardConstructDHAgreement", p(c->pfnCardConstructDHAgreement)},
  };
  if (version >= 5) {
    t.push_back({"CardDeriveKey", p(c->pfnCardDeriveKey)});
    t.push_back({"CardDestroyDHAgreement", p(c->pfnCardDestroyDHAgreement)});
  }
  if (version >= 6) {
    t.push_back({"CardGetChallengeEx", p(c->pfnCardGetChallengeEx)});
    t.push_back({"CardAuthenticateEx", p(c->pfnCardAuthenticateEx)});
    t.push_back({"CardChangeAuthenticatorEx", p(c->pfnCardChangeAuthenticatorEx)});
    t.push_back({"CardDeauthenticateEx", p(c->pfnCardDeauthenticateEx)});
    t.push_back({"CardGetContainerProperty", p(c->pfnCardGetContainerProperty)});
    t.push_back({"CardSetContainerProperty", p(c->pfnCardSetContainerProperty)});
    t.push_back({"CardGetProperty", p(c->pfnCardGetProperty)});
    t.push_back({"CardSetProperty", p(c->pfnCardSetProperty)});
  }
  if (version >= 7) {
    t.push_back({"MDImportSessionKey", p(c->pfnMDImportSessionKey)});
    t.push_back({"MDEncryptData", p(c->pfnMDEncryptData)});
    t.push_back({"CardImportSessionKey", p(c->pfnCardImportSessionKey)});
    t.push_back({"CardGetSharedKeyHandle", p(c->pfnCardGetSharedKeyHandle)});
    t.push_back({"CardGetAlgorithmProperty", p(c->pfnCardGetAlgorithmProperty)});
    t.push_back({"CardGetKeyProperty", p(c->pfnCardGetKeyProperty)});
    t.push_back({"CardSetKeyProperty", p(c->pfnCardSetKeyProperty)});
    t.push_back({"CardDestroyKey", p(c->pfnCardDestroyKey)});
    t.push_back({"CardProcessEncryptedData", p(c->pfnCardProcessEncryptedData)});
    t.push_back({"CardCreateContainerEx", p(c->pfnCardCreateContainerEx)});
  }
  return t;
}

// Acquire with a CARD_DATA spoiled by `spoil`; expect `expected`.
void acquire_case(Registry& r, const std::string& name, const std::string& what, DWORD expected,
                  std::function<void(CardSession&)> spoil, DWORD flags = 0) {
  r.add("acquire." + name, what + " -> " + error_name(expected), [=](Env& env, Checker& check) {
    auto cs = env.prepare(0);
    spoil(*cs);
    check.rc(expected, (*cs)->acquire(flags), "CardAcquireContext: " + what);
  });
}

void version_case(Registry& r, DWORD requested, DWORD expected_rc, DWORD expected_version) {
  r.add("acquire.version_" + std::to_string(requested),
        "CARD_DATA dwVersion " + std::to_string(requested) +
            (expected_rc ? " refused with ERROR_REVISION_MISMATCH"
                         : " accepted as " + std::to_string(expected_version)),
        [=](Env& env, Checker& check) {
          auto cs = env.prepare(0, requested);
          check.rc(expected_rc, (*cs)->acquire(),
                   "CardAcquireContext(dwVersion " + std::to_string(requested) + ")");
          if (expected_rc == 0)
            check.require(cs->cd()->dwVersion == expected_version,
                          "negotiated dwVersion " + std::to_string(cs->cd()->dwVersion) +
                              ", expected " + std::to_string(expected_version));
        });
}

}  // namespace

void register_acquire_nodes(Registry& r) {
  r.add("acquire.v7", "CardAcquireContext(v7) succeeds, keeps dwVersion 7, fills every v7 entry",
        [](Env& env, Checker& check) {
          auto cs = env.open(0, 7);
          check.require(cs->cd()->dwVersion == 7, "dwVersion changed from 7");
          for (const auto& e : table(cs->cd(), 7))
            check.require(e.fn != nullptr, std::string("pfn") + e.name + " is NULL");
          check.rc(0, 0, "CardAcquireContext(v7)");
        });
  r.add("acquire.v6", "CardAcquireContext(v6) succeeds, fills v6 entries, leaves the v7 tail alone",
        [](Env& env, Checker& check) {
          auto cs = env.prepare(0, 6);
          check.rc(0, (*cs)->acquire(), "CardAcquireContext(v6)");
          CARD_DATA* c = cs->cd();
          check.require(c->dwVersion == 6, "dwVersion is " + std::to_string(c->dwVersion));
          for (const auto& e : table(c, 6))
            check.require(e.fn != nullptr, std::string("pfn") + e.name + " is NULL");
          // A v6 caller's structure ends before the v7 members: writing them corrupts memory.
          check.require(!c->pfnMDImportSessionKey && !c->pfnCardCreateContainerEx,
                        "v7 members written for a v6 caller");
        });
  version_case(r, 0, ERROR_REVISION_MISMATCH, 0);
  version_case(r, 2, ERROR_REVISION_MISMATCH, 0);
  version_case(r, 4, ERROR_REVISION_MISMATCH, 0);
  version_case(r, 5, ERROR_REVISION_MISMATCH, 0);
  version_case(r, 8, 0, 7);
  version_case(r, 257, 0, 7);
  version_case(r, 65538, 0, 7);

  r.add("acquire.null_card_data", "CardAcquireContext(NULL) -> SCARD_E_INVALID_PARAMETER",
        [](Env& env, Checker& check) {
          check.rc(SCARD_E_INVALID_PARAMETER, env.library().acquire()(nullptr, 0),
                   "CardAcquireContext(NULL, 0)");
        });
  acquire_case(
      r, "flags_2", "dwFlags 2", SCARD_E_INVALID_PARAMETER, [](CardSession&) {}, 2);
  acquire_case(
      r, "flags_0xFF", "dwFlags 0xFF", SCARD_E_INVALID_PARAMETER, [](CardSession&) {}, 0xFF);
  acquire_case(r, "null_pfnCspAlloc", "pfnCspAlloc NULL", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->pfnCspAlloc = nullptr; });
  acquire_case(r, "null_pfnCspReAlloc", "pfnCspReAlloc NULL", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->pfnCspReAlloc = nullptr; });
  acquire_case(r, "null_pfnCspFree", "pfnCspFree NULL", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->pfnCspFree = nullptr; });
  acquire_case(r, "null_pbAtr", "pbAtr NULL", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->pbAtr = nullptr; });
  acquire_case(r, "atr_len_0", "cbAtr 0", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->cbAtr = 0; });
  acquire_case(r, "atr_len_2", "cbAtr 2 (not this card's ATR)", SCARD_E_UNKNOWN_CARD,
               [](CardSession& cs) { cs.cd()->cbAtr = 2; });
  acquire_case(r, "atr_len_0x22", "cbAtr 0x22 (longer than any ATR)", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) {
                 cs->atr().resize(0x22, 0);
                 cs.cd()->pbAtr = cs->atr().data();
                 cs.cd()->cbAtr = 0x22;
               });
  acquire_case(r, "atr_len_0xFFFFFFFF", "cbAtr 0xFFFFFFFF", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->cbAtr = 0xFFFFFFFF; });
  acquire_case(r, "atr_wrong_last_byte", "ATR with its last byte changed", SCARD_E_UNKNOWN_CARD,
               [](CardSession& cs) { cs->atr().back() ^= 0x5A; });
  acquire_case(r, "null_card_name", "pwszCardName NULL", SCARD_E_INVALID_PARAMETER,
               [](CardSession& cs) { cs.cd()->pwszCardName = nullptr; });
  acquire_case(r, "null_hScard", "hScard 0", SCARD_E_INVALID_HANDLE,
               [](CardSession& cs) { cs.cd()->hScard = 0; });

  r.add("acquire.no_card_mode",
        "NO_CARD_MODE (v7, no ATR, no handles) succeeds; card functions then answer "
        "SCARD_E_UNSUPPORTED_FEATURE",
        [](Env& env, Checker& check) {
          if (!env.config().ski) check.skip("config: no SKI");
          auto s = env.open_no_card();
          CARD_DATA* c = s->cd();
          Bytes data;
          check.rc(SCARD_E_UNSUPPORTED_FEATURE, read_file(c, nullptr, "cardid", data),
                   "CardReadFile in no-card mode");
          check.require(c->pfnCardAuthenticateEx != nullptr, "pfnCardAuthenticateEx is NULL");
          Bytes pin = pin_bytes(env.config().user_pin);
          DWORD tries = 0;
          check.rc(
              SCARD_E_UNSUPPORTED_FEATURE,
              c->pfnCardAuthenticateEx(c, ROLE_USER, 0, pin.data(), static_cast<DWORD>(pin.size()),
                                       nullptr, nullptr, &tries),
              "CardAuthenticateEx in no-card mode");
          DWORD v = 0;
          check.rc(SCARD_E_UNSUPPORTED_FEATURE, get_property_dword(c, CP_CARD_READ_ONLY, v),
                   "CardGetProperty in no-card mode");
        });
  r.add("acquire.no_card_mode_v6", "NO_CARD_MODE with CARD_DATA v6 -> SCARD_E_UNSUPPORTED_FEATURE",
        [](Env& env, Checker& check) {
          if (!env.config().ski) check.skip("config: no SKI");
          Session s(env.library(), nullptr, env.config().card_name, 6);
          check.rc(SCARD_E_UNSUPPORTED_FEATURE, s.acquire(CARD_SECURE_KEY_INJECTION_NO_CARD_MODE),
                   "CardAcquireContext(v6, NO_CARD_MODE)");
        });
  r.add("acquire.delete_context", "CardDeleteContext succeeds and frees what the module allocated",
        [](Env& env, Checker& check) {
          const long before = env.tracker().live();
          {
            auto cs = env.open(0);
            Bytes id;
            read_file(cs->cd(), nullptr, "cardid", id);
            check.rc(0, (*cs)->delete_context(), "CardDeleteContext");
          }
          check.require(env.tracker().live() == before,
                        std::to_string(env.tracker().live() - before) +
                            " CSP allocation(s) not freed after CardDeleteContext");
        });
  r.add("acquire.delete_context_null", "CardDeleteContext(NULL) -> SCARD_E_INVALID_PARAMETER",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          check.rc(SCARD_E_INVALID_PARAMETER, cs->cd()->pfnCardDeleteContext(nullptr),
                   "CardDeleteContext(NULL)");
        });
  r.add("acquire.two_contexts", "two CARD_DATA on one card handle work side by side",
        [](Env& env, Checker& check) {
          auto a = env.open(0);
          Session b(env.library(), &a->conn, env.config().card_name);
          check.rc(0, b.acquire(), "second CardAcquireContext on the same hScard");
          Bytes ida, idb;
          check.rc(0, read_file(a->cd(), nullptr, "cardid", ida), "CardReadFile(cardid), first");
          check.rc(0, read_file(b.cd(), nullptr, "cardid", idb), "CardReadFile(cardid), second");
          check.require(ida == idb && ida.size() == 16, "cardid differs or is not 16 bytes");
        });
  r.add("acquire.two_cards", "contexts on both readers at once; the two cards' cardid differ",
        [](Env& env, Checker& check) {
          auto a = env.open(0);
          auto b = env.open(1);
          Bytes ida, idb;
          check.rc(0, read_file(a->cd(), nullptr, "cardid", ida), "CardReadFile(cardid), card 1");
          check.rc(0, read_file(b->cd(), nullptr, "cardid", idb), "CardReadFile(cardid), card 2");
          check.require(ida != idb, "both cards have cardid " + hex(ida));
        });
  r.add("acquire.repeat_no_leak", "20 acquire/delete cycles leave no CSP allocation behind",
        [](Env& env, Checker& check) {
          const long before = env.tracker().live();
          for (int i = 0; i < 20; ++i) {
            auto cs = env.open(0);
            Bytes id;
            check.rc(0, read_file(cs->cd(), nullptr, "cardid", id), "CardReadFile(cardid)");
          }
          check.require(env.tracker().live() == before, "CSP allocations leaked");
        });
}

}  // namespace softcard::mdtest
