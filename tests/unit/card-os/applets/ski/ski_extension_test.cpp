// The SKI extension at the APDU boundary (docs/ski.md §6): status words, slots, volatility.
#include <gtest/gtest.h>

#include "ski_test_support.h"

using namespace softcard;
using namespace softcard::ski_test;

namespace {

TEST_F(SkiCard, Capabilities) {
  Bytes r = tx("8050000000");
  ASSERT_EQ(sw(r), 0x9000);
  EXPECT_EQ(to_hex(data(r)), "80010f81011f82010f830103840108850108860107870101");
  EXPECT_EQ(sw(tx("8050000100")), 0x6A86);
  EXPECT_EQ(sw(tx("80FF000000")), 0x6D00);  // not ours, not GIDS's
}

TEST_F(SkiCard, SlotCommandsOnEmptySlots) {
  EXPECT_EQ(sw(tx("805C016101 02")), 0x6A88);
  EXPECT_EQ(sw(tx("805E016100")), 0x6A88);
  EXPECT_EQ(sw(tx("8060006100")), 0x6A88);
  EXPECT_EQ(sw(tx("8060007000")), 0x6A88);        // outside the slot range
  EXPECT_EQ(sw(tx("805A000000")), 0x6A88);        // no DH agreement
  EXPECT_EQ(sw(tx("8058000003800103")), 0x6A86);  // only "return a handle"
  EXPECT_EQ(sw(tx("8058000103800103")), 0x6A88);
}

TEST_F(SkiCard, SharedKeyErrors) {
  EXPECT_EQ(sw(tx("805400001787155348010903"
                  "00112233445566778899aabbccddeeff00")),
            0x6A88);  // no shared key 9
  EXPECT_EQ(sw(tx("805400001787155348010709"
                  "00112233445566778899aabbccddeeff00")),
            0x6A81);                                  // unknown alg (D27)
  EXPECT_EQ(sw(tx("80540000058703534801")), 0x6A80);  // short hello
  EXPECT_THROW(ski::provision_shared_key(card->store(), 1, Bytes(16, 0)), ProfileError);
}

TEST_F(SkiCard, PropertiesAndBoundedSlots) {
  auto [ref, key] = shared_session(ski::Alg::tdes112);
  EXPECT_EQ(to_hex(data(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00}))), "05");
  EXPECT_EQ(to_hex(data(tx(Bytes{0x80, 0x5E, 0x03, ref, 0x00}))), "08");
  EXPECT_EQ(to_hex(data(tx(Bytes{0x80, 0x5E, 0x02, ref, 0x00}))), "0000000000000000");
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x02})), 0x6A81);  // GCM needs AES (D29)
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x02, ref, 0x03, 1, 2, 3})), 0x6A80);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x09, ref, 0x00})), 0x6A86);
  for (int i = 1; i < 8; ++i) shared_session();
  Bytes hello = from_hex("80540000178715534801070100112233445566778899aabbccddeeff00");
  EXPECT_EQ(sw(tx(hello)), 0x6A84);  // all 8 slots taken
  EXPECT_EQ(to_hex(data(tx("8050000000"))).substr(30, 6), "850100");
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x60, 0x00, ref, 0x00})), 0x9000);
  EXPECT_EQ(sw(tx(hello)), 0x9000);
}

TEST_F(SkiCard, SecureFunctionRejectionsLeaveCardUnchanged) {
  auto [ref, key] = shared_session(ski::Alg::aes256);
  ASSERT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x02})), 0x9000);
  key.mode = ski::Mode::gcm;
  key.iv = Bytes(12, 0);
  ASSERT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x02, ref, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), 0x9000);
  Bytes nonce(8, 1);
  ski::SessionKey sender = key;
  Bytes good = ski::seal(crypto, sender, ski::csf::authenticate, ski::Direction::to_card, nonce,
                         auth_struct("123456"));
  const ObjectMap before = backend->objects();
  EXPECT_EQ(sw(tx(process_apdu(0x05, ref, good))), 0x6A81);   // unknown function
  EXPECT_EQ(sw(tx(process_apdu(0x01, ref, good))), 0x6A86);   // wrong function
  EXPECT_EQ(sw(tx(process_apdu(0x03, 0x62, good))), 0x6A88);  // empty slot
  Bytes t = good;
  t[45] ^= 1;
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, t))), 0x6988);  // tampered ciphertext
  t = good;
  t[30] ^= 1;
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, t))), 0x6984);  // base IV differs
  t = good;
  t[9] ^= 1;
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, t))), 0x6A88);  // key id differs
  t = good;
  t[2] = 2;
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, t))), 0x6A80);  // version
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, Bytes(good.begin(), good.begin() + 50)))), 0x6A80);
  EXPECT_TRUE(backend->objects() == before);
  // wrong PIN inside an authentic blob: 63C2, the counter is the only change
  ski::SessionKey s2 = sender;
  Bytes wrong = ski::seal(crypto, s2, ski::csf::authenticate, ski::Direction::to_card, nonce,
                          auth_struct("000000"));
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, wrong))), 0x63C2);
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, good))), 0x6985);  // seq 1 < 2 now: stale
  Bytes fresh = ski::seal(crypto, s2, ski::csf::authenticate, ski::Direction::to_card, nonce,
                          auth_struct("123456"));
  Bytes r = tx(process_apdu(0x03, ref, fresh));
  EXPECT_EQ(sw(r), 0x9000);
  EXPECT_EQ(to_hex(data(r)), "070000000000000003000000");
  EXPECT_EQ(sw(tx(process_apdu(0x03, ref, fresh))), 0x6985);  // replay
}

