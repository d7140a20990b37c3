// GENERATE, GENERAL AUTHENTICATE with the key slots (RSA raw, ECDSA, ECDH), the PIN and touch
// policies, IMPORT, and the firmware gates on algorithms.
#include "piv_test_support.h"
#include "softcard/wire/rsa_der.h"

namespace softcard::piv::test {
namespace {

using Keys = PivCardTest;

Bytes sha256(CryptoProvider& c, std::string_view s) {
  return c.digest(HashAlg::sha256, view(s));
}

// EMSA-PKCS1-v1_5 block as the host builds it for a raw RSA signature.
Bytes pkcs1_block(std::size_t n, const Bytes& digest_info) {
  Bytes b = {0x00, 0x01};
  b.resize(n - digest_info.size() - 1, 0xFF);
  b.push_back(0x00);
  append(b, digest_info);
  return b;
}

TEST_F(Keys, GenerateRsa2048In9aAndSignRaw) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9A, 0x07);
  ASSERT_EQ(g.sw, 0x9000);
  const PublicKey pub = rsa_public_from(g.data);
  EXPECT_EQ(pub.bits(), 2048u);
  EXPECT_EQ(field(g.data, 0x7F49, 0x82), hex("010001"));
  const Bytes di = digest_info(HashAlg::sha256, sha256(host, "hello"));
  const Bytes block = pkcs1_block(256, di);
  EXPECT_EQ(use_key(0x07, 0x9A, block).sw, 0x6982);  // PIN once: not verified yet
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const Rx r = use_key(0x07, 0x9A, block);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(host.rsa_verify_pkcs1(pub, di, result_of(r)));
  EXPECT_EQ(use_key(0x07, 0x9A, block).sw, 0x9000);             // once: stays verified
  EXPECT_EQ(use_key(0x06, 0x9A, Bytes(128, 1)).sw, 0x6A80);     // algorithm mismatch
  EXPECT_EQ(use_key(0x07, 0x9A, Bytes(255, 1)).sw, 0x6A80);     // not the modulus length
  EXPECT_EQ(use_key(0x07, 0x9A, Bytes(256, 0xFF)).sw, 0x6A80);  // not below n
}

TEST_F(Keys, RsaDecryptIsTheSameRawOperation) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9D, 0x06);
  ASSERT_EQ(g.sw, 0x9000);
  const PublicKey pub = rsa_public_from(g.data);
  const Bytes secret = hex("00112233445566778899");
  const Bytes ct = host.rsa_encrypt(pub, secret, RsaPadding::pkcs1_v15());
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const Rx r = use_key(0x06, 0x9D, ct);
  ASSERT_EQ(r.sw, 0x9000);
  const Bytes plain = result_of(r);
  ASSERT_EQ(plain.size(), 128u);
  EXPECT_EQ(Bytes(plain.end() - 10, plain.end()), secret);
  EXPECT_EQ(plain[0], 0x00);
  EXPECT_EQ(plain[1], 0x02);
}

TEST_F(Keys, SignatureKey9cNeedsThePinForEveryUse) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9C, 0x11);
  ASSERT_EQ(g.sw, 0x9000);
  const PublicKey pub = ec_public_from(g.data, Curve::p256);
  const Bytes hash = sha256(host, "document");
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const Rx r = use_key(0x11, 0x9C, hash);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(host.ecdsa_verify_der(pub, hash, result_of(r)));
  EXPECT_EQ(use_key(0x11, 0x9C, hash).sw, 0x6982);  // the verification was spent
  EXPECT_EQ(tx("00200080").sw, 0x9000);             // ... though the PIN stays verified
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(use_key(0x11, 0x9C, hash).sw, 0x9000);
}

TEST_F(Keys, CardAuthenticationKey9eNeedsNoPin) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9E, 0x14);
  ASSERT_EQ(g.sw, 0x9000);
  const PublicKey pub = ec_public_from(g.data, Curve::p384);
  card->reset();
  select_piv();
  const Bytes hash = host.digest(HashAlg::sha384, view("x"));
  const Rx r = use_key(0x14, 0x9E, hash);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(host.ecdsa_verify_der(pub, hash, result_of(r)));
}

