// The blob codec alone (docs/ski.md §3-§5).
#include <gtest/gtest.h>

#include "softcard/ski_codec.h"

using namespace softcard;
using namespace softcard::ski;

namespace {

TEST(SkiCodec, Identifiers) {
  EXPECT_EQ(alg_from_name(u"AES", 24), Alg::aes192);
  EXPECT_EQ(alg_from_name(u"3DES", 24), Alg::tdes);
  EXPECT_EQ(alg_from_name(u"3DES_112", 16), Alg::tdes112);
  EXPECT_FALSE(alg_from_name(u"AES", 20));
  EXPECT_FALSE(alg_from_name(u"3DES", 16));
  EXPECT_FALSE(alg_from_id(6));
  EXPECT_FALSE(mode_allowed(Alg::tdes, Mode::gcm));
  EXPECT_EQ(iv_length(Alg::aes128, Mode::gcm), 12u);
  EXPECT_EQ(iv_length(Alg::tdes112, Mode::cbc), 8u);
}

TEST(SkiCodec, KeyDataBlob) {
  Bytes b = key_data_blob(Bytes(16, 9));
  EXPECT_EQ(to_hex(ByteView(b).subspan(0, 12)), "4b44424d0100000010000000");
  EXPECT_TRUE(parse_key_data_blob(b));
  b.push_back(0);
  EXPECT_FALSE(parse_key_data_blob(b));
  EXPECT_FALSE(parse_key_data_blob(Bytes(11, 0)));
}

TEST(SkiCodec, EveryAlgorithmAndModeRoundTrips) {
  CryptoProvider c;
  for (Alg a : {Alg::aes128, Alg::aes192, Alg::aes256, Alg::tdes, Alg::tdes112}) {
    for (Mode m : {Mode::cbc, Mode::gcm}) {
      if (!mode_allowed(a, m)) continue;
      Bytes key(key_length(a), 0x11);
      SessionKey tx = make_session_key(c, a, key), rx = make_session_key(c, a, key);
      tx.mode = rx.mode = m;
      tx.iv = rx.iv = Bytes(iv_length(a, m), 0x22);
      for (std::size_t len : {0u, 1u, 15u, 16u, 17u, 300u}) {
        Bytes p(len, 0x5A);
        Bytes blob = seal(c, tx, csf::import_keypair, Direction::to_card, Bytes(8, 3), p);
        auto o = open(c, rx, csf::import_keypair, Direction::to_card, blob);
        ASSERT_TRUE(std::holds_alternative<Opened>(o)) << int(a) << "/" << int(m) << "/" << len;
        EXPECT_EQ(Bytes(std::get<Opened>(o).plaintext.view().begin(),
                        std::get<Opened>(o).plaintext.view().end()),
                  p);
        EXPECT_EQ(std::get<Reject>(open(c, rx, csf::import_keypair, Direction::to_server, blob)),
                  Reject::malformed);
      }
      EXPECT_EQ(tx.next_out_seq, 7u);
    }
  }
}

TEST(SkiCodec, SealRefusesMismatchedIv) {
  CryptoProvider c;
  SessionKey k = make_session_key(c, Alg::aes128, Bytes(16, 1));
  k.mode = Mode::gcm;  // IV still 16 bytes
  EXPECT_THROW(seal(c, k, csf::authenticate, Direction::to_card, Bytes(8, 0), Bytes(4, 0)),
               CryptoError);
}

TEST(SkiCodec, DerivationsAreBoundToTheirInputs) {
  CryptoProvider c;
  const Bytes ks(32, 1), ns(16, 2), nc(16, 3);
  SecretBytes a = derive_shared(c, ks, 1, Alg::aes256, ns, nc);
  EXPECT_NE(to_hex(a.view()), to_hex(derive_shared(c, ks, 2, Alg::aes256, ns, nc).view()));
  EXPECT_NE(to_hex(a.view()), to_hex(derive_shared(c, ks, 1, Alg::aes256, nc, ns).view()));
  EXPECT_EQ(derive_ecdh(c, Bytes(32, 7), Alg::tdes).size(), 24u);
  EXPECT_NE(compute_key_id(c, Alg::aes128, Bytes(16, 1)),
            compute_key_id(c, Alg::aes128, Bytes(16, 2)));
}

}  // namespace
