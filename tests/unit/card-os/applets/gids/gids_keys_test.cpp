// Key files, key generation, import, public key read, sign, decipher, ECDSA, ECDH.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gids_test_support.h"

namespace softcard::gids::test {
namespace {

struct Keys : GidsCardTest {
  void SetUp() override {
    GidsCardTest::SetUp();
    select_gids();
    ASSERT_EQ(verify_pin().sw, 0x9000);
  }

  Rx mse(std::uint8_t p2, std::uint8_t mech, std::uint8_t kid) {
    return tx(Bytes{0x00, 0x22, 0x41, p2, 0x06, 0x80, 0x01, mech, 0x84, 0x01, kid});
  }
  Rx sign(const Bytes& data) { return send(0x2A, 0x9E, 0x9A, data); }
  Rx decipher(const Bytes& data) { return send(0x2A, 0x80, 0x86, data); }
};

// Deterministic xorshift stream: two instances with one seed give one stream.
class SeededRng final : public Rng {
 public:
  explicit SeededRng(std::uint64_t seed) : state_(seed | 1) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      b = static_cast<std::uint8_t>(state_);
    }
  }

 private:
  std::uint64_t state_;
};

Bytes sha256_info(CryptoProvider& c, std::string_view msg) {
  return digest_info(HashAlg::sha256, c.digest(HashAlg::sha256, view(msg)));
}

TEST_F(Keys, KeyGenerationDrawsFromTheCardRng) {
  auto generate_on_fresh_card = [&](std::uint64_t seed) {
    SeededRng seeded(seed);
    card_rng = &seeded;
    make_card();
    select_gids();
    EXPECT_EQ(verify_pin().sw, 0x9000);
    create_keyfile(0x81, 0x0C);
    const Rx gen = generate(0x81, 0x0C);
    EXPECT_EQ(gen.sw, 0x9000);
    card.reset();  // before `seeded` goes
    card_rng = nullptr;
    return gen.data;
  };
  const Bytes first = generate_on_fresh_card(1234);
  EXPECT_EQ(generate_on_fresh_card(1234), first);
  EXPECT_NE(generate_on_fresh_card(5678), first);
}

TEST_F(Keys, GenerateRsa2048SignAndDecipherAllPaddings) {
  create_keyfile(0x81, 0x07);
  const Rx gen = generate(0x81, 0x07);
  ASSERT_EQ(gen.sw, 0x9000);
  ASSERT_EQ(gen.data[0], 0x7F);
  ASSERT_EQ(gen.data[1], 0x49);
  const PublicKey pub = rsa_public_from(gen.data);
  EXPECT_EQ(pub.bits(), 2048u);

  // Public key read (OpenSC re-reads it after GENERATE) gives the same key.
  const Rx read = send(0xCB, 0x3F, 0xFF, hex("7008840181A5037F4980"));
  ASSERT_EQ(read.sw, 0x9000);
  EXPECT_EQ(read.data, gen.data);

  // PKCS#1 v1.5 signature over a DigestInfo the card pads.
  ASSERT_EQ(mse(0xB6, 0x57, 0x81).sw, 0x9000);
  const Bytes di = sha256_info(host, "hello");
  const Rx sig = sign(di);
  ASSERT_EQ(sig.sw, 0x9000);
  ASSERT_EQ(sig.data.size(), 256u);
  EXPECT_TRUE(host.rsa_verify_pkcs1(pub, di, sig.data));
  Bytes tampered = sig.data;
  tampered[10] ^= 1;
  EXPECT_FALSE(host.rsa_verify_pkcs1(pub, di, tampered));

  // Raw signature (host padded): 0x17 with a full-length block.
  ASSERT_EQ(mse(0xB6, 0x17, 0x81).sw, 0x9000);
  Bytes block(256, 0xFF);
  block[0] = 0x00;
  block[1] = 0x01;
  std::copy(di.begin(), di.end(), block.end() - static_cast<std::ptrdiff_t>(di.size()));
  block[block.size() - di.size() - 1] = 0x00;
  const Rx raw = sign(block);
  ASSERT_EQ(raw.sw, 0x9000);
  EXPECT_EQ(raw.data, sig.data);  // PKCS#1 v1.5 signing is deterministic

  // Decipher: PKCS#1 v1.5 (0x47), OAEP (0x87), raw (0x07); chained in, padding removed.
  const Bytes secret = hex("00112233445566778899AABBCCDDEEFF");
  ASSERT_EQ(mse(0xB8, 0x47, 0x81).sw, 0x9000);
  Rx d = decipher(host.rsa_encrypt(pub, secret, RsaPadding::pkcs1_v15()));
  ASSERT_EQ(d.sw, 0x9000);
  EXPECT_EQ(d.data, secret);
  EXPECT_EQ(decipher(Bytes(256, 0x01)).sw, 0x6A80);  // not a PKCS#1 block
  ASSERT_EQ(mse(0xB8, 0x87, 0x81).sw, 0x9000);
  d = decipher(host.rsa_encrypt(pub, secret, RsaPadding::oaep()));
  ASSERT_EQ(d.sw, 0x9000);
  EXPECT_EQ(d.data, secret);
  ASSERT_EQ(mse(0xB8, 0x07, 0x81).sw, 0x9000);
  const Bytes ct = host.rsa_encrypt(pub, secret, RsaPadding::pkcs1_v15());
  d = decipher(ct);
  ASSERT_EQ(d.sw, 0x9000);
  ASSERT_EQ(d.data.size(), 256u);
  EXPECT_EQ(Bytes(d.data.end() - 16, d.data.end()), secret);
  EXPECT_EQ(d.data[0], 0x00);
  EXPECT_EQ(d.data[1], 0x02);
}