TEST_F(Keys, EcdhWithTag85) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9D, 0x11);
  ASSERT_EQ(g.sw, 0x9000);
  const KeyPair peer = host.generate_ec(Curve::p256);
  const Bytes card_point = field(g.data, 0x7F49, 0x86);
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const Rx r = use_key(0x11, 0x9D, host.ec_public(peer).point, true);
  ASSERT_EQ(r.sw, 0x9000);
  const SecretBytes expected = host.ecdh(peer, card_point);
  EXPECT_EQ(result_of(r), Bytes(expected.view().begin(), expected.view().end()));
  Bytes off_curve = host.ec_public(peer).point;
  off_curve.back() ^= 1;
  EXPECT_EQ(use_key(0x11, 0x9D, off_curve, true).sw, 0x6A80);
}

TEST_F(Keys, PoliciesGivenAtGenerationAreHonoured) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  ASSERT_EQ(generate(0x82, 0x11, 0x01, 0x01).sw, 0x9000);  // retired slot, PIN never
  EXPECT_EQ(use_key(0x11, 0x82, Bytes(32, 1)).sw, 0x9000);
  ASSERT_EQ(generate(0x9A, 0x11, 0x03).sw, 0x9000);  // 9A with PIN always
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(use_key(0x11, 0x9A, Bytes(32, 1)).sw, 0x9000);
  EXPECT_EQ(use_key(0x11, 0x9A, Bytes(32, 1)).sw, 0x6982);
  EXPECT_EQ(generate(0x9A, 0x11, 0x04).sw, 0x6A80);
  EXPECT_EQ(generate(0x9A, 0x11, 0x01, 0x04).sw, 0x6A80);
  EXPECT_EQ(tx("00F7008200").data.size(), 79u);  // 01 11, 02 0101, 03 01, 04 { 86 41 point }
  const Rx meta = tx("00F7008200");
  EXPECT_EQ(Bytes(meta.data.begin(), meta.data.begin() + 11), hex("0101110202010103010104"));
}

TEST_F(Keys, TouchPolicyWithATouchThatTimesOut) {
  auto p = yubikey();
  p.yubikey->touch_times_out = true;
  make_card(p);
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  ASSERT_EQ(generate(0x9E, 0x11, {}, 0x02).sw, 0x9000);
  EXPECT_EQ(use_key(0x11, 0x9E, Bytes(32, 1)).sw, 0x6985);
  ASSERT_EQ(generate(0x9E, 0x11, {}, 0x01).sw, 0x9000);
  EXPECT_EQ(use_key(0x11, 0x9E, Bytes(32, 1)).sw, 0x9000);
}

TEST_F(Keys, GenerateChecks) {
  select_piv();
  EXPECT_EQ(generate(0x9A, 0x11).sw, 0x6982);
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(generate(0x9B, 0x11).sw, 0x6A86);
  EXPECT_EQ(generate(0xF9, 0x11).sw, 0x6A86);
  EXPECT_EQ(generate(0x96, 0x11).sw, 0x6A86);
  EXPECT_EQ(tx("0047019A05AC03800111").sw, 0x6A86);
  EXPECT_EQ(generate(0x9A, 0x03).sw, 0x6A80);
  EXPECT_EQ(generate(0x9A, 0xE2).sw, 0x6A80);  // no such algorithm
  EXPECT_EQ(tx("0047009A05AB03800111").sw, 0x6A80);
  EXPECT_EQ(tx("0047009A03AC0180").sw, 0x6A80);
  EXPECT_EQ(use_key(0x11, 0x9A, Bytes(32, 1)).sw, 0x6A80);  // empty slot
  EXPECT_EQ(use_key(0x11, 0x9B, Bytes(32, 1)).sw, 0x6A80);
  EXPECT_EQ(use_key(0x11, 0x9F, Bytes(32, 1)).sw, 0x6A86);
}

