#pragma once
// Signing a certificate with a card key (attestation, and the attestation CA made at
// personalization).
#include "softcard/crypto.h"
#include "softcard/wire/x509.h"

namespace softcard::piv {

// Fills tbs.signature_algorithm (sha256WithRSAEncryption or ecdsa-with-SHA256, by the issuer
// key), signs the TBSCertificate and returns the Certificate DER.
Bytes sign_certificate(CryptoProvider& crypto, const KeyPair& issuer_key,
                       wire::x509::TbsCertificate tbs);

}  // namespace softcard::piv
