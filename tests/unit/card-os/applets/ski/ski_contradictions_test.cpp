// docs/ski.md D27-D33: the places where the card and the documents disagreed, decided and pinned
// at the Card::transmit boundary (one status for unwrap failures, 6A81 for unknown ids, chains
// that cannot be interrupted, SELECT ends the SKI session, keys never silently replaced, EC 4x).
#include <gtest/gtest.h>

#include "ski_test_support.h"

using namespace softcard;
using namespace softcard::ski_test;

namespace {

const char* select_gids = "00A4040009A0000003974254465900";

Bytes import_apdu_alg(std::uint8_t container, std::uint8_t alg, const Bytes& ct) {
  Bytes body = {
      0x80, 0x01, alg, 0x81, 0x01, ski::padding_id::pkcs1, 0x87, 0x81, std::uint8_t(ct.size())};
  append(body, ct);
  Bytes apdu = {0x80, 0x52, container, 0x00, std::uint8_t(body.size())};
  append(apdu, body);
  apdu.push_back(0);
  return apdu;
}

std::string free_slots(SkiCard& t) {
  return to_hex(SkiCard::data(t.tx("8050000000"))).substr(30, 6);
}

TEST_F(SkiKeyUse, EveryUnwrapFailureAnswersOneStatus) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  const Bytes tmpl = make_establishment_key(0x81, 0x06);  // container 0: RSA-1024
  const PublicKey pub =
      crypto.import_rsa_public({template_field(tmpl, 0x81), template_field(tmpl, 0x82)});
  auto wrap = [&](const Bytes& plain) {
    return crypto.rsa_encrypt(pub, plain, RsaPadding::pkcs1_v15());
  };
  Bytes bad_magic = ski::key_data_blob(Bytes(16, 1));
  bad_magic[0] ^= 1;
  Bytes bad_version = ski::key_data_blob(Bytes(16, 1));
  bad_version[4] = 2;
  Bytes bad_length = ski::key_data_blob(Bytes(16, 1));
  bad_length[8] = 17;
  // Each failure is decided from the decrypted plaintext: all answer 6988, none takes a slot.
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x01, wrap(bad_magic)))), 0x6988);
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x01, wrap(bad_version)))), 0x6988);
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x01, wrap(bad_length)))), 0x6988);
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x01, wrap(ski::key_data_blob(Bytes(20, 1)))))), 0x6988)
      << "an AES key of 20 bytes";
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x04, wrap(ski::key_data_blob(Bytes(16, 1)))))), 0x6988)
      << "a 16-byte key for 3-key 3DES";
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x05, wrap(ski::key_data_blob(Bytes(24, 1)))))), 0x6988)
      << "a 24-byte key for 3DES_112";
  Bytes garbage(128, 0x33);
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x01, garbage))), 0x6988) << "not a PKCS#1 block";
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x01, Bytes(127, 0x33)))), 0x6988) << "short ciphertext";
  EXPECT_EQ(free_slots(*this), "850108");
  EXPECT_EQ(sw(tx(import_apdu_alg(0, 0x04, wrap(ski::key_data_blob(Bytes(24, 1)))))), 0x9000);
}

TEST_F(SkiKeyUse, UnknownAlgorithmIdsAreUnsupported) {
  // IMPORT SESSION KEY: the algorithm id is checked before the PIN and the key.
  EXPECT_EQ(sw(tx("8052000009800106810101870100"
                  "00")),
            0x6A81);
  EXPECT_EQ(sw(tx("805200000A80020101810101870100"
                  "00")),
            0x6A80)
      << "a two-byte algorithm is malformed";
  // GET SHARED KEY HANDLE.
  Bytes hello = from_hex("80540000178715534801070600112233445566778899aabbccddeeff00");
  EXPECT_EQ(sw(tx(hello)), 0x6A81);
  hello[11] = 0x00;
  EXPECT_EQ(sw(tx(hello)), 0x6A81);
  // DERIVE SESSION KEY.
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_establishment_key(0x81, 0x0C);
  ASSERT_EQ(sw(tx(dh_apdu(0))), 0x9000);
  EXPECT_EQ(sw(tx("80580001038001"
                  "09")),
            0x6A81);
  EXPECT_EQ(sw(tx("8058000104800203"
                  "03")),
            0x6A80);
  EXPECT_EQ(sw(tx("80580001038001"
                  "03")),
            0x9000)
      << "the refused requests left the agreement in place";
}

TEST_F(SkiCard, UnsupportedChainingModeAnswers6A81) {
  auto [ref, key] = shared_session(ski::Alg::tdes);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x02})), 0x6A81) << "GCM with 3DES";
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x01, 0x03})), 0x6A81) << "unknown mode";
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5C, 0x01, ref, 0x02, 0x01, 0x01})), 0x6A80) << "two bytes";
  EXPECT_EQ(to_hex(data(tx(Bytes{0x80, 0x5E, 0x01, ref, 0x00}))), "01") << "still CBC";
}

