// Private key operations with a container key: CardSignData and CardRSADecrypt (GIDS MSE +
// PERFORM SECURITY OPERATION). CAPI wants RSA signatures and ciphertexts little-endian.
#include <cstring>

#include "gids_commands.h"
#include "softcard/wire/endian.h"

using namespace softcard;
using namespace softcard::md;

extern "C" {

DWORD WINAPI MdCardSignData(PCARD_DATA pCardData, PCARD_SIGNING_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pInfo || !pInfo->pbData || pInfo->cbData == 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion < CARD_SIGNING_INFO_BASIC_VERSION ||
        pInfo->dwVersion > CARD_SIGNING_INFO_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    const DWORD spec = pInfo->dwKeySpec;
    const bool ec_spec = spec >= AT_ECDSA_P256 && spec <= AT_ECDSA_P521;
    if (spec != AT_KEYEXCHANGE && spec != AT_SIGNATURE && !ec_spec) fail(SCARD_E_INVALID_PARAMETER);
    const wire::gids::ContainerRecord c = container_at(read_cmap(ctx), pInfo->bContainerIndex);
    if (!c.valid()) fail(SCARD_E_NO_KEY_CONTAINER);
    const unsigned bits = c.kx_key_bits ? c.kx_key_bits : c.sig_key_bits;
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + pInfo->bContainerIndex);
    ByteView hash{pInfo->pbData, pInfo->cbData};
    if (wire::gids::is_ec_bits(bits) != ec_spec)
      fail(SCARD_E_INVALID_PARAMETER);  // key spec names the other kind
    if (ec_spec) {
      const unsigned table[] = {256, 384, 521};
      if (table[spec - AT_ECDSA_P256] != bits) fail(SCARD_E_INVALID_PARAMETER);
      if (pInfo->dwVersion >= 2 && (pInfo->dwSigningFlags & CARD_PADDING_INFO_PRESENT))
        fail(SCARD_E_INVALID_PARAMETER);
      // ECDSA signs the hash as given (aiHashAlg only names it); the card answers r || s, each
      // big-endian and field-sized, which is also CNG's ECDSA signature format: no reversal.
      mse(ctx, 0xB6, static_cast<std::uint8_t>(0x50 | algid_for_bits(bits)), kid);
      Bytes sig = ctx.card().exchange(
          gids_command(0x00, 0x2A, 0x9E, 0x9A, Bytes(hash.begin(), hash.end()), 256));
      pInfo->pbSignedData = csp_copy(pCardData, sig);
      pInfo->cbSignedData = static_cast<DWORD>(sig.size());
      return;
    }
    if (pInfo->dwVersion >= 2 && (pInfo->dwSigningFlags & CARD_PADDING_INFO_PRESENT) &&
        pInfo->dwPaddingType != CARD_PADDING_PKCS1)
      fail(SCARD_E_UNSUPPORTED_FEATURE);
    Bytes di;
    switch (pInfo->aiHashAlg) {
      case 0:
        di.assign(hash.begin(), hash.end());
        break;
      case CALG_SSL3_SHAMD5:
        di.assign(hash.begin(), hash.end());
        break;
      case CALG_SHA1:
        di = digest_info(HashAlg::sha1, hash);
        break;
      case CALG_SHA_256:
        di = digest_info(HashAlg::sha256, hash);
        break;
      case CALG_SHA_384:
        di = digest_info(HashAlg::sha384, hash);
        break;
      case CALG_SHA_512:
        di = digest_info(HashAlg::sha512, hash);
        break;
      default:
        fail(SCARD_E_UNSUPPORTED_FEATURE);
    }
    mse(ctx, 0xB6, static_cast<std::uint8_t>(0x50 | algid_for_bits(bits)), kid);
    Bytes sig = ctx.card().exchange(gids_command(0x00, 0x2A, 0x9E, 0x9A, di, 256));
    Bytes le = wire::reversed(sig);  // CAPI byte order
    pInfo->pbSignedData = csp_copy(pCardData, le);
    pInfo->cbSignedData = static_cast<DWORD>(le.size());
  });
}

DWORD WINAPI MdCardRSADecrypt(PCARD_DATA pCardData, PCARD_RSA_DECRYPT_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pInfo || !pInfo->pbData) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion < CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION &&
        pCardData->dwVersion == CARD_DATA_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    if (pInfo->dwKeySpec != AT_KEYEXCHANGE) fail(SCARD_E_INVALID_PARAMETER);
    const wire::gids::ContainerRecord c = container_at(read_cmap(ctx), pInfo->bContainerIndex);
    if (!c.valid() || !c.kx_key_bits) fail(SCARD_E_NO_KEY_CONTAINER);
    if (wire::gids::is_ec_bits(c.kx_key_bits) || pInfo->cbData != c.kx_key_bits / 8u)
      fail(SCARD_E_INVALID_PARAMETER);
    std::uint8_t mech = 0;
    switch (pInfo->dwPaddingType) {
      case CARD_PADDING_PKCS1:
        mech = 0x40;
        break;
      case CARD_PADDING_NONE:
        mech = 0x00;
        break;
      case CARD_PADDING_OAEP: {
        auto* o = static_cast<BCRYPT_OAEP_PADDING_INFO*>(pInfo->pPaddingInfo);
        if (o && ((o->pszAlgId && !wide_equal(o->pszAlgId, u"SHA1")) || o->cbLabel))
          fail(SCARD_E_UNSUPPORTED_FEATURE);
        mech = 0x80;
        break;
      }
      default:
        fail(SCARD_E_INVALID_PARAMETER);
    }
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + pInfo->bContainerIndex);
    mse(ctx, 0xB8, static_cast<std::uint8_t>(mech | algid_for_bits(c.kx_key_bits)), kid);
    Bytes ct = wire::reversed({pInfo->pbData, pInfo->cbData});
    Bytes pt = ctx.card().exchange(gids_command(0x00, 0x2A, 0x80, 0x86, ct, 256));
    Bytes le = wire::reversed(pt);
    std::memcpy(pInfo->pbData, le.data(), le.size());
    pInfo->cbData = static_cast<DWORD>(le.size());
    std::fill(pt.begin(), pt.end(), 0), std::fill(le.begin(), le.end(), 0);
  });
}

}  // extern "C"
