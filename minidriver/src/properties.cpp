// Card properties (including the SKI capability properties read from the card), capabilities,
// key sizes, free space, container properties.
#include <algorithm>

#include "associated_ecdh.h"
#include "md.h"
#include "piv_card.h"
#include "piv_keys.h"

using namespace softcard;
using namespace softcard::md;

namespace {

Bytes sym_algs(const SkiCapabilities& c) {
  std::vector<std::u16string_view> v;
  if (c.algs & 0x07) v.push_back(CARD_AES_ALGORITHM);
  if (c.algs & 0x08) v.push_back(CARD_3DES_ALGORITHM);
  if (c.algs & 0x10) v.push_back(CARD_3DES_112_ALGORITHM);
  Bytes out;
  for (auto s : v) {
    for (char16_t ch : s) out.push_back(std::uint8_t(ch)), out.push_back(std::uint8_t(ch >> 8));
    out.push_back(0), out.push_back(0);
  }
  out.push_back(0), out.push_back(0);
  return out;
}

Bytes pin_info(PIN_ID id, bool unblockable = true) {
  PIN_INFO info{};
  info.dwVersion = PIN_INFO_CURRENT_VERSION;
  if (id == ROLE_USER) {
    info.PinType = AlphaNumericPinType;
    info.PinPurpose = PrimaryCardPin;
    info.dwChangePermission = CREATE_PIN_SET(ROLE_USER);
    info.dwUnblockPermission = unblockable ? CREATE_PIN_SET(ROLE_ADMIN) : 0;
  } else {
    info.PinType = ChallengeResponsePinType;
    info.PinPurpose = AdministratorPin;
    info.dwChangePermission = CREATE_PIN_SET(ROLE_ADMIN);
    info.dwUnblockPermission = 0;
  }
  info.PinCachePolicy.dwVersion = PIN_CACHE_POLICY_CURRENT_VERSION;
  info.PinCachePolicy.PinCachePolicyType = PinCacheNormal;
  const auto* p = reinterpret_cast<const std::uint8_t*>(&info);
  return Bytes(p, p + sizeof info);
}

template <class T>
Bytes raw(const T& v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  return Bytes(p, p + sizeof v);
}

bool user_verified(Context& ctx) {
  if (ctx.edge == Edge::piv) return piv::pin_verified(ctx);
  Command cmd;
  cmd.ins = 0x20;
  cmd.p2 = 0x80;
  return ctx.card().transmit(cmd).sw == Sw::ok;
}

Bytes cardid(Context& ctx, PCARD_DATA pCardData) {
  PBYTE data = nullptr;
  DWORD len = 0;
  char name[] = "cardid";
  if (DWORD rc = MdCardReadFile(pCardData, nullptr, name, 0, &data, &len)) fail(rc);
  Bytes out(data, data + len);
  pCardData->pfnCspFree(data);
  (void)ctx;
  return out;
}

bool piv_offers(const Context& ctx, std::uint8_t alg) {
  return std::find(ctx.piv_algorithms.begin(), ctx.piv_algorithms.end(), alg) !=
         ctx.piv_algorithms.end();
}

// RSA from 1024 bits in steps of 1024 up to `rsa_max_bits`; the NIST curves at their one size.
CARD_KEY_SIZES key_sizes(DWORD spec, DWORD rsa_max_bits, bool p521) {
  CARD_KEY_SIZES s{};
  s.dwVersion = CARD_KEY_SIZES_CURRENT_VERSION;
  const auto one_size = [&s](DWORD bits) {
    s.dwMinimumBitlen = s.dwDefaultBitlen = s.dwMaximumBitlen = bits;
  };
  switch (spec) {
    case AT_KEYEXCHANGE:
    case AT_SIGNATURE:
      s.dwMinimumBitlen = 1024, s.dwDefaultBitlen = 2048, s.dwMaximumBitlen = rsa_max_bits,
      s.dwIncrementalBitlen = 1024;
      break;
    case AT_ECDSA_P256:
    case AT_ECDHE_P256:
      one_size(256);
      break;
    case AT_ECDSA_P384:
    case AT_ECDHE_P384:
      one_size(384);
      break;
    case AT_ECDSA_P521:
    case AT_ECDHE_P521:
      if (!p521) fail(SCARD_E_INVALID_PARAMETER);
      one_size(521);
      break;
    default:
      fail(SCARD_E_INVALID_PARAMETER);
  }
  return s;
}

// GIDS: RSA up to 4096 bits and all three curves.
CARD_KEY_SIZES gids_key_sizes(DWORD spec) {
  return key_sizes(spec, 4096, true);
}

// PIV offers RSA-4096 only where the card lists algorithm 16 (YubiKey 5.7), and no P-521.
CARD_KEY_SIZES piv_key_sizes(const Context& ctx, DWORD spec) {
  return key_sizes(spec, piv_offers(ctx, 0x16) ? 4096 : 2048, false);
}

// The ECDH container of an ECDSA container on PIV: the key-management slot 9D (container 2),
// when it holds an EC key (the cached-logon pairing of PIV authentication and key management).
std::uint8_t piv_associated_ecdh(Context& ctx, BYTE idx) {
  const piv::Key k = piv::require_key(ctx, idx);
  const auto km = piv::container_key(ctx, 2);
  if (k.type != KeyType::ec || k.key_exchange || !km || km->type != KeyType::ec)
    fail(SCARD_E_NO_KEY_CONTAINER);
  return 2;
}

// The properties a PIV card answers differently from a GIDS card (docs/minidriver.md "PIV
// cards"); false for the ones both answer alike.
bool piv_property(Context& ctx, LPCWSTR p, PBYTE pbData, DWORD cbData, PDWORD pdwDataLen,
                  DWORD dwFlags) {
  auto out = [&](const Bytes& v) {
    copy_out(pbData, cbData, pdwDataLen, v);
    return true;
  };
  const bool any_flags = wide_equal(p, CP_CARD_KEYSIZES) || wide_equal(p, CP_CARD_PIN_INFO) ||
                         wide_equal(p, CP_CARD_PIN_STRENGTH_VERIFY) ||
                         wide_equal(p, CP_CARD_PIN_STRENGTH_CHANGE) ||
                         wide_equal(p, CP_CARD_PIN_STRENGTH_UNBLOCK);
  if (wide_equal(p, CP_ENUM_ALGORITHMS) || wide_equal(p, CP_PADDING_SCHEMES) ||
      wide_equal(p, CP_CHAINING_MODES))
    fail(SCARD_E_UNSUPPORTED_FEATURE);  // secure key injection: not on a PIV card
  if (wide_equal(p, CP_KEY_IMPORT_SUPPORT) || wide_equal(p, CP_CARD_READ_ONLY) ||
      wide_equal(p, CP_CARD_CACHE_MODE) || wide_equal(p, CP_SUPPORTS_WIN_X509_ENROLLMENT) ||
      wide_equal(p, CP_CARD_FREE_SPACE) || wide_equal(p, CP_CARD_CAPABILITIES) ||
      wide_equal(p, CP_CARD_LIST_PINS)) {
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
  } else if (!any_flags) {
    return false;
  }
  if (wide_equal(p, CP_KEY_IMPORT_SUPPORT)) return out(dword_bytes(0));
  if (wide_equal(p, CP_CARD_READ_ONLY)) return out(dword_bytes(TRUE));
  // Other tools (yubico-piv-tool, ykman) change the card behind cardcf's back.
  if (wide_equal(p, CP_CARD_CACHE_MODE)) return out(dword_bytes(CP_CACHE_MODE_NO_CACHE));
  if (wide_equal(p, CP_SUPPORTS_WIN_X509_ENROLLMENT)) return out(dword_bytes(FALSE));
  if (wide_equal(p, CP_CARD_FREE_SPACE)) {
    CARD_FREE_SPACE_INFO f{};
    f.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
    f.dwMaxKeyContainers = piv::container_count;
    return out(raw(f));
  }
  if (wide_equal(p, CP_CARD_CAPABILITIES))
    return out(raw(CARD_CAPABILITIES{CARD_CAPABILITIES_CURRENT_VERSION, FALSE, FALSE}));
  if (wide_equal(p, CP_CARD_LIST_PINS)) return out(dword_bytes(CREATE_PIN_SET(ROLE_USER)));
  if (wide_equal(p, CP_CARD_KEYSIZES)) return out(raw(piv_key_sizes(ctx, dwFlags)));
  if (dwFlags != ROLE_USER) fail(SCARD_E_INVALID_PARAMETER);  // the PIN properties: one PIN
  if (wide_equal(p, CP_CARD_PIN_INFO)) {
    if (pbData && cbData >= 4 && wire::get_u32le({pbData, 4}, 0) != PIN_INFO_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    return out(pin_info(ROLE_USER, false));
  }
  return out(dword_bytes(CARD_PIN_STRENGTH_PLAINTEXT));
}

}  // namespace

extern "C" {

DWORD WINAPI MdCardGetProperty(PCARD_DATA pCardData, LPCWSTR p, PBYTE pbData, DWORD cbData,
                               PDWORD pdwDataLen, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!p || !pdwDataLen) fail(SCARD_E_INVALID_PARAMETER);
    auto no_flags = [&] {
      if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    };
    if (ctx.edge == Edge::piv && piv_property(ctx, p, pbData, cbData, pdwDataLen, dwFlags)) return;
    if (wide_equal(p, CP_KEY_IMPORT_SUPPORT)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(read_capabilities(ctx).import_support));
    } else if (wide_equal(p, CP_ENUM_ALGORITHMS)) {
      if (dwFlags == CARD_CIPHER_OPERATION) {
        copy_out(pbData, cbData, pdwDataLen, sym_algs(read_capabilities(ctx)));
      } else if (dwFlags == CARD_ASYMMETRIC_OPERATION) {
        const auto c = read_capabilities(ctx);
        Bytes v = multi_sz({u"RSA"});
        if (c.curves & 1) v = multi_sz({u"RSA", u"ECDH_P256"});
        if ((c.curves & 7) == 7) v = multi_sz({u"RSA", u"ECDH_P256", u"ECDH_P384", u"ECDH_P521"});
        copy_out(pbData, cbData, pdwDataLen, v);
      } else {
        fail(SCARD_E_INVALID_PARAMETER);
      }
    } else if (wide_equal(p, CP_PADDING_SCHEMES)) {
      if (dwFlags == CARD_ASYMMETRIC_OPERATION) {
        const auto c = read_capabilities(ctx);
        DWORD v = 0;
        if (c.paddings & 1) v |= CARD_PADDING_PKCS1;
        if (c.paddings & 6) v |= CARD_PADDING_OAEP;
        copy_out(pbData, cbData, pdwDataLen, dword_bytes(v));
      } else if (dwFlags == CARD_CIPHER_OPERATION) {
        copy_out(pbData, cbData, pdwDataLen, dword_bytes(CARD_BLOCK_PADDING));
      } else {
        fail(SCARD_E_INVALID_PARAMETER);
      }
    } else if (wide_equal(p, CP_CHAINING_MODES)) {
      if (dwFlags != 0 && dwFlags != CARD_CIPHER_OPERATION) fail(SCARD_E_INVALID_PARAMETER);
      const auto c = read_capabilities(ctx);
      copy_out(pbData, cbData, pdwDataLen,
               (c.modes & 2)   ? multi_sz({CARD_CHAIN_MODE_CBC, SOFTCARD_CHAIN_MODE_GCM})
               : (c.modes & 1) ? multi_sz({CARD_CHAIN_MODE_CBC})
                               : multi_sz({}));
    } else if (wide_equal(p, CP_CARD_FREE_SPACE)) {
      no_flags();
      CARD_FREE_SPACE_INFO f{};
      f.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
      f.dwBytesAvailable = CARD_DATA_VALUE_UNKNOWN;
      f.dwKeyContainersAvailable = container_count_free(ctx, &f.dwMaxKeyContainers).value_or(0);
      copy_out(pbData, cbData, pdwDataLen, raw(f));
    } else if (wide_equal(p, CP_CARD_CAPABILITIES)) {
      no_flags();
      CARD_CAPABILITIES c{CARD_CAPABILITIES_CURRENT_VERSION, FALSE, TRUE};
      copy_out(pbData, cbData, pdwDataLen, raw(c));
    } else if (wide_equal(p, CP_CARD_KEYSIZES)) {
      copy_out(pbData, cbData, pdwDataLen, raw(gids_key_sizes(dwFlags)));
    } else if (wide_equal(p, CP_CARD_READ_ONLY)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(FALSE));
    } else if (wide_equal(p, CP_CARD_CACHE_MODE)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(CP_CACHE_MODE_GLOBAL_CACHE));
    } else if (wide_equal(p, CP_SUPPORTS_WIN_X509_ENROLLMENT)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(TRUE));
    } else if (wide_equal(p, CP_CARD_GUID) || wide_equal(p, CP_CARD_SERIAL_NO)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen, cardid(ctx, pCardData));
    } else if (wide_equal(p, CP_CARD_PIN_INFO)) {
      if (dwFlags != ROLE_USER && dwFlags != ROLE_ADMIN) fail(SCARD_E_INVALID_PARAMETER);
      // The caller names the PIN_INFO layout it expects; only version 6 exists (M8).
      if (pbData && cbData >= 4 && wire::get_u32le({pbData, 4}, 0) != PIN_INFO_CURRENT_VERSION)
        fail(ERROR_REVISION_MISMATCH);
      copy_out(pbData, cbData, pdwDataLen, pin_info(dwFlags));
    } else if (wide_equal(p, CP_CARD_LIST_PINS)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen,
               dword_bytes(CREATE_PIN_SET(ROLE_USER) | CREATE_PIN_SET(ROLE_ADMIN)));
    } else if (wide_equal(p, CP_CARD_AUTHENTICATED_STATE)) {
      no_flags();
      copy_out(pbData, cbData, pdwDataLen,
               dword_bytes((user_verified(ctx) ? CREATE_PIN_SET(ROLE_USER) : 0) |
                           (ctx.admin ? CREATE_PIN_SET(ROLE_ADMIN) : 0)));
    } else if (wide_equal(p, CP_CARD_PIN_STRENGTH_VERIFY) ||
               wide_equal(p, CP_CARD_PIN_STRENGTH_CHANGE) ||
               wide_equal(p, CP_CARD_PIN_STRENGTH_UNBLOCK)) {
      if (dwFlags != ROLE_USER && dwFlags != ROLE_ADMIN) fail(SCARD_E_INVALID_PARAMETER);
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(CARD_PIN_STRENGTH_PLAINTEXT));
    } else {
      fail(SCARD_E_INVALID_PARAMETER);
    }
  });
}

