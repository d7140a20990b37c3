#pragma once
// SKI protocol v1 byte formats (docs/ski.md): identifiers (§3), the blob header and its
// structural checks (§5), BCRYPT_KEY_DATA_BLOB (D4), the shared-key hellos (§7.2), the secure
// functions' plaintext structures and answers (§8) and the capabilities template (§6.1). The key
// schedule and the sealing of blobs need a crypto provider and live in card-os's ski codec.
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "softcard/wire/bytes.h"

namespace softcard::wire::ski {

// --- §3 identifiers ----------------------------------------------------------------------------
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
inline constexpr std::size_t shared_key_length = 32;
inline constexpr std::uint32_t key_data_blob_magic = 0x4d42444b;

std::optional<Alg> alg_from_id(std::uint8_t id);
std::size_t key_length(Alg alg);
bool is_aes(Alg alg);
std::size_t block_length(Alg alg);  // 16 (AES) or 8 (3DES)
// AES picks 128/192/256 from the key length; 3DES/3DES_112 require 24/16 bytes.
std::optional<Alg> alg_from_name(std::u16string_view name, std::size_t key_len);
std::optional<Mode> mode_from_id(std::uint8_t id);
bool mode_allowed(Alg alg, Mode mode);      // GCM only with AES
std::size_t iv_length(Alg alg, Mode mode);  // base IV: 12 (GCM) or block length (CBC)

// Why a blob is refused, in the order of §5's checks.
enum class Reject { malformed, wrong_function, wrong_handle, wrong_iv, tampered, replayed };
const char* describe(Reject r);

// --- §5 blob ---------------------------------------------------------------------------------
// 53 4B 01 | function | direction | alg | mode | n | key_id(8) | seq (u32be) | nonce(8) | IV(n)
struct BlobHeader {
  std::uint8_t function = 0;
  Direction direction = Direction::to_card;
  Alg alg = Alg::aes256;
  Mode mode = Mode::cbc;
  ByteView key_id;  // 8 bytes
  std::uint32_t seq = 0;
  ByteView nonce;  // 8 bytes
  ByteView iv;     // the base IV, iv_length(alg, mode) bytes
};
// Throws std::invalid_argument when a field has the wrong length for the header.
Bytes encode_blob_header(const BlobHeader& h);
// A blob cut into its parts (views into the blob).
struct BlobParts {
  BlobHeader header;
  ByteView header_bytes;  // H = bytes 0 .. 28+n, the AAD / MAC input
  ByteView ciphertext;
  ByteView tag;
};
// Check 1 of §5: length, magic, version, direction `dir`, algorithm, mode and IV length, and for
// CBC a whole non-zero number of blocks. Any failure is Reject::malformed.
std::variant<BlobParts, Reject> split_blob(ByteView blob, Direction dir);

// --- D4 BCRYPT_KEY_DATA_BLOB: u32le magic, u32le version 1, u32le cbKeyData, key -------------
Bytes key_data_blob(ByteView key);
// The key inside (a view into `blob`); nullopt unless magic, version and length are exact.
std::optional<ByteView> key_data_blob_key(ByteView blob);

// --- §7.2 shared-key establishment messages (views into the parsed message) --------------------
struct SharedRequest {  // 53 52 01 s alg 20 KS(32): server only, never sent to a card
  std::uint8_t number = 0;
  Alg alg = Alg::aes256;
  ByteView shared_key;
};
struct ServerHello {  // 53 48 01 s alg NS(16)
  std::uint8_t number = 0;
  Alg alg = Alg::aes256;
  ByteView ns;
};
struct CardHello {  // 43 48 01 s alg NS(16) NC(16) key_id(8)
  std::uint8_t number = 0;
  Alg alg = Alg::aes256;
  ByteView ns, nc, key_id;
};
inline constexpr std::size_t shared_request_size = 38, server_hello_size = 21, card_hello_size = 45;
// Encoders throw std::invalid_argument for fields of the wrong length.
Bytes encode_shared_request(const SharedRequest& m);
Bytes encode_server_hello(const ServerHello& m);
Bytes encode_card_hello(const CardHello& m);
// Decoders: nullopt unless the tag bytes, version 01, the algorithm and the size are right.
std::optional<SharedRequest> decode_shared_request(ByteView m);
std::optional<ServerHello> decode_server_hello(ByteView m);
std::optional<CardHello> decode_card_hello(ByteView m);

// --- §8 secure-function plaintexts (DWORDs little-endian; views into the parsed bytes) ---------
inline constexpr std::uint32_t struct_version = 7;
struct ImportKeypair {  // CARD_IMPORT_KEYPAIR: 24 fixed bytes + key blob
  std::uint8_t container_index = 0;
  std::uint32_t pin_id = 1;
  std::uint32_t key_spec = 0;
  std::uint32_t key_bits = 0;
  ByteView key_blob;
};
struct Authenticate {  // CARD_AUTHENTICATE: 16 fixed bytes + PIN
  std::uint32_t flags = 0;
  std::uint32_t pin_id = 1;
  ByteView pin;
};
struct ChangeAuthenticator {  // CARD_CHANGE_AUTHENTICATOR: 28 fixed bytes + auth || target
  std::uint32_t flags = 0;
  std::uint32_t auth_pin_id = 1;
  ByteView auth;
  std::uint32_t target_pin_id = 1;
  ByteView target;
  std::uint32_t retry_count = 0;
};
Bytes encode_import_keypair(const ImportKeypair& s);
Bytes encode_authenticate(const Authenticate& s);
Bytes encode_change_authenticator(const ChangeAuthenticator& s);
// nullopt unless dwVersion is 7 and the length fields add up to the size exactly.
std::optional<ImportKeypair> decode_import_keypair(ByteView p);
std::optional<Authenticate> decode_authenticate(ByteView p);
std::optional<ChangeAuthenticator> decode_change_authenticator(ByteView p);
// True when `p` is a well-formed plaintext of secure function `function` (01, 02, 03).
bool well_formed(std::uint8_t function, ByteView p);

// Answers of CardProcessEncryptedData (D21).
struct AuthenticateResponse {  // u32le 7 | cbSessionPin | cAttemptsRemaining | session-PIN blob
  std::uint32_t attempts_remaining = 0;
  ByteView session_pin_blob;
};
struct ChangeAuthenticatorResponse {  // u32le 7 | cAttemptsRemaining
  std::uint32_t attempts_remaining = 0;
};
Bytes encode_authenticate_response(const AuthenticateResponse& r);
Bytes encode_change_authenticator_response(const ChangeAuthenticatorResponse& r);
std::optional<AuthenticateResponse> decode_authenticate_response(ByteView r);
std::optional<ChangeAuthenticatorResponse> decode_change_authenticator_response(ByteView r);

// --- §6.1 capabilities template (80..87, one byte each) ----------------------------------------
struct Capabilities {
  std::uint8_t import_support = 0, algs = 0, paddings = 0, modes = 0, slots = 0, free = 0,
               curves = 0, version = 0;
};
Bytes encode_capabilities(const Capabilities& c);
// Tolerant: a missing or malformed field reads as 0 (a card without SKI offers nothing).
Capabilities decode_capabilities(ByteView data);

}  // namespace softcard::wire::ski
