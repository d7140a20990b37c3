// The Windows inbox minidriver's (msclmd.dll) GIDS conversation, command shape by command
// shape as the public traces show it: discovery, cache checks, container creation with a
// plaintext key import chained in 0xF0-byte pieces, exact-length GET RESPONSE, signatures over
// MD5 / SHA-1 / SHA-256 DigestInfos and the 36-byte SSL3 MD5+SHA1 value, chained decryption.
#include <openssl/evp.h>

#include "gids_test_support.h"

namespace softcard::gids::test {
namespace {

struct Msclmd : GidsCardTest {
  // Sends `data` like msclmd: CLA 10 pieces of 0xF0 bytes, then the rest with CLA 00.
  Rx chained(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data, bool le) {
    std::size_t at = 0;
    while (data.size() - at > 0xF0) {
      Bytes apdu = {0x10, ins, p1, p2, 0xF0};
      apdu.insert(apdu.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
                  data.begin() + static_cast<std::ptrdiff_t>(at + 0xF0));
      const Rx r = tx(apdu);
      if (r.sw != 0x9000) return r;
      at += 0xF0;
    }
    Bytes apdu = {0x00, ins, p1, p2, static_cast<std::uint8_t>(data.size() - at)};
    apdu.insert(apdu.end(), data.begin() + static_cast<std::ptrdiff_t>(at), data.end());
    if (le) apdu.push_back(0x00);
    return tx(apdu);
  }
};

Bytes cmap_record(const std::u16string& guid, std::uint8_t flags, std::uint16_t kx_bits) {
  ContainerRecord r;
  r.guid = guid;
  r.flags = flags;
  r.kx_key_bits = kx_bits;
  return encode_cmapfile({r});
}

TEST_F(Msclmd, DiscoveryCacheChecksImportSignDecrypt) {
  // Discovery: PIV first, then the application DF, then the GIDS AID; PUK probe; cache files.
  EXPECT_EQ(tx("00A4040009A0000003080000100000").sw, 0x6A82);
  EXPECT_EQ(tx("00A4000C023FFF").sw, 0x9000);
  EXPECT_EQ(tx("00A4040009A0000003974254465900").data,
            hex("61124F0BA00000039742544659020173034001C0"));
  EXPECT_EQ(tx("00CB3FFF045C027F7300").sw, 0x6A88);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(tx("00CBA000045C02DF1F00").sw, 0x9000);
    EXPECT_EQ(tx("00CBA010045C02DF2200").sw, 0x9000);
    EXPECT_EQ(tx("00CBA010045C02DF2300").data, hex("DF2300"));
  }

  // Container creation: PIN, cardcf bump, cmapfile with a UTF-16 GUID, key file, activation.
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(tx("00DBA01009DF2206000000000100").sw, 0x9000);
  const std::u16string guid = u"257f0362-2ee7-44f5-9885-36fa490f30c1";
  EXPECT_EQ(put_do(0xA010, 0xDF23, cmap_record(guid, 0x01, 0)).sw, 0x9000);
  EXPECT_EQ(tx("00DBA01009DF2206000001000200").sw, 0x9000);
  ASSERT_EQ(tx(hex("00E0000049") + keyfile_fcp(0x81, 0x07)).sw, 0x9000);
  ASSERT_EQ(tx("00440000").sw, 0x9000);

  // Plaintext import, chained: 70 82 .. 84 01 81 A5 82 .. 83 01 02 84 01 00 87 82 ..
  // <RSAPrivateKey>.
  KeyPair key = host.generate_rsa(2048);
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
  const Bytes blob = tlv(0x70, hex("840181") + tlv(0xA5, hex("830102840100") + tlv(0x87, pkcs1)));
  ASSERT_EQ(chained(0xDB, 0x3F, 0xFF, blob, false).sw, 0x9000);

  // Key map, cardcf, cmapfile with the key size.
  EXPECT_EQ(tx("00DBA00010DF200D0101000000079A81B0FFFF0000").sw, 0x9000);
  EXPECT_EQ(tx("00DBA01009DF2206000001000300").sw, 0x9000);
  EXPECT_EQ(put_do(0xA010, 0xDF23, cmap_record(guid, 0x03, 2048)).sw, 0x9000);

  // Public key: first part, then GET RESPONSE with the exact remaining length.
  Rx r = tx("00CB3FFF0A7008840181A5037F498000");
  ASSERT_EQ(r.sw >> 8, 0x61);
  Bytes pub_tmpl = r.data;
  r = tx(Bytes{0x00, 0xC0, 0x00, 0x00, static_cast<std::uint8_t>(r.sw & 0xFF)});
  ASSERT_EQ(r.sw, 0x9000);
  append(pub_tmpl, r.data);
  const PublicKey pub = rsa_public_from(pub_tmpl);
  EXPECT_EQ(host.public_key_der(pub), host.public_key_der(key));

  // Signatures: MD5, SHA-256 and SHA-1 DigestInfos, then the raw 36-byte SSL3 value; MSE each time.
  const Bytes md5_info = hex("3020300C06082A864886F70D020505000410") + Bytes(16, 0xCC);
  const Bytes sha256_info = hex("3031300D060960864801650304020105000420") + Bytes(32, 0xCC);
  const Bytes sha1_info = hex("3021300906052B0E03021A05000414") + Bytes(20, 0xCC);
  const Bytes ssl3 = Bytes(36, 0xCC);
  for (const Bytes& data : {md5_info, sha256_info, sha1_info, ssl3}) {
    ASSERT_EQ(tx("002241B606800157840181").sw, 0x9000);
    const Rx sig = chained(0x2A, 0x9E, 0x9A, data, true);
    ASSERT_EQ(sig.sw, 0x9000);
    EXPECT_TRUE(host.rsa_verify_pkcs1(pub, data, sig.data));
  }

  // Decryption, chained in 0xF0 + 0x10 bytes, padding removed on card.
  const Bytes plain = hex("7465737431323334353637383930");  // "test1234567890"
  ASSERT_EQ(tx("002241B806800147840181").sw, 0x9000);
  const Rx d =
      chained(0x2A, 0x80, 0x86, host.rsa_encrypt(pub, plain, RsaPadding::pkcs1_v15()), true);
  ASSERT_EQ(d.sw, 0x9000);
  EXPECT_EQ(d.data, plain);
}

}  // namespace
}  // namespace softcard::gids::test
