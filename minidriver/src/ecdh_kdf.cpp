// CardDeriveKey without CARD_RETURN_KEY_HANDLE: the key bytes of the BCrypt HASH, HMAC and
// SP800_56A_CONCAT KDFs over an ECDH secret Z that the card computes with plain GIDS ECDH
// (MSE B8 + PSO decipher with the peer's point). docs/ski.md D22 and docs/minidriver.md say
// why the bytes may leave here while SKI's HKDF derivation keeps its key on the card.
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <memory>
#include <optional>

#include "gids_commands.h"
#include "padding.h"
#include "piv_keys.h"

namespace softcard::md {

namespace {

constexpr std::uint8_t mech_ecdh = 0x40;  // decipher 4x on an EC key = ECDH (docs/gids.md)

enum class Kdf { hash, hmac, concat };

struct KdfInput {
  HashAlg md = HashAlg::sha1;  // BCrypt's default when KDF_HASH_ALGORITHM is absent
  // Indexed by buffer type (0..12); nullopt = not given.
  std::array<std::optional<Bytes>, 13> buffers;
  const std::optional<Bytes>& operator[](ULONG type) const { return buffers.at(type); }
};

bool allowed(Kdf kdf, ULONG type) {
  switch (kdf) {
    case Kdf::hash:
      return type == KDF_HASH_ALGORITHM || type == KDF_SECRET_PREPEND || type == KDF_SECRET_APPEND;
    case Kdf::hmac:
      return type == KDF_HASH_ALGORITHM || type == KDF_SECRET_PREPEND ||
             type == KDF_SECRET_APPEND || type == KDF_HMAC_KEY;
    case Kdf::concat:
      return type == KDF_HASH_ALGORITHM || (type >= KDF_ALGORITHMID && type <= KDF_SUPPPRIVINFO);
  }
  return false;
}

// The BCryptBufferDesc of pParameterList; every malformed or foreign entry is the caller's
// mistake (SCARD_E_INVALID_PARAMETER), and so is a type given twice.
KdfInput parse_parameters(Kdf kdf, PVOID list) {
  KdfInput in;
  if (!list) return in;
  const auto* desc = static_cast<const BCryptBufferDesc*>(list);
  if (desc->ulVersion != BCRYPTBUFFER_VERSION) fail(SCARD_E_INVALID_PARAMETER);
  if (desc->cBuffers && !desc->pBuffers) fail(SCARD_E_INVALID_PARAMETER);
  for (ULONG i = 0; i < desc->cBuffers; ++i) {
    const BCryptBuffer& b = desc->pBuffers[i];
    if (!allowed(kdf, b.BufferType) || in.buffers[b.BufferType]) fail(SCARD_E_INVALID_PARAMETER);
    if (b.cbBuffer && !b.pvBuffer) fail(SCARD_E_INVALID_PARAMETER);
    const auto* p = static_cast<const std::uint8_t*>(b.pvBuffer);
    in.buffers[b.BufferType] = Bytes(p, p + b.cbBuffer);
  }
  if (const auto& name = in[KDF_HASH_ALGORITHM]) {
    // A NUL-terminated UTF-16 name; cbBuffer counts the terminator.
    if (name->size() < 2 || name->size() % 2) fail(SCARD_E_INVALID_PARAMETER);
    std::u16string s;
    for (std::size_t i = 0; i < name->size(); i += 2)
      s.push_back(static_cast<char16_t>((*name)[i] | ((*name)[i + 1] << 8)));
    if (s.back() != u'\0') fail(SCARD_E_INVALID_PARAMETER);
    in.md = bcrypt_hash(reinterpret_cast<LPCWSTR>(s.c_str()));
  }
  if (kdf == Kdf::concat && (!in[KDF_ALGORITHMID] || !in[KDF_PARTYUINFO] || !in[KDF_PARTYVINFO]))
    fail(SCARD_E_INVALID_PARAMETER);  // SP 800-56A's OtherInfo needs all three
  return in;
}

// SP 800-56A (rev. 3) one-step KDF with a hash, one output block: H(1 || Z || OtherInfo).
// OpenSSL knows the hashes by the names hash_name gives ("SHA-256", ...).
SecretBytes concat_kdf(HashAlg md, ByteView z, ByteView other_info, std::size_t length) {
  using KdfPtr = std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)>;
  using CtxPtr = std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)>;
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "SSKDF", nullptr), &EVP_KDF_free);
  if (!kdf) fail(SCARD_E_UNEXPECTED);
  CtxPtr kctx(EVP_KDF_CTX_new(kdf.get()), &EVP_KDF_CTX_free);
  if (!kctx) fail(SCARD_E_NO_MEMORY);
  std::uint8_t none = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(hash_name(md)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(z.data()),
                                        z.size()),
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_INFO,
          other_info.empty() ? &none : const_cast<std::uint8_t*>(other_info.data()),
          other_info.size()),
      OSSL_PARAM_construct_end()};
  SecretBytes out(length);
  if (EVP_KDF_derive(kctx.get(), out.data(), out.size(), params) != 1) fail(SCARD_E_UNEXPECTED);
  return out;
}