DWORD WINAPI MdCardSetProperty(PCARD_DATA pCardData, LPCWSTR p, PBYTE pbData, DWORD cbDataLen,
                               DWORD dwFlags) {
  return guard([&] {
    context_for(pCardData, false, true);
    if (!p) fail(SCARD_E_INVALID_PARAMETER);
    if (wide_equal(p, CP_PARENT_WINDOW)) {
      if (dwFlags != 0 || !pbData || cbDataLen != sizeof(HWND)) fail(SCARD_E_INVALID_PARAMETER);
      return;  // no UI
    }
    if (wide_equal(p, CP_PIN_CONTEXT_STRING)) {
      if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
      return;
    }
    fail(SCARD_E_UNSUPPORTED_FEATURE);  // read-only or not settable on this card
  });
}

DWORD WINAPI MdCardQueryCapabilities(PCARD_DATA pCardData, PCARD_CAPABILITIES pCaps) {
  return guard([&] {
    const Context& ctx = context_for(pCardData, false, true);
    if (!pCaps) fail(SCARD_E_INVALID_PARAMETER);
    if (pCaps->dwVersion > CARD_CAPABILITIES_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    pCaps->dwVersion = CARD_CAPABILITIES_CURRENT_VERSION;
    pCaps->fCertificateCompression = FALSE;  // PIV: the library inflates gzip certificates
    pCaps->fKeyGen = ctx.edge == Edge::gids;
  });
}

DWORD WINAPI MdCardQueryKeySizes(PCARD_DATA pCardData, DWORD dwKeySpec, DWORD dwFlags,
                                 PCARD_KEY_SIZES pKeySizes) {
  return guard([&] {
    const Context& ctx = context_for(pCardData, false, true);
    if (!pKeySizes || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pKeySizes->dwVersion > CARD_KEY_SIZES_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    *pKeySizes = ctx.edge == Edge::piv ? piv_key_sizes(ctx, dwKeySpec) : gids_key_sizes(dwKeySpec);
  });
}

DWORD WINAPI MdCardQueryFreeSpace(PCARD_DATA pCardData, DWORD dwFlags,
                                  PCARD_FREE_SPACE_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pInfo || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion > CARD_FREE_SPACE_INFO_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    pInfo->dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
    if (ctx.edge == Edge::piv) {  // a read-only card: nothing free
      pInfo->dwBytesAvailable = 0, pInfo->dwKeyContainersAvailable = 0;
      pInfo->dwMaxKeyContainers = piv::container_count;
      return;
    }
    pInfo->dwBytesAvailable = CARD_DATA_VALUE_UNKNOWN;
    pInfo->dwKeyContainersAvailable =
        container_count_free(ctx, &pInfo->dwMaxKeyContainers).value_or(0);
  });
}

