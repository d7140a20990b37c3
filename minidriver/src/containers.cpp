// Containers: the cmapfile and key map records, the key file, key generation or import, and
// the public key of a container as the CAPI/CNG blob Windows expects.
#include "gids_commands.h"
#include "piv_keys.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/rsa_der.h"
#include "softcard/wire/tlv.h"

using namespace softcard;
using namespace softcard::md;

namespace {

using wire::gids::ContainerRecord;

void write_container_maps(Context& ctx, std::size_t idx, std::uint8_t algid, bool key_exchange,
                          unsigned bits) {
  Bytes km = get_do(ctx, ef_mf, do_keymap).value_or(Bytes{});
  wire::gids::put_keymap_record(km, idx, {algid, key_exchange, container_key_ref(idx)});
  put_do(ctx, ef_mf, do_keymap, km);
  Bytes cmap = read_cmap(ctx);
  bool has_default = false;
  for (std::size_t i = 0; auto r = wire::gids::container_record_at(cmap, i); ++i)
    if (i != idx && (r->flags & ContainerRecord::flag_default)) has_default = true;
  ContainerRecord rec;
  rec.guid = wire::gids::container_guid(ctx.random(16));
  rec.flags = ContainerRecord::flag_valid | (has_default ? 0 : ContainerRecord::flag_default);
  (key_exchange ? rec.kx_key_bits : rec.sig_key_bits) = static_cast<std::uint16_t>(bits);
  wire::gids::put_container_record(cmap, idx, rec);
  put_do(ctx, ef_ru, do_cmap, cmap);
}

// CAPI PRIVATEKEYBLOB -> PKCS#1 RSAPrivateKey DER (what GIDS key import carries).
SecretBytes pkcs1_from_privatekeyblob(ByteView b, unsigned& bits_out) {
  const auto blob = wire::decode_privatekeyblob(b);
  if (!blob) fail(SCARD_E_INVALID_PARAMETER);
  Bytes der = wire::encode_rsa_private_key(blob->key);
  SecretBytes out(der);
  wire::wipe(der);
  bits_out = blob->key.bits;
  return out;
}

// The card's public key template (7F49 { 81 n, 82 e } or { 86 point }) as the blob
// CardGetContainerInfo returns: PUBLICKEYBLOB for RSA, BCRYPT_ECCKEY_BLOB for EC.
Bytes public_key_blob(ByteView pk, unsigned bits, bool key_exchange) {
  if (wire::gids::is_ec_bits(bits)) {
    const auto point = wire::find_tlv(pk, 0x86);
    const std::size_t f = wire::ecc_field_bytes(bits);
    if (!point || point->size() != 1 + 2 * f || (*point)[0] != 0x04) fail(SCARD_E_UNEXPECTED);
    wire::EccParts k;
    k.curve_bits = bits, k.ecdh = key_exchange;
    k.x.assign(point->begin() + 1, point->begin() + 1 + std::ptrdiff_t(f));
    k.y.assign(point->begin() + 1 + std::ptrdiff_t(f), point->end());
    return wire::encode_bcrypt_ecckey_blob(k);
  }
  const auto n = wire::find_tlv(pk, 0x81), e = wire::find_tlv(pk, 0x82);
  if (!n || !e) fail(SCARD_E_UNEXPECTED);
  wire::RsaParts k;
  k.n.assign(n->begin(), n->end());
  k.e.assign(e->begin(), e->end());
  return wire::encode_publickeyblob(k, key_exchange);
}

// Activates the freshly created key file `kid`, records container `idx` in the cmapfile and key
// map, then generates or imports the key.
void create_container_key(Context& ctx, std::size_t idx, std::uint8_t kid, std::uint8_t algid,
                          bool kx, unsigned bits, bool gen, const SecretBytes& der) {
  ctx.card().exchange(gids_command(0x00, 0x44, 0x00, 0x00));
  write_container_maps(ctx, idx, algid, kx, bits);
  if (gen) {
    ctx.card().exchange(gids_command(0x00, 0x47, 0x00, 0x00,
                                     {0xAC, 0x06, 0x80, 0x01, algid, 0x83, 0x01, kid}, 256));
  } else {
    // 70 { 84 kid, A5 { 83 02 (private key), 84 00 (plaintext), 87 DER } }
    Bytes a5 = {0x83, 0x01, 0x02, 0x84, 0x01, 0x00};
    wire::put_tlv(a5, 0x87, der.view());
    Bytes t = {0x84, 0x01, kid};
    wire::put_tlv(t, 0xA5, a5);
    Bytes data = wire::tlv(0x70, t);
    wire::wipe(a5), wire::wipe(t);
    Command put = gids_command(0x00, 0xDB, 0x3F, 0xFF, std::move(data));
    try {
      ctx.card().exchange(put);
    } catch (...) {
      wire::wipe(put.data);
      throw;
    }
    wire::wipe(put.data);
  }
}

void delete_key_file(Context& ctx, std::uint8_t kid) {
  if (ctx.card().transmit(gids_command(0x00, 0xA4, 0x00, 0x0C, {0xB0, kid})).sw ==
      Sw::file_not_found)
    return;
  ctx.card().exchange(gids_command(0x00, 0xE4, 0x00, 0x00));
}

// Deletes container idx: its key file, its cmapfile record and its key map record.
void remove_container(Context& ctx, std::size_t idx) {
  Bytes cmap = read_cmap(ctx);
  delete_key_file(ctx, container_key_ref(idx));
  if (wire::gids::container_record_at(cmap, idx)) {
    wire::gids::clear_container_record(cmap, idx);
    put_do(ctx, ef_ru, do_cmap, cmap);
  }
  Bytes km = get_do(ctx, ef_mf, do_keymap).value_or(Bytes{});
  if (km.size() >= 1 + (idx + 1) * wire::gids::keymap_record_size) {
    wire::gids::clear_keymap_record(km, idx);
    put_do(ctx, ef_mf, do_keymap, km);
  }
}

}  // namespace

