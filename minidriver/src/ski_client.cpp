// SKI entry points that need the card: capabilities, RSA key establishment, DH agreements and
// derived keys (the key-bytes KDFs are in ecdh_kdf.cpp).
#include <cstring>

#include "gids_commands.h"
#include "md.h"
#include "piv_keys.h"
#include "softcard/wire/key_blobs.h"

using namespace softcard;
using namespace softcard::md;

namespace softcard::md {

SkiCapabilities read_capabilities(Context& ctx) {
  Command cmd;
  cmd.cla = 0x80;
  cmd.ins = 0x50;
  cmd.ne = 256;
  Response r = ctx.card().transmit(cmd);
  if (r.sw != Sw::ok) return {};  // a card without the SKI extension: nothing supported
  return wire::ski::decode_capabilities(r.data);
}

}  // namespace softcard::md

namespace {

// Reads the real algorithm of a card slot (AES length is only known to the card).
ski::Alg card_key_alg(Context& ctx, std::uint8_t ref) {
  Command cmd;
  cmd.cla = 0x80;
  cmd.ins = 0x5E;
  cmd.p1 = 0x04;
  cmd.p2 = ref;
  cmd.ne = 256;
  Bytes r = ctx.card().exchange(cmd);
  auto alg = r.size() == 1 ? ski::alg_from_id(r[0]) : std::nullopt;
  if (!alg) fail(SCARD_E_UNEXPECTED);
  return *alg;
}

CARD_KEY_HANDLE add_card_key(Context& ctx, std::uint8_t ref) {
  HostKey hk;
  hk.on_card = true;
  hk.card_ref = ref;
  hk.sk.alg = card_key_alg(ctx, ref);
  hk.sk.iv = Bytes(ski::block_length(hk.sk.alg), 0);
  return ctx.add_key(std::move(hk));
}

std::uint8_t card_ref_from(ByteView r) {
  auto kr = find_tlv(r, 0x84);
  if (!kr || kr->size() != 1) fail(SCARD_E_UNEXPECTED);
  return (*kr)[0];
}

std::optional<ski::Alg> alg_for_request(LPCWSTR name, std::size_t key_bytes) {
  return ski::alg_from_name(wide(name), key_bytes);
}

// A free host-side agreement index for `point`, which must lie on the container key's curve
// (the card, which would check it, never sees it).
std::uint8_t host_agreement(Context& ctx, unsigned bits, const Bytes& point) {
  const Curve curve = bits == 384 ? Curve::p384 : bits == 521 ? Curve::p521 : Curve::p256;
  try {
    ctx.crypto.import_ec_public({curve, point});
  } catch (const CryptoError&) {
    fail(SCARD_E_INVALID_PARAMETER);
  }
  for (std::uint8_t i = 0; i < host_agreement_slots; ++i) {
    const auto index = static_cast<std::uint8_t>(host_agreement_base + i);
    if (!ctx.agreements.contains(index)) return index;
  }
  fail(SCARD_E_NO_MEMORY);
}

}  // namespace

