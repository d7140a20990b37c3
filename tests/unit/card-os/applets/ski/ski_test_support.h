#pragma once
// Fixtures of the SKI extension tests: a GIDS+SKI card driven through Card::transmit, and
// container keys made with plain GIDS APDUs.
#include <gtest/gtest.h>
#include "applets/ski/ski_extension.h"
#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"
#include "softcard/ski_codec.h"
#include "softcard/wire/ski.h"

namespace softcard::ski_test {

struct SkiCard : ::testing::Test {
  OpenSslRng rng;
  CryptoProvider crypto;
  MemoryStore* backend = nullptr;
  std::unique_ptr<Card> card;
  const Bytes shared = Bytes(32, 0xA5);

  void SetUp() override {
    // The card factory's GIDS card carries the SKI extension.
    auto store = std::make_unique<MemoryStore>();
    backend = store.get();
    CardOptions o;
    o.rng = &rng;
    card = make_card(
        parse_profile("ski-test",
                      R"({"softcard_profile":1,"applets":["gids"],"gids":{"user_pin":{"value":)"
                      R"("123456"},"admin_key":{"value":)"
                      R"("0102030405060708090A0B0C0D0E0F101112131415161718"}},)"
                      R"("ski":{"shared_keys":[{"number":7,"key":")" +
                          to_hex(shared) + R"("}]}})"),
        std::move(store), std::move(o));
    card->power_on();
    ASSERT_EQ(sw(tx("00A4040009A00000039742544659"
                    "00")),
              0x9000);
  }
  Bytes tx(const std::string& hex) { return card->transmit(from_hex(hex)); }
  Bytes tx(const Bytes& apdu) { return card->transmit(apdu); }
  static std::uint16_t sw(const Bytes& r) { return std::uint16_t(r[r.size() - 2] << 8 | r.back()); }
  static Bytes data(const Bytes& r) { return Bytes(r.begin(), r.end() - 2); }

  // GET SHARED KEY HANDLE with a fresh NS; returns the key reference and the derived session key.
  std::pair<std::uint8_t, ski::SessionKey> shared_session(ski::Alg alg = ski::Alg::aes128) {
    Bytes ns(16);
    rng.fill(ns);
    Bytes hello = {'S', 'H', 1, 7, std::uint8_t(alg)};
    append(hello, ns);
    Bytes apdu = {0x80, 0x54, 0, 0, 23, 0x87, 21};
    append(apdu, hello);
    apdu.push_back(0);
    Bytes r = tx(apdu);
    EXPECT_EQ(sw(r), 0x9000);
    Bytes d = data(r);
    EXPECT_EQ(d.size(), 3u + 2 + 45);
    const std::uint8_t ref = d[2];
    ByteView ch = ByteView(d).subspan(5);
    SecretBytes sk = ski::derive_shared(crypto, shared, 7, alg, ns, ch.subspan(21, 16));
    ski::SessionKey k = ski::make_session_key(crypto, alg, sk.view());
    EXPECT_EQ(Bytes(ch.begin() + 37, ch.end()), k.id);
    return {ref, std::move(k)};
  }

  Bytes process_apdu(std::uint8_t f, std::uint8_t ref, const Bytes& blob) {
    Bytes body = {0x84, 0x01, ref, 0x87};
    if (blob.size() >= 0x80) body.push_back(0x81);
    body.push_back(std::uint8_t(blob.size()));
    append(body, blob);
    Bytes apdu = {0x80, 0x62, f, 0x00, std::uint8_t(body.size())};
    append(apdu, body);
    apdu.push_back(0);
    return apdu;
  }

  static Bytes auth_struct(std::string_view pin) {
    return wire::ski::encode_authenticate({0, 1, view(pin)});
  }
};

// Key file FCP for key `kid`: signature CRTs (B6) always, decipher/key-agreement CRTs (B8) only
// for a key-exchange key; `use` is the compact condition of MSE/key use (AM bit 04).
inline Bytes key_file_fcp(std::uint8_t kid, std::uint8_t algid, bool key_exchange,
                          std::uint8_t use = 0x10) {
  Bytes crts;
  auto crt = [&](std::uint8_t tag, std::uint8_t mech) {
    append(crts, Bytes{tag, 0x09, 0x80, 0x01, mech, 0x83, 0x01, kid, 0x95, 0x01, 0x40});
  };
  if (key_exchange) {
    crt(0xB8, algid);
    crt(0xB8, std::uint8_t(0x80 | algid));
    crt(0xB8, std::uint8_t(0x40 | algid));
  }
  crt(0xB6, std::uint8_t(0x10 | algid));
  crt(0xB6, std::uint8_t(0x50 | algid));
  Bytes inner = {0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, kid, 0x8C, 0x05, 0x8F, 0x10, use, 0x10, 0x00};
  inner.push_back(0xA5);
  inner.push_back(std::uint8_t(crts.size()));
  append(inner, crts);
  Bytes fcp = {0x62, std::uint8_t(inner.size())};
  append(fcp, inner);
  return fcp;
}

