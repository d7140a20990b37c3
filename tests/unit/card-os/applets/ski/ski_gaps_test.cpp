// docs/ski.md D34-D45: what the protocol left unspecified, decided and pinned at the
// Card::transmit boundary (property encodings and defaults, IV vs mode, CBC lengths and padding,
// shared-key numbers, DERIVE's P2, session PINs, CHANGEPIN's cRetryCount).
#include <gtest/gtest.h>

#include "ski_test_support.h"

using namespace softcard;
using namespace softcard::ski_test;

namespace {

Bytes get_property(SkiCard& t, std::uint8_t p1, std::uint8_t ref) {
  const Bytes r = t.tx(Bytes{0x80, 0x5E, p1, ref, 0x00});
  EXPECT_EQ(SkiCard::sw(r), 0x9000);
  return SkiCard::data(r);
}

Bytes authenticate_struct(std::uint32_t flags, ByteView pin) {
  Bytes s;
  ski::put_u32le(s, 7), ski::put_u32le(s, flags), ski::put_u32le(s, 1);
  ski::put_u32le(s, std::uint32_t(pin.size()));
  append(s, pin);
  return s;
}

TEST_F(SkiCard, KeyPropertyEncodingsAndDefaults) {
  auto [ref, key] = shared_session(ski::Alg::aes192);
  EXPECT_EQ(to_hex(get_property(*this, 0x01, ref)), "01");        // mode id: CBC
  EXPECT_EQ(get_property(*this, 0x02, ref), Bytes(16, 0));        // base IV
  EXPECT_EQ(to_hex(get_property(*this, 0x03, ref)), "10");        // block length
  EXPECT_EQ(to_hex(get_property(*this, 0x04, ref)), "02");        // algorithm id
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x05, ref, 0x00})), 0x6A86);  // unknown P1
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x05, 0x69, 0x00})), 0x6A88) << "handle first";
  auto [ref3, key3] = shared_session(ski::Alg::tdes112);
  EXPECT_EQ(get_property(*this, 0x02, ref3), Bytes(8, 0));
  EXPECT_EQ(to_hex(get_property(*this, 0x03, ref3)), "08");
}

TEST_F(SkiCard, AModeChangeKeepsTheIvWhichMustFitWhenUsed) {
  auto [ref, key] = shared_session(ski::Alg::aes128);
  // The IV may come first: 12 bytes are accepted under CBC, and kept when GCM is set.
  const Bytes iv12 = from_hex("a0a1a2a3a4a5a6a7a8a9aaab");
  Bytes set_iv = {0x80, 0x5C, 0x02, ref, 12};
  append(set_iv, iv12);
  ASSERT_EQ(sw(tx(set_iv)), 0x9000);
  ASSERT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x02})), 0x9000);
  EXPECT_EQ(get_property(*this, 0x02, ref), iv12);
  ski::SessionKey sender = key;
  sender.mode = ski::Mode::gcm, sender.iv = iv12;
  const Bytes pin = from_hex("313233343536");
  Bytes blob = ski::seal(crypto, sender, ski::csf::authenticate, ski::Direction::to_card,
                         Bytes(8, 1), authenticate_struct(0, pin));
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref, blob))), 0x9000);
  // Back to CBC: the 12-byte IV stays and fits no CBC blob, so every blob is refused (6984)
  // until a 16-byte IV is set.
  ASSERT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x01})), 0x9000);
  EXPECT_EQ(get_property(*this, 0x02, ref), iv12);
  sender.mode = ski::Mode::cbc, sender.iv = Bytes(16, 0);
  blob = ski::seal(crypto, sender, ski::csf::authenticate, ski::Direction::to_card, Bytes(8, 2),
                   authenticate_struct(0, pin));
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref, blob))), 0x6984);
  Bytes set_iv16 = {0x80, 0x5C, 0x02, ref, 16};
  append(set_iv16, Bytes(16, 0));
  ASSERT_EQ(sw(tx(set_iv16)), 0x9000);
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref, blob))), 0x9000);
}

// A CBC blob built from the §4/§5 rules with a caller-chosen (already padded) plaintext.
Bytes cbc_blob_raw(CryptoProvider& crypto, const ski::SessionKey& k, std::uint32_t seq,
                   const Bytes& padded) {
  Bytes h = {0x53, 0x4B, 0x01, ski::csf::authenticate, 0x01, std::uint8_t(k.alg), 0x01, 16};
  append(h, k.id);
  append(h, Bytes{std::uint8_t(seq >> 24), std::uint8_t(seq >> 16), std::uint8_t(seq >> 8),
                  std::uint8_t(seq)});
  append(h, Bytes(8, 7));
  append(h, k.iv);
  Bytes info = {'s', 'o', 'f', 't', 'c', 'a', 'r',
                'd', '-', 's', 'k', 'i', '-', 'v',
                '1', ' ', 'k', 'e', 'y', 's', std::uint8_t(k.alg),
                0x01};
  const SecretBytes kb = crypto.hkdf_sha256({}, k.key.view(), info, k.key.size() + 32);
  const ByteView enc = kb.view().subspan(0, k.key.size()), mac = kb.view().subspan(k.key.size());
  Bytes m = {'I', 'V'};
  append(m, h);
  Bytes ivb = crypto.hmac_sha256(mac, m);
  ivb.resize(16);
  const Bytes c =
      crypto.encrypt({BlockAlg::aes, BlockMode::cbc, BlockPadding::none}, enc, ivb, padded);
  Bytes t = {'M', 'A', 'C'};
  append(t, h), append(t, c);
  Bytes tag = crypto.hmac_sha256(mac, t);
  tag.resize(16);
  Bytes blob = h;
  append(blob, c), append(blob, tag);
  return blob;
}

