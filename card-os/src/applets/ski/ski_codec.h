#pragma once
// SKI protocol v1 wire formats (docs/ski.md): identifiers, key schedule, blob seal/open, session
// key derivations. Shared by the card extension and the host minidriver (library
// softcard_ski_codec, which depends on softcard_crypto only).
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "softcard/bytes.h"
#include "softcard/crypto.h"

namespace softcard::ski {

enum class Alg : std::uint8_t { aes128 = 1, aes192 = 2, aes256 = 3, tdes = 4, tdes112 = 5 };
enum class Mode : std::uint8_t { cbc = 1, gcm = 2 };
enum class Direction : std::uint8_t { to_card = 1, to_server = 2 };

namespace csf {
inline constexpr std::uint8_t import_keypair = 0x01;
inline constexpr std::uint8_t change_authenticator = 0x02;
inline constexpr std::uint8_t authenticate = 0x03;
inline constexpr std::uint8_t session_pin = 0x83;
}  // namespace csf

namespace padding_id {
inline constexpr std::uint8_t pkcs1 = 0x01;
inline constexpr std::uint8_t oaep_sha1 = 0x02;
inline constexpr std::uint8_t oaep_sha256 = 0x03;
}  // namespace padding_id

inline constexpr std::size_t header_fixed = 28;
inline constexpr std::size_t tag_length = 16;
inline constexpr std::size_t nonce_length = 8;
inline constexpr std::size_t key_id_length = 8;
inline constexpr std::size_t shared_nonce_length = 16;
inline constexpr std::uint32_t key_data_blob_magic = 0x4d42444b;

std::optional<Alg> alg_from_id(std::uint8_t id);
std::size_t key_length(Alg alg);
std::size_t block_length(Alg alg);
BlockAlg block_alg(Alg alg);
// AES picks 128/192/256 from the key length; 3DES/3DES_112 require 24/16 bytes.
std::optional<Alg> alg_from_name(std::u16string_view name, std::size_t key_len);
std::optional<Mode> mode_from_id(std::uint8_t id);
bool mode_allowed(Alg alg, Mode mode);      // GCM only with AES
std::size_t iv_length(Alg alg, Mode mode);  // base IV: 12 (GCM) or block length (CBC)

// A session key with its per-handle properties and sequence state.
struct SessionKey {
  Alg alg = Alg::aes256;
  SecretBytes key;
  Bytes id;  // key_id (8 bytes)
  Mode mode = Mode::cbc;
  Bytes iv;                        // base IV
  std::uint32_t next_out_seq = 1;  // next sequence number this side sends
  std::uint32_t last_in_seq = 0;   // last sequence number accepted from the peer
};
// Builds a SessionKey with defaults (CBC, zero IV of block length) and its key_id.
SessionKey make_session_key(CryptoProvider& crypto, Alg alg, ByteView key);
// Sets the mode and resets the base IV to zeros of the right length when its length no longer fits.
Bytes compute_key_id(CryptoProvider& crypto, Alg alg, ByteView key);

enum class Reject { malformed, wrong_function, wrong_handle, wrong_iv, tampered, replayed };
const char* describe(Reject r);

// Seals plaintext as one blob (docs/ski.md §5) and advances key.next_out_seq. nonce must be 8
// random bytes.
Bytes seal(CryptoProvider& crypto, SessionKey& key, std::uint8_t function, Direction dir,
           ByteView nonce, ByteView plaintext);

struct Opened {
  SecretBytes plaintext;
  std::uint32_t seq = 0;
};
// Checks and decrypts a blob without changing `key`; the caller records `seq` as last_in_seq
// once it has accepted the blob.
std::variant<Opened, Reject> open(CryptoProvider& crypto, const SessionKey& key,
                                  std::uint8_t function, Direction dir, ByteView blob);

// BCRYPT_KEY_DATA_BLOB (header u32le magic, version 1, cbKeyData) || key.
Bytes key_data_blob(ByteView key);
std::optional<SecretBytes> parse_key_data_blob(ByteView blob);

// Session key derivations (docs/ski.md §7).
SecretBytes derive_shared(CryptoProvider& crypto, ByteView shared_key, std::uint8_t number, Alg alg,
                          ByteView ns, ByteView nc);
SecretBytes derive_ecdh(CryptoProvider& crypto, ByteView z, Alg alg);

inline void put_u32le(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline std::uint32_t get_u32le(ByteView b, std::size_t at) {
  return std::uint32_t(b[at]) | std::uint32_t(b[at + 1]) << 8 | std::uint32_t(b[at + 2]) << 16 |
         std::uint32_t(b[at + 3]) << 24;
}

}  // namespace softcard::ski
