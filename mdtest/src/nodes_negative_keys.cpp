// neg.*: the negative matrix for containers, signing, decryption, PINs and container properties.
#include "negative.h"
#include "nodes.h"
#include "verify.h"

namespace softcard::mdtest {

void register_negative_key_nodes(Registry& r);

namespace {

DWORD sign_with(NegFixture& f, CARD_SIGNING_INFO& info) {
  const DWORD rc = f.cd->pfnCardSignData(f.cd, &info);
  if (rc == 0 && info.pbSignedData) f.cd->pfnCspFree(info.pbSignedData);
  return rc;
}

CARD_SIGNING_INFO sha256_info(NegFixture& f, Bytes& hash) {
  hash = verify::digest("sha256", Bytes{'m', 'd', 't'});
  CARD_SIGNING_INFO info{};
  info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
  info.bContainerIndex = f.container ? f.container->index : 0;
  info.dwKeySpec = f.container ? f.container->key_spec : AT_SIGNATURE;
  info.aiHashAlg = CALG_SHA_256;
  info.pbData = hash.data();
  info.cbData = static_cast<DWORD>(hash.size());
  return info;
}

void container_nodes(Registry& r) {
  auto create = [](NegFixture& f, BYTE idx, DWORD flags, DWORD spec, DWORD bits, PBYTE data) {
    return f.cd->pfnCardCreateContainer(f.cd, idx, flags, spec, bits, data);
  };
  neg(r, "CardCreateContainer", "null_card_data", SCARD_E_INVALID_PARAMETER, "pCardData NULL",
      [](NegFixture& f) {
        return f.cd->pfnCardCreateContainer(nullptr, 0, CARD_CREATE_CONTAINER_KEY_GEN,
                                            AT_KEYEXCHANGE, 2048, nullptr);
      });
  for (DWORD flags : {0u, 3u, 0xFFu})
    neg(r, "CardCreateContainer", "flags_" + std::to_string(flags), SCARD_E_INVALID_PARAMETER,
        "dwFlags " + std::to_string(flags),
        [=](NegFixture& f) {
          Checker c;
          return create(f, free_container(c, f.cd), flags, AT_KEYEXCHANGE,
                        small_rsa(f.env.config()), nullptr);
        },
        {.user = true});
  for (DWORD spec : {0u, 9u, 0xFFu})
    neg(r, "CardCreateContainer", "key_spec_" + std::to_string(spec), SCARD_E_INVALID_PARAMETER,
        "dwKeySpec " + std::to_string(spec),
        [=](NegFixture& f) {
          Checker c;
          return create(f, free_container(c, f.cd), CARD_CREATE_CONTAINER_KEY_GEN, spec, 2048,
                        nullptr);
        },
        {.user = true});
  neg(r, "CardCreateContainer", "key_size_1000", SCARD_E_INVALID_PARAMETER,
      "RSA dwKeySize 1000 (not a supported size)",
      [=](NegFixture& f) {
        Checker c;
        return create(f, free_container(c, f.cd), CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                      1000, nullptr);
      },
      {.user = true});
  neg(r, "CardCreateContainer", "import_null_blob", SCARD_E_INVALID_PARAMETER,
      "KEY_IMPORT with pbKeyData NULL",
      [=](NegFixture& f) {
        Checker c;
        return create(f, free_container(c, f.cd), CARD_CREATE_CONTAINER_KEY_IMPORT, AT_KEYEXCHANGE,
                      2048, nullptr);
      },
      {.user = true});
  neg(r, "CardCreateContainer", "import_bad_blob", SCARD_E_INVALID_PARAMETER,
      "KEY_IMPORT of 64 zero bytes",
      [=](NegFixture& f) {
        Checker c;
        Bytes junk(64, 0);
        return create(f, free_container(c, f.cd), CARD_CREATE_CONTAINER_KEY_IMPORT, AT_KEYEXCHANGE,
                      0, junk.data());
      },
      {.user = true});
  neg(r, "CardCreateContainer", "index_255", SCARD_E_INVALID_PARAMETER,
      "bContainerIndex 255 (beyond the card's containers)",
      [=](NegFixture& f) {
        return create(f, 255, CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                      small_rsa(f.env.config()), nullptr);
      },
      {.user = true});
  neg(r, "CardCreateContainer", "anonymous", SCARD_W_SECURITY_VIOLATION,
      "key generation without authentication", [=](NegFixture& f) {
        Checker c;
        return create(f, free_container(c, f.cd), CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                      small_rsa(f.env.config()), nullptr);
      });
  neg(r, "CardCreateContainerEx", "pin_admin", SCARD_W_SECURITY_VIOLATION,
      "PinId ROLE_ADMIN (no admin-owned private keys)",
      [](NegFixture& f) {
        Checker c;
        return f.cd->pfnCardCreateContainerEx(f.cd, free_container(c, f.cd),
                                              CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                                              small_rsa(f.env.config()), nullptr, ROLE_ADMIN);
      },
      {.user = true});
  neg(r, "CardCreateContainerEx", "pin_8", SCARD_E_INVALID_PARAMETER, "PinId 8 (>= MAX_PINS)",
      [](NegFixture& f) {
        Checker c;
        return f.cd->pfnCardCreateContainerEx(f.cd, free_container(c, f.cd),
                                              CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                                              small_rsa(f.env.config()), nullptr, MAX_PINS);
      },
      {.user = true});
  neg(r, "CardDeleteContainer", "missing", SCARD_E_NO_KEY_CONTAINER, "an empty container index",
      [](NegFixture& f) {
        Checker c;
        return f.cd->pfnCardDeleteContainer(f.cd, free_container(c, f.cd), 0);
      },
      {.user = true});
  neg(r, "CardDeleteContainer", "reserved_1", SCARD_E_INVALID_PARAMETER, "dwReserved 1",
      [](NegFixture& f) { return f.cd->pfnCardDeleteContainer(f.cd, f.container->index, 1); },
      {.user = true, .container = AT_ECDSA_P256});
  neg(r, "CardDeleteContainer", "anonymous", SCARD_W_SECURITY_VIOLATION,
      "deleting without authentication",
      [](NegFixture& f) {
        f.cd->pfnCardDeauthenticateEx(f.cd, CREATE_PIN_SET(ROLE_USER), 0);
        return f.cd->pfnCardDeleteContainer(f.cd, f.container->index, 0);
      },
      {.container = AT_ECDSA_P256});
  neg(r, "CardGetContainerInfo", "null_info", SCARD_E_INVALID_PARAMETER, "pContainerInfo NULL",
      [](NegFixture& f) { return f.cd->pfnCardGetContainerInfo(f.cd, 0, 0, nullptr); });
  neg(r, "CardGetContainerInfo", "missing", SCARD_E_NO_KEY_CONTAINER, "an empty container index",
      [](NegFixture& f) {
        Checker c;
        CONTAINER_INFO i{CONTAINER_INFO_CURRENT_VERSION, 0, 0, nullptr, 0, nullptr};
        return f.cd->pfnCardGetContainerInfo(f.cd, free_container(c, f.cd), 0, &i);
      });
  neg(r, "CardGetContainerInfo", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) {
        CONTAINER_INFO i{CONTAINER_INFO_CURRENT_VERSION, 0, 0, nullptr, 0, nullptr};
        return f.cd->pfnCardGetContainerInfo(f.cd, f.container->index, 1, &i);
      },
      {.container = AT_ECDSA_P256});
  for (DWORD v : bad_versions({0, 1}))
    neg(r, "CardGetContainerInfo", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CONTAINER_INFO dwVersion " + std::to_string(v),
        [v](NegFixture& f) {
          CONTAINER_INFO i{v, 0, 0, nullptr, 0, nullptr};
          return f.cd->pfnCardGetContainerInfo(f.cd, f.container->index, 0, &i);
        },
        {.container = AT_ECDSA_P256});
  neg(r, "CardGetContainerProperty", "unknown", SCARD_E_INVALID_PARAMETER, "an undefined property",
      [](NegFixture& f) {
        BYTE b[64];
        DWORD len = 0;
        return f.cd->pfnCardGetContainerProperty(f.cd, f.container->index, u"No Such Property", b,
                                                 sizeof b, &len, 0);
      },
      {.container = AT_ECDSA_P256});
  neg(r, "CardGetContainerProperty", "flags_1", SCARD_E_INVALID_PARAMETER,
      "CCP_PIN_IDENTIFIER with dwFlags 1",
      [](NegFixture& f) {
        DWORD pin = 0, len = 0;
        return f.cd->pfnCardGetContainerProperty(f.cd, f.container->index, CCP_PIN_IDENTIFIER,
                                                 reinterpret_cast<PBYTE>(&pin), 4, &len, 1);
      },
      {.container = AT_ECDSA_P256});
  neg(r, "CardGetContainerProperty", "missing_container", SCARD_E_NO_KEY_CONTAINER,
      "CCP_PIN_IDENTIFIER of an empty index", [](NegFixture& f) {
        Checker c;
        DWORD pin = 0, len = 0;
        return f.cd->pfnCardGetContainerProperty(f.cd, free_container(c, f.cd), CCP_PIN_IDENTIFIER,
                                                 reinterpret_cast<PBYTE>(&pin), 4, &len, 0);
      });
  neg(r, "CardSetContainerProperty", "container_info", SCARD_E_UNSUPPORTED_FEATURE,
      "setting the read-only CCP_CONTAINER_INFO",
      [](NegFixture& f) {
        CONTAINER_INFO i{};
        return f.cd->pfnCardSetContainerProperty(f.cd, f.container->index, CCP_CONTAINER_INFO,
                                                 reinterpret_cast<PBYTE>(&i), sizeof i, 0);
      },
      {.user = true, .container = AT_ECDSA_P256});
}

void sign_nodes(Registry& r) {
  const NegSetup rsa{.user = true, .container = AT_SIGNATURE};
  neg(r, "CardSignData", "null_info", SCARD_E_INVALID_PARAMETER, "pInfo NULL",
      [](NegFixture& f) { return f.cd->pfnCardSignData(f.cd, nullptr); });
  for (DWORD v : bad_versions({CARD_SIGNING_INFO_BASIC_VERSION, CARD_SIGNING_INFO_CURRENT_VERSION}))
    neg(
        r, "CardSignData", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_SIGNING_INFO dwVersion " + std::to_string(v),
        [v](NegFixture& f) {
          Bytes h;
          auto info = sha256_info(f, h);
          info.dwVersion = v;
          return sign_with(f, info);
        },
        rsa);
  neg(
      r, "CardSignData", "bad_hash_alg", SCARD_E_INVALID_PARAMETER, "aiHashAlg 0x1234",
      [](NegFixture& f) {
        Bytes h;
        auto info = sha256_info(f, h);
        info.aiHashAlg = 0x1234;
        return sign_with(f, info);
      },
      rsa);
  neg(
      r, "CardSignData", "hash_length", SCARD_E_INVALID_PARAMETER,
      "CALG_SHA_256 with a 31-byte hash",
      [](NegFixture& f) {
        Bytes h;
        auto info = sha256_info(f, h);
        info.cbData = 31;
        return sign_with(f, info);
      },
      rsa);
  neg(
      r, "CardSignData", "null_data", SCARD_E_INVALID_PARAMETER, "pbData NULL",
      [](NegFixture& f) {
        Bytes h;
        auto info = sha256_info(f, h);
        info.pbData = nullptr;
        return sign_with(f, info);
      },
      rsa);
  for (DWORD spec : {0u, 9u})
    neg(
        r, "CardSignData", "key_spec_" + std::to_string(spec), SCARD_E_INVALID_PARAMETER,
        "dwKeySpec " + std::to_string(spec),
        [spec](NegFixture& f) {
          Bytes h;
          auto info = sha256_info(f, h);
          info.dwKeySpec = spec;
          return sign_with(f, info);
        },
        rsa);
  neg(r, "CardSignData", "missing_container", SCARD_E_NO_KEY_CONTAINER, "an empty container",
      [](NegFixture& f) {
        Bytes h;
        auto info = sha256_info(f, h);
        Checker c;
        info.bContainerIndex = free_container(c, f.cd);
        return sign_with(f, info);
      },
      {.user = true});
  neg(
      r, "CardSignData", "padding_info_null", SCARD_E_INVALID_PARAMETER,
      "CARD_PADDING_INFO_PRESENT with pPaddingInfo NULL",
      [](NegFixture& f) {
        Bytes h;
        auto info = sha256_info(f, h);
        info.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
        info.dwPaddingType = CARD_PADDING_PKCS1;
        return sign_with(f, info);
      },
      rsa);
  neg(
      r, "CardSignData", "padding_type_bad", SCARD_E_INVALID_PARAMETER,
      "CARD_PADDING_INFO_PRESENT with dwPaddingType 0x80",
      [](NegFixture& f) {
        Bytes h;
        auto info = sha256_info(f, h);
        BCRYPT_PKCS1_PADDING_INFO p{u"SHA256"};
        info.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
        info.pPaddingInfo = &p;
        info.dwPaddingType = 0x80;
        return sign_with(f, info);
      },
      rsa);
  neg(r, "CardSignData", "anonymous", SCARD_W_SECURITY_VIOLATION, "signing without the user PIN",
      [](NegFixture& f) {
        f.cd->pfnCardDeauthenticateEx(f.cd, CREATE_PIN_SET(ROLE_USER), 0);
        Bytes h;
        auto info = sha256_info(f, h);
        return sign_with(f, info);
      },
      {.container = AT_SIGNATURE});
}

void decrypt_nodes(Registry& r) {
  const NegSetup kx{.user = true, .container = AT_KEYEXCHANGE};
  struct Call {
    Bytes data;
    CARD_RSA_DECRYPT_INFO info{};
  };
  auto base = [](NegFixture& f) {
    auto c = std::make_shared<Call>();
    c->data.assign(small_rsa(f.env.config()) / 8, 0x42);
    c->data.back() = 0;  // below the modulus
    c->info.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
    c->info.bContainerIndex = f.container ? f.container->index : 0;
    c->info.dwKeySpec = AT_KEYEXCHANGE;
    c->info.pbData = c->data.data();
    c->info.cbData = static_cast<DWORD>(c->data.size());
    c->info.dwPaddingType = CARD_PADDING_PKCS1;
    return c;
  };
  neg(r, "CardRSADecrypt", "null_info", SCARD_E_INVALID_PARAMETER, "pInfo NULL",
      [](NegFixture& f) { return f.cd->pfnCardRSADecrypt(f.cd, nullptr); });
  for (DWORD v : bad_versions({CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION}))
    neg(
        r, "CardRSADecrypt", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_RSA_DECRYPT_INFO dwVersion " + std::to_string(v),
        [=](NegFixture& f) {
          auto c = base(f);
          c->info.dwVersion = v;
          return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
        },
        kx);
  neg(
      r, "CardRSADecrypt", "version_1_on_v7", ERROR_REVISION_MISMATCH,
      "CARD_RSA_DECRYPT_INFO v1 with CARD_DATA v7",
      [=](NegFixture& f) {
        auto c = base(f);
        c->info.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_VERSION_ONE;
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      kx);
  neg(
      r, "CardRSADecrypt", "key_spec_0", SCARD_E_INVALID_PARAMETER, "dwKeySpec 0",
      [=](NegFixture& f) {
        auto c = base(f);
        c->info.dwKeySpec = 0;
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      kx);
  neg(
      r, "CardRSADecrypt", "length_off_by_one", SCARD_E_INVALID_PARAMETER,
      "cbData one byte shorter than the modulus",
      [=](NegFixture& f) {
        auto c = base(f);
        c->info.cbData -= 1;
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      kx);
  neg(
      r, "CardRSADecrypt", "padding_type_bad", SCARD_E_INVALID_PARAMETER, "dwPaddingType 0x80",
      [=](NegFixture& f) {
        auto c = base(f);
        c->info.dwPaddingType = 0x80;
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      kx);
  neg(
      r, "CardRSADecrypt", "oaep_null_info", SCARD_E_INVALID_PARAMETER,
      "CARD_PADDING_OAEP with pPaddingInfo NULL",
      [=](NegFixture& f) {
        auto c = base(f);
        c->info.dwPaddingType = CARD_PADDING_OAEP;
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      kx);
  neg(
      r, "CardRSADecrypt", "bad_padding", NTE_BAD_DATA,
      "PKCS#1 decryption of a block that is not PKCS#1 padded",
      [=](NegFixture& f) {
        auto c = base(f);
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      kx);
  neg(r, "CardRSADecrypt", "missing_container", SCARD_E_NO_KEY_CONTAINER, "an empty container",
      [=](NegFixture& f) {
        auto c = base(f);
        Checker ch;
        c->info.bContainerIndex = free_container(ch, f.cd);
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      {.user = true});
  neg(r, "CardRSADecrypt", "anonymous", SCARD_W_SECURITY_VIOLATION,
      "decrypting without the user PIN",
      [=](NegFixture& f) {
        f.cd->pfnCardDeauthenticateEx(f.cd, CREATE_PIN_SET(ROLE_USER), 0);
        auto c = base(f);
        return f.cd->pfnCardRSADecrypt(f.cd, &c->info);
      },
      {.container = AT_KEYEXCHANGE});
}

void pin_arg_nodes(Registry& r) {
  auto auth_pin = [](NegFixture& f, const char16_t* user, PBYTE pin, DWORD cb) {
    std::u16string u = user ? user : u"";
    DWORD tries = 0;
    return f.cd->pfnCardAuthenticatePin(f.cd, user ? u.data() : nullptr, pin, cb, &tries);
  };
  neg(r, "CardAuthenticatePin", "null_user", SCARD_E_INVALID_PARAMETER, "pwszUserId NULL",
      [=](NegFixture& f) {
        Bytes p = pin_bytes(f.env.config().user_pin);
        return auth_pin(f, nullptr, p.data(), static_cast<DWORD>(p.size()));
      });
  neg(r, "CardAuthenticatePin", "null_pin", SCARD_E_INVALID_PARAMETER, "pbPin NULL",
      [=](NegFixture& f) { return auth_pin(f, u"user", nullptr, 6); });
  neg(r, "CardAuthenticatePin", "user_case", SCARD_E_INVALID_PARAMETER,
      "pwszUserId \"USER\" (case differs)", [=](NegFixture& f) {
        Bytes p = pin_bytes(f.env.config().user_pin);
        return auth_pin(f, u"USER", p.data(), static_cast<DWORD>(p.size()));
      });
  neg(r, "CardAuthenticatePin", "unknown_user", SCARD_E_INVALID_PARAMETER, "pwszUserId \"nobody\"",
      [=](NegFixture& f) {
        Bytes p = pin_bytes(f.env.config().user_pin);
        return auth_pin(f, u"nobody", p.data(), static_cast<DWORD>(p.size()));
      });
  auto auth_ex = [](NegFixture& f, PIN_ID id, DWORD flags, PBYTE pin, DWORD cb) {
    DWORD tries = 0;
    return f.cd->pfnCardAuthenticateEx(f.cd, id, flags, pin, cb, nullptr, nullptr, &tries);
  };
  neg(r, "CardAuthenticateEx", "pin_8", SCARD_E_INVALID_PARAMETER, "PinId 8 (>= MAX_PINS)",
      [=](NegFixture& f) {
        Bytes p = pin_bytes(f.env.config().user_pin);
        return auth_ex(f, MAX_PINS, 0, p.data(), static_cast<DWORD>(p.size()));
      });
  neg(r, "CardAuthenticateEx", "pin_everyone", SCARD_E_INVALID_PARAMETER, "PinId ROLE_EVERYONE",
      [=](NegFixture& f) {
        Bytes p = pin_bytes(f.env.config().user_pin);
        return auth_ex(f, ROLE_EVERYONE, 0, p.data(), static_cast<DWORD>(p.size()));
      });
  for (DWORD flags : {1u, 0xFFu})
    neg(r, "CardAuthenticateEx", "flags_" + std::to_string(flags), SCARD_E_INVALID_PARAMETER,
        "dwFlags " + std::to_string(flags), [=](NegFixture& f) {
          Bytes p = pin_bytes(f.env.config().user_pin);
          return auth_ex(f, ROLE_USER, flags, p.data(), static_cast<DWORD>(p.size()));
        });
  neg(r, "CardAuthenticateEx", "null_pin", SCARD_E_INVALID_PARAMETER, "pbPinData NULL",
      [=](NegFixture& f) { return auth_ex(f, ROLE_USER, 0, nullptr, 6); });
  neg(r, "CardAuthenticateEx", "session_pin_null_out", SCARD_E_INVALID_PARAMETER,
      "GENERATE_SESSION_PIN with ppbSessionPin NULL", [=](NegFixture& f) {
        Bytes p = pin_bytes(f.env.config().user_pin);
        return auth_ex(f, ROLE_USER, CARD_AUTHENTICATE_GENERATE_SESSION_PIN, p.data(),
                       static_cast<DWORD>(p.size()));
      });
  neg(r, "CardDeauthenticateEx", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) {
        return f.cd->pfnCardDeauthenticateEx(f.cd, CREATE_PIN_SET(ROLE_USER), 1);
      });
  neg(r, "CardDeauthenticate", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) {
        std::u16string u = u"user";
        return f.cd->pfnCardDeauthenticate(f.cd, u.data(), 1);
      });
  neg(r, "CardGetChallengeEx", "null_out", SCARD_E_INVALID_PARAMETER, "ppbChallengeData NULL",
      [](NegFixture& f) {
        DWORD cb = 0;
        return f.cd->pfnCardGetChallengeEx(f.cd, ROLE_ADMIN, nullptr, &cb, 0);
      },
      {.function = "CardGetChallengeEx"});
  neg(r, "CardGetChallengeEx", "pin_user", SCARD_E_INVALID_PARAMETER,
      "PinId ROLE_USER (not a challenge-response PIN)",
      [](NegFixture& f) {
        PBYTE c = nullptr;
        DWORD cb = 0;
        const DWORD rc = f.cd->pfnCardGetChallengeEx(f.cd, ROLE_USER, &c, &cb, 0);
        if (c) f.cd->pfnCspFree(c);
        return rc;
      },
      {.function = "CardGetChallengeEx"});
  neg(r, "CardGetChallengeEx", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) {
        PBYTE c = nullptr;
        DWORD cb = 0;
        const DWORD rc = f.cd->pfnCardGetChallengeEx(f.cd, ROLE_ADMIN, &c, &cb, 1);
        if (c) f.cd->pfnCspFree(c);
        return rc;
      },
      {.function = "CardGetChallengeEx"});
}

}  // namespace

void register_negative_key_nodes(Registry& r) {
  container_nodes(r);
  sign_nodes(r);
  decrypt_nodes(r);
  pin_arg_nodes(r);
}

}  // namespace softcard::mdtest
