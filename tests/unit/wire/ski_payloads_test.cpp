// docs/ski.md §8 structures and §6.1 capabilities.
#include <gtest/gtest.h>

#include "softcard/wire/ski.h"
#include "wire_test_support.h"

namespace softcard::wire::ski {
namespace {
using test::cat;
using test::hex;

TEST(SkiPayloads, AuthenticateOfTheWorkedExample) {
  const Bytes p = hex("07000000 00000000 01000000 06000000 313233343536");
  const Bytes pin = hex("313233343536");
  EXPECT_EQ(encode_authenticate({0, 1, pin}), p);
  auto a = decode_authenticate(p);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->flags, 0u);
  EXPECT_EQ(a->pin_id, 1u);
  EXPECT_EQ(Bytes(a->pin.begin(), a->pin.end()), pin);
  EXPECT_FALSE(decode_authenticate(cat(p, hex("00"))));
  Bytes v6 = p;
  v6[0] = 6;
  EXPECT_FALSE(decode_authenticate(v6));
  EXPECT_TRUE(well_formed(csf::authenticate, p));
  EXPECT_FALSE(well_formed(csf::import_keypair, p));
  EXPECT_FALSE(well_formed(csf::session_pin, p));
}

TEST(SkiPayloads, ImportKeypair) {
  const Bytes blob = hex("AABBCC");
  const Bytes p = hex("07000000 05 000000 01000000 02000000 00080000 03000000 AABBCC");
  EXPECT_EQ(encode_import_keypair({5, 1, 2, 2048, blob}), p);
  auto s = decode_import_keypair(p);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->container_index, 5);
  EXPECT_EQ(s->key_spec, 2u);
  EXPECT_EQ(s->key_bits, 2048u);
  EXPECT_EQ(Bytes(s->key_blob.begin(), s->key_blob.end()), blob);
  EXPECT_FALSE(decode_import_keypair(Bytes(p.begin(), p.end() - 1)));
  EXPECT_FALSE(decode_import_keypair(hex("07000000")));
}

TEST(SkiPayloads, ChangeAuthenticator) {
  const Bytes p = hex("07000000 02000000 01000000 02000000 01000000 03000000 00000000 3132 414243");
  ChangeAuthenticator c;
  c.flags = 2, c.auth_pin_id = 1, c.target_pin_id = 1, c.retry_count = 0;
  const Bytes auth = hex("3132"), target = hex("414243");
  c.auth = auth, c.target = target;
  EXPECT_EQ(encode_change_authenticator(c), p);
  auto d = decode_change_authenticator(p);
  ASSERT_TRUE(d);
  EXPECT_EQ(Bytes(d->auth.begin(), d->auth.end()), auth);
  EXPECT_EQ(Bytes(d->target.begin(), d->target.end()), target);
  Bytes huge = p;
  huge[12] = 0xFF, huge[13] = 0xFF, huge[14] = 0xFF, huge[15] = 0xFF;  // lengths overflow 32 bits
  EXPECT_FALSE(decode_change_authenticator(huge));
  EXPECT_FALSE(decode_change_authenticator(cat(p, hex("00"))));
}

TEST(SkiPayloads, Answers) {
  EXPECT_EQ(encode_authenticate_response({3, {}}), hex("07000000 00000000 03000000"));
  const Bytes blob = hex("534B");
  const Bytes r = encode_authenticate_response({2, blob});
  EXPECT_EQ(r, hex("07000000 02000000 02000000 534B"));
  auto d = decode_authenticate_response(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->attempts_remaining, 2u);
  EXPECT_EQ(Bytes(d->session_pin_blob.begin(), d->session_pin_blob.end()), blob);
  EXPECT_FALSE(decode_authenticate_response(cat(r, hex("00"))));
  EXPECT_EQ(encode_change_authenticator_response({4}), hex("07000000 04000000"));
  EXPECT_EQ(decode_change_authenticator_response(hex("07000000 04000000"))->attempts_remaining, 4u);
  EXPECT_FALSE(decode_change_authenticator_response(hex("07000000")));
}

TEST(SkiCapabilities, WorkedExample) {
  const Bytes c = hex("80010f 81011f 82010f 830103 840108 850108 860107 870101");
  EXPECT_EQ(encode_capabilities({0x0F, 0x1F, 0x0F, 0x03, 8, 8, 0x07, 1}), c);
  const Capabilities d = decode_capabilities(c);
  EXPECT_EQ(d.algs, 0x1F);
  EXPECT_EQ(d.free, 8);
  EXPECT_EQ(d.version, 1);
  EXPECT_EQ(decode_capabilities(hex("80020F0F 810101")).import_support, 0);  // wrong size
  EXPECT_EQ(decode_capabilities(hex("8001")).algs, 0);                       // malformed
}

}  // namespace
}  // namespace softcard::wire::ski
