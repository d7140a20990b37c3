// Vectors from docs/ski.md §10 (the worked example).
#include <gtest/gtest.h>

#include <stdexcept>

#include "softcard/wire/ski.h"
#include "wire_test_support.h"

namespace softcard::wire::ski {
namespace {
using test::cat;
using test::filled;
using test::hex;

const char* gcm_header =
    "53 4b 01 03 01 03 02 0c ea e6 9a 17 a2 b2 e0 eb 00 00 00 01 00 01 02 03 04 05 06 07"
    " a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab";
const char* gcm_body =
    "0c c1 05 60 e9 8d 01 2f d5 54 2f 7c c6 52 f8 74 a7 5e 03 cf db 8b"
    " ea 65 cb 33 06 85 80 e2 46 60 6d 2e 22 42 d8 74";

TEST(SkiIdentifiers, Table) {
  EXPECT_EQ(key_length(Alg::aes192), 24u);
  EXPECT_EQ(key_length(Alg::tdes112), 16u);
  EXPECT_EQ(block_length(Alg::tdes), 8u);
  EXPECT_EQ(block_length(Alg::aes128), 16u);
  EXPECT_EQ(iv_length(Alg::aes256, Mode::gcm), 12u);
  EXPECT_EQ(iv_length(Alg::tdes, Mode::cbc), 8u);
  EXPECT_FALSE(mode_allowed(Alg::tdes, Mode::gcm));
  EXPECT_TRUE(mode_allowed(Alg::aes128, Mode::gcm));
  EXPECT_EQ(alg_from_id(5), Alg::tdes112);
  EXPECT_FALSE(alg_from_id(0));
  EXPECT_FALSE(alg_from_id(6));
  EXPECT_EQ(mode_from_id(2), Mode::gcm);
  EXPECT_FALSE(mode_from_id(3));
  EXPECT_EQ(alg_from_name(u"AES", 24), Alg::aes192);
  EXPECT_FALSE(alg_from_name(u"AES", 20));
  EXPECT_EQ(alg_from_name(u"3DES", 24), Alg::tdes);
  EXPECT_FALSE(alg_from_name(u"3DES", 16));
  EXPECT_EQ(alg_from_name(u"3DES_112", 16), Alg::tdes112);
  EXPECT_FALSE(alg_from_name(u"DES", 8));
}

TEST(SkiBlob, HeaderOfTheWorkedExample) {
  const Bytes key_id = hex("eae69a17a2b2e0eb"), nonce = hex("0001020304050607"),
              iv = hex("a0a1a2a3a4a5a6a7a8a9aaab");
  BlobHeader h{csf::authenticate, Direction::to_card, Alg::aes256, Mode::gcm, key_id, 1, nonce, iv};
  EXPECT_EQ(encode_blob_header(h), hex(gcm_header));
  h.iv = ByteView(iv).subspan(0, 8);
  EXPECT_THROW(encode_blob_header(h), std::invalid_argument);
}

TEST(SkiBlob, SplitsTheWorkedExample) {
  const Bytes blob = cat(hex(gcm_header), hex(gcm_body));
  auto r = split_blob(blob, Direction::to_card);
  ASSERT_TRUE(std::holds_alternative<BlobParts>(r));
  const BlobParts& p = std::get<BlobParts>(r);
  EXPECT_EQ(p.header.function, csf::authenticate);
  EXPECT_EQ(p.header.alg, Alg::aes256);
  EXPECT_EQ(p.header.mode, Mode::gcm);
  EXPECT_EQ(p.header.seq, 1u);
  EXPECT_EQ(Bytes(p.header.key_id.begin(), p.header.key_id.end()), hex("eae69a17a2b2e0eb"));
  EXPECT_EQ(Bytes(p.header_bytes.begin(), p.header_bytes.end()), hex(gcm_header));
  EXPECT_EQ(p.ciphertext.size(), 22u);
  EXPECT_EQ(Bytes(p.tag.begin(), p.tag.end()), hex("ea65cb33068580e246606d2e2242d874"));
}

TEST(SkiBlob, MalformedIsCheckOne) {
  const Bytes good = cat(hex(gcm_header), hex(gcm_body));
  auto malformed = [](const Bytes& b, Direction d = Direction::to_card) {
    auto r = split_blob(b, d);
    return std::holds_alternative<Reject>(r) && std::get<Reject>(r) == Reject::malformed;
  };
  EXPECT_FALSE(malformed(good));
  EXPECT_TRUE(malformed(good, Direction::to_server));
  EXPECT_TRUE(malformed(Bytes(good.begin(), good.begin() + 27)));
  EXPECT_TRUE(malformed(hex(gcm_header)));  // no tag
  for (std::size_t at : {0u, 1u, 2u, 5u, 6u, 7u}) {
    Bytes bad = good;
    bad[at] ^= 0x40;
    EXPECT_TRUE(malformed(bad)) << at;
  }
  // CBC: the ciphertext must be whole blocks, and at least one.
  Bytes cbc = cat(hex("534b0103010101 10"), filled(20, 0));
  cbc = cat(cbc, filled(16, 0xB0));
  EXPECT_TRUE(malformed(cat(cbc, filled(16, 0))));        // no ciphertext
  EXPECT_TRUE(malformed(cat(cbc, filled(16 + 5, 0))));    // 5 bytes
  EXPECT_FALSE(malformed(cat(cbc, filled(32 + 16, 0))));  // two blocks + tag
  // The function id is not check one.
  Bytes other = good;
  other[3] = csf::import_keypair;
  EXPECT_FALSE(malformed(other));
}

TEST(SkiKeyDataBlob, WorkedExample) {
  const Bytes key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Bytes blob = cat(hex("4b44424d 01000000 20000000"), key);
  EXPECT_EQ(key_data_blob(key), blob);
  auto k = key_data_blob_key(blob);
  ASSERT_TRUE(k);
  EXPECT_EQ(Bytes(k->begin(), k->end()), key);
  EXPECT_FALSE(key_data_blob_key(cat(blob, hex("00"))));
  Bytes bad = blob;
  bad[4] = 2;
  EXPECT_FALSE(key_data_blob_key(bad));
  bad = blob, bad[0] ^= 1;
  EXPECT_FALSE(key_data_blob_key(bad));
  EXPECT_FALSE(key_data_blob_key(hex("4b44424d0100")));
}

TEST(SkiShared, HellosOfTheWorkedExample) {
  const Bytes ns = hex("101112131415161718191a1b1c1d1e1f"),
              nc = hex("202122232425262728292a2b2c2d2e2f"), kid = hex("a936b3a75c3b73f5");
  const Bytes hello_s = hex("53 48 01 01 03 101112131415161718191a1b1c1d1e1f");
  const Bytes hello_c = cat(cat(hex("43 48 01 01 03"), ns), cat(nc, kid));
  EXPECT_EQ(encode_server_hello({1, Alg::aes256, ns}), hello_s);
  EXPECT_EQ(encode_card_hello({1, Alg::aes256, ns, nc, kid}), hello_c);
  auto s = decode_server_hello(hello_s);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 1);
  EXPECT_EQ(Bytes(s->ns.begin(), s->ns.end()), ns);
  auto c = decode_card_hello(hello_c);
  ASSERT_TRUE(c);
  EXPECT_EQ(Bytes(c->key_id.begin(), c->key_id.end()), kid);
  EXPECT_EQ(Bytes(c->nc.begin(), c->nc.end()), nc);
  EXPECT_FALSE(decode_card_hello(hello_s));
  EXPECT_FALSE(decode_server_hello(hello_c));
  Bytes bad = hello_s;
  bad[4] = 9;  // unknown algorithm
  EXPECT_FALSE(decode_server_hello(bad));
  bad = hello_s, bad[2] = 2;  // version
  EXPECT_FALSE(decode_server_hello(bad));
}

TEST(SkiShared, ServerRequest) {
  const Bytes ks = filled(32, 0x5c);
  const Bytes req = cat(hex("53 52 01 01 03 20"), ks);
  EXPECT_EQ(encode_shared_request({1, Alg::aes256, ks}), req);
  auto r = decode_shared_request(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(Bytes(r->shared_key.begin(), r->shared_key.end()), ks);
  Bytes bad = req;
  bad[5] = 16;
  EXPECT_FALSE(decode_shared_request(bad));
  EXPECT_THROW(encode_shared_request({1, Alg::aes256, filled(16, 0)}), std::invalid_argument);
}

}  // namespace
}  // namespace softcard::wire::ski
