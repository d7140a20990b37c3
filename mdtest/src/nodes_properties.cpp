// prop.*: card properties (CardGetProperty/CardSetProperty) and container properties.
#include <cstring>

#include "helpers.h"
#include "nodes.h"

namespace softcard::mdtest {

namespace {

std::vector<std::u16string> multi_sz(const Bytes& b) {
  std::vector<std::u16string> out;
  std::u16string cur;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    const char16_t c = static_cast<char16_t>(b[i] | b[i + 1] << 8);
    if (c == 0) {
      if (cur.empty()) break;
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

bool contains(const std::vector<std::u16string>& list, const std::u16string& s) {
  for (const auto& x : list)
    if (x == s) return true;
  return false;
}

template <class T>
T as(const Bytes& b) {
  T v{};
  std::memcpy(&v, b.data(), std::min(sizeof v, b.size()));
  return v;
}

void sized(Registry& r, const std::string& name, const char16_t* prop, std::size_t size,
           std::function<void(Env&, Checker&, CARD_DATA*, const Bytes&)> more = {},
           DWORD flags = 0) {
  r.add("prop." + name, "CardGetProperty returns " + std::to_string(size) + " bytes",
        [=](Env& env, Checker& check) {
          auto cs = env.open(0);
          Bytes v;
          check.rc(0, get_property(cs->cd(), prop, v, flags), "CardGetProperty");
          check.require(v.size() == size,
                        "size " + std::to_string(v.size()) + ", expected " + std::to_string(size));
          if (more) more(env, check, cs->cd(), v);
        });
}

}  // namespace

void register_property_nodes(Registry& r) {
  sized(r, "free_space", CP_CARD_FREE_SPACE, sizeof(CARD_FREE_SPACE_INFO),
        [](Env& env, Checker& check, CARD_DATA* cd, const Bytes& v) {
          const auto fs = as<CARD_FREE_SPACE_INFO>(v);
          check.require(fs.dwVersion == CARD_FREE_SPACE_INFO_CURRENT_VERSION, "dwVersion");
          if (env.config().read_only)
            check.require(fs.dwBytesAvailable == 0 && fs.dwKeyContainersAvailable == 0,
                          "a read-only card reports free space");
          CARD_FREE_SPACE_INFO q{CARD_FREE_SPACE_INFO_CURRENT_VERSION, 0, 0, 0};
          check.rc(0, cd->pfnCardQueryFreeSpace(cd, 0, &q), "CardQueryFreeSpace");
          check.require(q.dwMaxKeyContainers == fs.dwMaxKeyContainers,
                        "CardQueryFreeSpace and CP_CARD_FREE_SPACE disagree");
        });
  sized(r, "capabilities", CP_CARD_CAPABILITIES, sizeof(CARD_CAPABILITIES),
        [](Env& env, Checker& check, CARD_DATA*, const Bytes& v) {
          const auto c = as<CARD_CAPABILITIES>(v);
          check.require(c.dwVersion == CARD_CAPABILITIES_CURRENT_VERSION, "dwVersion");
          const bool keygen = !env.config().read_only && (!env.config().rsa_generate.empty() ||
                                                          !env.config().ecc_generate.empty());
          check.require((c.fKeyGen != 0) == keygen, "fKeyGen disagrees with the config's keys");
        });
  for (DWORD spec : {DWORD(AT_KEYEXCHANGE), DWORD(AT_SIGNATURE)})
    r.add("prop.key_sizes_" + std::to_string(spec),
          "CP_CARD_KEYSIZES(dwFlags = key spec) covers every configured RSA size and agrees with "
          "CardQueryKeySizes",
          [spec](Env& env, Checker& check) {
            auto cs = env.open(0);
            CARD_KEY_SIZES k{};
            DWORD len = 0;
            check.rc(
                0,
                cs->cd()->pfnCardGetProperty(cs->cd(), CP_CARD_KEYSIZES,
                                             reinterpret_cast<PBYTE>(&k), sizeof k, &len, spec),
                "CardGetProperty(CP_CARD_KEYSIZES)");
            check.require(len == sizeof k, "length");
            check.require(
                k.dwMinimumBitlen <= k.dwDefaultBitlen && k.dwDefaultBitlen <= k.dwMaximumBitlen,
                "min <= default <= max does not hold");
            for (unsigned bits : env.config().rsa_generate)
              check.require(bits >= k.dwMinimumBitlen && bits <= k.dwMaximumBitlen,
                            std::to_string(bits) + " outside the reported range");
            CARD_KEY_SIZES q{CARD_KEY_SIZES_CURRENT_VERSION, 0, 0, 0, 0};
            check.rc(0, cs->cd()->pfnCardQueryKeySizes(cs->cd(), spec, 0, &q), "CardQueryKeySizes");
            check.require(std::memcmp(&q, &k, sizeof k) == 0,
                          "CardQueryKeySizes and CP_CARD_KEYSIZES disagree");
          });
  sized(r, "read_only", CP_CARD_READ_ONLY, sizeof(BOOL),
        [](Env& env, Checker& check, CARD_DATA*, const Bytes& v) {
          check.require((as<BOOL>(v) != 0) == env.config().read_only,
                        "CP_CARD_READ_ONLY disagrees with the config");
        });
  sized(r, "cache_mode", CP_CARD_CACHE_MODE, sizeof(DWORD),
        [](Env&, Checker& check, CARD_DATA*, const Bytes& v) {
          const DWORD m = as<DWORD>(v);
          check.require(m >= CP_CACHE_MODE_GLOBAL_CACHE && m <= CP_CACHE_MODE_NO_CACHE,
                        "cache mode " + std::to_string(m));
        });
  sized(r, "x509_enrollment", CP_SUPPORTS_WIN_X509_ENROLLMENT, sizeof(BOOL),
        [](Env& env, Checker& check, CARD_DATA*, const Bytes& v) {
          if (env.config().read_only) check.require(as<BOOL>(v) == 0, "TRUE on a read-only card");
        });
  sized(r, "guid", CP_CARD_GUID, 16, [](Env&, Checker& check, CARD_DATA* cd, const Bytes& v) {
    Bytes id;
    check.rc(0, read_file(cd, nullptr, "cardid", id), "CardReadFile(cardid)");
    check.require(id == v, "CP_CARD_GUID differs from the cardid file");
  });
  r.add("prop.serial", "CP_CARD_SERIAL_NO is not empty", [](Env& env, Checker& check) {
    auto cs = env.open(0);
    Bytes v;
    check.rc(0, get_property(cs->cd(), CP_CARD_SERIAL_NO, v), "CardGetProperty");
    check.require(!v.empty(), "empty serial number");
  });
  r.add("prop.pin_info_user", "CP_CARD_PIN_INFO(ROLE_USER): v6, alphanumeric, admin may unblock",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          PIN_INFO pi{};
          pi.dwVersion = PIN_INFO_CURRENT_VERSION;
          DWORD len = 0;
          check.rc(
              0,
              cs->cd()->pfnCardGetProperty(cs->cd(), CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pi),
                                           sizeof pi, &len, ROLE_USER),
              "CardGetProperty(CP_CARD_PIN_INFO, ROLE_USER)");
          check.require(len == sizeof pi && pi.dwVersion == PIN_INFO_CURRENT_VERSION,
                        "size/version");
          check.require(pi.PinType == AlphaNumericPinType, "PinType is not AlphaNumericPinType");
          check.require(IS_PIN_SET(pi.dwChangePermission, ROLE_USER), "user may not change it");
          if (env.config().admin_key.algorithm != "none")
            check.require(IS_PIN_SET(pi.dwUnblockPermission, ROLE_ADMIN),
                          "ROLE_ADMIN may not unblock ROLE_USER");
        });
  r.add("prop.pin_info_admin", "CP_CARD_PIN_INFO(ROLE_ADMIN): ChallengeResponsePinType",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          PIN_INFO pi{};
          pi.dwVersion = PIN_INFO_CURRENT_VERSION;
          DWORD len = 0;
          check.rc(
              0,
              cs->cd()->pfnCardGetProperty(cs->cd(), CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pi),
                                           sizeof pi, &len, ROLE_ADMIN),
              "CardGetProperty(CP_CARD_PIN_INFO, ROLE_ADMIN)");
          check.require(pi.PinType == ChallengeResponsePinType,
                        "PinType is not challenge-response");
        });
  sized(r, "list_pins", CP_CARD_LIST_PINS, sizeof(PIN_SET),
        [](Env& env, Checker& check, CARD_DATA*, const Bytes& v) {
          const PIN_SET s = as<PIN_SET>(v);
          check.require(IS_PIN_SET(s, ROLE_USER), "ROLE_USER not listed");
          if (env.config().admin_key.algorithm != "none")
            check.require(IS_PIN_SET(s, ROLE_ADMIN), "ROLE_ADMIN not listed");
        });
  r.add("prop.authenticated_state",
        "CP_CARD_AUTHENTICATED_STATE follows authentication and deauthentication",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          DWORD s = 0;
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "before");
          check.require(!IS_PIN_SET(s, ROLE_USER), "user authenticated before any PIN");
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "after login");
          check.require(IS_PIN_SET(s, ROLE_USER), "ROLE_USER not in the state after login");
          check.rc(0, cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0),
                   "CardDeauthenticateEx");
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "after logout");
          check.require(!IS_PIN_SET(s, ROLE_USER), "ROLE_USER still set after deauthentication");
        });
  sized(
      r, "pin_strength_verify", CP_CARD_PIN_STRENGTH_VERIFY, sizeof(DWORD),
      [](Env&, Checker& check, CARD_DATA*, const Bytes& v) {
        check.require(as<DWORD>(v) & CARD_PIN_STRENGTH_PLAINTEXT, "plaintext PINs not listed");
      },
      ROLE_USER);  // dwFlags carries the PIN id
  r.add("prop.key_import_support", "CP_KEY_IMPORT_SUPPORT has the configured SKI methods",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          DWORD v = 0;
          check.rc(0, get_property_dword(cs->cd(), CP_KEY_IMPORT_SUPPORT, v), "CardGetProperty");
          const auto& c = env.config();
          if (!c.ski) return check.require(v == 0, "SKI support reported, config says none");
          check.require(
              !Config::has(c.ski_import, std::string("rsa")) || (v & CARD_KEY_IMPORT_RSA_KEYEST),
              "RSA_KEYEST missing");
          check.require(
              !Config::has(c.ski_import, std::string("ecc")) || (v & CARD_KEY_IMPORT_ECC_KEYEST),
              "ECC_KEYEST missing");
          check.require(!Config::has(c.ski_import, std::string("shared")) ||
                            (v & CARD_KEY_IMPORT_SHARED_SYMMETRIC),
                        "SHARED_SYMMETRIC missing");
        });
  r.add("prop.enum_algorithms",
        "CP_ENUM_ALGORITHMS(CARD_CIPHER_OPERATION) lists the configured ids",
        [](Env& env, Checker& check) {
          if (!env.config().ski) check.skip("config: no SKI");
          auto cs = env.open(0);
          Bytes v;
          check.rc(0, get_property(cs->cd(), CP_ENUM_ALGORITHMS, v, CARD_CIPHER_OPERATION),
                   "CardGetProperty");
          const auto list = multi_sz(v);
          for (const auto& a : env.config().ski_algorithms)
            check.require(contains(list, std::u16string(a.begin(), a.end())), a + " not listed");
        });
  r.add("prop.padding_schemes", "CP_PADDING_SCHEMES(CARD_ASYMMETRIC_OPERATION) includes PKCS1",
        [](Env& env, Checker& check) {
          if (!env.config().ski) check.skip("config: no SKI");
          auto cs = env.open(0);
          DWORD v = 0;
          check.rc(0,
                   get_property_dword(cs->cd(), CP_PADDING_SCHEMES, v, CARD_ASYMMETRIC_OPERATION),
                   "CardGetProperty");
          check.require(v & CARD_PADDING_PKCS1, "CARD_PADDING_PKCS1 missing");
        });
  r.add("prop.chaining_modes", "CP_CHAINING_MODES lists ChainingModeCBC",
        [](Env& env, Checker& check) {
          if (!env.config().ski) check.skip("config: no SKI");
          auto cs = env.open(0);
          Bytes v;
          check.rc(0, get_property(cs->cd(), CP_CHAINING_MODES, v, 0), "CardGetProperty");
          check.require(contains(multi_sz(v), CARD_CHAIN_MODE_CBC), "ChainingModeCBC missing");
        });
  r.add("prop.set_parent_window", "CardSetProperty(CP_PARENT_WINDOW) succeeds",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          HWND w = nullptr;
          check.rc(0,
                   cs->cd()->pfnCardSetProperty(cs->cd(), CP_PARENT_WINDOW,
                                                reinterpret_cast<PBYTE>(&w), sizeof w, 0),
                   "CardSetProperty(CP_PARENT_WINDOW)");
        });
  r.add("prop.set_pin_context_string", "CardSetProperty(CP_PIN_CONTEXT_STRING) succeeds",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          std::u16string s = u"softcard-mdtest";
          check.rc(0,
                   cs->cd()->pfnCardSetProperty(cs->cd(), CP_PIN_CONTEXT_STRING,
                                                reinterpret_cast<PBYTE>(s.data()),
                                                static_cast<DWORD>((s.size() + 1) * 2), 0),
                   "CardSetProperty(CP_PIN_CONTEXT_STRING)");
        });
  r.add("prop.container_pin_identifier", "CCP_PIN_IDENTIFIER of a new container is ROLE_USER",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          TempContainer c(check, env, cs->cd(), AT_ECDSA_P256, 0);
          DWORD pin = 0, len = 0;
          check.rc(0,
                   cs->cd()->pfnCardGetContainerProperty(cs->cd(), c.index, CCP_PIN_IDENTIFIER,
                                                         reinterpret_cast<PBYTE>(&pin), 4, &len, 0),
                   "CardGetContainerProperty(CCP_PIN_IDENTIFIER)");
          check.require(len == 4 && pin == ROLE_USER, "not ROLE_USER");
        });
  r.add("prop.container_info", "CCP_CONTAINER_INFO equals CardGetContainerInfo",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          TempContainer c(check, env, cd, AT_ECDSA_P256, 0);
          CONTAINER_INFO info{};
          info.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
          DWORD len = 0;
          check.rc(
              0,
              cd->pfnCardGetContainerProperty(cd, c.index, CCP_CONTAINER_INFO,
                                              reinterpret_cast<PBYTE>(&info), sizeof info, &len, 0),
              "CardGetContainerProperty(CCP_CONTAINER_INFO)");
          Bytes got;
          if (info.pbKeyExPublicKey)
            got.assign(info.pbKeyExPublicKey, info.pbKeyExPublicKey + info.cbKeyExPublicKey);
          if (info.pbSigPublicKey)
            got.assign(info.pbSigPublicKey, info.pbSigPublicKey + info.cbSigPublicKey);
          if (info.pbSigPublicKey) cd->pfnCspFree(info.pbSigPublicKey);
          if (info.pbKeyExPublicKey) cd->pfnCspFree(info.pbKeyExPublicKey);
          check.require(got == c.public_blob, "different public key");
        });
}

}  // namespace softcard::mdtest
