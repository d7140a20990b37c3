#pragma once
// RSA private keys in DER: PKCS#1 RSAPrivateKey (RFC 8017 A.1.2; what GIDS key import carries
// in tag 87) and PKCS#8 PrivateKeyInfo wrapping one (RFC 5208; what OpenSSL exports). Only the
// two-prime form (version 0) is supported.
#include <optional>

#include "softcard/wire/bytes.h"
#include "softcard/wire/key_blobs.h"

namespace softcard::wire {

// INTEGER for a non-negative big-endian number (leading zeros removed, a 00 added when the top
// bit is set).
void put_der_unsigned(Bytes& out, ByteView be);

// SEQUENCE { 0, n, e, d, p, q, dp, dq, qinv }. The result holds the private key: wipe() it.
Bytes encode_rsa_private_key(const RsaParts& key);
// nullopt unless the DER is a version-0 RSAPrivateKey. Numbers come back minimal big-endian;
// `bits` is the modulus size.
std::optional<RsaParts> decode_rsa_private_key(ByteView der);
// PrivateKeyInfo { 0, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } }. The algorithm is
// not checked here: the inner structure must parse as RSAPrivateKey.
std::optional<RsaParts> decode_pkcs8_rsa(ByteView der);

}  // namespace softcard::wire