TEST_F(Keys, KeyUseNeedsThePinAndTheRightEnvironment) {
  create_keyfile(0x81, 0x06);
  ASSERT_EQ(generate(0x81, 0x06).sw, 0x9000);
  EXPECT_EQ(sign(hex("0102")).sw, 0x6985);      // no MSE yet
  EXPECT_EQ(mse(0xB6, 0x57, 0x81).sw, 0x6A80);  // 2048 mechanism on a 1024 key
  EXPECT_EQ(mse(0xB6, 0x46, 0x81).sw, 0x6A80);  // decipher mechanism for signing
  EXPECT_EQ(mse(0xB6, 0x56, 0x82).sw, 0x6A88);  // no such key
  ASSERT_EQ(mse(0xB6, 0x56, 0x81).sw, 0x9000);
  EXPECT_EQ(decipher(Bytes(128, 1)).sw, 0x6985);  // environment is for signing
  EXPECT_EQ(tx("00200082").sw, 0x9000);           // logout drops the environment
  EXPECT_EQ(sign(hex("0102")).sw, 0x6985);
  EXPECT_EQ(mse(0xB6, 0x56, 0x81).sw, 0x6982);  // key needs the PIN
  ASSERT_EQ(verify_pin().sw, 0x9000);
  ASSERT_EQ(mse(0xB6, 0x56, 0x81).sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x9000);
  EXPECT_EQ(sign(Bytes(118, 1)).sw, 0x6700);  // longer than k - 11
  EXPECT_EQ(sign(hex("0102")).sw, 0x9000);
}

TEST_F(Keys, PrivateKeysAreNeverReadable) {
  create_keyfile(0x81, 0x06);
  ASSERT_EQ(generate(0x81, 0x06).sw, 0x9000);
  EXPECT_EQ(get_do(0xB081, 0xDF20).sw, 0x6981);
  EXPECT_EQ(send(0xCB, 0xB0, 0x81, hex("5C00")).sw, 0x6981);
  const Rx all = send(0xCB, 0x3F, 0xFF, hex("7008840181A5037F4980"));
  EXPECT_EQ(all.sw, 0x9000);
  EXPECT_LT(all.data.size(), 150u);  // modulus + exponent only
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("7008840180A5037F4980")).sw, 0x6982);  // admin key: never
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("7008840190A5037F4980")).sw, 0x6A88);
}

TEST_F(Keys, GenerateLargerRsaKeys) {
  for (auto [kid, algid, bits] : {std::tuple{0x81, 0x08, 3072u}, std::tuple{0x82, 0x09, 4096u}}) {
    create_keyfile(static_cast<std::uint8_t>(kid), static_cast<std::uint8_t>(algid));
    const Rx gen = generate(static_cast<std::uint8_t>(kid), static_cast<std::uint8_t>(algid));
    ASSERT_EQ(gen.sw, 0x9000);
    const PublicKey pub = rsa_public_from(gen.data);
    EXPECT_EQ(pub.bits(), bits);
    ASSERT_EQ(mse(0xB6, static_cast<std::uint8_t>(0x50 | algid), static_cast<std::uint8_t>(kid)).sw,
              0x9000);
    const Bytes di = sha256_info(host, "large");
    const Rx sig = sign(di);
    ASSERT_EQ(sig.sw, 0x9000);
    EXPECT_TRUE(host.rsa_verify_pkcs1(pub, di, sig.data));
    ASSERT_EQ(mse(0xB8, static_cast<std::uint8_t>(0x40 | algid), static_cast<std::uint8_t>(kid)).sw,
              0x9000);
    const Rx d = decipher(host.rsa_encrypt(pub, hex("CAFE"), RsaPadding::pkcs1_v15()));
    ASSERT_EQ(d.sw, 0x9000);
    EXPECT_EQ(d.data, hex("CAFE"));
  }
}

