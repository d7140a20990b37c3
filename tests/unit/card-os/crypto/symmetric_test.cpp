// Known-answer tests for the symmetric primitives, typed in from the standards.
#include <gtest/gtest.h>

#include "test_util.h"

namespace softcard {
namespace {

using test::hex;
using test::hexs;

class CryptoSymmetric : public ::testing::Test {
 protected:
  CryptoProvider crypto;
};

const CipherSpec aes_ecb{BlockAlg::aes, BlockMode::ecb, BlockPadding::none};
const CipherSpec aes_cbc{BlockAlg::aes, BlockMode::cbc, BlockPadding::none};
const CipherSpec tdes_ecb{BlockAlg::tdes, BlockMode::ecb, BlockPadding::none};
const CipherSpec tdes_cbc{BlockAlg::tdes, BlockMode::cbc, BlockPadding::none};

// FIPS 197 appendix C (C.1, C.2, C.3) and appendix B.
TEST_F(CryptoSymmetric, AesFips197) {
  const Bytes pt = hex("00112233445566778899aabbccddeeff");
  struct {
    const char* key;
    const char* ct;
  } cases[] = {
      {"000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"},
      {"000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       "8ea2b7ca516745bfeafc49904b496089"},
  };
  for (const auto& c : cases) {
    const Bytes key = hex(c.key);
    EXPECT_EQ(hexs(crypto.encrypt(aes_ecb, key, {}, pt)), c.ct) << c.key;
    EXPECT_EQ(hexs(crypto.decrypt(aes_ecb, key, {}, hex(c.ct))), hexs(pt)) << c.key;
  }
  EXPECT_EQ(hexs(crypto.encrypt(aes_ecb, hex("2b7e151628aed2a6abf7158809cf4f3c"), {},
                                hex("3243f6a8885a308d313198a2e0370734"))),
            "3925841d02dc09fbdc118597196a0b32");
}

const char* sp800_38a_pt =
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

// NIST SP 800-38A F.1.1 (ECB-AES128), F.2.1 (CBC-AES128), F.2.5 (CBC-AES256).
TEST_F(CryptoSymmetric, AesSp800_38a) {
  const Bytes pt = hex(sp800_38a_pt);
  const Bytes k128 = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const Bytes k256 = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const Bytes iv = hex("000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(hexs(crypto.encrypt(aes_ecb, k128, {}, pt)),
            "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
            "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4");
  const std::string cbc128 =
      "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";
  EXPECT_EQ(hexs(crypto.encrypt(aes_cbc, k128, iv, pt)), cbc128);
  EXPECT_EQ(hexs(crypto.decrypt(aes_cbc, k128, iv, hex(cbc128))), hexs(pt));
  const std::string cbc256 =
      "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
      "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b";
  EXPECT_EQ(hexs(crypto.encrypt(aes_cbc, k256, iv, pt)), cbc256);
  EXPECT_EQ(hexs(crypto.decrypt(aes_cbc, k256, iv, hex(cbc256))), hexs(pt));
}

// NIST SP 800-67 rev. 1 example (3-key), and the classic DES vector through 2-key 3DES with
// K1 = K2 (EDE then collapses to single DES).
TEST_F(CryptoSymmetric, TripleDesKnownAnswers) {
  const Bytes key3 = hex("0123456789abcdef 23456789abcdef01 456789abcdef0123");
  const Bytes pt =
      hex("5468652071756663 6b2062726f776e20 666f78206a756d70");  // "The qufck brown fox jump"
  EXPECT_EQ(hexs(crypto.encrypt(tdes_ecb, key3, {}, pt)),
            "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900");
  EXPECT_EQ(hexs(crypto.decrypt(tdes_ecb, key3, {},
                                hex("a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900"))),
            hexs(pt));

  const Bytes key2 = hex("0123456789abcdef0123456789abcdef");
  EXPECT_EQ(hexs(crypto.encrypt(tdes_ecb, key2, {}, hex("4e6f772069732074"))), "3fa40e8a984d4815");
}

TEST_F(CryptoSymmetric, TwoKeyTripleDesIsK1K2K1) {
  const Bytes k2 = hex("0123456789abcdeffedcba9876543210");
  Bytes k3 = k2;
  k3.insert(k3.end(), k2.begin(), k2.begin() + 8);
  const Bytes iv = hex("1122334455667788");
  const Bytes pt = hex("000102030405060708090a0b0c0d0e0f1011121314151617");
  const Bytes c2 = crypto.encrypt(tdes_cbc, k2, iv, pt);
  EXPECT_EQ(c2, crypto.encrypt(tdes_cbc, k3, iv, pt));
  // (K3 differs from K1 in a key bit; DES ignores the parity bits.)
  EXPECT_NE(c2, crypto.encrypt(tdes_cbc, hex("0123456789abcdeffedcba98765432101123456789abcdef"),
                               iv, pt));
  EXPECT_EQ(hexs(crypto.decrypt(tdes_cbc, k2, iv, c2)), hexs(pt));
}

TEST_F(CryptoSymmetric, TripleDesCbcChainsLikeEcb) {
  const Bytes key = hex("0123456789abcdef 23456789abcdef01 456789abcdef0123");
  const Bytes iv = hex("f0e1d2c3b4a59687");
  const Bytes pt = hex("5468652071756663 6b2062726f776e20");
  Bytes block(pt.begin(), pt.begin() + 8);
  for (int i = 0; i < 8; ++i) block[i] ^= iv[i];
  const Bytes c1 = crypto.encrypt(tdes_ecb, key, {}, block);
  Bytes block2(pt.begin() + 8, pt.end());
  for (int i = 0; i < 8; ++i) block2[i] ^= c1[i];
  Bytes expected = c1;
  append(expected, crypto.encrypt(tdes_ecb, key, {}, block2));
  EXPECT_EQ(crypto.encrypt(tdes_cbc, key, iv, pt), expected);
}

TEST_F(CryptoSymmetric, Padding) {
  const Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const Bytes iv(16, 0x42);
  for (BlockPadding pad : {BlockPadding::pkcs7, BlockPadding::iso7816}) {
    const CipherSpec spec{BlockAlg::aes, BlockMode::cbc, pad};
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 31u, 32u}) {
      const Bytes pt(n, 0x80);  // 0x80 bytes must not confuse ISO padding removal
      const Bytes ct = crypto.encrypt(spec, key, iv, pt);
      EXPECT_EQ(ct.size(), (n / 16 + 1) * 16);
      EXPECT_EQ(test::to_bytes(crypto.decrypt(spec, key, iv, ct)), pt) << n;
    }
  }
  // The padding bytes themselves, seen through an unpadded decryption.
  const CipherSpec pkcs7{BlockAlg::aes, BlockMode::ecb, BlockPadding::pkcs7};
  const CipherSpec iso{BlockAlg::aes, BlockMode::ecb, BlockPadding::iso7816};
  EXPECT_EQ(hexs(crypto.decrypt(aes_ecb, key, {}, crypto.encrypt(pkcs7, key, {}, hex("aabbcc")))),
            "aabbcc0d0d0d0d0d0d0d0d0d0d0d0d0d");
  EXPECT_EQ(hexs(crypto.decrypt(aes_ecb, key, {}, crypto.encrypt(iso, key, {}, hex("aabbcc")))),
            "aabbcc80000000000000000000000000");
  const CipherSpec tdes_iso{BlockAlg::tdes, BlockMode::ecb, BlockPadding::iso7816};
  EXPECT_EQ(crypto.encrypt(tdes_iso, Bytes(16, 1), {}, Bytes(8, 0)).size(), 16u);
}

TEST_F(CryptoSymmetric, BadPaddingIsRejected) {
  const Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const CipherSpec pkcs7{BlockAlg::aes, BlockMode::ecb, BlockPadding::pkcs7};
  const CipherSpec iso{BlockAlg::aes, BlockMode::ecb, BlockPadding::iso7816};
  auto code_of = [&](const CipherSpec& spec, const Bytes& plain_block) {
    try {
      crypto.decrypt(spec, key, {}, crypto.encrypt(aes_ecb, key, {}, plain_block));
    } catch (const CryptoError& e) {
      return e.code();
    }
    return CryptoErrc::internal;  // no error: fails the expectation below
  };
  EXPECT_EQ(code_of(pkcs7, hex("00000000000000000000000000000000")), CryptoErrc::bad_padding);
  EXPECT_EQ(code_of(pkcs7, hex("00000000000000000000000000000011")), CryptoErrc::bad_padding);
  EXPECT_EQ(code_of(pkcs7, hex("00000000000000000000000000000302")), CryptoErrc::bad_padding);
  EXPECT_EQ(code_of(iso, hex("00000000000000000000000000000000")), CryptoErrc::bad_padding);
  EXPECT_EQ(code_of(iso, hex("000000000000000000000000000080ff")), CryptoErrc::bad_padding);
  // Padding longer than one block is not ISO padding.
  try {
    crypto.decrypt(iso, key, {},
                   crypto.encrypt(aes_ecb, key, {},
                                  hex("80000000000000000000000000000000"
                                      "00000000000000000000000000000000")));
    ADD_FAILURE() << "two blocks of padding accepted";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.code(), CryptoErrc::bad_padding);
  }
  EXPECT_THROW(crypto.decrypt(pkcs7, key, {}, {}), CryptoError);
}