TEST_F(SkiCard, ResetForgetsSessionKeys) {
  auto [ref, key] = shared_session();
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), 0x9000);
  card->reset();
  ASSERT_EQ(sw(tx("00A4040009A00000039742544659"
                  "00")),
            0x9000);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), 0x6A88);
  auto [ref2, key2] = shared_session();
  card->power_off();
  card->power_on();
  ASSERT_EQ(sw(tx("00A4040009A00000039742544659"
                  "00")),
            0x9000);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref2, 0x00})), 0x6A88);
}

TEST_F(SkiCard, ImportSessionKeyNeedsPinAndValidPadding) {
  EXPECT_EQ(sw(tx("8052000009800103810101870100"
                  "00")),
            0x6982);
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  EXPECT_EQ(sw(tx("8052000009800103810109870100"
                  "00")),
            0x6A81);
  EXPECT_EQ(sw(tx("8052000009800103810101870100"
                  "00")),
            0x6A88);  // no container 0
}

}  // namespace

namespace {

// GIDS admin mutual authentication as OpenSC's gids-tool performs it
// (shared/reference/gids.md 1.5).
void admin_authenticate(SkiCard& t, const Bytes& admin_key) {
  ASSERT_EQ(SkiCard::sw(t.tx("0022C1A403830180")), 0x9000);
  Bytes r1(16);
  t.rng.fill(r1);
  Bytes c1 = from_hex("0087000014 7C128110");
  append(c1, r1);
  c1.push_back(0);
  Bytes a = t.tx(c1);
  ASSERT_EQ(SkiCard::sw(a), 0x9000);
  Bytes r2(a.begin() + 4, a.begin() + 20);
  Bytes z1(7);
  t.rng.fill(z1);
  z1.push_back(0x80);
  Bytes plain = r2;
  append(plain, r1), append(plain, z1);
  Bytes ct = t.crypto.encrypt({BlockAlg::tdes, BlockMode::cbc, BlockPadding::none}, admin_key,
                              Bytes(8, 0), plain);
  Bytes c2 = from_hex("008700002C 7C2A8228");
  append(c2, ct);
  c2.push_back(0);
  ASSERT_EQ(SkiCard::sw(t.tx(c2)), 0x9000);
}

TEST_F(SkiCard, UnblockUnderEncryptionNeedsAdmin) {
  for (int i = 0; i < 3; ++i) tx("0020008006303030303030");
  EXPECT_EQ(sw(tx("0020008006313233343536")), 0x6983);  // blocked
  auto [ref, key] = shared_session(ski::Alg::aes256);
  auto change = [&](ski::SessionKey& k) {
    Bytes s;
    ski::put_u32le(s, 7), ski::put_u32le(s, 1 /*UNBLOCK*/), ski::put_u32le(s, 2 /*ROLE_ADMIN*/),
        ski::put_u32le(s, 0);
    ski::put_u32le(s, 1 /*ROLE_USER*/), ski::put_u32le(s, 8), ski::put_u32le(s, 0);
    append(s, view(std::string_view("87654321")));
    return ski::seal(crypto, k, ski::csf::change_authenticator, ski::Direction::to_card,
                     Bytes(8, 9), s);
  };
  ski::SessionKey sender = key;
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::change_authenticator, ref, change(sender)))), 0x6982);
  admin_authenticate(*this, from_hex("0102030405060708090A0B0C0D0E0F101112131415161718"));
  Bytes r = tx(process_apdu(ski::csf::change_authenticator, ref, change(sender)));
  ASSERT_EQ(sw(r), 0x9000);
  EXPECT_EQ(to_hex(data(r)), "0700000003000000");
  EXPECT_EQ(sw(tx("00200080083837363534333231")), 0x9000);
}

}  // namespace

