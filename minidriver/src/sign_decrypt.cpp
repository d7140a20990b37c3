// Private key operations with a container key: CardSignData and CardRSADecrypt (GIDS MSE +
// PERFORM SECURITY OPERATION). CAPI wants RSA signatures and ciphertexts little-endian.
#include <cstring>

#include "gids_commands.h"
#include "padding.h"
#include "piv_keys.h"
#include "softcard/wire/endian.h"

using namespace softcard;
using namespace softcard::md;

namespace {

// MSE algorithm-id high nibbles (docs/gids.md): 1x raw RSA (host padded), 5x PKCS#1 sign,
// 0x raw decipher, 4x PKCS#1 decipher, 8x OAEP-SHA-1 decipher.
constexpr std::uint8_t mech_sign_raw = 0x10, mech_sign_pkcs1 = 0x50, mech_dec_raw = 0x00,
                       mech_dec_pkcs1 = 0x40, mech_dec_oaep = 0x80;

}  // namespace

namespace softcard::md {

RsaSignInput rsa_sign_input(Context& ctx, const CARD_SIGNING_INFO& info, unsigned bits) {
  const ByteView hash{info.pbData, info.cbData};
  const bool padding_info = info.dwVersion >= CARD_SIGNING_INFO_CURRENT_VERSION &&
                            (info.dwSigningFlags & CARD_PADDING_INFO_PRESENT) != 0;
  if (!padding_info) {
    // CAPI style: aiHashAlg names the hash; 0 and SSL3 sign the bytes as given.
    if (info.aiHashAlg == 0 || info.aiHashAlg == CALG_SSL3_SHAMD5)
      return {true, Bytes(hash.begin(), hash.end())};
    const HashAlg md = calg_hash(info.aiHashAlg);
    if (hash.size() != digest_size(md)) fail(SCARD_E_INVALID_PARAMETER);
    return {true, digest_info(md, hash)};
  }
  if (info.pPaddingInfo == nullptr) fail(SCARD_E_INVALID_PARAMETER);
  switch (info.dwPaddingType) {
    case CARD_PADDING_PKCS1: {
      const auto* p = static_cast<const BCRYPT_PKCS1_PADDING_INFO*>(info.pPaddingInfo);
      if (p->pszAlgId == nullptr) return {true, Bytes(hash.begin(), hash.end())};
      const HashAlg md = bcrypt_hash(p->pszAlgId);
      if (hash.size() != digest_size(md)) fail(SCARD_E_INVALID_PARAMETER);
      return {true, digest_info(md, hash)};
    }
    case CARD_PADDING_PSS: {
      const auto* p = static_cast<const BCRYPT_PSS_PADDING_INFO*>(info.pPaddingInfo);
      const HashAlg md = bcrypt_hash(p->pszAlgId);
      return {false, pss_encode(ctx, md, hash, p->cbSalt, bits)};
    }
    default:
      fail(SCARD_E_INVALID_PARAMETER);
  }
}

}  // namespace softcard::md

extern "C" {

DWORD WINAPI MdCardSignData(PCARD_DATA pCardData, PCARD_SIGNING_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pInfo || !pInfo->pbData || pInfo->cbData == 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion < CARD_SIGNING_INFO_BASIC_VERSION ||
        pInfo->dwVersion > CARD_SIGNING_INFO_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    const DWORD spec = pInfo->dwKeySpec;
    const bool ec_spec = spec >= AT_ECDSA_P256 && spec <= AT_ECDSA_P521;
    if (spec != AT_KEYEXCHANGE && spec != AT_SIGNATURE && !ec_spec) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) return piv::sign(pCardData, ctx, *pInfo);
    const wire::gids::ContainerRecord c = container_at(read_cmap(ctx), pInfo->bContainerIndex);
    if (!c.valid()) fail(SCARD_E_NO_KEY_CONTAINER);
    const unsigned bits = c.kx_key_bits ? c.kx_key_bits : c.sig_key_bits;
    const std::uint8_t kid = container_key_ref(pInfo->bContainerIndex);
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
      mse(ctx, 0xB6, static_cast<std::uint8_t>(mech_sign_pkcs1 | algid_for_bits(bits)), kid);
      Bytes sig = ctx.card().exchange(
          gids_command(0x00, 0x2A, 0x9E, 0x9A, Bytes(hash.begin(), hash.end()), 256));
      pInfo->pbSignedData = csp_copy(pCardData, sig);
      pInfo->cbSignedData = static_cast<DWORD>(sig.size());
      return;
    }
    auto [pkcs1, input] = rsa_sign_input(ctx, *pInfo, bits);
    const std::uint8_t mech = pkcs1 ? mech_sign_pkcs1 : mech_sign_raw;
    mse(ctx, 0xB6, static_cast<std::uint8_t>(mech | algid_for_bits(bits)), kid);
    Bytes sig = ctx.card().exchange(gids_command(0x00, 0x2A, 0x9E, 0x9A, input, 256));
    Bytes le = wire::reversed(sig);  // CAPI byte order
    pInfo->pbSignedData = csp_copy(pCardData, le);
    pInfo->cbSignedData = static_cast<DWORD>(le.size());
  });
}