// Key file FCP of an SKI establishment key `kid` made by a host (docs/ski.md §13): one A6 CRT,
// generation allowed so the test can make the key on the card.
inline Bytes establishment_fcp(std::uint8_t kid, std::uint8_t algid, std::uint8_t use = 0x10) {
  const Bytes crt = {0xA6, 0x09, 0x80, 0x01, algid, 0x83, 0x01, kid, 0x95, 0x01, 0x80};
  Bytes inner = {0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, kid, 0x8C, 0x05, 0x8F, 0x10, use, 0x10, 0x00};
  inner.push_back(0xA5);
  inner.push_back(std::uint8_t(crt.size()));
  append(inner, crt);
  Bytes fcp = {0x62, std::uint8_t(inner.size())};
  append(fcp, inner);
  return fcp;
}

// The value of `tag` inside a 7F49 public key template.
inline Bytes template_field(const Bytes& t, std::uint8_t tag) {
  std::size_t i = 2;
  auto length = [&]() {
    std::size_t n = t.at(i++);
    if (n == 0x81) {
      n = t.at(i++);
    } else if (n == 0x82) {
      n = std::size_t(t.at(i)) << 8 | t.at(i + 1);
      i += 2;
    }
    return n;
  };
  length();
  while (i < t.size()) {
    const std::uint8_t got = t[i++];
    const std::size_t n = length();
    if (got == tag) return Bytes(t.begin() + std::ptrdiff_t(i), t.begin() + std::ptrdiff_t(i + n));
    i += n;
  }
  return {};
}

struct SkiKeyUse : SkiCard {
  // Creates, activates and generates key `kid` (container kid - 0x81); returns the 7F49 template.
  Bytes make_key(std::uint8_t kid, std::uint8_t algid, bool key_exchange, std::uint8_t use = 0x10) {
    return make_key_file(kid, algid, key_file_fcp(kid, algid, key_exchange, use));
  }
  // The same for an establishment key (A6 CRT).
  Bytes make_establishment_key(std::uint8_t kid, std::uint8_t algid, std::uint8_t use = 0x10) {
    return make_key_file(kid, algid, establishment_fcp(kid, algid, use));
  }
  Bytes make_key_file(std::uint8_t kid, std::uint8_t algid, const Bytes& fcp) {
    Bytes create = {0x00, 0xE0, 0x00, 0x00, std::uint8_t(fcp.size())};
    append(create, fcp);
    EXPECT_EQ(sw(tx(create)), 0x9000);
    EXPECT_EQ(sw(tx("00440000")), 0x9000);
    const Bytes r = tx(
        Bytes{0x00, 0x47, 0x00, 0x00, 0x08, 0xAC, 0x06, 0x80, 0x01, algid, 0x83, 0x01, kid, 0x00});
    EXPECT_EQ(sw(r), 0x9000);
    return data(r);
  }
  std::uint16_t mse_decipher(std::uint8_t mechanism, std::uint8_t kid) {
    return sw(tx(Bytes{0x00, 0x22, 0x41, 0xB8, 0x06, 0x80, 0x01, mechanism, 0x84, 0x01, kid}));
  }
  std::uint16_t mse_sign(std::uint8_t mechanism, std::uint8_t kid) {
    return sw(tx(Bytes{0x00, 0x22, 0x41, 0xB6, 0x06, 0x80, 0x01, mechanism, 0x84, 0x01, kid}));
  }
  Bytes import_apdu(std::uint8_t container, std::uint8_t padding, const Bytes& ct) {
    Bytes body = {0x80, 0x01, 0x01, 0x81, 0x01, padding, 0x87, 0x81, std::uint8_t(ct.size())};
    append(body, ct);
    Bytes apdu = {0x80, 0x52, container, 0x00, std::uint8_t(body.size())};
    append(apdu, body);
    apdu.push_back(0);
    return apdu;
  }
  Bytes dh_apdu(std::uint8_t container) {
    const KeyPair peer = crypto.generate_ec(Curve::p256);
    const Bytes point = crypto.ec_public(peer).point;
    Bytes apdu = {0x80,
                  0x56,
                  container,
                  0x00,
                  std::uint8_t(2 + point.size()),
                  0x86,
                  std::uint8_t(point.size())};
    append(apdu, point);
    apdu.push_back(0);
    return apdu;
  }
};

}  // namespace softcard::ski_test
