#pragma once
// Independent verification with OpenSSL of what the card produced (signatures, decryptions,
// agreements), and the key material the suite sends (blobs to import, ciphertexts to decrypt).
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace softcard::mdtest::verify {

using Bytes = std::vector<std::uint8_t>;
using PKey = std::shared_ptr<EVP_PKEY>;

Bytes reversed(Bytes b);
Bytes digest(const std::string& hash, const Bytes& data);  // sha1/sha256/sha384/sha512
Bytes random_bytes(std::size_t n);

// CAPI PUBLICKEYBLOB (BLOBHEADER + RSAPUBKEY + little-endian modulus) -> RSA key; null if bad.
PKey from_capi_public(const Bytes& blob);
// BCRYPT_ECCKEY_BLOB (magic, cbKey, X, Y big-endian) -> EC key; null if bad.
PKey from_bcrypt_ecc_public(const Bytes& blob);

// Signature as CardSignData returns it: RSA little-endian (CAPI order), ECDSA r||s big-endian.
bool rsa_verify(EVP_PKEY* key, const std::string& hash, const Bytes& hash_value,
                const Bytes& signature_le, bool pss);
bool ecdsa_verify(EVP_PKEY* key, const Bytes& hash_value, const Bytes& r_s);

// Encrypts to the card's key; padding "pkcs1", "oaep" or "none". Big-endian result.
Bytes rsa_encrypt(EVP_PKEY* key, const Bytes& message, const std::string& padding,
                  const std::string& oaep_hash = "sha1", const Bytes& label = {});

// A fresh RSA key and its CAPI PRIVATEKEYBLOB (for CARD_CREATE_CONTAINER_KEY_IMPORT).
PKey rsa_generate(unsigned bits);
Bytes capi_private_blob(EVP_PKEY* key, bool signature);

struct Ecdh {
  PKey ephemeral;
  Bytes public_blob;  // BCRYPT_ECCKEY_BLOB with the ECDH public magic, as CardConstructDHAgreement
                      // takes it
  Bytes secret;       // the raw shared X coordinate
};
// An ephemeral key on the card key's curve and the agreement with it.
Ecdh ecdh_with(EVP_PKEY* card_public);

}  // namespace softcard::mdtest::verify