extern "C" {

DWORD WINAPI MdCardImportSessionKey(PCARD_DATA pCardData, BYTE bContainerIndex, LPVOID pPaddingInfo,
                                    LPCWSTR pwszBlobType, LPCWSTR pwszAlgId, PCARD_KEY_HANDLE phKey,
                                    PBYTE pbInput, DWORD cbInput, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!phKey || !pbInput || cbInput == 0 || !pwszAlgId) fail(SCARD_E_INVALID_PARAMETER);
    if (!wide_equal(pwszBlobType, BCRYPT_KEY_DATA_BLOB)) fail(SCARD_E_INVALID_PARAMETER);
    // The wrapped key length is unknown here; AES is announced as AES-256 and the card takes
    // the real size from the unwrapped blob.
    std::optional<ski::Alg> alg;
    const auto name = wide(pwszAlgId);
    if (name == CARD_AES_ALGORITHM)
      alg = ski::Alg::aes256;
    else if (name == CARD_3DES_ALGORITHM)
      alg = ski::Alg::tdes;
    else if (name == CARD_3DES_112_ALGORITHM)
      alg = ski::Alg::tdes112;
    if (!alg) fail(SCARD_E_INVALID_PARAMETER);
    std::uint8_t pad = 0;
    Bytes label;
    if (dwFlags == CARD_PADDING_PKCS1) {
      pad = ski::padding_id::pkcs1;
    } else if (dwFlags == CARD_PADDING_OAEP) {
      auto* oaep = static_cast<BCRYPT_OAEP_PADDING_INFO*>(pPaddingInfo);
      if (!oaep) fail(SCARD_E_INVALID_PARAMETER);
      if (oaep->pszAlgId == nullptr || wide_equal(oaep->pszAlgId, u"SHA1"))
        pad = ski::padding_id::oaep_sha1;
      else if (wide_equal(oaep->pszAlgId, u"SHA256"))
        pad = ski::padding_id::oaep_sha256;
      else
        fail(SCARD_E_INVALID_PARAMETER);
      if (oaep->cbLabel) {
        if (!oaep->pbLabel) fail(SCARD_E_INVALID_PARAMETER);
        label.assign(oaep->pbLabel, oaep->pbLabel + oaep->cbLabel);
      }
    } else {
      fail(SCARD_E_INVALID_PARAMETER);
    }
    // Session keys are unwrapped with an RSA key only (docs/ski.md): an EC container is the
    // caller's mistake, not a missing feature.
    const auto rec = container_at(read_cmap(ctx), bContainerIndex);
    if (rec.valid() && wire::gids::is_ec_bits(rec.kx_key_bits ? rec.kx_key_bits : rec.sig_key_bits))
      fail(SCARD_E_INVALID_PARAMETER);
    Command cmd;
    cmd.cla = 0x80;
    cmd.ins = 0x52;
    cmd.p1 = bContainerIndex;
    put_tlv(cmd.data, 0x80, Bytes{std::uint8_t(*alg)});
    put_tlv(cmd.data, 0x81, Bytes{pad});
    if (!label.empty()) put_tlv(cmd.data, 0x82, label);
    put_tlv(cmd.data, 0x87, ByteView{pbInput, cbInput});
    cmd.ne = 256;
    Response r = ctx.card().transmit(cmd);
    // 6984: the container holds no establishment key (docs/ski.md §13), the caller's mistake as
    // an EC container is.
    if (r.sw == Sw::reference_data_not_usable) fail(SCARD_E_INVALID_PARAMETER);
    if (r.sw != Sw::ok) fail(map_sw(r.sw, true));
    *phKey = add_card_key(ctx, card_ref_from(r.data));
  });
}

DWORD WINAPI MdCardConstructDHAgreement(PCARD_DATA pCardData, PCARD_DH_AGREEMENT_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pInfo) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion != CARD_DH_AGREEMENT_INFO_VERSION) fail(ERROR_REVISION_MISMATCH);
    if (pInfo->dwFlags != 0 || !pInfo->pbPublicKey || pInfo->dwPublicKey < 8)
      fail(SCARD_E_INVALID_PARAMETER);
    const auto pub = wire::decode_bcrypt_ecckey_blob({pInfo->pbPublicKey, pInfo->dwPublicKey});
    if (!pub || !pub->ecdh || pub->has_private) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) {
      Bytes p = {0x04};
      append(p, pub->x);
      append(p, pub->y);
      pInfo->bSecretAgreementIndex =
          piv::construct_agreement(ctx, pInfo->bContainerIndex, pub->curve_bits, std::move(p));
      return;
    }
    // Only an ECDH (key exchange) key agrees; an ECDSA container holds a signature key (M20).
    const auto rec = container_at(read_cmap(ctx), pInfo->bContainerIndex);
    if (rec.valid() && !(rec.kx_key_bits && wire::gids::is_ec_bits(rec.kx_key_bits)))
      fail(SCARD_E_INVALID_PARAMETER);
    Bytes point = {0x04};
    append(point, pub->x);
    append(point, pub->y);
    Command cmd;
    cmd.cla = 0x80;
    cmd.ins = 0x56;
    cmd.p1 = pInfo->bContainerIndex;
    put_tlv(cmd.data, 0x86, point);
    cmd.ne = 256;
    Response r = ctx.card().transmit(cmd);
    if (r.sw == Sw::reference_data_not_usable) {
      // No establishment key: a host-side agreement for key bytes (plain GIDS ECDH at derive).
      pInfo->bSecretAgreementIndex = host_agreement(ctx, rec.kx_key_bits, point);
      ctx.agreements[pInfo->bSecretAgreementIndex] =
          DhAgreement{pInfo->bContainerIndex, rec.kx_key_bits, point, false};
      return;
    }
    if (r.sw != Sw::ok) fail(map_sw(r.sw, true));
    auto a = find_tlv(r.data, 0x85);
    if (!a || a->size() != 1) fail(SCARD_E_UNEXPECTED);
    pInfo->bSecretAgreementIndex = (*a)[0];
    // Kept for a CardDeriveKey that returns key bytes (plain GIDS ECDH, docs/ski.md D22).
    ctx.agreements[(*a)[0]] = DhAgreement{pInfo->bContainerIndex, rec.kx_key_bits, point};
  });
}

