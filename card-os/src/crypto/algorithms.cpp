// Backend-independent algorithm tables.
#include "softcard/crypto.h"

namespace softcard {

namespace {
[[noreturn]] void unknown(const char* what) {
  throw CryptoError(CryptoErrc::invalid_argument, std::string("unknown ") + what);
}
}  // namespace

std::size_t digest_size(HashAlg md) {
  switch (md) {
    case HashAlg::sha1:
      return 20;
    case HashAlg::sha256:
      return 32;
    case HashAlg::sha384:
      return 48;
    case HashAlg::sha512:
      return 64;
  }
  unknown("hash algorithm");
}

const char* hash_name(HashAlg md) {
  switch (md) {
    case HashAlg::sha1:
      return "SHA-1";
    case HashAlg::sha256:
      return "SHA-256";
    case HashAlg::sha384:
      return "SHA-384";
    case HashAlg::sha512:
      return "SHA-512";
  }
  unknown("hash algorithm");
}

std::size_t curve_field_size(Curve curve) {
  return (curve_bits(curve) + 7) / 8;
}

unsigned curve_bits(Curve curve) {
  switch (curve) {
    case Curve::p256:
      return 256;
    case Curve::p384:
      return 384;
    case Curve::p521:
      return 521;
  }
  unknown("curve");
}

const char* curve_name(Curve curve) {
  switch (curve) {
    case Curve::p256:
      return "P-256";
    case Curve::p384:
      return "P-384";
    case Curve::p521:
      return "P-521";
  }
  unknown("curve");
}

Bytes curve_oid(Curve curve) {
  switch (curve) {
    case Curve::p256:
      return {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};  // 1.2.840.10045.3.1.7
    case Curve::p384:
      return {0x2B, 0x81, 0x04, 0x00, 0x22};  // 1.3.132.0.34
    case Curve::p521:
      return {0x2B, 0x81, 0x04, 0x00, 0x23};  // 1.3.132.0.35
  }
  unknown("curve");
}

Bytes digest_info_prefix(HashAlg md) {
  // DigestInfo ::= SEQUENCE { AlgorithmIdentifier { OID, NULL }, OCTET STRING hash }
  // (RFC 8017 section 9.2, note 1).
  switch (md) {
    case HashAlg::sha1:
      return {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E,
              0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14};
    case HashAlg::sha256:
      return {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    case HashAlg::sha384:
      return {0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
    case HashAlg::sha512:
      return {0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};
  }
  unknown("hash algorithm");
}

Bytes digest_info(HashAlg md, ByteView hash) {
  if (hash.size() != digest_size(md))
    throw CryptoError(CryptoErrc::invalid_argument,
                      std::string("hash length does not match ") + hash_name(md));
  Bytes out = digest_info_prefix(md);
  append(out, hash);
  return out;
}

std::size_t block_size(BlockAlg alg) {
  switch (alg) {
    case BlockAlg::tdes:
      return 8;
    case BlockAlg::aes:
      return 16;
  }
  unknown("block cipher");
}

}  // namespace softcard
