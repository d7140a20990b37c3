// Writes a PIV card: PIN, PUK, management key, Discovery, CHUID, CCC, and for the YubiKey
// personality the device record and the attestation key with its self-signed certificate.
#include <ctime>

#include "applets/piv/attestation.h"
#include "applets/piv/piv_applet.h"
#include "applets/piv/piv_personalize.h"
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
void check_secret(const std::string& v, const char* field) {
  if (v.size() < 6 || v.size() > 8)
    throw ProfileError(std::string("piv.") + field + ": must be 6 to 8 characters");
  for (unsigned char c : v)
    if (c == 0xFF) throw ProfileError(std::string("piv.") + field + ": must not contain FF");
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", &tm);
  return buf;
}

Bytes random_bytes(Rng& rng, std::size_t n) {
  Bytes b(n);
  rng.fill(b);
  return b;
}

void put_object(ObjectStore& store, std::uint32_t tag, const Bytes& value) {
  store.put(object_key(tag), value);
}

Bytes discovery() {
  // 4F PIV AID, 5F2F PIN usage policy 40 00: the PIV PIN only, no global PIN.
  Bytes b = wire::tlv(0x4F, piv_aid());
  append(b, wire::tlv(0x5F2F, Bytes{0x40, 0x00}));
  return b;
}

Bytes chuid(Rng& rng, const std::string& now) {
  // FASC-N of a non-federal issuer (agency 9999, system 9999, credential 999999), as
  // yubico-piv-tool writes it; GUID random; expiry ten years on; empty signature.
  Bytes b = wire::tlv(0x30, from_hex("D4E739DA739CED39CE739D836858210842108421C84210C3EB"));
  append(b, wire::tlv(0x34, random_bytes(rng, 16)));
  const int year = std::stoi(now.substr(0, 4)) + 10;
  const std::string expiry = std::to_string(year) + now.substr(4, 4);
  append(b, wire::tlv(0x35, view(expiry)));
  append(b, Bytes{0x3E, 0x00, 0xFE, 0x00});
  return b;
}

Bytes ccc(Rng& rng) {
  Bytes id = {0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02};
  append(id, random_bytes(rng, 14));
  Bytes b = wire::tlv(0xF0, id);
  append(b, from_hex("F10121F20121F300F40100F50110F600F700FA00FB00FC00FD00FE00"));
  return b;
}

void make_attestation(ObjectStore& store, Rng& rng, CryptoProvider& crypto,
                      const YubiKeyPersonalization& y, const std::string& now) {
  const std::uint8_t a = y.attestation_algorithm;
  if (!is_rsa(a) && !is_ec(a)) throw ProfileError("yubikey.attestation_algorithm: unsupported");
  const KeyPair key = is_rsa(a) ? crypto.generate_rsa(rsa_bits(a))
                                : crypto.generate_ec(a == alg::p384 ? Curve::p384 : Curve::p256);
  wire::x509::TbsCertificate tbs;
  tbs.serial = random_bytes(rng, 16);
  tbs.serial[0] &= 0x7F;
  tbs.issuer = tbs.subject = wire::x509::name_cn("softcard PIV Attestation");
  tbs.validity = wire::x509::validity(now, "99991231235959Z");
  tbs.spki = crypto.public_key_der(key);
  tbs.extensions = {
      {"2.5.29.19", true, from_hex("30030101FF")},  // basicConstraints CA
      {"2.5.29.15", true, from_hex("03020106")},    // keyUsage keyCertSign, cRLSign
  };
  const Bytes cert = sign_certificate(crypto, key, std::move(tbs));
  Bytes object = wire::tlv(0x70, cert);
  append(object, Bytes{0x71, 0x01, 0x00, 0xFE, 0x00});
  put_object(store, cert_object_of(attestation_slot), object);
  SlotKey rec;
  rec.algorithm = a;
  rec.pin_policy = PinPolicy::never;
  rec.touch_policy = TouchPolicy::never;
  rec.origin = Origin::generated;
  rec.pkcs8 = crypto.export_private(key);
  store.put_secret(slot_key(attestation_slot), encode_slot(rec));
}
}  // namespace

void personalize_piv(ObjectStore& store, Rng& rng, CryptoProvider& crypto,
                     const PivPersonalization& p) {
  for (const auto& key : store.keys("piv/")) store.erase(key);
  store.erase(device_key);
  check_secret(p.pin, "pin");
  check_secret(p.puk, "puk");
  if (p.pin_tries < 1 || p.pin_tries > 15) throw ProfileError("piv.pin_tries: must be 1 to 15");
  if (p.puk_tries < 1 || p.puk_tries > 15) throw ProfileError("piv.puk_tries: must be 1 to 15");
  const std::string now = p.now.empty() ? utc_now() : p.now;
  if (now.size() != 15 || now.back() != 'Z') throw ProfileError("piv.now: must be YYYYMMDDHHMMSSZ");

  if (p.yubikey) {
    const YubiKeyPersonalization& y = *p.yubikey;
    if (!(y.version[0] == 5 || (y.version[0] == 4 && y.version[1] >= 3)))
      throw ProfileError("yubikey.firmware: 4.3 or later, 5.x at most");
    Device d;
    d.version = y.version;
    d.serial = y.serial;
    while (d.serial == 0) {
      Bytes r = random_bytes(rng, 4);
      d.serial = 10000000 + wire::get_u32be(r, 0) % 90000000;
    }
    d.form_factor = y.form_factor;
    d.touch_times_out = y.touch_times_out;
    d.factory_mgmt_algorithm = p.management_algorithm == alg::aes192 ? alg::aes192 : alg::tdes;
    store.put(device_key, encode_device(d));
  }
  if (!mgmt_algorithm_supported(store, p.management_algorithm))
    throw ProfileError("piv.management_key_algorithm: not available on this card");
  MgmtKey mgmt;
  mgmt.algorithm = p.management_algorithm;
  mgmt.key = p.management_key.empty() ? SecretBytes(view(default_mgmt_key())) : p.management_key;
  if (mgmt.key.size() != sym_key_size(mgmt.algorithm))
    throw ProfileError("piv.management_key: wrong length for its algorithm");
  store.put_secret(mgmt_key, encode_mgmt(mgmt));
  install_pins(store, p.pin, p.pin_tries, p.puk, p.puk_tries);

  put_object(store, 0x7E, discovery());
  if (p.chuid) put_object(store, 0x5FC102, chuid(rng, now));
  if (p.ccc) put_object(store, 0x5FC107, ccc(rng));
  if (p.yubikey) make_attestation(store, rng, crypto, *p.yubikey, now);
}

}  // namespace softcard::piv
