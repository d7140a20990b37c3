#pragma once
// Microsoft key blobs (wincrypt.h / bcrypt.h layouts; docs/wire.md): CAPI PUBLICKEYBLOB and
// PRIVATEKEYBLOB (RSA, little-endian numbers), BCRYPT_RSAKEY_BLOB (public, private and full
// private, big-endian numbers) and BCRYPT_ECCKEY_BLOB (public and private). Numbers cross this
// API big-endian, as the card and OpenSSL use them.
#include <cstdint>
#include <optional>

#include "softcard/wire/bytes.h"

namespace softcard::wire {

// wincrypt.h / bcrypt.h constants.
namespace capi {
inline constexpr std::uint8_t publickeyblob = 0x06, privatekeyblob = 0x07;
inline constexpr std::uint8_t cur_blob_version = 0x02;
inline constexpr std::uint32_t calg_rsa_sign = 0x2400, calg_rsa_keyx = 0xA400;
inline constexpr std::uint32_t rsa1_magic = 0x31415352, rsa2_magic = 0x32415352;  // "RSA1" "RSA2"
}  // namespace capi
namespace bcrypt {
inline constexpr std::uint32_t rsa_public_magic = 0x31415352;        // "RSA1"
inline constexpr std::uint32_t rsa_private_magic = 0x32415352;       // "RSA2"
inline constexpr std::uint32_t rsa_full_private_magic = 0x33415352;  // "RSA3"
}  // namespace bcrypt

// An RSA key's numbers, big-endian. Decoders give the fixed widths of the blob (n and d the
// modulus length, p..qinv half of it); encoders accept any width that fits. The destructor
// wipes every number.
struct RsaParts {
  unsigned bits = 0;
  Bytes n, e, d, p, q, dp, dq, qinv;  // d..qinv empty for a public key
  RsaParts() = default;
  RsaParts(const RsaParts&) = default;
  RsaParts(RsaParts&&) = default;
  RsaParts& operator=(const RsaParts&) = default;
  RsaParts& operator=(RsaParts&&) = default;
  ~RsaParts();
};

// BLOBHEADER {bType, bVersion, reserved(le16), aiKeyAlg(le32)} RSAPUBKEY {magic, bitlen,
// pubexp (le32 each)} then the modulus (little-endian, bitlen/8 bytes). The public exponent
// must fit 32 bits; encoders throw std::invalid_argument otherwise.
Bytes encode_publickeyblob(const RsaParts& key, bool key_exchange);
// nullopt unless bType 06, version 02, magic RSA1, bitlen a multiple of 8 and the size exact.
std::optional<RsaParts> decode_publickeyblob(ByteView blob);

// The same header with bType 07 and magic RSA2, then modulus, prime1, prime2, exponent1,
// exponent2, coefficient (bitlen/16 each) and privateExponent, all little-endian.
Bytes encode_privatekeyblob(const RsaParts& key, bool key_exchange);
struct PrivateKeyBlob {
  RsaParts key;
  bool key_exchange = false;  // aiKeyAlg CALG_RSA_KEYX (else CALG_RSA_SIGN)
};
// nullopt unless bType 07, version 02, aiKeyAlg CALG_RSA_KEYX or CALG_RSA_SIGN, magic RSA2,
// bitlen a non-zero multiple of 16 and the size exactly 20 + bitlen/8 * 9/2.
std::optional<PrivateKeyBlob> decode_privatekeyblob(ByteView blob);

// BCRYPT_RSAKEY_BLOB {Magic, BitLength, cbPublicExp, cbModulus, cbPrime1, cbPrime2 (le32)}
// then PublicExponent, Modulus; RSA2 adds Prime1, Prime2; RSA3 adds Exponent1, Exponent2,
// Coefficient, PrivateExponent (all big-endian).
enum class BcryptRsaKind { public_key, private_key, full_private_key };
Bytes encode_bcrypt_rsakey_blob(const RsaParts& key, BcryptRsaKind kind);
// nullopt for an unknown magic, cbPrime* of zero in a private blob, or a size that does not add
// up exactly. RSA2 gives n, e, p, q only.
std::optional<RsaParts> decode_bcrypt_rsakey_blob(ByteView blob);

// BCRYPT_ECCKEY_BLOB {dwMagic, cbKey (le32)} X || Y [|| d], each cbKey bytes big-endian.
struct EccParts {
  unsigned curve_bits = 256;  // 256, 384, 521
  bool ecdh = false;          // ECK* (ECDH) magics, else ECS* (ECDSA)
  bool has_private = false;
  Bytes x, y, d;
  ~EccParts();
  EccParts() = default;
  EccParts(const EccParts&) = default;
  EccParts(EccParts&&) = default;
  EccParts& operator=(const EccParts&) = default;
  EccParts& operator=(EccParts&&) = default;
};
std::uint32_t ecc_magic(unsigned curve_bits, bool ecdh, bool has_private);  // 0: unknown curve
std::size_t ecc_field_bytes(unsigned curve_bits);                           // 32, 48, 66
// Throws std::invalid_argument for an unknown curve or a coordinate wider than the field.
Bytes encode_bcrypt_ecckey_blob(const EccParts& key);
// nullopt for an unknown magic, a cbKey other than the curve's, or a size other than exact.
std::optional<EccParts> decode_bcrypt_ecckey_blob(ByteView blob);

}  // namespace softcard::wire