namespace {

TEST_F(SkiCard, GeneratedSessionPinDoesNotLeaveThePinVerified) {
  auto [ref, key] = shared_session(ski::Alg::aes128);
  ski::SessionKey sender = key, receiver = key;
  Bytes s;
  ski::put_u32le(s, 7), ski::put_u32le(s, 0x10000000), ski::put_u32le(s, 1), ski::put_u32le(s, 6);
  append(s, view(std::string_view("123456")));
  Bytes r = tx(process_apdu(
      ski::csf::authenticate, ref,
      ski::seal(crypto, sender, ski::csf::authenticate, ski::Direction::to_card, Bytes(8, 1), s)));
  ASSERT_EQ(sw(r), 0x9000);
  EXPECT_EQ(sw(tx("0020008000")), 0x63C3);  // status: not verified, 3 tries
  Bytes d = data(r);
  const std::uint32_t cb = ski::get_u32le(d, 4);
  auto opened = ski::open(crypto, receiver, ski::csf::session_pin, ski::Direction::to_server,
                          ByteView(d).subspan(12, cb));
  ASSERT_TRUE(std::holds_alternative<ski::Opened>(opened));
  ByteView token = std::get<ski::Opened>(opened).plaintext.view();
  ASSERT_EQ(token.size(), 16u);
  Bytes s2;
  ski::put_u32le(s2, 7), ski::put_u32le(s2, 0x20000000), ski::put_u32le(s2, 1),
      ski::put_u32le(s2, 16);
  append(s2, token);
  Bytes bad = s2;
  bad.back() ^= 1;
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref,
                               ski::seal(crypto, sender, ski::csf::authenticate,
                                         ski::Direction::to_card, Bytes(8, 2), bad)))),
            0x6982);
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref,
                               ski::seal(crypto, sender, ski::csf::authenticate,
                                         ski::Direction::to_card, Bytes(8, 3), s2)))),
            0x9000);
  EXPECT_EQ(sw(tx("0020008000")), 0x9000);  // verified through the session PIN
  card->reset();
  ASSERT_EQ(sw(tx("00A4040009A00000039742544659"
                  "00")),
            0x9000);
  auto [ref2, key2] = shared_session(ski::Alg::aes128);
  ski::SessionKey s3 = key2;
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::authenticate, ref2,
                               ski::seal(crypto, s3, ski::csf::authenticate,
                                         ski::Direction::to_card, Bytes(8, 4), s2)))),
            0x6982);  // session PIN gone
}

}  // namespace

namespace {

TEST_F(SkiKeyUse, ImportSessionKeyNeedsAnEstablishmentKey) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_key(0x81, 0x06, /*key_exchange=*/false);  // container 0: RSA-1024, signature only
  const Bytes kx_tmpl = make_key(0x82, 0x06, /*key_exchange=*/true);  // 1: key exchange
  const Bytes tmpl = make_establishment_key(0x83, 0x06);              // container 2: establishment
  auto wrap_for = [&](const Bytes& t) {
    const PublicKey k =
        crypto.import_rsa_public({template_field(t, 0x81), template_field(t, 0x82)});
    return crypto.rsa_encrypt(k, ski::key_data_blob(Bytes(16, 0x42)), RsaPadding::pkcs1_v15());
  };
  const ObjectMap before = backend->objects();
  // Neither a signature-only nor an ordinary key-exchange key establishes (§13): 6984, no slot.
  for (std::uint8_t container : std::initializer_list<std::uint8_t>{0, 1})
    for (std::uint8_t pad :
         std::initializer_list<std::uint8_t>{ski::padding_id::pkcs1, ski::padding_id::oaep_sha1})
      EXPECT_EQ(sw(tx(import_apdu(container, pad, wrap_for(kx_tmpl)))), 0x6984)
          << int(container) << " " << int(pad);
  EXPECT_EQ(to_hex(data(tx("8050000000"))).substr(30, 6), "850108") << "no slot taken";
  EXPECT_TRUE(backend->objects() == before);
  EXPECT_EQ(mse_decipher(0x46, 0x82), 0x9000) << "the ordinary key still deciphers";

  const Bytes ok = tx(import_apdu(2, ski::padding_id::pkcs1, wrap_for(tmpl)));
  EXPECT_EQ(sw(ok), 0x9000);
  EXPECT_EQ(to_hex(data(ok)), "840161");
}