TEST_F(Keys, EcKeygenEcdsaAndEcdh) {
  for (auto [algid, curve] :
       {std::pair{0x0C, Curve::p256}, std::pair{0x0D, Curve::p384}, std::pair{0x0E, Curve::p521}}) {
    const auto kid = static_cast<std::uint8_t>(0x81 + algid - 0x0C);
    create_keyfile(kid, static_cast<std::uint8_t>(algid));
    const Rx gen = generate(kid, static_cast<std::uint8_t>(algid));
    ASSERT_EQ(gen.sw, 0x9000);
    const PublicKey pub = ec_public_from(gen.data, curve);
    EXPECT_EQ(
        send(0xCB, 0x3F, 0xFF, Bytes{0x70, 0x08, 0x84, 0x01, kid, 0xA5, 0x03, 0x7F, 0x49, 0x80})
            .data,
        gen.data);

    ASSERT_EQ(mse(0xB6, static_cast<std::uint8_t>(0x50 | algid), kid).sw, 0x9000);
    const Bytes hash = host.digest(HashAlg::sha256, view(std::string_view("ec message")));
    const Rx sig = sign(hash);
    ASSERT_EQ(sig.sw, 0x9000);
    EXPECT_EQ(sig.data.size(), 2 * curve_field_size(curve));
    EXPECT_TRUE(host.ecdsa_verify(pub, hash, sig.data));
    // Cross-check with OpenSSL's own verifier on the DER form.
    {
      const Bytes spki = host.public_key_der(pub);
      const unsigned char* p = spki.data();
      EVP_PKEY* pk = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
      ASSERT_NE(pk, nullptr);
      EVP_PKEY_CTX* vctx = EVP_PKEY_CTX_new(pk, nullptr);
      ASSERT_EQ(EVP_PKEY_verify_init(vctx), 1);
      const Bytes der = ecdsa_raw_to_der(sig.data);
      EXPECT_EQ(EVP_PKEY_verify(vctx, der.data(), der.size(), hash.data(), hash.size()), 1);
      EVP_PKEY_CTX_free(vctx);
      EVP_PKEY_free(pk);
    }

    // ECDH: card computes x(d_card * Q_host); the host computes x(d_host * Q_card).
    KeyPair eph = host.generate_ec(curve);
    const EcPublic eph_pub = host.ec_public(eph);
    ASSERT_EQ(mse(0xB8, static_cast<std::uint8_t>(algid), kid).sw, 0x9000);
    const Rx z = decipher(eph_pub.point);
    ASSERT_EQ(z.sw, 0x9000);
    const SecretBytes expect = host.ecdh(eph, host.ec_public(pub).point);
    EXPECT_EQ(z.data, Bytes(expect.view().begin(), expect.view().end()));
    EXPECT_EQ(decipher(hex("0401020304")).sw, 0x6A80);  // not a point on the curve
  }
}

