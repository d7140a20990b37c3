#pragma once
// PIV cards that already hold keys (and certificates), so the fuzz targets reach key use,
// metadata, attestation and the host library's certificate handling without the fuzzer having to
// answer the management key's random witness. The setup talks to the card as yubico-piv-tool
// does: management-key authentication, GENERATE, PUT DATA.

#include <stdexcept>
#include <vector>

#include "../support/gzip.h"
#include "fuzz_card.h"
#include "softcard/crypto.h"
#include "softcard/wire/piv.h"
#include "softcard/wire/tlv.h"
#include "softcard/wire/x509.h"

namespace softcard::fuzz {

class PivSetup {
 public:
  PivSetup(const StoredObjects& objects, const AppletRegistry& registry, ByteView mgmt_key)
      : rng_(personalization_seed) {  // not the card's run-time stream
    card_ = card_from(objects, rng_, registry, &backend_);
    must(from_hex("00A4040005A000000308"));
    const Bytes w = must(from_hex("0087039B047C02800000"));
    const auto dyn = wire::find_tlv(w, 0x7C);
    const auto enc = dyn ? wire::find_tlv(*dyn, 0x80) : std::nullopt;
    if (!enc) oracle_failed("PIV setup: no witness");
    const SecretBytes witness =
        host_.decrypt({BlockAlg::tdes, BlockMode::ecb, BlockPadding::none}, mgmt_key, {}, *enc);
    Bytes inner = wire::tlv(0x80, witness.view());
    append(inner, wire::tlv(0x81, Bytes(8, 0x11)));
    Bytes apdu = {0x00, 0x87, 0x03, 0x9B, static_cast<std::uint8_t>(inner.size() + 2)};
    append(apdu, wire::tlv(0x7C, inner));
    must(apdu);
  }

  // GENERATE in `slot` with PIV algorithm `alg` (defaults for the PIN and touch policies); the
  // public key as SubjectPublicKeyInfo DER.
  Bytes generate(std::uint8_t slot, std::uint8_t alg) {
    const Bytes t = must(Bytes{0x00, 0x47, 0x00, slot, 0x05, 0xAC, 0x03, 0x80, 0x01, alg});
    const auto tmpl = wire::find_tlv(t, 0x7F49);
    if (!tmpl) oracle_failed("PIV setup: no public key template");
    if (const auto p = wire::find_tlv(*tmpl, 0x86))
      return host_.public_key_der(host_.import_ec_public(
          {alg == 0x14 ? Curve::p384 : Curve::p256, Bytes(p->begin(), p->end())}));
    const auto n = wire::find_tlv(*tmpl, 0x81), e = wire::find_tlv(*tmpl, 0x82);
    if (!n || !e) oracle_failed("PIV setup: no RSA public key");
    return host_.public_key_der(
        host_.import_rsa_public({Bytes(n->begin(), n->end()), Bytes(e->begin(), e->end())}));
  }

  // PUT DATA of a certificate carrying `spki` into certificate object `object` (5FC105 ...),
  // gzip-compressed (CertInfo 01) when asked. The signature is filler: nobody checks it here.
  void put_certificate(std::uint32_t object, const Bytes& spki, bool compressed) {
    wire::x509::TbsCertificate tbs;
    tbs.serial = {0x01};
    tbs.signature_algorithm = wire::x509::sha256_with_rsa();
    tbs.issuer = tbs.subject = wire::x509::name_cn("fuzz-piv");
    tbs.validity = wire::x509::validity("20260101000000Z", "20360101000000Z");
    tbs.spki = spki;
    const Bytes cert = wire::x509::encode_certificate(
        wire::x509::encode_tbs(tbs), wire::x509::sha256_with_rsa(), Bytes(32, 0x5A));
    Bytes v = wire::tlv(0x70, compressed ? test::gzip(cert) : cert);
    append(v, Bytes{0x71, 0x01, std::uint8_t(compressed ? 0x01 : 0x00), 0xFE, 0x00});
    Bytes data = {0x5C, 0x03, std::uint8_t(object >> 16), std::uint8_t(object >> 8),
                  std::uint8_t(object)};
    append(data, wire::tlv(0x53, v));
    for (std::size_t at = 0; at < data.size();) {  // CLA 10 chaining in 255-byte blocks
      const std::size_t n = std::min<std::size_t>(255, data.size() - at);
      const bool last = at + n == data.size();
      Bytes apdu = {std::uint8_t(last ? 0x00 : 0x10), 0xDB, 0x3F, 0xFF, std::uint8_t(n)};
      apdu.insert(apdu.end(), data.begin() + std::ptrdiff_t(at),
                  data.begin() + std::ptrdiff_t(at + n));
      must(apdu);
      at += n;
    }
  }

  StoredObjects objects() const { return {backend_->objects(), backend_->secret_keys()}; }

 private:
  Bytes must(const Bytes& apdu) {
    const Bytes r = card_->transmit(apdu);
    if (r.size() < 2 || r[r.size() - 2] != 0x90) oracle_failed("PIV setup failed: " + to_hex(apdu));
    return Bytes(r.begin(), r.end() - 2);
  }

  DeterministicRng rng_;
  CryptoProvider host_;
  const MemoryStore* backend_ = nullptr;
  std::unique_ptr<Card> card_;
};

// The APDU target's PIV card: keys in 9A (P-256), 9C (RSA-1024), 9D (P-384), 9E (P-256).
inline StoredObjects with_piv_keys(const StoredObjects& objects, const AppletRegistry& registry,
                                   ByteView mgmt_key) {
  PivSetup setup(objects, registry, mgmt_key);
  setup.generate(0x9A, 0x11);
  setup.generate(0x9C, 0x06);
  setup.generate(0x9D, 0x14);
  setup.generate(0x9E, 0x11);
  return setup.objects();
}

// The host library's PIV card (docs/minidriver.md "PIV cards": containers 0..3 are 9A 9C 9D 9E):
// 9A RSA-1024 (a key-exchange container: signs and deciphers) with a certificate, 9C P-256
// (ECDSA, PIN policy "always"), 9D P-256 (ECDH), 9E P-384 (ECDSA) with a gzip-compressed
// certificate.
inline StoredObjects with_md_piv_keys(const StoredObjects& objects, const AppletRegistry& registry,
                                      ByteView mgmt_key) {
  PivSetup setup(objects, registry, mgmt_key);
  const Bytes rsa = setup.generate(0x9A, 0x06);
  setup.put_certificate(wire::piv_cert_object(0x9A), rsa, false);
  setup.generate(0x9C, 0x11);
  setup.generate(0x9D, 0x11);
  const Bytes p384 = setup.generate(0x9E, 0x14);
  setup.put_certificate(wire::piv_cert_object(0x9E), p384, true);
  return setup.objects();
}

}  // namespace softcard::fuzz