TEST_F(SkiKeyUse, AnRsaEstablishmentKeyAnswersNoPlainOperation) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  const Bytes tmpl = make_establishment_key(0x81, 0x06);
  // Every decipher mechanism (raw, PKCS#1, OAEP) and every signature mechanism: 6984.
  for (std::uint8_t m : std::initializer_list<std::uint8_t>{0x06, 0x46, 0x86})
    EXPECT_EQ(mse_decipher(m, 0x81), 0x6984) << int(m);
  for (std::uint8_t m : std::initializer_list<std::uint8_t>{0x16, 0x56})
    EXPECT_EQ(mse_sign(m, 0x81), 0x6984) << int(m);
  // No environment was set: a PSO decipher of a wrapped key has nothing to run with.
  const PublicKey k =
      crypto.import_rsa_public({template_field(tmpl, 0x81), template_field(tmpl, 0x82)});
  const Bytes ct =
      crypto.rsa_encrypt(k, ski::key_data_blob(Bytes(16, 0x42)), RsaPadding::pkcs1_v15());
  EXPECT_EQ(pso_decipher(ct), 0x6985);
}

TEST_F(SkiKeyUse, ConstructDhAgreementNeedsAnEstablishmentKey) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_key(0x81, 0x0C, /*key_exchange=*/false);  // container 0: P-256, ECDSA only
  make_key(0x82, 0x0C, /*key_exchange=*/true);   // container 1: P-256, ECDH
  make_establishment_key(0x83, 0x0C);            // container 2: establishment
  EXPECT_EQ(sw(tx(dh_apdu(0))), 0x6984);
  EXPECT_EQ(sw(tx(dh_apdu(1))), 0x6984);
  EXPECT_EQ(sw(tx("805A000000")), 0x6A88) << "no agreement was made";
  EXPECT_EQ(mse_decipher(0x0C, 0x82), 0x9000) << "the ordinary ECDH key still agrees";
  const Bytes ok = tx(dh_apdu(2));
  EXPECT_EQ(sw(ok), 0x9000);
  EXPECT_EQ(to_hex(data(ok)), "850100");
}

TEST_F(SkiKeyUse, AnEcdhEstablishmentKeyAnswersNoPlainEcdh) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_establishment_key(0x81, 0x0C);
  // ECDH with 0x and with the 4x decipher nibble hosts use, and ECDSA: all 6984.
  for (std::uint8_t m : std::initializer_list<std::uint8_t>{0x0C, 0x4C})
    EXPECT_EQ(mse_decipher(m, 0x81), 0x6984) << int(m);
  for (std::uint8_t m : std::initializer_list<std::uint8_t>{0x1C, 0x5C})
    EXPECT_EQ(mse_sign(m, 0x81), 0x6984) << int(m);
  // A PSO with the peer point then has no environment (6985), never Z.
  const KeyPair peer = crypto.generate_ec(Curve::p256);
  const Bytes point = crypto.ec_public(peer).point;
  EXPECT_EQ(pso_decipher(point), 0x6985);
}

TEST_F(SkiKeyUse, AnEstablishmentKeyIsNeverImportedInPlaintext) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  // Empty key files (created, not generated): B081 an establishment key, B082 an ordinary one.
  for (const Bytes& fcp : {establishment_fcp(0x81, 0x06), key_file_fcp(0x82, 0x06, true)}) {
    Bytes create = {0x00, 0xE0, 0x00, 0x00, std::uint8_t(fcp.size())};
    append(create, fcp);
    ASSERT_EQ(sw(tx(create)), 0x9000);
    ASSERT_EQ(sw(tx("00440000")), 0x9000);
  }
  // PUT DATA 3FFF: 70 { 84 01 kid, A5 { 83 01 02, 87 L <key> } }. The establishment key file
  // refuses before the key is looked at (6985); the ordinary one parses it (6A80: not a key).
  auto put = [&](std::uint8_t kid) {
    Bytes tmpl = {0x83, 0x01, 0x02, 0x87, 0x20};
    append(tmpl, Bytes(32, 0x30));
    Bytes body = {0x84, 0x01, kid, 0xA5, std::uint8_t(tmpl.size())};
    append(body, tmpl);
    Bytes apdu = {
        0x00, 0xDB, 0x3F, 0xFF, std::uint8_t(body.size() + 2), 0x70, std::uint8_t(body.size())};
    append(apdu, body);
    return sw(tx(apdu));
  };
  const ObjectMap before = backend->objects();
  EXPECT_EQ(put(0x81), 0x6985);
  EXPECT_TRUE(backend->objects() == before);
  EXPECT_EQ(put(0x82), 0x6A80);
}

TEST_F(SkiKeyUse, KeyEstablishmentHonoursTheKeyFileAcl) {
  // Container 0's key may be used by the administrator only (use condition 20).
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_establishment_key(0x81, 0x0C, /*use=*/0x20);
  EXPECT_EQ(sw(tx(dh_apdu(0))), 0x6982);
  tx("00200082");  // logout
  EXPECT_EQ(sw(tx(dh_apdu(0))), 0x6982);
}

}  // namespace