DWORD WINAPI MdCardRSADecrypt(PCARD_DATA pCardData, PCARD_RSA_DECRYPT_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pInfo || !pInfo->pbData) fail(SCARD_E_INVALID_PARAMETER);
    // Version 1 is only for callers older than v7 (M8).
    if (pInfo->dwVersion > CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION ||
        pInfo->dwVersion < CARD_RSA_KEY_DECRYPT_INFO_VERSION_ONE ||
        (pInfo->dwVersion < CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION &&
         pCardData->dwVersion >= CARD_DATA_VERSION_SEVEN))
      fail(ERROR_REVISION_MISMATCH);
    if (pInfo->dwKeySpec != AT_KEYEXCHANGE) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) return piv::rsa_decrypt(ctx, *pInfo);
    const wire::gids::ContainerRecord c = container_at(read_cmap(ctx), pInfo->bContainerIndex);
    if (!c.valid() || !c.kx_key_bits) fail(SCARD_E_NO_KEY_CONTAINER);
    if (wire::gids::is_ec_bits(c.kx_key_bits) || pInfo->cbData != c.kx_key_bits / 8u)
      fail(SCARD_E_INVALID_PARAMETER);
    const DWORD padding = pInfo->dwVersion >= CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION
                              ? pInfo->dwPaddingType
                              : CARD_PADDING_PKCS1;
    std::uint8_t mech = 0;
    std::optional<std::pair<HashAlg, ByteView>> host_oaep;  // OAEP the MSE cannot name
    switch (padding) {
      case CARD_PADDING_PKCS1:
        mech = mech_dec_pkcs1;
        break;
      case CARD_PADDING_NONE:
        mech = mech_dec_raw;
        break;
      case CARD_PADDING_OAEP: {
        const auto* o = static_cast<const BCRYPT_OAEP_PADDING_INFO*>(pInfo->pPaddingInfo);
        if (!o || (o->cbLabel && !o->pbLabel)) fail(SCARD_E_INVALID_PARAMETER);
        const HashAlg md = o->pszAlgId ? bcrypt_hash(o->pszAlgId) : HashAlg::sha1;
        const ByteView label{o->pbLabel, o->cbLabel};
        if (md == HashAlg::sha1 && label.empty()) {
          mech = mech_dec_oaep;
        } else {
          mech = mech_dec_raw;
          host_oaep.emplace(md, label);
        }
        break;
      }
      default:
        fail(SCARD_E_INVALID_PARAMETER);
    }
    const std::uint8_t kid = container_key_ref(pInfo->bContainerIndex);
    mse(ctx, 0xB8, static_cast<std::uint8_t>(mech | algid_for_bits(c.kx_key_bits)), kid);
    Bytes ct = wire::reversed({pInfo->pbData, pInfo->cbData});
    Response r = ctx.card().transmit(gids_command(0x00, 0x2A, 0x80, 0x86, ct, 256));
    // The card answers 6A80 for a block its padding check refuses: the data's fault (M19).
    if (r.sw == Sw::wrong_data && mech != mech_dec_raw) fail(NTE_BAD_DATA);
    if (r.sw != Sw::ok) fail(map_sw(r.sw));
    SecretBytes pt(r.data);
    std::fill(r.data.begin(), r.data.end(), 0);
    if (host_oaep) {
      Bytes em(pInfo->cbData - pt.size(), 0);  // the card may drop leading zero bytes
      em.insert(em.end(), pt.view().begin(), pt.view().end());
      pt = oaep_decode(ctx, host_oaep->first, em, host_oaep->second);
      std::fill(em.begin(), em.end(), 0);
    }
    Bytes le = wire::reversed(pt.view());
    std::memcpy(pInfo->pbData, le.data(), le.size());
    pInfo->cbData = static_cast<DWORD>(le.size());
    std::fill(le.begin(), le.end(), 0);
  });
}

}  // extern "C"