TEST_F(CryptoSymmetric, ArgumentChecks) {
  const Bytes k16(16, 1);
  EXPECT_THROW(crypto.encrypt(aes_ecb, Bytes(15, 1), {}, Bytes(16)), CryptoError);
  EXPECT_THROW(crypto.encrypt(aes_ecb, k16, {}, Bytes(15)), CryptoError);
  EXPECT_THROW(crypto.encrypt(aes_cbc, k16, Bytes(8), Bytes(16)), CryptoError);
  EXPECT_THROW(crypto.encrypt(aes_ecb, k16, Bytes(16), Bytes(16)), CryptoError);
  EXPECT_THROW(crypto.decrypt(aes_cbc, k16, Bytes(16), Bytes(17)), CryptoError);
  EXPECT_THROW(crypto.encrypt(tdes_ecb, Bytes(8, 1), {}, Bytes(8)), CryptoError);
  EXPECT_THROW(crypto.encrypt(tdes_cbc, k16, Bytes(16), Bytes(8)), CryptoError);
  EXPECT_TRUE(crypto.encrypt(aes_cbc, k16, Bytes(16), {}).empty());
}

// The GCM test cases of McGrew & Viega, as used in NIST SP 800-38D validation.
TEST_F(CryptoSymmetric, AesGcmKnownAnswers) {
  const Bytes zero_key(16, 0);
  const Bytes zero_iv(12, 0);
  GcmSealed s = crypto.aes_gcm_encrypt(zero_key, zero_iv, {}, {});  // test case 1
  EXPECT_TRUE(s.ciphertext.empty());
  EXPECT_EQ(hexs(s.tag), "58e2fccefa7e3061367f1d57a4e7455a");
  EXPECT_TRUE(crypto.aes_gcm_decrypt(zero_key, zero_iv, {}, {}, s.tag).empty());

  s = crypto.aes_gcm_encrypt(zero_key, zero_iv, {}, Bytes(16, 0));  // test case 2
  EXPECT_EQ(hexs(s.ciphertext), "0388dace60b6a392f328c2b971b2fe78");
  EXPECT_EQ(hexs(s.tag), "ab6e47d42cec13bdf53a67b21257bddf");

  const Bytes key = hex("feffe9928665731c6d6a8f9467308308");
  const Bytes iv = hex("cafebabefacedbaddecaf888");
  const Bytes pt3 =
      hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
  s = crypto.aes_gcm_encrypt(key, iv, {}, pt3);  // test case 3
  EXPECT_EQ(hexs(s.ciphertext),
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
            "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
  EXPECT_EQ(hexs(s.tag), "4d5c2af327cd64a62cf35abd2ba6fab4");

  const Bytes pt4(pt3.begin(), pt3.begin() + 60);
  const Bytes aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  s = crypto.aes_gcm_encrypt(key, iv, aad, pt4);  // test case 4
  EXPECT_EQ(hexs(s.ciphertext),
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
            "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
  EXPECT_EQ(hexs(s.tag), "5bc94fbc3221a5db94fae95ae7121a47");
  EXPECT_EQ(test::to_bytes(crypto.aes_gcm_decrypt(key, iv, aad, s.ciphertext, s.tag)), pt4);
}

TEST_F(CryptoSymmetric, AesGcmDetectsTampering) {
  const Bytes key(32, 7);
  const Bytes iv(12, 9);
  const Bytes aad = hex("0102030405");
  const Bytes pt = hex("00112233445566778899aabbccddeeff0011");
  const GcmSealed s = crypto.aes_gcm_encrypt(key, iv, aad, pt);
  EXPECT_EQ(test::to_bytes(crypto.aes_gcm_decrypt(key, iv, aad, s.ciphertext, s.tag)), pt);

  auto flipped = [](Bytes b, std::size_t i) {
    b[i] ^= 0x01;
    return b;
  };
  EXPECT_THROW(crypto.aes_gcm_decrypt(key, iv, aad, flipped(s.ciphertext, 3), s.tag),
               AuthenticationError);
  EXPECT_THROW(crypto.aes_gcm_decrypt(key, iv, aad, s.ciphertext, flipped(s.tag, 15)),
               AuthenticationError);
  EXPECT_THROW(crypto.aes_gcm_decrypt(key, iv, flipped(aad, 0), s.ciphertext, s.tag),
               AuthenticationError);
  EXPECT_THROW(crypto.aes_gcm_decrypt(key, flipped(iv, 11), aad, s.ciphertext, s.tag),
               AuthenticationError);
  EXPECT_THROW(crypto.aes_gcm_decrypt(flipped(key, 0), iv, aad, s.ciphertext, s.tag),
               AuthenticationError);
  try {
    crypto.aes_gcm_decrypt(key, iv, {}, s.ciphertext, s.tag);
    ADD_FAILURE() << "missing AAD accepted";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.code(), CryptoErrc::auth_failed);
  }
  // Malformed arguments are argument errors, not authentication failures.
  try {
    crypto.aes_gcm_decrypt(key, iv, aad, s.ciphertext, Bytes(s.tag.begin(), s.tag.begin() + 12));
    ADD_FAILURE() << "short tag accepted";
  } catch (const AuthenticationError&) {
    ADD_FAILURE() << "short tag reported as tag mismatch";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.code(), CryptoErrc::invalid_argument);
  }
  EXPECT_THROW(crypto.aes_gcm_encrypt(key, Bytes(16, 0), {}, pt), CryptoError);
  EXPECT_THROW(crypto.aes_gcm_encrypt(Bytes(20, 0), iv, {}, pt), CryptoError);
}

