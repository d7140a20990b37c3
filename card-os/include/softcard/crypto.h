#pragma once
// Card-level cryptography. Everything a card (or a host talking to one) computes goes through a
// CryptoProvider that the caller owns and passes by reference; no global state. The backend is
// OpenSSL 3 (card-os/src/crypto/openssl/), but nothing of it leaks through this header.
//
// Conventions:
// - Every failure (malformed input, inconsistent key, unsupported size, backend error) throws
//   CryptoError; its code() tells an applet which status word to answer. Nothing crashes on
//   malformed input.
// - Secret results (private keys, decrypted data, shared secrets, derived keys) are SecretBytes.
//   Secret inputs are taken as ByteView so that callers can pass SecretBytes::view().
// - Integers (RSA components, EC scalars) are big-endian byte strings.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "softcard/bytes.h"
#include "softcard/rng.h"

namespace softcard {

// ---------------------------------------------------------------------------------------------
// Errors

enum class CryptoErrc {
  invalid_argument,  // wrong length, value out of range, unknown mode (caller's data is bad)
  invalid_key,       // key material does not parse or is inconsistent
  wrong_key_type,    // e.g. an EC operation on an RSA key
  unsupported,       // size/curve/algorithm not offered
  bad_padding,       // RSA or block padding check failed after decryption
  auth_failed,       // AEAD tag mismatch
  internal,          // the backend failed unexpectedly
};

class CryptoError : public std::runtime_error {
 public:
  CryptoError(CryptoErrc code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  CryptoErrc code() const noexcept { return code_; }

 private:
  CryptoErrc code_;
};

// AES-GCM tag mismatch: the ciphertext, AAD, IV or key was altered. No plaintext is released.
class AuthenticationError : public CryptoError {
 public:
  explicit AuthenticationError(const std::string& message)
      : CryptoError(CryptoErrc::auth_failed, message) {}
};

// ---------------------------------------------------------------------------------------------
// Algorithm identifiers and pure helpers (no backend needed)

enum class HashAlg { sha1, sha256, sha384, sha512 };
// ed25519: EdDSA over edwards25519 (RFC 8032), x25519: ECDH over curve25519 (RFC 7748).
enum class KeyType { rsa, ec, ed25519, x25519 };
enum class Curve { p256, p384, p521 };  // NIST P-256/384/521 (secp256r1, secp384r1, secp521r1)

std::size_t digest_size(HashAlg md);        // 20, 32, 48, 64
std::size_t curve_field_size(Curve curve);  // 32, 48, 66 bytes
unsigned curve_bits(Curve curve);           // 256, 384, 521
const char* curve_name(Curve curve);        // "P-256", ...
// DER encoding of the curve's named OID, without tag and length (e.g. 2A8648CE3D030107).
Bytes curve_oid(Curve curve);
const char* hash_name(HashAlg md);  // "SHA-256", ...

// DER prefix of the PKCS#1 DigestInfo (RFC 8017 9.2 note 1) for md, followed directly by the hash.
Bytes digest_info_prefix(HashAlg md);
// prefix || hash; hash must be digest_size(md) long.
Bytes digest_info(HashAlg md, ByteView hash);

// ECDSA signature formats: raw r||s (each left-padded to the field size, as ISO 7816-8 / GIDS /
// PIV cards return it) and DER Ecdsa-Sig-Value (X9.62, as X.509 and CMS carry it).
Bytes ecdsa_raw_to_der(ByteView raw);  // raw length must be even and non-zero
Bytes ecdsa_der_to_raw(ByteView der, Curve curve);

// ---------------------------------------------------------------------------------------------
// Random numbers

// The card's RNG backed by OpenSSL's DRBG (RAND_bytes). Throws CryptoError on failure.
class OpenSslRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// ---------------------------------------------------------------------------------------------
// Keys

// An asymmetric key pair (private key with its public part). Opaque and move-only; created by a
// CryptoProvider (generate_* / import_*) and usable with any provider.
class KeyPair {
 public:
  struct Impl;  // backend-specific
  explicit KeyPair(std::unique_ptr<Impl> impl);
  KeyPair(KeyPair&&) noexcept;
  KeyPair& operator=(KeyPair&&) noexcept;
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;
  ~KeyPair();

  KeyType key_type() const;
  // RSA: modulus bits; EC: curve bits (256/384/521); Ed25519/X25519: 255.
  unsigned bits() const;
  // The curve of an EC key; throws CryptoError(wrong_key_type) for RSA.
  Curve curve() const;
  // RSA: modulus length in bytes (= signature / ciphertext length); EC: curve_field_size();
  // Ed25519/X25519: 32.
  std::size_t size_bytes() const;