TEST_F(Keys, Rsa3072And4096OnlyOnFirmware57) {
  make_card(yubikey({5, 4, 3}));
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(generate(0x9A, 0x05).sw, 0x6A80);
  EXPECT_EQ(generate(0x9A, 0x16).sw, 0x6A80);
  make_card(yubikey({5, 7, 1}));
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9A, 0x05);
  ASSERT_EQ(g.sw, 0x9000);
  EXPECT_EQ(rsa_public_from(g.data).bits(), 3072u);
}

TEST_F(Keys, ImportChecks) {
  select_piv();
  EXPECT_EQ(send(0xFE, 0x11, 0x9A, cat(hex("0620"), Bytes(32, 1)), false).sw, 0x6982);
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(send(0xFE, 0x06, 0x9A, hex("010101020102030103040104050105"), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFE, 0x06, 0x9A, hex("0101010201020301030401040500"), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFE, 0x11, 0x9A, hex("060101"), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFE, 0x11, 0x9A, cat(hex("0620"), Bytes(32, 0)), false).sw, 0x6A80);  // d = 0
  EXPECT_EQ(send(0xFE, 0x11, 0x9A, cat(hex("0620"), Bytes(32, 0xFF)), false).sw, 0x6A80);
  EXPECT_EQ(send(0xFE, 0x11, 0x9B, cat(hex("0620"), Bytes(32, 1)), false).sw, 0x6A86);
  EXPECT_EQ(send(0xFE, 0x03, 0x9A, cat(hex("0620"), Bytes(32, 1)), false).sw, 0x6A86);
  EXPECT_EQ(tx("00F7009A00").sw, 0x6A88);  // nothing was written
}

TEST_F(Keys, ImportEcKeyWithPolicy) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  Bytes d(32, 0);
  d.back() = 7;
  ASSERT_EQ(send(0xFE, 0x11, 0x9A, cat(cat(hex("0620"), d), hex("AA0101")), false).sw, 0x9000);
  const Bytes hash = sha256(host, "imported");
  const Rx r = use_key(0x11, 0x9A, hash);  // PIN never
  ASSERT_EQ(r.sw, 0x9000);
  const KeyPair mine = host.import_ec_private(Curve::p256, d);
  EXPECT_TRUE(host.ecdsa_verify_der(host.public_key(mine), hash, result_of(r)));
  const Rx meta = tx("00F7009A00");
  EXPECT_EQ(Bytes(meta.data.begin(), meta.data.begin() + 11), hex("0101110202010103010204"));
  EXPECT_EQ(tx("00F99A00").sw, 0x6A80);  // imported keys are not attested
}

TEST_F(Keys, ImportRsaKeyFromCrtComponents) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const KeyPair rsa = host.generate_rsa(1024);
  const SecretBytes pkcs8 = host.export_private(rsa);
  const auto parts = wire::decode_pkcs8_rsa(pkcs8.view());
  ASSERT_TRUE(parts);
  // Each component zero-padded to n/2 bytes, as yubico-piv-tool sends them.
  Bytes data;
  std::uint32_t tag = 1;
  for (const Bytes* v : {&parts->p, &parts->q, &parts->dp, &parts->dq, &parts->qinv}) {
    Bytes padded(64 - v->size(), 0);
    append(padded, *v);
    append(data, wire::tlv(tag++, padded));
  }
  ASSERT_EQ(send(0xFE, 0x06, 0x9D, data, false).sw, 0x9000);
  EXPECT_EQ(send(0xFE, 0x07, 0x9D, data, false).sw, 0x6A80);  // not a 2048-bit key
  ASSERT_EQ(verify_pin().sw, 0x9000);
  const Bytes di = digest_info(HashAlg::sha256, sha256(host, "rsa"));
  const Rx r = use_key(0x06, 0x9D, pkcs1_block(128, di));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(host.rsa_verify_pkcs1(host.public_key(rsa), di, result_of(r)));
}

}  // namespace
}  // namespace softcard::piv::test