TEST_F(Keys, ImportPkcs1RsaKeyAndUseIt) {
  KeyPair key = host.generate_rsa(2048);
  // PKCS#8 -> PKCS#1 RSAPrivateKey with OpenSSL, as a host holding the key would have it.
  const SecretBytes p8 = host.export_private(key);
  const unsigned char* p = p8.data();
  EVP_PKEY* pk = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(p8.size()));
  ASSERT_NE(pk, nullptr);
  unsigned char* der = nullptr;
  const int n = i2d_PrivateKey(pk, &der);
  ASSERT_GT(n, 0);
  const Bytes pkcs1(der, der + n);
  OPENSSL_clear_free(der, static_cast<std::size_t>(n));
  EVP_PKEY_free(pk);

  create_keyfile(0x81, 0x07);
  const Bytes blob = tlv(0x70, hex("840181") + tlv(0xA5, hex("830102840100") + tlv(0x87, pkcs1)));
  ASSERT_EQ(send(0xDB, 0x3F, 0xFF, blob, false).sw, 0x9000);
  const Rx read = send(0xCB, 0x3F, 0xFF, hex("7008840181A5037F4980"));
  ASSERT_EQ(read.sw, 0x9000);
  const PublicKey pub = rsa_public_from(read.data);
  EXPECT_EQ(host.public_key_der(pub), host.public_key_der(key));
  ASSERT_EQ(mse(0xB6, 0x57, 0x81).sw, 0x9000);
  const Bytes di = sha256_info(host, "imported");
  const Rx sig = sign(di);
  ASSERT_EQ(sig.sw, 0x9000);
  EXPECT_TRUE(host.rsa_verify_pkcs1(pub, di, sig.data));

  // Encrypted import (encrypting key reference != 00) is refused; a broken key changes nothing.
  const Bytes enc = tlv(0x70, hex("840181") + tlv(0xA5, hex("830102840180") + tlv(0x87, pkcs1)));
  EXPECT_EQ(send(0xDB, 0x3F, 0xFF, enc, false).sw, 0x6A81);
  const ObjectMap before = backend->objects();
  Bytes broken = pkcs1;
  broken[broken.size() / 2] ^= 0x55;
  const Bytes bad = tlv(0x70, hex("840181") + tlv(0xA5, hex("830102840100") + tlv(0x87, broken)));
  EXPECT_EQ(send(0xDB, 0x3F, 0xFF, bad, false).sw, 0x6A80);
  EXPECT_EQ(backend->objects(), before);
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("7008840181A5037F4980")).data, read.data);
}

TEST_F(Keys, SignatureOnlyKeyFileRefusesDecipher) {
  // OpenSC's signature-only FCP (its CRTs name key 83, which the card does not care about).
  const Bytes crts = tlv(0xB6, hex("800116830183950140")) + tlv(0xB6, hex("800156830183950140"));
  const Bytes fcp = tlv(0x62, hex("8201188302B0818C058F10101000") + tlv(0xA5, crts));
  ASSERT_EQ(send(0xE0, 0, 0, fcp, false).sw, 0x9000);
  ASSERT_EQ(tx("00440000").sw, 0x9000);
  ASSERT_EQ(generate(0x81, 0x06).sw, 0x9000);
  EXPECT_EQ(mse(0xB8, 0x46, 0x81).sw, 0x6984);
  EXPECT_EQ(mse(0xB6, 0x56, 0x81).sw, 0x9000);
}

TEST_F(Keys, KeyFileLifeCycleAndDeletion) {
  ASSERT_EQ(send(0xE0, 0, 0, keyfile_fcp(0x81, 0x06), false).sw, 0x9000);
  EXPECT_EQ(generate(0x81, 0x06).sw, 0x6985);  // not activated yet
  EXPECT_EQ(send(0xE0, 0, 0, keyfile_fcp(0x81, 0x06), false).sw, 0x6A89);
  ASSERT_EQ(tx("00440000").sw, 0x9000);
  ASSERT_EQ(generate(0x81, 0x06).sw, 0x9000);
  // OpenSC deletes: SELECT the key file, DELETE FILE (current).
  EXPECT_EQ(tx("00A4000C02B081").sw, 0x9000);
  EXPECT_EQ(tx("00200082").sw, 0x9000);
  EXPECT_EQ(tx("00E40000").sw, 0x6982);  // deleting needs the PIN (DF delete-child ACL)
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(tx("00A4000C02B081").sw, 0x9000);
  EXPECT_EQ(tx("00E40000").sw, 0x9000);
  EXPECT_EQ(tx("00A4000C02B081").sw, 0x6A82);
  EXPECT_EQ(mse(0xB6, 0x56, 0x81).sw, 0x6A88);
  // Malformed CREATE FILE data.
  EXPECT_EQ(send(0xE0, 0, 0, hex("6205820118830281"), false).sw, 0x6A80);
  EXPECT_EQ(send(0xE0, 0, 0, hex("620C8201188302A0818C03033000"), false).sw,
            0x6A80);  // key file outside B0xx
  EXPECT_EQ(send(0xE0, 0, 0, hex("620C8201058302A0208C03033000"), false).sw,
            0x6A80);  // unsupported type
}

}  // namespace
}  // namespace softcard::gids::test
