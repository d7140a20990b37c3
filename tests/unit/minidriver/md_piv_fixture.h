#pragma once
// An in-process PIV card (YubiKey personality or a plain PIV card) behind a CARD_DATA, with the
// host steps yubico-piv-tool takes to put keys and certificates on it (management key
// authentication, GENERATE, PUT DATA), written from docs/piv.md.

#include "../../support/gzip.h"
#include "md_card_fixture.h"
#include "softcard/wire/x509.h"

namespace softcard::mdtest {

struct WithPivCard : ::testing::Test {
  OpenSslRng rng;
  CryptoProvider host;
  std::unique_ptr<Card> card;
  CARD_DATA cd{};
  Bytes atr;
  char16_t name[9] = u"softcard";

  // profile: "yubikey" (firmware 5.7, with F7 metadata), "piv" or "gids+piv".
  void make(const std::string& applets_and_sections) {
    CardOptions o;
    o.rng = &rng;
    card = make_card(
        parse_profile("md-piv", R"({"softcard_profile":1,"name":"md-piv","serial":"random",)" +
                                    applets_and_sections + "}"),
        std::make_unique<MemoryStore>(), std::move(o));
    card->power_on();
    atr = card->atr();
    prepare(cd);
    cd.pbAtr = atr.data(), cd.cbAtr = DWORD(atr.size()), cd.pwszCardName = name;
  }
  static std::string yubikey() {
    return R"("applets":["piv","yubikey-mgmt"],"piv":{},"yubikey":{"firmware":"5.7.0",)"
           R"("serial":1234,"attestation_key":"eccp256"})";
  }
  static std::string plain_piv() { return R"("applets":["piv"],"piv":{})"; }

  DWORD acquire() { return SoftcardAcquireContextWithTransport(&cd, 0, card_transmit, card.get()); }
  void TearDown() override {
    if (cd.pvVendorSpecific) cd.pfnCardDeleteContext(&cd);
  }

  // One APDU (short), the SW in the last two bytes; 61xx collected.
  Bytes tx(const Bytes& apdu, std::uint16_t* sw = nullptr) {
    Bytes r = card->transmit(apdu), all;
    for (;;) {
      all.insert(all.end(), r.begin(), r.end() - 2);
      if (r[r.size() - 2] != 0x61) break;
      r = card->transmit(Bytes{0x00, 0xC0, 0x00, 0x00, r.back()});
    }
    if (sw) *sw = std::uint16_t((r[r.size() - 2] << 8) | r.back());
    return all;
  }
  // Any length, with CLA 10 chaining.
  std::uint16_t send(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data,
                     Bytes* out = nullptr) {
    std::size_t at = 0;
    std::uint16_t sw = 0;
    do {
      const std::size_t n = std::min<std::size_t>(255, data.size() - at);
      const bool last = at + n == data.size();
      Bytes apdu = {std::uint8_t(last ? 0x00 : 0x10), ins, p1, p2, std::uint8_t(n)};
      apdu.insert(apdu.end(), data.begin() + std::ptrdiff_t(at),
                  data.begin() + std::ptrdiff_t(at + n));
      if (last) apdu.push_back(0x00);
      Bytes r = tx(apdu, &sw);
      if (last && out) *out = r;
      at += n;
    } while (at < data.size() && sw == 0x9000);
    return sw;
  }

  void select_and_authenticate() {
    std::uint16_t sw = 0;
    tx(from_hex("00A4040005A00000030800"), &sw);
    ASSERT_EQ(sw, 0x9000);
    const Bytes key = from_hex("010203040506070801020304050607080102030405060708");
    const CipherSpec spec{BlockAlg::tdes, BlockMode::ecb, BlockPadding::none};
    Bytes r;
    ASSERT_EQ(send(0x87, 0x03, 0x9B, from_hex("7C028000"), &r), 0x9000);
    const auto w = wire::find_tlv(*wire::find_tlv(r, 0x7C), 0x80);
    const SecretBytes witness = host.decrypt(spec, key, {}, *w);
    Bytes inner = wire::tlv(0x80, witness.view());
    append(inner, wire::tlv(0x81, Bytes(8, 0x42)));
    ASSERT_EQ(send(0x87, 0x03, 0x9B, wire::tlv(0x7C, inner)), 0x9000);
  }