// Z of the recorded agreement: the card's ECDH with the container key (the user PIN and the
// key's usage are checked by the card as for any GIDS or PIV ECDH), field length, big-endian.
SecretBytes plain_ecdh(Context& ctx, const DhAgreement& a) {
  if (ctx.edge == Edge::piv) return piv::ecdh(ctx, a.container, a.point);
  mse(ctx, 0xB8, static_cast<std::uint8_t>(mech_ecdh | algid_for_bits(a.bits)),
      container_key_ref(a.container));
  Response r = ctx.card().transmit(gids_command(0x00, 0x2A, 0x80, 0x86, a.point, 256));
  SecretBytes z(r.data);
  std::fill(r.data.begin(), r.data.end(), 0);
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
  const std::size_t field = (a.bits + 7) / 8;
  if (z.size() > field || z.empty()) fail(SCARD_E_UNEXPECTED);
  if (z.size() < field) {  // a card that drops leading zero bytes: restore the field length
    SecretBytes padded(field);
    std::copy(z.view().begin(), z.view().end(), padded.data() + (field - z.size()));
    z = std::move(padded);
  }
  return z;
}

SecretBytes apply(Context& ctx, Kdf kdf, const KdfInput& in, ByteView z, bool secret_as_key) {
  auto part = [&](ULONG type) { return in[type] ? ByteView(*in[type]) : ByteView(); };
  SecretBytes msg;
  auto append_secret = [&](ByteView v) {
    SecretBytes next(msg.size() + v.size());
    std::copy(msg.view().begin(), msg.view().end(), next.data());
    std::copy(v.begin(), v.end(), next.data() + msg.size());
    msg = std::move(next);
  };
  if (kdf == Kdf::concat) {
    Bytes other;
    for (ULONG t :
         {KDF_ALGORITHMID, KDF_PARTYUINFO, KDF_PARTYVINFO, KDF_SUPPPUBINFO, KDF_SUPPPRIVINFO})
      append(other, part(t));
    SecretBytes out = concat_kdf(in.md, z, other, digest_size(in.md));
    std::fill(other.begin(), other.end(), 0);  // SuppPrivInfo may be secret
    return out;
  }
  append_secret(part(KDF_SECRET_PREPEND));
  append_secret(z);
  append_secret(part(KDF_SECRET_APPEND));
  if (kdf == Kdf::hash) return SecretBytes(ctx.crypto.digest(in.md, msg.view()));
  const ByteView key = secret_as_key ? z : part(KDF_HMAC_KEY);
  return SecretBytes(ctx.crypto.hmac(in.md, key, msg.view()));
}

}  // namespace

void derive_key_bytes(PCARD_DATA pCardData, Context& ctx, CARD_DERIVE_KEY& info) {
  if (info.dwFlags & ~DWORD(CARD_BUFFER_SIZE_ONLY | KDF_USE_SECRET_AS_HMAC_KEY_FLAG))
    fail(SCARD_E_INVALID_PARAMETER);
  const auto name = wide(info.pwszKDF);
  Kdf kdf;
  if (name == BCRYPT_KDF_HASH)
    kdf = Kdf::hash;
  else if (name == BCRYPT_KDF_HMAC)
    kdf = Kdf::hmac;
  else if (name == BCRYPT_KDF_SP80056A_CONCAT)
    kdf = Kdf::concat;
  else
    fail(SCARD_E_UNSUPPORTED_FEATURE);  // HKDF bytes, TLS_PRF, SP800_108: not offered
  const auto it = ctx.agreements.find(info.bSecretAgreementIndex);
  if (it == ctx.agreements.end()) fail(SCARD_E_INVALID_PARAMETER);
  const KdfInput in = parse_parameters(kdf, info.pParameterList);
  const bool secret_as_key = (info.dwFlags & KDF_USE_SECRET_AS_HMAC_KEY_FLAG) != 0;
  if (secret_as_key && kdf != Kdf::hmac) fail(SCARD_E_INVALID_PARAMETER);
  if (kdf == Kdf::hmac && secret_as_key == bool(in[KDF_HMAC_KEY]))
    fail(SCARD_E_INVALID_PARAMETER);  // exactly one HMAC key: the given one or Z
  if (info.dwFlags & CARD_BUFFER_SIZE_ONLY) {
    info.cbDerivedKey = static_cast<DWORD>(digest_size(in.md));
    return;
  }
  const SecretBytes z = plain_ecdh(ctx, it->second);
  const SecretBytes out = apply(ctx, kdf, in, z.view(), secret_as_key);
  info.pbDerivedKey = csp_copy(pCardData, out.view());
  info.cbDerivedKey = static_cast<DWORD>(out.size());
}

}  // namespace softcard::md