  // A moved-from KeyPair may only be assigned to or destroyed.
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// A public key alone, for host-side verification and encryption. Opaque, copyable.
class PublicKey {
 public:
  struct Impl;
  explicit PublicKey(std::shared_ptr<const Impl> impl);
  ~PublicKey();
  PublicKey(const PublicKey&) = default;
  PublicKey& operator=(const PublicKey&) = default;
  PublicKey(PublicKey&&) noexcept = default;
  PublicKey& operator=(PublicKey&&) noexcept = default;

  KeyType key_type() const;
  unsigned bits() const;
  Curve curve() const;
  std::size_t size_bytes() const;

  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

// Public parts in the forms cards exchange them (GIDS/PIV 7F49 templates, minidriver blobs).
struct RsaPublic {
  Bytes n;  // modulus, big-endian, no leading zero bytes
  Bytes e;  // public exponent, big-endian, no leading zero bytes
  bool operator==(const RsaPublic&) const = default;
};
struct EcPublic {
  Curve curve = Curve::p256;
  Bytes point;  // uncompressed SEC1 point 04 || X || Y, coordinates padded to the field size
  bool operator==(const EcPublic&) const = default;
};

// RSA private key in components, e.g. as sent by a host for key injection. CRT parameters
// p, q, dp, dq, qinv and e are required; n is computed as p*q when empty and d as e^-1 mod
// lcm(p-1, q-1) when empty. The result is always checked for consistency.
struct RsaPrivateComponents {
  Bytes n;
  Bytes e;
  SecretBytes d;
  SecretBytes p;
  SecretBytes q;
  SecretBytes dp;
  SecretBytes dq;
  SecretBytes qinv;
};

// ---------------------------------------------------------------------------------------------
// Operation parameters

enum class RsaPaddingMode {
  none,   // raw RSA: input length == modulus length, value < n
  pkcs1,  // RSAES-PKCS1-v1_5 (type 2)
  oaep,   // RSAES-OAEP, MGF1 with the same hash as the label hash
};
struct RsaPadding {
  RsaPaddingMode mode = RsaPaddingMode::pkcs1;
  HashAlg oaep_md = HashAlg::sha1;
  Bytes label;  // OAEP label (empty by default)

  static RsaPadding raw() { return {RsaPaddingMode::none, HashAlg::sha1, {}}; }
  static RsaPadding pkcs1_v15() { return {RsaPaddingMode::pkcs1, HashAlg::sha1, {}}; }
  static RsaPadding oaep(HashAlg md = HashAlg::sha1, Bytes label = {}) {
    return {RsaPaddingMode::oaep, md, std::move(label)};
  }
};

enum class BlockAlg {
  tdes,  // 3DES-EDE: 16-byte key (2-key, K1 K2 K1) or 24-byte key (3-key); 8-byte blocks
  aes,   // AES-128/192/256 by key length (16/24/32); 16-byte blocks
};
enum class BlockMode { ecb, cbc };
enum class BlockPadding {
  none,    // data must be a multiple of the block size
  pkcs7,   // RFC 5652 6.3 (PKCS#5/7)
  iso7816  // ISO/IEC 7816-4 / ISO 9797-1 method 2: 80 00 .. 00 (always at least one byte)
};
struct CipherSpec {
  BlockAlg alg = BlockAlg::aes;
  BlockMode mode = BlockMode::cbc;
  BlockPadding padding = BlockPadding::none;
};
std::size_t block_size(BlockAlg alg);  // 8 or 16

// How much an imported private key is checked.
enum class KeyCheck {
  // Everything, including primality of RSA p and q (costly: ~30 ms for RSA-2048, ~250 ms for
  // RSA-4096). For key material from outside (PUT DATA, key injection, files).
  full,
  // For keys read back from the card's own image, which were fully checked when they entered
  // it: for RSA every relation between n, e, d, p, q, dp, dq, qinv but not the primality of p
  // and q, plus an x^d^e = x round trip; EC keys get the full check, which is cheap.
  stored,
};

// scrypt (RFC 7914) cost: N = 2^log2_n, block size r, parallelism p; memory is 128 * N * r bytes.
struct ScryptCost {
  unsigned log2_n = 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
  bool operator==(const ScryptCost&) const = default;
};

struct GcmSealed {
  Bytes ciphertext;
  Bytes tag;  // 16 bytes
};

// ---------------------------------------------------------------------------------------------
// The provider

// Thread safety: one provider may be used from several threads at once (its state is fixed after
// construction). A moved-from provider may only be assigned to or destroyed.
class CryptoProvider {
 public:
  struct Impl;
  // Creates an independent OpenSSL library context with the default provider loaded (no global
  // OpenSSL configuration applies). Throws CryptoError if OpenSSL cannot be set up.
  CryptoProvider();
  // Same, but every random byte the context uses (key generation, ECDSA nonces, RSA blinding,
  // OAEP/PSS seeds, random()) comes from `rng`, which must outlive the provider. A card's
  // provider is made this way from the card's Rng, so a deterministic Rng gives reproducible
  // keys. Keys made by it and used after the provider is gone fail where they need randomness.
  explicit CryptoProvider(Rng& rng);
  ~CryptoProvider();
  CryptoProvider(CryptoProvider&&) noexcept;
  CryptoProvider& operator=(CryptoProvider&&) noexcept;
  CryptoProvider(const CryptoProvider&) = delete;
  CryptoProvider& operator=(const CryptoProvider&) = delete;

