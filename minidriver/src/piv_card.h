#pragma once
// The PIV commands behind the minidriver functions on a PIV card (docs/minidriver.md "PIV
// cards", docs/piv.md): SELECT, GET DATA of the 53-wrapped objects, GET METADATA (F7), VERIFY,
// CHANGE REFERENCE DATA, GENERAL AUTHENTICATE. Containers are the PIV key slots at fixed indexes.
#include <optional>
#include <vector>

#include "md.h"

namespace softcard::md::piv {

// Containers 0..3 are 9A, 9C, 9D, 9E; 4..23 the retired key-management slots 82..95.
inline constexpr std::size_t container_count = 24;
// The slot of container `idx`; nullopt past the last one.
std::optional<std::uint8_t> slot_of(std::size_t idx);
// The certificate object of a key slot (5FC105 for 9A, ...).
std::uint32_t cert_object(std::uint8_t slot);

// SELECT of the PIV application (AID prefix A0 00 00 03 08 00 00 10 00); on success the AC
// algorithm list of its property template goes to ctx.piv_algorithms.
bool select(Context& ctx);

// GET DATA of a PIV object, the value inside the 53 wrapper; nullopt when the card has none.
std::optional<Bytes> get_object(Context& ctx, std::uint32_t tag);
// The DER certificate of `slot` (tag 70 of its object), gunzipped when the certinfo byte (71)
// says compressed; nullopt without one. A certificate that does not inflate is refused
// (SCARD_E_UNEXPECTED): it is no certificate Windows could use.
std::optional<Bytes> certificate(Context& ctx, std::uint8_t slot);

struct Key {
  KeyType type = KeyType::rsa;
  unsigned bits = 0;          // RSA modulus size or curve size
  std::uint8_t alg = 0;       // PIV algorithm id (06 07 05 16 11 14)
  RsaPublic rsa;              // RSA
  Bytes point;                // EC: 04 || X || Y
  bool key_exchange = false;  // container role: AT_KEYEXCHANGE / ECDH rather than signature
};
// The key of container `idx`, nullopt when the slot shows none (docs/minidriver.md: the F7
// metadata of a YubiKey from 5.3, otherwise the slot's certificate).
std::optional<Key> container_key(Context& ctx, std::size_t idx);

// GENERAL AUTHENTICATE 7C { 82 00, <input_tag> input } with the key of `slot`; the 82 response.
Bytes general_authenticate(Context& ctx, std::uint8_t alg, std::uint8_t slot,
                           std::uint8_t input_tag, ByteView input);

// VERIFY of the PIV PIN (8-byte block padded with FF); the wrong and blocked PIN as
// check_pin_answer says.
void verify_pin(Context& ctx, ByteView pin, PDWORD attempts);
bool pin_verified(Context& ctx);
void logout(Context& ctx);
void change_pin(Context& ctx, ByteView old_pin, ByteView new_pin, PDWORD attempts);

}  // namespace softcard::md::piv
