// Every single-bit flip, every truncation and a set of extensions of a valid SKI blob, for every
// algorithm and mode: none is accepted, none changes the card (store and session state), and the
// untouched blob is still accepted afterwards (docs/ski.md: MAC before anything else).
#include <gtest/gtest.h>

#include "applets/gids/gids_applet.h"
#include "applets/gids/gids_personalize.h"
#include "applets/ski/ski_extension.h"
#include "ski_test_support.h"
#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/ski_codec.h"

using namespace softcard;

namespace {

struct Combo {
  ski::Alg alg;
  ski::Mode mode;
};

struct SkiTamper : ::testing::TestWithParam<Combo> {
  OpenSslRng rng;
  CryptoProvider crypto;
  MemoryStore* backend = nullptr;
  std::unique_ptr<Card> card;
  const Bytes shared = Bytes(32, 0x3C);

  void SetUp() override {
    auto store = std::make_unique<MemoryStore>();
    backend = store.get();
    CardOptions o;
    o.rng = &rng;
    card = std::make_unique<Card>(std::move(store), std::move(o));
    card->install(make_gids_applet(ski::make_ski_extension()));
    gids::GidsPersonalization p;
    p.user_pin = "123456";
    p.admin_key = SecretBytes(view(from_hex("0102030405060708090A0B0C0D0E0F101112131415161718")));
    gids::personalize_gids(card->store(), rng, p);
    ski::provision_shared_key(card->store(), 7, shared);
    card->store().commit();
    card->power_on();
    ASSERT_EQ(sw(card->transmit(from_hex("00A4040009A0000003974254465900"))), 0x9000);
  }
  static std::uint16_t sw(const Bytes& r) { return std::uint16_t(r[r.size() - 2] << 8 | r.back()); }

  std::pair<std::uint8_t, ski::SessionKey> session(ski::Alg alg, ski::Mode mode) {
    Bytes ns(16, 0x42);
    Bytes apdu = {0x80, 0x54, 0, 0, 23, 0x87, 21, 'S', 'H', 1, 7, std::uint8_t(alg)};
    append(apdu, ns);
    apdu.push_back(0);
    const Bytes r = card->transmit(apdu);
    EXPECT_EQ(sw(r), 0x9000);
    const Bytes d(r.begin(), r.end() - 2);
    const std::uint8_t ref = d[2];
    ByteView ch = ByteView(d).subspan(5);
    SecretBytes sk = ski::derive_shared(crypto, shared, 7, alg, ns, ch.subspan(21, 16));
    ski::SessionKey k = ski::make_session_key(crypto, alg, sk.view());
    if (mode == ski::Mode::gcm) {
      EXPECT_EQ(sw(card->transmit(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x02})), 0x9000);
      k.mode = ski::Mode::gcm;
      k.iv = Bytes(12, 0);
      Bytes set_iv = {0x80, 0x5C, 0x02, ref, 0x0C};
      append(set_iv, k.iv);
      EXPECT_EQ(sw(card->transmit(set_iv)), 0x9000);
    }
    return {ref, std::move(k)};
  }

  static Bytes process_apdu(std::uint8_t ref, const Bytes& blob) {
    const Bytes body = ski_test::process_body(ref, blob);
    Bytes apdu = {0x80, 0x62, ski::csf::authenticate, 0x00, std::uint8_t(body.size())};
    append(apdu, body);
    apdu.push_back(0);
    return apdu;
  }
};

TEST_P(SkiTamper, NoAlteredBlobIsAcceptedAndTheCardStaysUnchanged) {
  const auto [alg, mode] = GetParam();
  auto [ref, key] = session(alg, mode);
  Bytes pin_struct;
  ski::put_u32le(pin_struct, 7), ski::put_u32le(pin_struct, 0), ski::put_u32le(pin_struct, 1);
  ski::put_u32le(pin_struct, 6);
  append(pin_struct, view(std::string_view("123456")));
  ski::SessionKey sender = key;
  const Bytes good = ski::seal(crypto, sender, ski::csf::authenticate, ski::Direction::to_card,
                               Bytes(8, 1), pin_struct);
  ASSERT_LT(good.size() + 8, 250u);

  std::vector<Bytes> altered;
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    Bytes t = good;
    t[bit / 8] ^= std::uint8_t(1u << (bit % 8));
    altered.push_back(std::move(t));
  }
  for (std::size_t n = 0; n < good.size(); ++n)
    altered.emplace_back(good.begin(), good.begin() + n);
  for (std::size_t extra : {1, 2, 7, 8, 15, 16, 17}) {
    for (std::uint8_t fill : std::initializer_list<std::uint8_t>{0x00, 0xFF}) {
      Bytes t = good;
      t.insert(t.end(), extra, fill);
      altered.push_back(std::move(t));
    }
  }

  const ObjectMap before = backend->objects();
  std::size_t accepted = 0;
  for (const Bytes& t : altered) {
    if (t.empty()) continue;  // an empty 87 TLV is a different command shape, refused by length
    const std::uint16_t s = sw(card->transmit(process_apdu(ref, t)));
    EXPECT_NE(s, 0x6F00) << to_hex(t);
    if (s == 0x9000 || (s & 0xFFF0) == 0x63C0) ++accepted;
  }
  EXPECT_EQ(accepted, 0u) << altered.size() << " altered blobs";
  EXPECT_TRUE(backend->objects() == before) << "a refused blob changed the card image";
  // The session's sequence state did not move either: the original blob is still fresh.
  EXPECT_EQ(sw(card->transmit(process_apdu(ref, good))), 0x9000);
  RecordProperty("altered_blobs", std::to_string(altered.size()));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithmAndMode, SkiTamper,
                         ::testing::Values(Combo{ski::Alg::aes128, ski::Mode::cbc},
                                           Combo{ski::Alg::aes192, ski::Mode::cbc},
                                           Combo{ski::Alg::aes256, ski::Mode::cbc},
                                           Combo{ski::Alg::aes128, ski::Mode::gcm},
                                           Combo{ski::Alg::aes192, ski::Mode::gcm},
                                           Combo{ski::Alg::aes256, ski::Mode::gcm},
                                           Combo{ski::Alg::tdes, ski::Mode::cbc},
                                           Combo{ski::Alg::tdes112, ski::Mode::cbc}));

}  // namespace