  // GENERATE in `slot` (after select_and_authenticate); the public key.
  PublicKey generate(std::uint8_t slot, std::uint8_t alg) {
    Bytes r;
    EXPECT_EQ(send(0x47, 0x00, slot, wire::tlv(0xAC, Bytes{0x80, 0x01, alg}), &r), 0x9000);
    const ByteView t = *wire::find_tlv(r, 0x7F49);
    if (const auto p = wire::find_tlv(t, 0x86))
      return host.import_ec_public(
          {alg == 0x11 ? Curve::p256 : Curve::p384, Bytes(p->begin(), p->end())});
    const auto n = wire::find_tlv(t, 0x81), e = wire::find_tlv(t, 0x82);
    return host.import_rsa_public({Bytes(n->begin(), n->end()), Bytes(e->begin(), e->end())});
  }

  // A certificate carrying `pub` (the signature is not checked by anyone here).
  Bytes certificate_for(const PublicKey& pub) {
    wire::x509::TbsCertificate tbs;
    tbs.serial = {0x01};
    tbs.signature_algorithm = wire::x509::sha256_with_rsa();
    tbs.issuer = tbs.subject = wire::x509::name_cn("md-piv");
    tbs.validity = wire::x509::validity("20260101000000Z", "20360101000000Z");
    tbs.spki = host.public_key_der(pub);
    return wire::x509::encode_certificate(wire::x509::encode_tbs(tbs),
                                          wire::x509::sha256_with_rsa(), Bytes(32, 0x5A));
  }
  // PUT DATA of the certificate object of `object` (5FC105 ...): 53 { 70 cert, 71 info, FE }.
  void put_certificate(std::uint32_t object, const Bytes& cert, bool compressed = false) {
    Bytes v = wire::tlv(0x70, compressed ? test::gzip(cert) : cert);
    append(v, Bytes{0x71, 0x01, std::uint8_t(compressed ? 0x01 : 0x00), 0xFE, 0x00});
    Bytes data = {0x5C, 0x03, std::uint8_t(object >> 16), std::uint8_t(object >> 8),
                  std::uint8_t(object)};
    append(data, wire::tlv(0x53, v));
    ASSERT_EQ(send(0xDB, 0x3F, 0xFF, data), 0x9000);
  }

  DWORD login(const char* pin = "123456", DWORD* left = nullptr) {
    char16_t user[] = u"user";
    DWORD tries = 99;
    const DWORD rc = cd.pfnCardAuthenticatePin(&cd, user, (PBYTE)pin, DWORD(strlen(pin)), &tries);
    if (left) *left = tries;
    return rc;
  }

  Bytes read_file(const char* dir, const char* file, DWORD* rc = nullptr) {
    PBYTE data = nullptr;
    DWORD len = 0;
    const DWORD r = cd.pfnCardReadFile(&cd, (LPSTR)dir, (LPSTR)file, 0, &data, &len);
    if (rc) *rc = r;
    if (r) return {};
    Bytes out(data, data + len);
    cd.pfnCspFree(data);
    return out;
  }

  // The public key of container `idx` as CardGetContainerInfo gives it.
  std::optional<PublicKey> container_public(BYTE idx, bool* key_exchange = nullptr) {
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    if (cd.pfnCardGetContainerInfo(&cd, idx, 0, &ci)) return std::nullopt;
    const bool kx = ci.pbKeyExPublicKey != nullptr;
    if (key_exchange) *key_exchange = kx;
    const ByteView b{kx ? ci.pbKeyExPublicKey : ci.pbSigPublicKey,
                     kx ? ci.cbKeyExPublicKey : ci.cbSigPublicKey};
    std::optional<PublicKey> pk;
    if (auto ec = wire::decode_bcrypt_ecckey_blob(b)) {
      Bytes point = {0x04};
      append(point, ec->x);
      append(point, ec->y);
      pk = host.import_ec_public({ec->curve_bits == 256 ? Curve::p256 : Curve::p384, point});
    } else if (auto rsa = wire::decode_publickeyblob(b)) {
      pk = host.import_rsa_public({rsa->n, rsa->e});
    }
    cd.pfnCspFree(kx ? ci.pbKeyExPublicKey : ci.pbSigPublicKey);
    return pk;
  }
};

}  // namespace softcard::mdtest
