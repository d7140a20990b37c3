// CardSignData, CardRSADecrypt and ECDH on a PIV card (docs/minidriver.md "PIV cards").
#include "piv_keys.h"

#include <cstring>

#include "padding.h"
#include "softcard/wire/endian.h"

namespace softcard::md::piv {

namespace {

Curve curve_of(unsigned bits) {
  return bits == 256 ? Curve::p256 : Curve::p384;
}

// Left-pads a raw RSA or ECDH result the card may have shortened to `n` bytes.
SecretBytes field_sized(SecretBytes v, std::size_t n) {
  if (v.size() > n || v.empty()) fail(SCARD_E_UNEXPECTED);
  if (v.size() == n) return v;
  SecretBytes padded(n);
  std::copy(v.view().begin(), v.view().end(), padded.data() + (n - v.size()));
  return padded;
}

SecretBytes secret_result(Context& ctx, const Key& k, std::uint8_t slot, std::uint8_t tag,
                          ByteView input) {
  Bytes out = general_authenticate(ctx, k.alg, slot, tag, input);
  SecretBytes s(out);
  std::fill(out.begin(), out.end(), 0);
  return s;
}

}  // namespace

Key require_key(Context& ctx, std::size_t idx) {
  auto k = container_key(ctx, idx);
  if (!k) fail(SCARD_E_NO_KEY_CONTAINER);
  return std::move(*k);
}

Bytes public_template(const Key& key) {
  Bytes t;
  if (key.type == KeyType::rsa) {
    wire::put_tlv(t, 0x81, key.rsa.n);
    wire::put_tlv(t, 0x82, key.rsa.e);
  } else {
    wire::put_tlv(t, 0x86, key.point);
  }
  return t;
}

void sign(PCARD_DATA pCardData, Context& ctx, CARD_SIGNING_INFO& info) {
  const Key k = require_key(ctx, info.bContainerIndex);
  const std::uint8_t slot = *slot_of(info.bContainerIndex);
  const bool ec_spec = info.dwKeySpec >= AT_ECDSA_P256 && info.dwKeySpec <= AT_ECDSA_P521;
  if ((k.type == KeyType::ec) != ec_spec) fail(SCARD_E_INVALID_PARAMETER);
  const ByteView hash{info.pbData, info.cbData};
  Bytes sig;
  if (ec_spec) {
    const unsigned table[] = {256, 384, 521};
    if (table[info.dwKeySpec - AT_ECDSA_P256] != k.bits) fail(SCARD_E_INVALID_PARAMETER);
    if (info.dwVersion >= 2 && (info.dwSigningFlags & CARD_PADDING_INFO_PRESENT))
      fail(SCARD_E_INVALID_PARAMETER);
    // The card answers a DER Ecdsa-Sig-Value; CardSignData gives r || s, big-endian.
    const Bytes der = general_authenticate(ctx, k.alg, slot, 0x81, hash);
    sig = ecdsa_der_to_raw(der, curve_of(k.bits));
  } else {
    const std::size_t len = k.bits / 8;
    auto [pkcs1, input] = rsa_sign_input(ctx, info, k.bits);
    const Bytes block = pkcs1 ? pkcs1_sign_pad(input, len) : std::move(input);
    // The signature is public: no need to keep it in secret storage.
    const Bytes raw = general_authenticate(ctx, k.alg, slot, 0x81, block);
    const SecretBytes full = field_sized(SecretBytes(raw), len);
    sig = wire::reversed(full.view());  // CAPI byte order
  }
  info.pbSignedData = csp_copy(pCardData, sig);
  info.cbSignedData = static_cast<DWORD>(sig.size());
}

void rsa_decrypt(Context& ctx, CARD_RSA_DECRYPT_INFO& info) {
  const Key k = require_key(ctx, info.bContainerIndex);
  if (!k.key_exchange) fail(SCARD_E_NO_KEY_CONTAINER);  // no key-exchange key in it
  if (k.type != KeyType::rsa || info.cbData != k.bits / 8u) fail(SCARD_E_INVALID_PARAMETER);
  const DWORD padding = info.dwVersion >= CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION
                            ? info.dwPaddingType
                            : CARD_PADDING_PKCS1;
  std::optional<std::pair<HashAlg, ByteView>> oaep;
  switch (padding) {
    case CARD_PADDING_PKCS1:
    case CARD_PADDING_NONE:
      break;
    case CARD_PADDING_OAEP: {
      const auto* o = static_cast<const BCRYPT_OAEP_PADDING_INFO*>(info.pPaddingInfo);
      if (!o || (o->cbLabel && !o->pbLabel)) fail(SCARD_E_INVALID_PARAMETER);
      oaep.emplace(o->pszAlgId ? bcrypt_hash(o->pszAlgId) : HashAlg::sha1,
                   ByteView{o->pbLabel, o->cbLabel});
      break;
    }
    default:
      fail(SCARD_E_INVALID_PARAMETER);
  }
  const Bytes ct = wire::reversed({info.pbData, info.cbData});
  const SecretBytes em =
      field_sized(secret_result(ctx, k, *slot_of(info.bContainerIndex), 0x81, ct), info.cbData);
  SecretBytes pt = padding == CARD_PADDING_NONE ? SecretBytes(em.view())
                   : oaep ? oaep_decode(ctx, oaep->first, em.view(), oaep->second)
                          : pkcs1_decrypt_unpad(em.view());
  Bytes le = wire::reversed(pt.view());
  std::memcpy(info.pbData, le.data(), le.size());
  info.cbData = static_cast<DWORD>(le.size());
  std::fill(le.begin(), le.end(), 0);
}

std::uint8_t construct_agreement(Context& ctx, std::uint8_t idx, unsigned peer_bits, Bytes point) {
  const Key k = require_key(ctx, idx);
  // Only an ECDH (key-management) container agrees, as on GIDS (M20).
  if (k.type != KeyType::ec || !k.key_exchange || k.bits != peer_bits)
    fail(SCARD_E_INVALID_PARAMETER);
  // The card keeps no agreement to check the point with: a point off the curve is refused here
  // (CryptoError -> SCARD_E_INVALID_PARAMETER), as a GIDS card refuses it.
  ctx.crypto.import_ec_public({k.bits == 256 ? Curve::p256 : Curve::p384, point});
  for (unsigned i = 0; i <= 0xFF; ++i) {
    const auto n = static_cast<std::uint8_t>(i);
    if (ctx.agreements.count(n)) continue;
    ctx.agreements[n] = DhAgreement{idx, k.bits, std::move(point)};
    return n;
  }
  fail(SCARD_E_NO_MEMORY);
}

SecretBytes ecdh(Context& ctx, std::uint8_t idx, ByteView point) {
  const Key k = require_key(ctx, idx);
  if (k.type != KeyType::ec) fail(SCARD_E_INVALID_PARAMETER);
  return field_sized(secret_result(ctx, k, *slot_of(idx), 0x85, point), k.bits / 8);
}

}  // namespace softcard::md::piv
