#include "store/record_cipher.h"

#include <array>

namespace softcard::store_detail {

namespace {
constexpr std::string_view info_label = "softcard record v1";
}

RecordCipher::RecordCipher(ByteView key, ByteView salt)
    : prk_(crypto_.hkdf_extract(HashAlg::sha256, salt, key)) {}

SecretBytes RecordCipher::record_key(std::string_view name) {
  // info = "softcard record v1" || 00 || name: one AES-256 key per record name.
  Bytes info(info_label.begin(), info_label.end());
  info.push_back(0x00);
  append(info, view(name));
  return crypto_.hkdf_expand(HashAlg::sha256, prk_.view(), info, 32);
}

Bytes RecordCipher::seal(std::string_view name, ByteView plaintext) {
  std::array<std::uint8_t, nonce_size> nonce{};
  crypto_.random(nonce);
  const SecretBytes key = record_key(name);
  const GcmSealed sealed = crypto_.aes_gcm_encrypt(key.view(), nonce, view(name), plaintext);
  Bytes out;
  out.reserve(1 + nonce_size + sealed.ciphertext.size() + tag_size);
  out.push_back(envelope_version);
  append(out, nonce);
  append(out, sealed.ciphertext);
  append(out, sealed.tag);
  return out;
}

SecretBytes RecordCipher::open(std::string_view name, ByteView envelope) {
  if (envelope.size() < 1 + nonce_size + tag_size || envelope[0] != envelope_version)
    throw CryptoError(CryptoErrc::invalid_argument, "not an encrypted record");
  const ByteView nonce = envelope.subspan(1, nonce_size);
  const ByteView body =
      envelope.subspan(1 + nonce_size, envelope.size() - 1 - nonce_size - tag_size);
  const ByteView tag = envelope.last(tag_size);
  const SecretBytes key = record_key(name);
  return crypto_.aes_gcm_decrypt(key.view(), nonce, view(name), body, tag);
}

}  // namespace softcard::store_detail