DWORD WINAPI MdCardDeriveKey(PCARD_DATA pCardData, PCARD_DERIVE_KEY pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pInfo) fail(SCARD_E_INVALID_PARAMETER);
    // Version 1 (no pwszAlgId/dwKeyLen/hKey) can only ask for key bytes.
    if (pInfo->dwVersion != CARD_DERIVE_KEY_VERSION &&
        pInfo->dwVersion != CARD_DERIVE_KEY_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    const auto kdf = wide(pInfo->pwszKDF);
    if (kdf != BCRYPT_KDF_HKDF && kdf != BCRYPT_KDF_HASH && kdf != BCRYPT_KDF_HMAC &&
        kdf != BCRYPT_KDF_SP80056A_CONCAT && kdf != u"TLS_PRF" && kdf != u"SP800_108_CTR_HMAC")
      fail(SCARD_E_INVALID_PARAMETER);
    if (!(pInfo->dwFlags & CARD_RETURN_KEY_HANDLE)) {
      // Key bytes: the host applies the KDF to a plain GIDS ECDH (docs/ski.md D22). HKDF stays
      // handle-only: its bytes would be the SKI session key of §7.3.
      derive_key_bytes(pCardData, ctx, *pInfo);
      return;
    }
    if (ctx.edge == Edge::piv) fail(SCARD_E_UNSUPPORTED_FEATURE);  // session keys are SKI's
    if (pInfo->dwVersion != CARD_DERIVE_KEY_CURRENT_VERSION) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwFlags & ~DWORD(CARD_RETURN_KEY_HANDLE)) fail(SCARD_E_INVALID_PARAMETER);
    if (!wide_equal(pInfo->pwszKDF, BCRYPT_KDF_HKDF) || pInfo->pParameterList)
      fail(SCARD_E_INVALID_PARAMETER);
    // A host-side agreement has no card agreement to derive a session key from.
    if (auto it = ctx.agreements.find(pInfo->bSecretAgreementIndex);
        it != ctx.agreements.end() && !it->second.on_card)
      fail(SCARD_E_INVALID_PARAMETER);
    if (!pInfo->pwszAlgId || pInfo->dwKeyLen % 8) fail(SCARD_E_INVALID_PARAMETER);
    auto alg = alg_for_request(pInfo->pwszAlgId, pInfo->dwKeyLen / 8);
    if (!alg) fail(SCARD_E_INVALID_PARAMETER);
    Command cmd;
    cmd.cla = 0x80;
    cmd.ins = 0x58;
    cmd.p1 = pInfo->bSecretAgreementIndex;
    cmd.p2 = 0x01;
    put_tlv(cmd.data, 0x80, Bytes{std::uint8_t(*alg)});
    cmd.ne = 256;
    Bytes r = ctx.card().exchange(cmd);
    ctx.agreements.erase(pInfo->bSecretAgreementIndex);  // the card consumed the agreement
    pInfo->hKey = add_card_key(ctx, card_ref_from(r));
  });
}

DWORD WINAPI MdCardDestroyDHAgreement(PCARD_DATA pCardData, BYTE bSecretAgreementIndex,
                                      DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) {
      // The agreement lives in this context only.
      if (!ctx.agreements.erase(bSecretAgreementIndex)) fail(SCARD_E_INVALID_PARAMETER);
      return;
    }
    if (auto it = ctx.agreements.find(bSecretAgreementIndex);
        it != ctx.agreements.end() && !it->second.on_card) {
      ctx.agreements.erase(it);
      return;
    }
    ctx.agreements.erase(bSecretAgreementIndex);
    Command cmd;
    cmd.cla = 0x80;
    cmd.ins = 0x5A;
    cmd.p1 = bSecretAgreementIndex;
    Response r = ctx.card().transmit(cmd);
    if (r.sw != Sw::ok) fail(SCARD_E_INVALID_PARAMETER);
  });
}

}  // extern "C"
