#pragma once
// Private key operations and public keys of the PIV edge (docs/minidriver.md "PIV cards"): the
// card does the raw RSA operation, ECDSA over the host's hash and ECDH through GENERAL
// AUTHENTICATE; paddings are the host's.
#include "md.h"
#include "piv_card.h"

namespace softcard::md::piv {

// The key of container `idx`; SCARD_E_NO_KEY_CONTAINER when the slot shows none.
Key require_key(Context& ctx, std::size_t idx);
// The 81/82 or 86 public key template of a key (what GIDS cards answer, for public_key_blob).
Bytes public_template(const Key& key);

// CardSignData after the entry point's common checks (version, key spec).
void sign(PCARD_DATA pCardData, Context& ctx, CARD_SIGNING_INFO& info);
// CardRSADecrypt after the entry point's common checks.
void rsa_decrypt(Context& ctx, CARD_RSA_DECRYPT_INFO& info);
// CardConstructDHAgreement: checks the container and the peer's key and records the agreement
// in the context (the card keeps no agreement state); the agreement's index.
std::uint8_t construct_agreement(Context& ctx, std::uint8_t idx, unsigned peer_bits, Bytes point);
// Z of an ECDH with container `idx`'s key and the peer's uncompressed point, field-sized.
SecretBytes ecdh(Context& ctx, std::uint8_t idx, ByteView point);

}  // namespace softcard::md::piv
