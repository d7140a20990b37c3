// Yubico's ATTEST (F9): an X.509 certificate for a key the card generated, issued by the
// attestation key in slot F9 under the certificate in object 5FFF01, with Yubico's extensions
// (firmware version, serial, PIN and touch policy, form factor).
#include <cstdio>

#include "applets/piv/attestation.h"
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"
#include "softcard/wire/x509.h"

namespace softcard::piv {

namespace {
constexpr const char* oid_firmware = "1.3.6.1.4.1.41482.3.3";
constexpr const char* oid_serial = "1.3.6.1.4.1.41482.3.7";
constexpr const char* oid_policy = "1.3.6.1.4.1.41482.3.8";
constexpr const char* oid_form_factor = "1.3.6.1.4.1.41482.3.9";
}  // namespace

Bytes sign_certificate(CryptoProvider& crypto, const KeyPair& issuer_key,
                       wire::x509::TbsCertificate tbs) {
  const bool rsa = issuer_key.key_type() == KeyType::rsa;
  tbs.signature_algorithm = rsa ? wire::x509::sha256_with_rsa() : wire::x509::ecdsa_with_sha256();
  const Bytes der = wire::x509::encode_tbs(tbs);
  const Bytes hash = crypto.digest(HashAlg::sha256, der);
  const Bytes signature =
      rsa ? crypto.rsa_sign_pkcs1_v15(issuer_key, digest_info(HashAlg::sha256, hash))
          : crypto.ecdsa_sign_der(issuer_key, hash);
  return wire::x509::encode_certificate(der, tbs.signature_algorithm, signature);
}

Response attest(PivSession& s, const Command& cmd, CardContext& ctx) {
  const Device d = require_device(ctx.store());
  const std::uint8_t slot = cmd.p1;
  if (cmd.p2 != 0x00 || !is_key_slot(slot)) return Sw::incorrect_p1p2;
  const auto rec = load_slot(ctx.store(), slot);
  // Only a key born on the card can be vouched for.
  if (!rec || rec->origin != Origin::generated) return Sw::wrong_data;
  const auto issuer_rec = load_slot(ctx.store(), attestation_slot);
  const Bytes* issuer_cert = ctx.store().get(object_key(cert_object_of(attestation_slot)));
  if (!issuer_rec || !issuer_cert) return Sw::reference_not_found;
  // 5FFF01 holds 70 { certificate } [71 ..] [FE ..] like the other certificate objects.
  const auto cert_der = wire::find_tlv(*issuer_cert, 0x70);
  const auto issuer = cert_der ? wire::x509::parse_certificate(*cert_der) : std::nullopt;
  if (!issuer) return Sw::reference_not_found;

  CryptoProvider& crypto = ctx.crypto();
  const KeyPair& key = slot_private_key(s, ctx, slot, *rec);
  wire::x509::TbsCertificate tbs;
  tbs.serial.resize(16);
  ctx.rng().fill(tbs.serial);
  tbs.serial[0] &= 0x7F;
  tbs.issuer = issuer->subject;
  tbs.validity = issuer->validity;
  char cn[40];
  std::snprintf(cn, sizeof cn, "YubiKey PIV Attestation %02x", slot);
  tbs.subject = wire::x509::name_cn(cn);
  tbs.spki = crypto.public_key_der(key);
  Bytes serial;
  wire::put_u32be(serial, d.serial);
  tbs.extensions = {
      {oid_firmware, false, Bytes(d.version.begin(), d.version.end())},
      {oid_serial, false, wire::x509::der_integer(serial)},
      {oid_policy, false,
       Bytes{static_cast<std::uint8_t>(rec->pin_policy),
             static_cast<std::uint8_t>(rec->touch_policy)}},
      {oid_form_factor, false, Bytes{d.form_factor}},
  };
  const KeyPair& issuer_key = slot_private_key(s, ctx, attestation_slot, *issuer_rec);
  return sign_certificate(crypto, issuer_key, std::move(tbs));
}

}  // namespace softcard::piv