DWORD WINAPI MdCardGetContainerProperty(PCARD_DATA pCardData, BYTE idx, LPCWSTR p, PBYTE pbData,
                                        DWORD cbData, PDWORD pdwDataLen, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!p || !pdwDataLen || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (wide_equal(p, CCP_CONTAINER_INFO)) {
      if (!pbData || cbData < sizeof(CONTAINER_INFO)) {
        *pdwDataLen = sizeof(CONTAINER_INFO);
        fail(ERROR_INSUFFICIENT_BUFFER);
      }
      if (DWORD rc =
              MdCardGetContainerInfo(pCardData, idx, 0, reinterpret_cast<PCONTAINER_INFO>(pbData)))
        fail(rc);
      *pdwDataLen = sizeof(CONTAINER_INFO);
    } else if (wide_equal(p, CCP_PIN_IDENTIFIER)) {
      CONTAINER_INFO ci{};
      if (DWORD rc = MdCardGetContainerInfo(pCardData, idx, 0, &ci)) fail(rc);
      pCardData->pfnCspFree(ci.pbKeyExPublicKey ? ci.pbKeyExPublicKey : ci.pbSigPublicKey);
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(ROLE_USER));
    } else if (wide_equal(p, CCP_ASSOCIATED_ECDH_KEY)) {
      const std::uint8_t v = ctx.edge == Edge::piv ? piv_associated_ecdh(ctx, idx)
                                                   : associated_ecdh_key(ctx, pCardData, idx);
      copy_out(pbData, cbData, pdwDataLen, Bytes{v});
    } else {
      fail(SCARD_E_INVALID_PARAMETER);
    }
  });
}

DWORD WINAPI MdCardSetContainerProperty(PCARD_DATA pCardData, BYTE idx, LPCWSTR p, PBYTE pbData,
                                        DWORD cbDataLen, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!p || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (wide_equal(p, CCP_ASSOCIATED_ECDH_KEY)) {
      if (!pbData || cbDataLen != 1) fail(SCARD_E_INVALID_PARAMETER);
      set_associated_ecdh_key(ctx, pCardData, idx, pbData[0]);
      return;
    }
    if (wide_equal(p, CCP_PIN_IDENTIFIER)) {
      if (!pbData || cbDataLen != 4) fail(SCARD_E_INVALID_PARAMETER);
      if (wire::get_u32le({pbData, 4}, 0) == ROLE_USER)
        return;  // GIDS keys are bound to the user PIN
    }
    fail(SCARD_E_UNSUPPORTED_FEATURE);
  });
}

}  // extern "C"
