#pragma once
// A GIDS card in memory, driven through Card::transmit, plus host-side helpers (admin
// authentication, key file creation) written from the host tools' documented behaviour.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "applets/gids/gids_applet.h"
#include "applets/gids/gids_personalize.h"
#include "card_exchange.h"
#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"
#include "softcard/wire/gids.h"
#include "softcard/wire/tlv.h"

namespace softcard {
inline Bytes operator+(Bytes a, const Bytes& b) {
  append(a, b);
  return a;
}
}  // namespace softcard

namespace softcard::gids::test {

inline Bytes hex(std::string_view s) {
  return from_hex(s);
}

using softcard::test::Rx;

inline const Bytes& default_admin_key() {
  static const Bytes k = from_hex("0102030405060708090A0B0C0D0E0F101112131415161718");
  return k;
}

struct GidsCardTest : ::testing::Test {
  OpenSslRng rng;
  Rng* card_rng = nullptr;  // the card's Rng when set, else `rng`
  CryptoProvider host;      // the "host" side's own crypto
  MemoryStore* backend = nullptr;
  std::unique_ptr<Card> card;

  // Builds a fresh card with the card factory; `initialized` false = factory blank. The GIDS
  // applet carries `extension` (none by default: plain GIDS, without secure key injection).
  void make_card(bool initialized = true, bool with_puk = false,
                 AdminKeyAlgorithm alg = AdminKeyAlgorithm::tdes,
                 std::unique_ptr<GidsExtension> extension = nullptr) {
    std::string gids = R"({"state":"blank"})";
    if (initialized) {
      gids = R"({"user_pin":{"value":"123456"},)";
      if (with_puk) gids += R"("puk":{"value":"87654321"},)";
      gids += alg == AdminKeyAlgorithm::aes
                  ? R"("admin_key":{"algorithm":"aes","value":"000102030405060708090A0B0C0D0E0F"},)"
                  : R"("admin_key":{"value":")" + to_hex(default_admin_key()) + R"("},)";
      gids += R"("cardid":"00112233445566778899AABBCCDDEEFF"})";
    }
    const Profile profile = parse_profile(
        "gids-test", R"({"softcard_profile":1,"serial":"00112233445566778899AABBCCDDEEFF",)"
                     R"("applets":["gids"],"gids":)" +
                         gids + "}");
    AppletRegistry applets;
    auto ext = std::make_shared<std::unique_ptr<GidsExtension>>(std::move(extension));
    applets.add(gids_applet_name, [ext] { return make_gids_applet(std::move(*ext)); });
    auto store = std::make_unique<MemoryStore>();
    backend = store.get();
    CardOptions o;
    o.rng = card_rng ? card_rng : &rng;
    card = softcard::make_card(profile, std::move(store), std::move(o), {}, applets);
    card->power_on();
  }

  void SetUp() override { make_card(); }

  Rx tx(const Bytes& apdu) { return softcard::test::card_tx(*card, apdu); }
  Rx tx(std::string_view h) { return tx(from_hex(h)); }

  // Sends a case 3/4 command with any data length: CLA 10 chaining for long data, and
  // collects 61xx responses with GET RESPONSE, as OpenSC does.
  Rx send(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data, bool le = true) {
    return softcard::test::send_chained(*card, ins, p1, p2, data, le);
  }

  Rx select_gids() {
    return tx(
        "00A4040009A00000039742544659"
        "00");
  }

  Rx verify_pin(std::string_view pin = "123456") {
    Bytes apdu = {0x00, 0x20, 0x00, 0x80, static_cast<std::uint8_t>(pin.size())};
    append(apdu, view(pin));
    return tx(apdu);
  }

  Rx get_do(std::uint16_t ef, std::uint16_t tag) {
    return send(
        0xCB, static_cast<std::uint8_t>(ef >> 8), static_cast<std::uint8_t>(ef),
        Bytes{0x5C, 0x02, static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag)});
  }

  static Bytes tlv(unsigned tag, const Bytes& value) { return wire::tlv(tag, value); }