  // --- key generation -------------------------------------------------------------------------
  // bits: 1024, 2048, 3072 or 4096; public exponent 65537.
  KeyPair generate_rsa(unsigned bits);
  KeyPair generate_ec(Curve curve);

  // --- private key import / export (card image, key injection) ---------------------------------
  // PKCS#8 PrivateKeyInfo DER (unencrypted). For storing in the card image.
  SecretBytes export_private(const KeyPair& key);
  // Accepts PKCS#8 PrivateKeyInfo DER of an RSA or EC (supported curve) key; checks it (see
  // KeyCheck: use `stored` only for keys this card exported itself).
  KeyPair import_private(ByteView pkcs8_der, KeyCheck check = KeyCheck::full);
  // PKCS#1 RSAPrivateKey DER (RFC 8017 A.1.2), as GIDS PUT DATA carries it; checked for
  // consistency (component relations and a pairwise test).
  KeyPair import_rsa_pkcs1_private(ByteView der);
  KeyPair import_rsa_components(const RsaPrivateComponents& components);
  // EC private scalar d (big-endian, 1 <= d < order, at most the field size long); the public
  // point is derived.
  KeyPair import_ec_private(Curve curve, ByteView d);

  // --- public parts ---------------------------------------------------------------------------
  RsaPublic rsa_public(const KeyPair& key);
  RsaPublic rsa_public(const PublicKey& key);
  EcPublic ec_public(const KeyPair& key);
  EcPublic ec_public(const PublicKey& key);
  // X.509 SubjectPublicKeyInfo DER.
  Bytes public_key_der(const KeyPair& key);
  Bytes public_key_der(const PublicKey& key);
  PublicKey public_key(const KeyPair& key);
  PublicKey import_public_der(ByteView spki_der);
  PublicKey import_rsa_public(const RsaPublic& pub);
  // The point is checked to be on the curve.
  PublicKey import_ec_public(const EcPublic& pub);

  // --- RSA (card side) ------------------------------------------------------------------------
  // EMSA-PKCS1-v1_5 signature over a caller-supplied DigestInfo (the card pads, it does not
  // hash). digest_info may be at most size_bytes() - 11 long.
  Bytes rsa_sign_pkcs1_v15(const KeyPair& key, ByteView digest_info);
  // RSASSA-PSS over a hash computed by the caller with md; MGF1 uses md too. salt_len defaults to
  // the hash length.
  Bytes rsa_sign_pss(const KeyPair& key, HashAlg md, ByteView hash,
                     std::optional<std::size_t> salt_len = std::nullopt);
  // Raw private-key operation x^d mod n: input length must equal size_bytes() and its value be
  // smaller than n. Used for host-padded signatures and raw deciphering.
  SecretBytes rsa_raw(const KeyPair& key, ByteView input);
  // Deciphers and removes the padding. ciphertext length must equal size_bytes(). A padding
  // check failure throws CryptoError(bad_padding).
  SecretBytes rsa_decrypt(const KeyPair& key, ByteView ciphertext, const RsaPadding& padding);

  // --- RSA (host side / tests) ----------------------------------------------------------------
  Bytes rsa_encrypt(const PublicKey& key, ByteView plaintext, const RsaPadding& padding);
  // False for a wrong signature; throws only for unusable arguments (wrong key type).
  bool rsa_verify_pkcs1(const PublicKey& key, ByteView digest_info, ByteView signature);
  bool rsa_verify_pss(const PublicKey& key, HashAlg md, ByteView hash, ByteView signature,
                      std::optional<std::size_t> salt_len = std::nullopt);