// RFC 4231 test cases 1, 2 and 6.
TEST_F(CryptoSymmetric, HmacRfc4231) {
  const Bytes key1(20, 0x0b);
  EXPECT_EQ(hexs(crypto.hmac_sha256(key1, view(std::string_view("Hi There")))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hexs(crypto.hmac(HashAlg::sha512, key1, view(std::string_view("Hi There")))),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
  const ByteView jefe = view(std::string_view("Jefe"));
  const ByteView want = view(std::string_view("what do ya want for nothing?"));
  EXPECT_EQ(hexs(crypto.hmac_sha256(jefe, want)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hexs(crypto.hmac(HashAlg::sha384, jefe, want)),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            "8e2240ca5e69e2c78b3239ecfab21649");
  EXPECT_EQ(hexs(crypto.hmac_sha256(
                Bytes(131, 0xaa),
                view(std::string_view("Test Using Larger Than Block-Size Key - Hash Key First")))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // Empty key and message are legal HMAC inputs.
  EXPECT_EQ(hexs(crypto.hmac_sha256({}, {})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// NIST SP 800-38B appendix D.1 (AES-128) and D.3 (AES-256).
TEST_F(CryptoSymmetric, AesCmacSp800_38b) {
  const Bytes k128 = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const Bytes m = hex(sp800_38a_pt);
  EXPECT_EQ(hexs(crypto.aes_cmac(k128, {})), "bb1d6929e95937287fa37d129b756746");
  EXPECT_EQ(hexs(crypto.aes_cmac(k128, ByteView(m).first(16))), "070a16b46b4d4144f79bdd9dd04a287c");
  EXPECT_EQ(hexs(crypto.aes_cmac(k128, ByteView(m).first(40))), "dfa66747de9ae63030ca32611497c827");
  EXPECT_EQ(hexs(crypto.aes_cmac(k128, m)), "51f0bebf7e3b9d92fc49741779363cfe");
  const Bytes k256 = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  EXPECT_EQ(hexs(crypto.aes_cmac(k256, {})), "028962f61b7bf89efc6b551f4667d983");
  EXPECT_EQ(hexs(crypto.aes_cmac(k256, ByteView(m).first(16))), "28a7023f452e8f82bd4bf28d8c37c35c");
  EXPECT_THROW(crypto.aes_cmac(Bytes(10, 0), m), CryptoError);
}

TEST_F(CryptoSymmetric, TripleDesCmac) {
  const Bytes k = hex("0123456789abcdef 23456789abcdef01 456789abcdef0123");
  const Bytes mac = crypto.cmac(BlockAlg::tdes, k, Bytes(20, 0x5a));
  EXPECT_EQ(mac.size(), 8u);
  EXPECT_NE(mac, crypto.cmac(BlockAlg::tdes, k, Bytes(21, 0x5a)));
  // 2-key form is the 3-key form with K3 = K1.
  const Bytes k2 = hex("0123456789abcdef23456789abcdef01");
  EXPECT_EQ(crypto.cmac(BlockAlg::tdes, k2, Bytes(20, 0x5a)),
            crypto.cmac(BlockAlg::tdes, hex("0123456789abcdef23456789abcdef010123456789abcdef"),
                        Bytes(20, 0x5a)));
}

// RFC 5869 test cases 1 and 3.
TEST_F(CryptoSymmetric, HkdfRfc5869) {
  const Bytes ikm(22, 0x0b);
  const Bytes salt = hex("000102030405060708090a0b0c");
  const Bytes info = hex("f0f1f2f3f4f5f6f7f8f9");
  const SecretBytes prk = crypto.hkdf_extract(HashAlg::sha256, salt, ikm);
  EXPECT_EQ(hexs(prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  const std::string okm1 =
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
  EXPECT_EQ(hexs(crypto.hkdf_expand(HashAlg::sha256, prk.view(), info, 42)), okm1);
  EXPECT_EQ(hexs(crypto.hkdf_sha256(salt, ikm, info, 42)), okm1);

  EXPECT_EQ(hexs(crypto.hkdf_extract(HashAlg::sha256, {}, ikm)),
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  EXPECT_EQ(hexs(crypto.hkdf_sha256({}, ikm, {}, 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");

  EXPECT_THROW(crypto.hkdf_sha256(salt, ikm, info, 255 * 32 + 1), CryptoError);
  EXPECT_THROW(crypto.hkdf_sha256(salt, ikm, info, 0), CryptoError);
  EXPECT_EQ(crypto.hkdf_sha256(salt, ikm, info, 255 * 32).size(), 255u * 32);
}

TEST_F(CryptoSymmetric, Digests) {
  const ByteView abc = view(std::string_view("abc"));
  EXPECT_EQ(hexs(crypto.digest(HashAlg::sha1, abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hexs(crypto.digest(HashAlg::sha256, abc)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hexs(crypto.digest(HashAlg::sha384, abc)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(hexs(crypto.digest(HashAlg::sha512, abc)),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(hexs(crypto.digest(HashAlg::sha256, {})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace softcard
