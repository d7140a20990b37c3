#pragma once
// Host-side RSA paddings the GIDS MSE cannot name (PSS, OAEP with SHA-2 or a label): the card
// does the raw private-key operation, the library encodes or decodes around it (RFC 8017).
#include "md.h"

namespace softcard::md {

// The hash a BCrypt algorithm name (L"SHA1", L"SHA256", L"SHA384", L"SHA512") names;
// SCARD_E_INVALID_PARAMETER for any other name.
HashAlg bcrypt_hash(LPCWSTR name);
// The hash a CALG_SHA* id names; SCARD_E_INVALID_PARAMETER for any other id.
HashAlg calg_hash(ALG_ID alg);

// EMSA-PSS encoding of `hash` for a modulus of `mod_bits`, left-padded to the modulus length;
// SCARD_E_INVALID_PARAMETER when the hash or salt does not fit.
Bytes pss_encode(Context& ctx, HashAlg md, ByteView hash, std::size_t salt_len, unsigned mod_bits);
// EME-OAEP decoding of the raw block `em` (modulus length); NTE_BAD_DATA when it is not a valid
// encoding for `label`.
SecretBytes oaep_decode(Context& ctx, HashAlg md, ByteView em, ByteView label);
// What an RSA key signs for CardSignData: with pkcs1, a DigestInfo (or the hash as given when
// no hash is named) that PKCS#1 v1.5 still pads; otherwise a modulus-sized PSS block.
struct RsaSignInput {
  bool pkcs1 = true;
  Bytes data;
};
RsaSignInput rsa_sign_input(Context& ctx, const CARD_SIGNING_INFO& info, unsigned bits);
// EMSA-PKCS1-v1_5 block 00 01 FF..FF 00 || t for a modulus of `k` bytes (a PIV card signs
// raw); SCARD_E_INVALID_PARAMETER when t leaves fewer than 8 FF bytes.
Bytes pkcs1_sign_pad(ByteView t, std::size_t k);
// RSAES-PKCS1-v1_5 decoding of the raw block `em` (modulus length): the message after
// 00 02 <at least 8 non-zero bytes> 00; NTE_BAD_DATA otherwise.
SecretBytes pkcs1_decrypt_unpad(ByteView em);

}  // namespace softcard::md
