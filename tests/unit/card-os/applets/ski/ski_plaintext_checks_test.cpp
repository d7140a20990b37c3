// The secure functions' plaintext checks (docs/ski.md §8, D36, D45), one sealed blob per check:
// the card decodes CARD_IMPORT_KEYPAIR, PRIVATEKEYBLOB, BCRYPT_ECCPRIVATE_BLOB, CARD_AUTHENTICATE
// and CARD_CHANGE_AUTHENTICATOR with wire's decoders (docs/wire.md); each defect answers its
// documented status and leaves the card image unchanged.
#include <gtest/gtest.h>

#include "ski_test_support.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/rsa_der.h"

using namespace softcard;
using namespace softcard::ski_test;

namespace {

struct SkiPlaintext : SkiCard {
  std::uint8_t ref = 0;
  std::optional<ski::SessionKey> sender;

  void SetUp() override {
    SkiCard::SetUp();
    auto session = shared_session(ski::Alg::aes256);
    ref = session.first;
    sender = session.second;
  }

  // Seals `plain` for function `f` and sends it as PROCESS ENCRYPTED DATA, chained (CLA 90) in
  // blocks of 255 bytes; returns the status word.
  std::uint16_t send(std::uint8_t f, const Bytes& plain) {
    Bytes nonce(8);
    rng.fill(nonce);
    const Bytes blob = ski::seal(crypto, *sender, f, ski::Direction::to_card, nonce, plain);
    Bytes body = {0x84, 0x01, ref, 0x87};
    if (blob.size() >= 0x100)
      body.push_back(0x82), body.push_back(std::uint8_t(blob.size() >> 8));
    else if (blob.size() >= 0x80)
      body.push_back(0x81);
    body.push_back(std::uint8_t(blob.size()));
    append(body, blob);
    std::size_t at = 0;
    while (body.size() - at > 255) {
      Bytes block = {0x90, 0x62, f, 0x00, 0xFF};
      block.insert(block.end(), body.begin() + std::ptrdiff_t(at),
                   body.begin() + std::ptrdiff_t(at + 255));
      EXPECT_EQ(sw(tx(block)), 0x9000);
      at += 255;
    }
    Bytes last = {0x80, 0x62, f, 0x00, std::uint8_t(body.size() - at)};
    last.insert(last.end(), body.begin() + std::ptrdiff_t(at), body.end());
    last.push_back(0);
    return sw(tx(last));
  }

  // Sends `plain` and expects `want` with the card image unchanged.
  void refused(std::uint8_t f, const Bytes& plain, std::uint16_t want, const std::string& what) {
    const ObjectMap before = backend->objects();
    EXPECT_EQ(send(f, plain), want) << what;
    EXPECT_TRUE(backend->objects() == before) << what << ": the card image changed";
  }
};

Bytes keypair_struct(std::uint8_t index, std::uint32_t spec, std::uint32_t bits, const Bytes& blob,
                     std::uint32_t version = 7, std::uint32_t pin_id = 1) {
  Bytes s;
  ski::put_u32le(s, version);
  append(s, Bytes{index, 0, 0, 0});
  ski::put_u32le(s, pin_id), ski::put_u32le(s, spec), ski::put_u32le(s, bits);
  ski::put_u32le(s, std::uint32_t(blob.size()));
  append(s, blob);
  return s;
}

Bytes rsa_blob(CryptoProvider& crypto, unsigned bits) {
  const KeyPair k = crypto.generate_rsa(bits);
  const auto parts = wire::decode_pkcs8_rsa(crypto.export_private(k).view());
  return wire::encode_privatekeyblob(*parts, true);
}

// BCRYPT_ECCPRIVATE_BLOB (ECK2) of the ECDH P-256 key with scalar 22..22.
Bytes ecdh_blob(CryptoProvider& crypto) {
  wire::EccParts e;
  e.ecdh = true, e.has_private = true;
  e.d = Bytes(32, 0x22);
  const Bytes point = crypto.ec_public(crypto.import_ec_private(Curve::p256, e.d)).point;
  e.x.assign(point.begin() + 1, point.begin() + 33);
  e.y.assign(point.begin() + 33, point.end());
  return wire::encode_bcrypt_ecckey_blob(e);
}

void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = std::uint8_t(v >> (8 * i));
}