TEST_F(SkiCard, APlainCommandInsideAChainAbortsIt) {
  auto [ref, key] = shared_session();
  EXPECT_EQ(sw(tx("9052000003800101")), 0x9000);  // first block of an IMPORT SESSION KEY
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), 0x6883) << "not run";
  // The chain is gone: the same command now runs, and a final block alone is a fresh command.
  EXPECT_EQ(to_hex(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), "019000");
  EXPECT_EQ(sw(tx("8052000006810101870100"
                  "00")),
            0x6A80)
      << "no 80 tag: the aborted block was not kept";
  // The same holds for an interindustry chain interrupted by a SKI command.
  EXPECT_EQ(sw(tx("10DB3FFF020102")), 0x9000);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x60, 0x00, ref})), 0x6883);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), 0x9000) << "DESTROY KEY did not run";
}

TEST_F(SkiCard, SelectingTheGidsAppletEndsTheSkiSession) {
  auto [ref, key] = shared_session();
  ASSERT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), 0x9000);
  ASSERT_EQ(sw(tx(select_gids)), 0x9000);
  EXPECT_EQ(sw(tx(Bytes{0x80, 0x5E, 0x04, ref, 0x00})), 0x6A88);
  EXPECT_EQ(free_slots(*this), "850108");
}

// BCRYPT_ECCPRIVATE_BLOB of an ECDH P-256 key with private scalar 11..11, and its point.
Bytes ecdh_p256_blob(CryptoProvider& crypto) {
  const Bytes d(32, 0x11);
  const KeyPair k = crypto.import_ec_private(Curve::p256, d);
  const Bytes point = crypto.ec_public(k).point;
  Bytes b;
  ski::put_u32le(b, 0x324B4345), ski::put_u32le(b, 32);
  b.insert(b.end(), point.begin() + 1, point.end());
  append(b, d);
  return b;
}

Bytes import_keypair_struct(std::uint8_t index, std::uint32_t spec, const Bytes& key_blob) {
  Bytes s;
  ski::put_u32le(s, 7);
  append(s, Bytes{index, 0, 0, 0});
  ski::put_u32le(s, 1), ski::put_u32le(s, spec), ski::put_u32le(s, 256);
  ski::put_u32le(s, std::uint32_t(key_blob.size()));
  append(s, key_blob);
  return s;
}

TEST_F(SkiKeyUse, ImportKeypairNeverReplacesAKeyInItsKeyFile) {
  auto session = shared_session();
  const std::uint8_t ref = session.first;
  const ski::SessionKey& key = session.second;
  ski::SessionKey sender = key;
  auto blob_for = [&](std::uint8_t index, std::uint32_t spec, const Bytes& key_blob) {
    return ski::seal(crypto, sender, ski::csf::import_keypair, ski::Direction::to_card, Bytes(8, 5),
                     import_keypair_struct(index, spec, key_blob));
  };
  // The PIN condition comes before the key blob is looked at, and a refused blob is consumed.
  const Bytes refused = blob_for(1, 99, Bytes(4, 0));
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::import_keypair, ref, refused))), 0x6982);
  EXPECT_EQ(sw(tx(process_apdu(ski::csf::import_keypair, ref, refused))), 0x6985);

  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  // Container 0: a key made with plain GIDS APDUs, no cmapfile record.
  make_key(0x81, 0x0C, /*key_exchange=*/true);
  const ObjectMap before = backend->objects();
  EXPECT_EQ(
      sw(tx(process_apdu(ski::csf::import_keypair, ref, blob_for(0, 6, ecdh_p256_blob(crypto))))),
      0x6A89);
  EXPECT_TRUE(backend->objects() == before);
  // Container 1 is free: the import creates its key file, usable for ECDH (B8 CRTs) at once.
  EXPECT_EQ(
      sw(tx(process_apdu(ski::csf::import_keypair, ref, blob_for(1, 6, ecdh_p256_blob(crypto))))),
      0x9000);
  EXPECT_EQ(mse_decipher(0x0C, 0x82), 0x9000);
  // Its FCP (D35): user-PIN compact ACL, B8 CRTs 0C/8C/4C and B6 CRTs 1C/5C.
  const std::string fcp = to_hex(data(tx("00A4000402B08200")));
  EXPECT_NE(fcp.find("8c058f10101000"), std::string::npos) << fcp;
  EXPECT_NE(fcp.find("b8098001"
                     "0c830182950140"
                     "b8098001"
                     "8c830182950140"
                     "b8098001"
                     "4c830182950140"
                     "b6098001"
                     "1c830182950140"
                     "b6098001"
                     "5c830182950140"),
            std::string::npos)
      << fcp;
  EXPECT_EQ(
      sw(tx(process_apdu(ski::csf::import_keypair, ref, blob_for(1, 6, ecdh_p256_blob(crypto))))),
      0x6A89);
}

TEST_F(SkiKeyUse, EcMechanism4xIsEcdhLike0x) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  make_key(0x81, 0x0C, /*key_exchange=*/true);
  ASSERT_EQ(mse_decipher(0x4C, 0x81), 0x9000);
  const KeyPair peer = crypto.generate_ec(Curve::p256);
  const Bytes point = crypto.ec_public(peer).point;
  Bytes pso = {0x00, 0x2A, 0x80, 0x86, std::uint8_t(point.size())};
  append(pso, point);
  pso.push_back(0);
  const Bytes r = tx(pso);
  ASSERT_EQ(sw(r), 0x9000);
  EXPECT_EQ(data(r).size(), 32u);
  EXPECT_EQ(mse_decipher(0x8C, 0x81), 0x6A80) << "8x (OAEP) has no EC meaning";
}

}  // namespace