  // --- EC -------------------------------------------------------------------------------------
  // ECDSA over a caller-computed hash (truncated to the order size as FIPS 186-4 says). Raw
  // result r||s, each padded to curve_field_size().
  Bytes ecdsa_sign(const KeyPair& key, ByteView hash);
  Bytes ecdsa_sign_der(const KeyPair& key, ByteView hash);
  bool ecdsa_verify(const PublicKey& key, ByteView hash, ByteView raw_signature);
  bool ecdsa_verify_der(const PublicKey& key, ByteView hash, ByteView der_signature);
  // ECDH (SP 800-56A, cofactor 1): the x-coordinate of d * peer, curve_field_size() bytes.
  // peer_point is an uncompressed point on the key's curve; anything else throws
  // CryptoError(invalid_argument).
  SecretBytes ecdh(const KeyPair& key, ByteView peer_point);

  // --- Ed25519 / X25519 (edwards.cpp) ---------------------------------------------------------
  // Generated from the provider's randomness (a card's Rng, like every other key).
  KeyPair generate_ed25519();
  KeyPair generate_x25519();
  // The 32-byte private key: the Ed25519 seed (RFC 8032 5.1.5) or the X25519 scalar as RFC 7748
  // encodes it; the public key is derived.
  KeyPair import_ed25519_private(ByteView seed);
  KeyPair import_x25519_private(ByteView scalar);
  // The 32-byte public key of an Ed25519 or X25519 key (wrong_key_type for others).
  Bytes raw_public(const KeyPair& key);
  Bytes raw_public(const PublicKey& key);
  PublicKey import_ed25519_public(ByteView public_key);
  PublicKey import_x25519_public(ByteView public_key);
  // PureEdDSA (Ed25519, no prehash) over the whole message: 64 bytes.
  Bytes ed25519_sign(const KeyPair& key, ByteView message);
  bool ed25519_verify(const PublicKey& key, ByteView message, ByteView signature);
  // The 32-byte X25519 shared secret with the peer's 32-byte public key; a peer of small order
  // (all-zero secret) throws CryptoError(invalid_argument).
  SecretBytes x25519(const KeyPair& key, ByteView peer_public);

  // --- symmetric ------------------------------------------------------------------------------
  // iv: empty for ECB, block_size(alg) bytes for CBC.
  Bytes encrypt(const CipherSpec& spec, ByteView key, ByteView iv, ByteView plaintext);
  SecretBytes decrypt(const CipherSpec& spec, ByteView key, ByteView iv, ByteView ciphertext);

  // AES-GCM with a 12-byte IV and a 16-byte tag; key 16/24/32 bytes.
  GcmSealed aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext);
  // Throws AuthenticationError on tag mismatch (never returns unauthenticated plaintext).
  SecretBytes aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext,
                              ByteView tag);

  // --- hashes, MACs, KDFs ---------------------------------------------------------------------
  Bytes digest(HashAlg md, ByteView data);
  Bytes hmac(HashAlg md, ByteView key, ByteView data);
  Bytes hmac_sha256(ByteView key, ByteView data) { return hmac(HashAlg::sha256, key, data); }
  // CMAC (NIST SP 800-38B) with AES (16/24/32-byte key) or 3DES (16/24-byte key).
  Bytes cmac(BlockAlg alg, ByteView key, ByteView data);
  Bytes aes_cmac(ByteView key, ByteView data) { return cmac(BlockAlg::aes, key, data); }
  // HKDF (RFC 5869). ikm must not be empty; an empty salt means HashLen zero bytes.
  SecretBytes hkdf_extract(HashAlg md, ByteView salt, ByteView ikm);
  SecretBytes hkdf_expand(HashAlg md, ByteView prk, ByteView info, std::size_t length);
  SecretBytes hkdf(HashAlg md, ByteView salt, ByteView ikm, ByteView info, std::size_t length);
  SecretBytes hkdf_sha256(ByteView salt, ByteView ikm, ByteView info, std::size_t length) {
    return hkdf(HashAlg::sha256, salt, ikm, info, length);
  }

  // scrypt (RFC 7914) of a low-entropy secret; `length` output bytes.
  SecretBytes scrypt(ByteView password, ByteView salt, const ScryptCost& cost, std::size_t length);

  // Random bytes from this provider's DRBG (or from its Rng).
  void random(std::span<std::uint8_t> out);

  const Impl& impl() const { return *impl_; }

 private:
  explicit CryptoProvider(Rng* rng);
  std::unique_ptr<Impl> impl_;
};

}  // namespace softcard