TEST_F(SkiPlaintext, ImportKeypairStructureAndPrivateKeyBlobChecks) {
  const Bytes good = rsa_blob(crypto, 1024);
  // Structure, PinId and index come before the PIN (D36).
  refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, good, 6), 0x6A80, "dwVersion 6");
  Bytes longer = keypair_struct(1, 1, 1024, good);
  longer.push_back(0);
  refused(ski::csf::import_keypair, longer, 0x6A80, "cbInput one short of the payload");
  refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, good, 7, 2), 0x6A80, "PinId admin");
  refused(ski::csf::import_keypair, keypair_struct(126, 1, 1024, good), 0x6A80, "index 126");
  refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, good), 0x6982, "PIN not verified");
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  refused(ski::csf::import_keypair, keypair_struct(1, 9, 1024, good), 0x6A80, "dwKeySpec 9");
  refused(ski::csf::import_keypair, keypair_struct(1, 1, 1536, good), 0x6A81, "dwKeySize 1536");
  refused(ski::csf::import_keypair, keypair_struct(1, 1, 2048, good), 0x6A80,
          "dwKeySize 2048 for a 1024-bit blob");
  auto spoiled = [&](std::size_t at, std::uint8_t value, const std::string& what) {
    Bytes b = good;
    b[at] = value;
    refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, b), 0x6A80, what);
  };
  spoiled(0, 0x06, "bType PUBLICKEYBLOB");
  spoiled(1, 0x03, "bVersion 3");
  spoiled(5, 0x66, "aiKeyAlg neither CALG_RSA_KEYX nor CALG_RSA_SIGN");
  spoiled(11, 0x31, "magic RSA1");
  {
    Bytes b = good;
    put32(b, 12, 2048);
    refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, b), 0x6A80, "bitlen 2048");
  }
  refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, Bytes(good.begin(), good.end() - 1)),
          0x6A80, "a blob one byte short");
  {
    Bytes b = good;
    b.push_back(0);
    refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, b), 0x6A80, "one byte extra");
  }
  {
    Bytes b = good;
    b[20 + 128 + 3] ^= 0x01;  // prime1: the numbers no longer make one key
    refused(ski::csf::import_keypair, keypair_struct(1, 1, 1024, b), 0x6A80, "inconsistent key");
  }
  EXPECT_EQ(send(ski::csf::import_keypair, keypair_struct(1, 1, 1024, good)), 0x9000);
  EXPECT_EQ(sw(tx(Bytes{0x00, 0x22, 0x41, 0xB8, 0x06, 0x80, 0x01, 0x46, 0x84, 0x01, 0x82})), 0x9000)
      << "the imported key-exchange key deciphers";
}

TEST_F(SkiPlaintext, EccPrivateBlobChecks) {
  ASSERT_EQ(sw(tx("0020008006313233343536")), 0x9000);
  const Bytes good = ecdh_blob(crypto);
  refused(ski::csf::import_keypair, keypair_struct(2, 6, 384, good), 0x6A80, "dwKeySize 384");
  refused(ski::csf::import_keypair, keypair_struct(2, 3, 256, good), 0x6A80,
          "an ECDH blob for AT_ECDSA_P256");
  {
    Bytes b = good;
    put32(b, 0, 0x314B4345);  // ECK1: the public ECDH magic
    refused(ski::csf::import_keypair, keypair_struct(2, 6, 256, b), 0x6A80, "public magic");
  }
  {
    Bytes b = good;
    put32(b, 4, 48);
    refused(ski::csf::import_keypair, keypair_struct(2, 6, 256, b), 0x6A80, "cbKey 48");
  }
  {
    Bytes b = good;
    b[8] ^= 0x01;  // X no longer d's point
    refused(ski::csf::import_keypair, keypair_struct(2, 6, 256, b), 0x6A80, "X not d's point");
  }
  refused(ski::csf::import_keypair, keypair_struct(2, 6, 256, Bytes(good.begin(), good.end() - 1)),
          0x6A80, "a blob one byte short");
  EXPECT_EQ(send(ski::csf::import_keypair, keypair_struct(2, 6, 256, good)), 0x9000);
}