namespace softcard::md {
std::optional<std::uint8_t> container_count_free(Context& ctx, DWORD* max) {
  Bytes cmap = read_cmap(ctx);
  if (max) *max = max_containers;
  unsigned used = 0;
  for (std::size_t i = 0; auto r = wire::gids::container_record_at(cmap, i); ++i)
    if (r->valid()) ++used;
  return static_cast<std::uint8_t>(max_containers - used);
}
}  // namespace softcard::md

extern "C" {

DWORD WINAPI MdCardCreateContainerEx(PCARD_DATA pCardData, BYTE idx, DWORD dwFlags, DWORD dwKeySpec,
                                     DWORD dwKeySize, PBYTE pbKeyData, PIN_ID PinId) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (PinId == ROLE_ADMIN) fail(SCARD_W_SECURITY_VIOLATION);
    if (PinId != ROLE_USER) fail(SCARD_E_INVALID_PARAMETER);
    if (idx >= 126) fail(SCARD_E_INVALID_PARAMETER);
    const bool gen = dwFlags == CARD_CREATE_CONTAINER_KEY_GEN,
               imp = dwFlags == CARD_CREATE_CONTAINER_KEY_IMPORT;
    if (!gen && !imp) fail(SCARD_E_INVALID_PARAMETER);
    bool ec = false, kx = true;
    unsigned bits = dwKeySize;
    switch (dwKeySpec) {
      case AT_KEYEXCHANGE:
        break;
      case AT_SIGNATURE:
        kx = false;
        break;
      case AT_ECDSA_P256:
      case AT_ECDSA_P384:
      case AT_ECDSA_P521:
      case AT_ECDHE_P256:
      case AT_ECDHE_P384:
      case AT_ECDHE_P521: {
        ec = true;
        kx = dwKeySpec >= AT_ECDHE_P256;
        const unsigned table[] = {256, 384, 521};
        bits = table[(dwKeySpec - AT_ECDSA_P256) % 3];
        if (gen && dwKeySize != 0 && dwKeySize != bits) fail(SCARD_E_INVALID_PARAMETER);
        break;
      }
      default:
        fail(SCARD_E_INVALID_PARAMETER);
    }
    if (imp && !pbKeyData) fail(SCARD_E_INVALID_PARAMETER);
    if (imp && ec) fail(SCARD_E_UNSUPPORTED_FEATURE);  // EC keys reach the card through SKI
    SecretBytes der;
    if (imp) {
      // The blob carries its own size: BLOBHEADER + RSAPUBKEY, then 4.5 modulus lengths.
      const DWORD hdr_bits = wire::get_u32le(ByteView{pbKeyData, 20}, 12);
      if (hdr_bits < 1024 || hdr_bits > 4096 || hdr_bits % 1024) fail(SCARD_E_INVALID_PARAMETER);
      der = pkcs1_from_privatekeyblob({pbKeyData, 20 + (hdr_bits / 8) * 9 / 2}, bits);
      if (dwKeySize && dwKeySize != bits) fail(SCARD_E_INVALID_PARAMETER);
    }
    if (!ec && (bits < 1024 || bits > 4096 || bits % 1024)) fail(SCARD_E_INVALID_PARAMETER);
    const std::uint8_t algid = algid_for_bits(bits);
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + idx);
    if (container_at(read_cmap(ctx), idx).valid()) fail(SCARD_E_WRITE_TOO_MANY);
    bump_cardcf(ctx, true);
    const Command create_key_file = gids_command(
        0x00, 0xE0, 0x00, 0x00, wire::gids::encode_key_file_fcp({kid, algid, kx, true}));
    if (ctx.card().transmit(create_key_file).sw == Sw::file_exists) {
      // The container is not in use, so a key file there is an orphan of an earlier failed
      // creation (each APDU commits on its own): remove it and create afresh.
      delete_key_file(ctx, kid);
      ctx.card().exchange(create_key_file);
    }
    // From here on the card holds a half-made container until the key is in: undo on failure so
    // the same index can be used again.
    try {
      create_container_key(ctx, idx, kid, algid, kx, bits, gen, der);
    } catch (...) {
      try {
        remove_container(ctx, idx);
      } catch (...) {
        // Best effort: the original failure is what the caller must see.
      }
      throw;
    }
  });
}

