#pragma once
// The slice of X.509 (RFC 5280) DER a card writes itself: the certificates of PIV attestation
// (a TBSCertificate with a one-CN name, validity, SubjectPublicKeyInfo and extensions, then the
// signed Certificate), and the few fields it reads back from an issuer's certificate.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "softcard/wire/bytes.h"

namespace softcard::wire::x509 {

// DER INTEGER of a non-negative big-endian number (rsa_der.h's put_der_unsigned, as a value).
Bytes der_integer(ByteView unsigned_be);
// DER OBJECT IDENTIFIER from dotted decimal ("1.2.840.113549.1.1.11"); throws
// std::invalid_argument for a malformed string.
Bytes der_oid(std::string_view dotted);
// SEQUENCE of the concatenated `content`.
Bytes der_sequence(ByteView content);
// Name with one RDN: commonName (2.5.4.3) as UTF8String.
Bytes name_cn(std::string_view common_name);
// Validity from two "YYYYMMDDHHMMSSZ" strings: UTCTime for years 1950..2049, GeneralizedTime
// otherwise (RFC 5280 4.1.2.5). Throws std::invalid_argument for another shape.
Bytes validity(std::string_view not_before, std::string_view not_after);
// AlgorithmIdentifier of sha256WithRSAEncryption (with NULL parameters) and ecdsa-with-SHA256.
Bytes sha256_with_rsa();
Bytes ecdsa_with_sha256();

struct Extension {
  std::string oid;  // dotted
  bool critical = false;
  Bytes value;  // the extnValue OCTET STRING's contents
};

// Each field is a complete DER element except `serial` (the number's big-endian bytes).
struct TbsCertificate {
  Bytes serial;
  Bytes signature_algorithm;
  Bytes issuer;
  Bytes validity;
  Bytes subject;
  Bytes spki;
  std::vector<Extension> extensions;  // none: no [3] element
};
// Version 3 TBSCertificate.
Bytes encode_tbs(const TbsCertificate& tbs);
// Certificate ::= SEQUENCE { tbs, signatureAlgorithm, BIT STRING signature }.
Bytes encode_certificate(ByteView tbs, ByteView signature_algorithm, ByteView signature);

// Complete DER elements of a certificate's fields (copies). nullopt when the DER does not have
// the Certificate / TBSCertificate shape.
struct CertificateFields {
  Bytes issuer;
  Bytes validity;
  Bytes subject;
  Bytes spki;
};
std::optional<CertificateFields> parse_certificate(ByteView der);

}  // namespace softcard::wire::x509
