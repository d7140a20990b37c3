#include <new>

#include "md.h"

namespace softcard::md {

Context& context(PCARD_DATA pCardData) {
  if (pCardData == nullptr || pCardData->pvVendorSpecific == nullptr)
    fail(SCARD_E_INVALID_PARAMETER);
  return *static_cast<Context*>(pCardData->pvVendorSpecific);
}

Context& context_for(PCARD_DATA pCardData, bool allowed_without_card, bool piv_serves) {
  Context& ctx = context(pCardData);
  if (ctx.no_card && !allowed_without_card) fail(SCARD_E_UNSUPPORTED_FEATURE);
  if (ctx.edge == Edge::piv && !piv_serves) fail(SCARD_E_UNSUPPORTED_FEATURE);
  return ctx;
}

DWORD guard(const std::function<void()>& body) noexcept {
  try {
    body();
    return SCARD_S_SUCCESS;
  } catch (const MdError& e) {
    return e.code();
  } catch (const CryptoError& e) {
    switch (e.code()) {
      case CryptoErrc::invalid_argument:
      case CryptoErrc::invalid_key:
      case CryptoErrc::wrong_key_type:
        return SCARD_E_INVALID_PARAMETER;
      case CryptoErrc::unsupported:
        return SCARD_E_UNSUPPORTED_FEATURE;
      case CryptoErrc::bad_padding:
      case CryptoErrc::auth_failed:
        return NTE_BAD_DATA;
      case CryptoErrc::internal:
        return SCARD_F_INTERNAL_ERROR;
    }
    return SCARD_F_INTERNAL_ERROR;
  } catch (const std::bad_alloc&) {
    return SCARD_E_NO_MEMORY;
  } catch (...) {
    return SCARD_F_INTERNAL_ERROR;
  }
}

std::u16string_view wide(LPCWSTR s) {
  return s ? std::u16string_view(s) : std::u16string_view();
}

bool wide_equal(LPCWSTR s, const char16_t* literal) {
  return s && std::u16string_view(s) == literal;
}

Bytes multi_sz(std::initializer_list<std::u16string_view> items) {
  Bytes out;
  auto put = [&](char16_t c) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(static_cast<std::uint8_t>(c >> 8));
  };
  for (auto item : items) {
    for (char16_t c : item) put(c);
    put(0);
  }
  put(0);
  return out;
}

void copy_out(PBYTE pbData, DWORD cbData, PDWORD pdwDataLen, ByteView value) {
  if (pdwDataLen == nullptr) fail(SCARD_E_INVALID_PARAMETER);
  *pdwDataLen = static_cast<DWORD>(value.size());
  if (pbData == nullptr || cbData < value.size()) fail(ERROR_INSUFFICIENT_BUFFER);
  std::copy(value.begin(), value.end(), pbData);
}

Bytes dword_bytes(DWORD v) {
  Bytes b;
  wire::put_u32le(b, v);
  return b;
}

PBYTE csp_alloc(PCARD_DATA pCardData, std::size_t n) {
  if (!pCardData->pfnCspAlloc) fail(SCARD_E_INVALID_PARAMETER);
  auto* p = static_cast<PBYTE>(pCardData->pfnCspAlloc(n == 0 ? 1 : n));
  if (!p) fail(SCARD_E_NO_MEMORY);
  return p;
}

PBYTE csp_copy(PCARD_DATA pCardData, ByteView data) {
  PBYTE p = csp_alloc(pCardData, data.size());
  std::copy(data.begin(), data.end(), p);
  return p;
}

DWORD map_sw(Sw sw, bool ski) {
  const unsigned v = value(sw);
  if (v == 0x9000) return SCARD_S_SUCCESS;
  if ((v & 0xFFF0) == 0x63C0) return SCARD_W_WRONG_CHV;
  if (ski) {
    switch (v) {
      case 0x6A80:
      case 0x6A86:
        return SCARD_E_INVALID_PARAMETER;
      case 0x6A88:
        return SCARD_E_INVALID_HANDLE;
      case 0x6984:
        return SCARD_E_INVALID_VALUE;
      case 0x6988:
        return NTE_BAD_DATA;
      case 0x6985:
        return SCARD_W_SECURITY_VIOLATION;
      case 0x6A84:
        return SCARD_E_NO_MEMORY;
      case 0x6A81:
        return SCARD_E_UNSUPPORTED_FEATURE;
      case 0x6A89:
        return ERROR_FILE_EXISTS;
      default:
        break;
    }
  }
  switch (v) {
    case 0x6983:
      return SCARD_W_CHV_BLOCKED;
    case 0x6982:
      return SCARD_W_SECURITY_VIOLATION;
    case 0x6A82:
    case 0x6A88:
      return SCARD_E_FILE_NOT_FOUND;
    case 0x6A84:
      return SCARD_E_WRITE_TOO_MANY;
    case 0x6A89:
      return ERROR_FILE_EXISTS;
    case 0x6A80:
    case 0x6700:
      return SCARD_E_INVALID_PARAMETER;
    case 0x6A81:
    case 0x6D00:
    case 0x6E00:
      return SCARD_E_UNSUPPORTED_FEATURE;
    default:
      return SCARD_E_UNEXPECTED;
  }
}

}  // namespace softcard::md