DWORD WINAPI MdCardCreateContainer(PCARD_DATA pCardData, BYTE idx, DWORD dwFlags, DWORD dwKeySpec,
                                   DWORD dwKeySize, PBYTE pbKeyData) {
  return MdCardCreateContainerEx(pCardData, idx, dwFlags, dwKeySpec, dwKeySize, pbKeyData,
                                 ROLE_USER);
}

DWORD WINAPI MdCardDeleteContainer(PCARD_DATA pCardData, BYTE idx, DWORD dwReserved) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (dwReserved != 0 || idx >= 126) fail(SCARD_E_INVALID_PARAMETER);
    Bytes cmap = read_cmap(ctx);
    if (!container_at(cmap, idx).valid()) fail(SCARD_E_NO_KEY_CONTAINER);
    bump_cardcf(ctx, true);
    remove_container(ctx, idx);
  });
}

DWORD WINAPI MdCardGetContainerInfo(PCARD_DATA pCardData, BYTE idx, DWORD dwFlags,
                                    PCONTAINER_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pInfo || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion > CONTAINER_INFO_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    bool kx = false;
    Bytes blob;
    if (ctx.edge == Edge::piv) {
      // PIV cannot read a public key back: it comes from the slot's metadata or certificate.
      const piv::Key k = piv::require_key(ctx, idx);
      kx = k.key_exchange;
      blob = public_key_blob(piv::public_template(k), k.bits, kx);
    } else {
      if (idx >= 126) fail(SCARD_E_NO_KEY_CONTAINER);
      const ContainerRecord c = container_at(read_cmap(ctx), idx);
      if (!c.valid()) fail(SCARD_E_NO_KEY_CONTAINER);
      kx = c.kx_key_bits != 0;
      const unsigned bits = kx ? c.kx_key_bits : c.sig_key_bits;
      const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + idx);
      Bytes r = ctx.card().exchange(
          gids_command(0x00, 0xCB, 0x3F, 0xFF,
                       {0x70, 0x08, 0x84, 0x01, kid, 0xA5, 0x03, 0x7F, 0x49, 0x80}, 256));
      const auto pk = wire::find_tlv(r, 0x7F49);
      if (!pk || pk->empty()) fail(SCARD_E_UNEXPECTED);
      blob = public_key_blob(*pk, bits, kx);
    }
    pInfo->dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    pInfo->dwReserved = 0;
    pInfo->cbSigPublicKey = 0, pInfo->pbSigPublicKey = nullptr;
    pInfo->cbKeyExPublicKey = 0, pInfo->pbKeyExPublicKey = nullptr;
    if (kx) {
      pInfo->pbKeyExPublicKey = csp_copy(pCardData, blob);
      pInfo->cbKeyExPublicKey = static_cast<DWORD>(blob.size());
    } else {
      pInfo->pbSigPublicKey = csp_copy(pCardData, blob);
      pInfo->cbSigPublicKey = static_cast<DWORD>(blob.size());
    }
  });
}

}  // extern "C"