TEST_F(SkiCard, CbcLengthAndPaddingFailuresAreMalformedAndNotConsumed) {
  auto [ref, key] = shared_session(ski::Alg::aes128);
  Bytes plain = authenticate_struct(0, from_hex("313233343536"));  // 22 bytes
  Bytes bad_pad = plain;
  bad_pad.resize(32, 0x00);  // a whole number of blocks, last byte 00: no PKCS#7 padding
  const Bytes bad = cbc_blob_raw(crypto, key, 1, bad_pad);
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref, bad))), 0x6A80);
  Bytes cut = bad;
  cut.erase(cut.begin() + 44, cut.begin() + 45);  // 31 ciphertext bytes
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref, cut))), 0x6A80);
  // Sequence number 1 was not consumed by the badly padded blob.
  Bytes good_pad = plain;
  good_pad.resize(32, 10);
  EXPECT_EQ(
      sw(tx(process_apdu(ski::csf::authenticate, ref, cbc_blob_raw(crypto, key, 1, good_pad)))),
      0x9000);
}

TEST_F(SkiCard, UnknownSharedKeyNumberIsAWrongReference) {
  Bytes hello = from_hex("80540000178715534801080100112233445566778899aabbccddeeff00");
  EXPECT_EQ(sw(tx(hello)), 0x6A88);
}

TEST_F(SkiKeyUse, DerivedHandlesHaveTheDefaultsAndP2MustAskForAHandle) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_establishment_key(0x81, 0x0C);
  ASSERT_EQ(sw(tx(dh_apdu(0))), 0x9000);
  EXPECT_EQ(sw(tx("80580000038001"
                  "03")),
            0x6A86);
  EXPECT_EQ(sw(tx("80580002038001"
                  "03")),
            0x6A86);
  const Bytes r =
      tx("80580001038001"
         "05");
  ASSERT_EQ(sw(r), 0x9000);
  const std::uint8_t ref = data(r)[2];
  EXPECT_EQ(to_hex(get_property(*this, 0x01, ref)), "01");
  EXPECT_EQ(get_property(*this, 0x02, ref), Bytes(8, 0));
  EXPECT_EQ(to_hex(get_property(*this, 0x04, ref)), "05");
  EXPECT_EQ(sw(tx("80580001038001"
                  "05")),
            0x6A88)
      << "the agreement was consumed";
}

TEST_F(SkiCard, SessionPinRules) {
  auto session = shared_session(ski::Alg::aes128);
  const std::uint8_t ref = session.first;
  const ski::SessionKey& key = session.second;
  ski::SessionKey sender = key, receiver = key;
  const Bytes pin = from_hex("313233343536");
  auto send = [&](std::uint32_t flags, ByteView data) {
    return tx(
        process_apdu(ski::csf::authenticate, ref,
                     ski::seal(crypto, sender, ski::csf::authenticate, ski::Direction::to_card,
                               Bytes(8, 3), authenticate_struct(flags, data))));
  };
  auto generate = [&]() {
    const Bytes d = data(send(0x10000000, pin));
    const std::uint32_t cb = ski::get_u32le(d, 4);
    EXPECT_EQ(cb, d.size() - 12) << "cbSessionPin is the blob's length";
    EXPECT_EQ(cb, 28u + 16 + 32 + 16) << "AES-128-CBC blob of a 16-byte PIN";
    auto opened = ski::open(crypto, receiver, ski::csf::session_pin, ski::Direction::to_server,
                            ByteView(d).subspan(12, cb));
    EXPECT_TRUE(std::holds_alternative<ski::Opened>(opened));
    receiver.last_in_seq = std::get<ski::Opened>(opened).seq;
    return Bytes(std::get<ski::Opened>(opened).plaintext.view().begin(),
                 std::get<ski::Opened>(opened).plaintext.view().end());
  };
  const Bytes first = generate();
  const Bytes second = generate();
  EXPECT_NE(first, second);
  // A wrong session PIN answers 6982 and leaves the user PIN's counter alone.
  EXPECT_EQ(sw(send(0x20000000, first)), 0x6982) << "replaced by the second";
  EXPECT_EQ(sw(send(0x20000000, Bytes(16, 0))), 0x6982);
  EXPECT_EQ(sw(tx("0020008000")), 0x63C3);
  EXPECT_EQ(sw(send(0x20000000, second)), 0x9000);
  EXPECT_EQ(sw(tx("0020008000")), 0x9000);
}

TEST_F(SkiCard, ChangePinNeedsAZeroRetryCount) {
  auto session = shared_session(ski::Alg::aes128);
  const std::uint8_t ref = session.first;
  const ski::SessionKey& key = session.second;
  ski::SessionKey sender = key;
  auto change = [&](std::uint32_t retry) {
    Bytes s;
    ski::put_u32le(s, 7), ski::put_u32le(s, 2 /*CHANGEPIN*/), ski::put_u32le(s, 1),
        ski::put_u32le(s, 6);
    ski::put_u32le(s, 1), ski::put_u32le(s, 6), ski::put_u32le(s, retry);
    append(s, from_hex("313233343536 393939393939"));
    return tx(process_apdu(ski::csf::change_authenticator, ref,
                           ski::seal(crypto, sender, ski::csf::change_authenticator,
                                     ski::Direction::to_card, Bytes(8, 6), s)));
  };
  EXPECT_EQ(sw(change(3)), 0x6A80);
  EXPECT_EQ(sw(tx("0020008000")), 0x63C3) << "nothing compared, nothing counted";
  EXPECT_EQ(to_hex(change(0)), "07000000030000009000");
  EXPECT_EQ(sw(tx("0020008006393939393939")), 0x9000);
}

}  // namespace
