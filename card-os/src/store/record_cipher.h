#pragma once
// Encryption at rest of secret records (docs/card-image.md, "Encryption at rest"): AES-256-GCM
// under a key derived per record name with HKDF-SHA256 from the image key, the record name also
// bound as associated data, so a record cannot be read, altered or moved under another name
// without the image key.
#include <memory>
#include <string_view>

#include "softcard/bytes.h"
#include "softcard/crypto.h"

namespace softcard::store_detail {

inline constexpr const char* cipher_name = "aes-256-gcm/hkdf-sha256/v1";
inline constexpr std::size_t salt_size = 32;
inline constexpr std::size_t nonce_size = 12;
inline constexpr std::size_t tag_size = 16;
inline constexpr std::uint8_t envelope_version = 0x01;
// The pseudo-record whose envelope (in meta `key_check`) tells a wrong key from a damaged record.
inline constexpr std::string_view key_check_name = "meta/key_check";
inline constexpr std::string_view key_check_plaintext = "softcard-card-image key check v1";

class RecordCipher {
 public:
  // key: the 32-byte image key; salt: the image's random key_salt.
  RecordCipher(ByteView key, ByteView salt);
  // 01 || nonce(12) || ciphertext || tag(16), with a fresh random nonce.
  Bytes seal(std::string_view name, ByteView plaintext);
  // Throws AuthenticationError when the envelope was not sealed under this key and name, and
  // CryptoError(invalid_argument) when it is malformed.
  SecretBytes open(std::string_view name, ByteView envelope);

 private:
  SecretBytes record_key(std::string_view name);
  CryptoProvider crypto_;
  SecretBytes prk_;
};

}  // namespace softcard::store_detail