  Rx put_do(std::uint16_t ef, std::uint16_t tag, const Bytes& value) {
    return send(0xDB, static_cast<std::uint8_t>(ef >> 8), static_cast<std::uint8_t>(ef),
                tlv(tag, value), false);
  }

  // OpenSC's key-exchange key file FCP for key id `kid` and algorithm `algid`.
  static Bytes keyfile_fcp(std::uint8_t kid, std::uint8_t algid) {
    return wire::gids::encode_key_file_fcp({kid, algid, true, true});
  }

  void create_keyfile(std::uint8_t kid, std::uint8_t algid) {
    ASSERT_EQ(send(0xE0, 0, 0, keyfile_fcp(kid, algid), false).sw, 0x9000);
    ASSERT_EQ(tx("00440000").sw, 0x9000);
  }

  // GENERATE + returns the 7F49 template.
  Rx generate(std::uint8_t kid, std::uint8_t algid) {
    return send(0x47, 0, 0, Bytes{0xAC, 0x06, 0x80, 0x01, algid, 0x83, 0x01, kid});
  }

  // The value of tag `tag` inside the 7F49 public key template.
  static Bytes public_key_field(const Bytes& tmpl, unsigned tag) {
    const auto pk = wire::find_tlv(tmpl, 0x7F49);
    EXPECT_TRUE(pk);
    const auto v = pk ? wire::find_tlv(*pk, tag) : std::nullopt;
    EXPECT_TRUE(v) << std::hex << tag;
    return v ? Bytes(v->begin(), v->end()) : Bytes{};
  }

  PublicKey rsa_public_from(const Bytes& tmpl) {
    RsaPublic pub;
    pub.n = public_key_field(tmpl, 0x81);
    pub.e = public_key_field(tmpl, 0x82);
    return host.import_rsa_public(pub);
  }

  PublicKey ec_public_from(const Bytes& tmpl, Curve curve) {
    EcPublic pub;
    pub.curve = curve;
    pub.point = public_key_field(tmpl, 0x86);
    return host.import_ec_public(pub);
  }

  // gids-tool's admin mutual authentication (3DES-CBC, zero IV), from the host's side.
  std::uint16_t admin_mutual_auth(const Bytes& key, bool corrupt = false,
                                  BlockAlg alg = BlockAlg::tdes) {
    if (tx("0022C1A403830180").sw != 0x9000) return 0xFFFF;
    Bytes r1(16);
    host.random(r1);
    Rx r = tx(Bytes{0x00, 0x87, 0x00, 0x00, 0x14, 0x7C, 0x12, 0x81, 0x10} + r1 + Bytes{0x00});
    if (r.sw != 0x9000 || r.data.size() != 20) return r.sw;
    const Bytes r2(r.data.begin() + 4, r.data.end());
    const std::size_t block = block_size(alg);
    Bytes z1(block);
    host.random(z1);
    z1.back() = 0x80;
    Bytes plain = r2 + r1 + z1;
    if (corrupt) plain[0] ^= 1;
    const CipherSpec spec{alg, BlockMode::cbc, BlockPadding::none};
    const Bytes iv(block, 0);
    const Bytes ct = host.encrypt(spec, key, iv, plain);
    Bytes body = tlv(0x7C, tlv(0x82, ct));
    Bytes apdu = {0x00, 0x87, 0x00, 0x00, static_cast<std::uint8_t>(body.size())};
    append(apdu, body);
    apdu.push_back(0x00);
    r = tx(apdu);
    if (r.sw != 0x9000) return r.sw;
    // Check the card's answer E(R1 || R2 || Z2).
    const Bytes answer(r.data.begin() + 4, r.data.end());
    const SecretBytes dec = host.decrypt(spec, key, iv, answer);
    const Bytes d(dec.view().begin(), dec.view().end());
    EXPECT_EQ(Bytes(d.begin(), d.begin() + 16), r1);
    EXPECT_EQ(Bytes(d.begin() + 16, d.begin() + 32), r2);
    EXPECT_EQ(d.back(), 0x80);
    return r.sw;
  }
};

}  // namespace softcard::gids::test
