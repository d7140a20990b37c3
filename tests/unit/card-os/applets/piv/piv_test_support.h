#pragma once
// A PIV card (plain or with the YubiKey personality) in memory, driven through Card::transmit,
// plus host-side helpers written from what yubico-piv-tool, ykman and OpenSC send.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "applets/piv/piv_applet.h"
#include "applets/piv/piv_personalize.h"
#include "card_exchange.h"
#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"
#include "softcard/wire/tlv.h"

namespace softcard::piv::test {

inline Bytes hex(std::string_view s) {
  return from_hex(s);
}
inline Bytes cat(Bytes a, const Bytes& b) {
  append(a, b);
  return a;
}

using softcard::test::Rx;

inline const Bytes& default_mgmt() {
  static const Bytes k = from_hex("010203040506070801020304050607080102030405060708");
  return k;
}

// 8-byte PIN block as hosts send it.
inline Bytes pin_block(std::string_view pin) {
  Bytes b(pin.begin(), pin.end());
  b.resize(8, 0xFF);
  return b;
}

struct PivCardTest : ::testing::Test {
  OpenSslRng rng;
  CryptoProvider host;
  MemoryStore* backend = nullptr;
  std::unique_ptr<Card> card;

  static PivPersonalization yubikey(std::array<std::uint8_t, 3> version = {5, 7, 0}) {
    PivPersonalization p;
    YubiKeyPersonalization y;
    y.version = version;
    y.serial = 12345678;
    y.attestation_algorithm = 0x11;  // P-256: quick to make
    p.yubikey = y;
    p.now = "20261201120000Z";
    return p;
  }

  // The card a profile makes (the one card factory): the fields of `p` the tests vary are
  // written as the profile's piv and yubikey sections.
  void make_card(const PivPersonalization& p) {
    std::string text = R"({"softcard_profile":1,"name":"piv-test","serial":"random",)";
    if (p.yubikey) {
      const YubiKeyPersonalization& y = *p.yubikey;
      text += R"("applets":["piv","yubikey-mgmt"],"piv":{},"yubikey":{"firmware":")" +
              std::to_string(y.version[0]) + "." + std::to_string(y.version[1]) + "." +
              std::to_string(y.version[2]) + R"(","serial":)" + std::to_string(y.serial) +
              R"(,"attestation_key":"eccp256","touch":")" +
              (y.touch_times_out ? "timeout" : "granted") + R"("}})";
    } else {
      text += R"("applets":["piv"],"piv":{}})";
    }
    auto store = std::make_unique<MemoryStore>();
    backend = store.get();
    CardOptions o;
    o.rng = &rng;
    card = softcard::make_card(parse_profile("piv-test", text), std::move(store), std::move(o));
    card->power_on();
  }

  void SetUp() override { make_card(yubikey()); }

  Rx tx(const Bytes& apdu) { return softcard::test::card_tx(*card, apdu); }
  Rx tx(std::string_view h) { return tx(from_hex(h)); }

  // Any data length: CLA 10 chaining, 61xx collected with GET RESPONSE.
  Rx send(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data, bool le = true) {
    return softcard::test::send_chained(*card, ins, p1, p2, data, le);
  }

  Rx select_piv() { return tx("00A4040005A00000030800"); }

  Rx verify_pin(std::string_view pin = "123456") {
    return send(0x20, 0x00, 0x80, pin_block(pin), false);
  }

  Rx get_object(std::uint32_t tag) {
    Bytes id;
    if (tag > 0xFFFF) id.push_back(static_cast<std::uint8_t>(tag >> 16));
    if (tag > 0xFF) id.push_back(static_cast<std::uint8_t>(tag >> 8));
    id.push_back(static_cast<std::uint8_t>(tag));
    return send(0xCB, 0x3F, 0xFF, wire::tlv(0x5C, id));
  }
  Rx put_object(std::uint32_t tag, const Bytes& value) {
    Bytes id = {static_cast<std::uint8_t>(tag >> 16), static_cast<std::uint8_t>(tag >> 8),
                static_cast<std::uint8_t>(tag)};
    return send(0xDB, 0x3F, 0xFF, cat(wire::tlv(0x5C, id), wire::tlv(0x53, value)), false);
  }

  // yubico-piv-tool / ykman mutual authentication with the 9B key; returns the last SW.
  std::uint16_t authenticate(const Bytes& key = default_mgmt(), std::uint8_t alg = 0x03) {
    const CipherSpec spec{alg == 0x03 ? BlockAlg::tdes : BlockAlg::aes, BlockMode::ecb,
                          BlockPadding::none};
    Rx r = send(0x87, alg, 0x9B, hex("7C028000"));
    if (r.sw != 0x9000) return r.sw;
    const auto witness_enc = wire::find_tlv(*wire::find_tlv(r.data, 0x7C), 0x80);
    EXPECT_TRUE(witness_enc);
    const SecretBytes witness = host.decrypt(spec, key, {}, *witness_enc);
    Bytes challenge(block_size(spec.alg));
    host.random(challenge);
    Bytes inner = wire::tlv(0x80, witness.view());
    append(inner, wire::tlv(0x81, challenge));
    r = send(0x87, alg, 0x9B, wire::tlv(0x7C, inner));
    if (r.sw != 0x9000) return r.sw;
    const auto answer = wire::find_tlv(*wire::find_tlv(r.data, 0x7C), 0x82);
    EXPECT_TRUE(answer);
    EXPECT_EQ(Bytes(answer->begin(), answer->end()), host.encrypt(spec, key, {}, challenge));
    return r.sw;
  }

  // GENERATE in `slot`; returns the 7F49 template.
  Rx generate(std::uint8_t slot, std::uint8_t alg, std::optional<std::uint8_t> pin = {},
              std::optional<std::uint8_t> touch = {}) {
    Bytes inner = {0x80, 0x01, alg};
    if (pin) append(inner, Bytes{0xAA, 0x01, *pin});
    if (touch) append(inner, Bytes{0xAB, 0x01, *touch});
    return send(0x47, 0x00, slot, wire::tlv(0xAC, inner));
  }

  static Bytes field(const Bytes& tmpl, std::uint32_t outer, std::uint32_t tag) {
    const auto o = wire::find_tlv(tmpl, outer);
    EXPECT_TRUE(o);
    const auto v = o ? wire::find_tlv(*o, tag) : std::nullopt;
    EXPECT_TRUE(v);
    return v ? Bytes(v->begin(), v->end()) : Bytes{};
  }
  PublicKey rsa_public_from(const Bytes& tmpl) {
    return host.import_rsa_public({field(tmpl, 0x7F49, 0x81), field(tmpl, 0x7F49, 0x82)});
  }
  PublicKey ec_public_from(const Bytes& tmpl, Curve curve) {
    return host.import_ec_public({curve, field(tmpl, 0x7F49, 0x86)});
  }

  // GENERAL AUTHENTICATE 7C { 82 00, 81|85 input } with key `slot`.
  Rx use_key(std::uint8_t alg, std::uint8_t slot, const Bytes& input, bool ecdh = false) {
    Bytes inner = {0x82, 0x00};
    append(inner, wire::tlv(ecdh ? 0x85 : 0x81, input));
    return send(0x87, alg, slot, wire::tlv(0x7C, inner));
  }
  static Bytes result_of(const Rx& r) { return field(r.data, 0x7C, 0x82); }
};

}  // namespace softcard::piv::test