Bytes auth(std::uint32_t version, std::uint32_t flags, std::uint32_t pin_id, std::string_view pin,
           int cb_delta = 0) {
  Bytes s;
  ski::put_u32le(s, version), ski::put_u32le(s, flags), ski::put_u32le(s, pin_id);
  ski::put_u32le(s, std::uint32_t(int(pin.size()) + cb_delta));
  append(s, view(pin));
  return s;
}

TEST_F(SkiPlaintext, AuthenticateChecksComeBeforeThePin) {
  // A wrong PIN would count down: every malformed structure must stop before the comparison.
  refused(ski::csf::authenticate, auth(6, 0, 1, "000000"), 0x6A80, "dwVersion 6");
  refused(ski::csf::authenticate, auth(7, 0, 1, "000000", 1), 0x6A80, "cbPinData too long");
  refused(ski::csf::authenticate, auth(7, 0, 1, "000000", -1), 0x6A80, "cbPinData too short");
  refused(ski::csf::authenticate, auth(7, 0, 2, "000000"), 0x6A80, "PinId admin");
  refused(ski::csf::authenticate, auth(7, 1, 1, "000000"), 0x6A80, "dwFlags 1");
  refused(ski::csf::authenticate, Bytes(15, 7), 0x6A80, "15 bytes");
  EXPECT_EQ(send(ski::csf::authenticate, auth(7, 0x40, 1, "123456")), 0x9000)
      << "CARD_PIN_SILENT_CONTEXT tolerated";
}

Bytes change(std::uint32_t version, std::uint32_t flags, std::uint32_t auth_id,
             std::uint32_t target, std::uint32_t retry, std::string_view old_pin,
             std::string_view new_pin, int cb_delta = 0) {
  Bytes s;
  ski::put_u32le(s, version), ski::put_u32le(s, flags), ski::put_u32le(s, auth_id);
  ski::put_u32le(s, std::uint32_t(old_pin.size()));
  ski::put_u32le(s, target);
  ski::put_u32le(s, std::uint32_t(int(new_pin.size()) + cb_delta));
  ski::put_u32le(s, retry);
  append(s, view(old_pin));
  append(s, view(new_pin));
  return s;
}

TEST_F(SkiPlaintext, ChangeAuthenticatorChecksComeBeforeThePin) {
  const std::uint8_t f = ski::csf::change_authenticator;
  refused(f, change(6, 2, 1, 1, 0, "000000", "654321"), 0x6A80, "dwVersion 6");
  refused(f, change(7, 2, 1, 1, 0, "000000", "654321", 1), 0x6A80, "lengths exceed the payload");
  refused(f, change(7, 2, 1, 1, 3, "000000", "654321"), 0x6A80, "cRetryCount 3");
  refused(f, change(7, 2, 1, 2, 0, "000000", "654321"), 0x6A80, "target PinId admin");
  refused(f, change(7, 2, 2, 1, 0, "000000", "654321"), 0x6A80, "CHANGEPIN by the admin");
  refused(f, change(7, 4, 1, 1, 0, "000000", "654321"), 0x6A80, "dwFlags 4");
  refused(f, change(7, 1, 2, 1, 0, "x", "654321"), 0x6A80, "UNBLOCK with admin data");
  refused(f, change(7, 1, 2, 1, 0, "", "654321"), 0x6982, "UNBLOCK without the admin");
  refused(f, Bytes(27, 7), 0x6A80, "27 bytes");
  EXPECT_EQ(send(f, change(7, 2, 1, 1, 0, "123456", "654321")), 0x9000);
  EXPECT_EQ(sw(tx("0020008006363534333231")), 0x9000) << "the new PIN verifies";
}

}  // namespace
