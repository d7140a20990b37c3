// No-card mode (server side), parameter checks and the blob format, without any card.
#include "md_test_support.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

struct NoCard : ::testing::Test {
  CARD_DATA cd{};
  CryptoProvider crypto;
  void SetUp() override {
    prepare(cd);
    ASSERT_EQ(CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE), SCARD_S_SUCCESS);
  }
  void TearDown() override {
    if (cd.pvVendorSpecific) cd.pfnCardDeleteContext(&cd);
  }
  CARD_KEY_HANDLE import(const Bytes& key, const char16_t* alg = CARD_AES_ALGORITHM) {
    Bytes blob = ski::key_data_blob(key);
    CARD_KEY_HANDLE h = 0;
    EXPECT_EQ(cd.pfnMDImportSessionKey(&cd, BCRYPT_KEY_DATA_BLOB, alg, &h, blob.data(),
                                       DWORD(blob.size())),
              0u);
    return h;
  }
};

TEST(Acquire, ParameterChecks) {
  CARD_DATA cd;
  prepare(cd);
  EXPECT_EQ(CardAcquireContext(nullptr, 0), SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(CardAcquireContext(&cd, 0x2), SCARD_E_INVALID_PARAMETER);
  cd.dwVersion = 3;
  EXPECT_EQ(CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE),
            ERROR_REVISION_MISMATCH);
  cd.dwVersion = 6;  // SKI needs the v7 table
  EXPECT_EQ(CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE),
            SCARD_E_UNSUPPORTED_FEATURE);
  cd.dwVersion = 7;
  cd.pfnCspAlloc = nullptr;
  EXPECT_EQ(CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE),
            SCARD_E_INVALID_PARAMETER);
  prepare(cd);  // card mode without ATR / handle
  EXPECT_EQ(CardAcquireContext(&cd, 0), SCARD_E_INVALID_PARAMETER);
  BYTE atr[] = {0x3B, 0x80};
  char16_t name[] = u"softcard";
  cd.pbAtr = atr, cd.cbAtr = 2, cd.pwszCardName = name;
  EXPECT_EQ(CardAcquireContext(&cd, 0), SCARD_E_INVALID_HANDLE);
}

TEST(Acquire, VersionNegotiatedDown) {
  CARD_DATA cd;
  prepare(cd);
  cd.dwVersion = 9;
  ASSERT_EQ(CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE), 0u);
  EXPECT_EQ(cd.dwVersion, 7u);
  EXPECT_NE(cd.pfnCardCreateContainerEx, nullptr);
  cd.pfnCardDeleteContext(&cd);
}

TEST_F(NoCard, OnlyServerFunctionsAllowed) {
  DWORD len = 0;
  BYTE buf[16];
  EXPECT_EQ(cd.pfnCardGetProperty(&cd, CP_KEY_IMPORT_SUPPORT, buf, 4, &len, 0),
            SCARD_E_UNSUPPORTED_FEATURE);
  CARD_KEY_HANDLE h = 0;
  Bytes x(256, 1);
  EXPECT_EQ(cd.pfnCardImportSessionKey(&cd, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                       &h, x.data(), 256, CARD_PADDING_PKCS1),
            SCARD_E_UNSUPPORTED_FEATURE);
  CONTAINER_INFO ci{};
  EXPECT_EQ(cd.pfnCardGetContainerInfo(&cd, 0, 0, &ci), SCARD_E_UNSUPPORTED_FEATURE);
  char name[] = "cardid";
  PBYTE data = nullptr;
  EXPECT_EQ(cd.pfnCardReadFile(&cd, nullptr, name, 0, &data, &len), SCARD_E_UNSUPPORTED_FEATURE);
  EXPECT_EQ(cd.pfnCardGetChallenge(&cd, &data, &len), SCARD_E_UNSUPPORTED_FEATURE);
}

TEST_F(NoCard, ImportSessionKeyChecks) {
  Bytes blob = ski::key_data_blob(Bytes(32, 7));
  CARD_KEY_HANDLE h = 0;
  EXPECT_EQ(cd.pfnMDImportSessionKey(&cd, u"Other", CARD_AES_ALGORITHM, &h, blob.data(),
                                     DWORD(blob.size())),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnMDImportSessionKey(&cd, BCRYPT_KEY_DATA_BLOB, u"RC4", &h, blob.data(),
                                     DWORD(blob.size())),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnMDImportSessionKey(&cd, BCRYPT_KEY_DATA_BLOB, CARD_3DES_ALGORITHM, &h,
                                     blob.data(), DWORD(blob.size())),
            SCARD_E_INVALID_PARAMETER);  // 32 bytes is no 3DES key
  EXPECT_EQ(cd.pfnMDImportSessionKey(&cd, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, nullptr,
                                     blob.data(), DWORD(blob.size())),
            SCARD_E_INVALID_PARAMETER);
  blob[0] ^= 1;
  EXPECT_EQ(cd.pfnMDImportSessionKey(&cd, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &h, blob.data(),
                                     DWORD(blob.size())),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnMDImportSessionKey(nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &h,
                                     blob.data(), DWORD(blob.size())),
            SCARD_E_INVALID_PARAMETER);
}

TEST_F(NoCard, KeyPropertiesAndAlgorithmProperties) {
  CARD_KEY_HANDLE h = import(Bytes(16, 3));
  BYTE buf[64];
  DWORD len = 0;
  ASSERT_EQ(cd.pfnCardGetKeyProperty(&cd, h, CKP_BLOCK_LENGTH, buf, sizeof buf, &len, 0), 0u);
  EXPECT_EQ(len, 4u);
  EXPECT_EQ(wire::get_u32le({buf, 4}, 0), 16u);
  EXPECT_EQ(cd.pfnCardGetKeyProperty(&cd, h, CKP_BLOCK_LENGTH, buf, 2, &len, 0),
            ERROR_INSUFFICIENT_BUFFER);
  EXPECT_EQ(cd.pfnCardGetKeyProperty(&cd, h, CKP_BLOCK_LENGTH, buf, 4, &len, 1),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnCardGetKeyProperty(&cd, h, u"Nope", buf, 64, &len, 0), SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnCardGetKeyProperty(&cd, h + 100, CKP_BLOCK_LENGTH, buf, 64, &len, 0),
            SCARD_E_INVALID_HANDLE);
  const char16_t gcm[] = u"ChainingModeGCM";
  EXPECT_EQ(cd.pfnCardSetKeyProperty(&cd, h, CKP_CHAINING_MODE, (PBYTE)gcm, sizeof gcm, 0), 0u);
  ASSERT_EQ(cd.pfnCardGetKeyProperty(&cd, h, CKP_CHAINING_MODE, buf, sizeof buf, &len, 0), 0u);
  EXPECT_EQ(std::u16string((const char16_t*)buf), u"ChainingModeGCM");
  Bytes iv(12, 9);
  EXPECT_EQ(cd.pfnCardSetKeyProperty(&cd, h, CKP_INITIALIZATION_VECTOR, iv.data(), 12, 0), 0u);
  EXPECT_EQ(cd.pfnCardSetKeyProperty(&cd, h, CKP_INITIALIZATION_VECTOR, iv.data(), 5, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnCardSetKeyProperty(&cd, h, CKP_BLOCK_LENGTH, iv.data(), 4, 0),
            SCARD_E_INVALID_PARAMETER);
  CARD_KEY_HANDLE t = import(Bytes(24, 5), CARD_3DES_ALGORITHM);
  EXPECT_EQ(cd.pfnCardSetKeyProperty(&cd, t, CKP_CHAINING_MODE, (PBYTE)gcm, sizeof gcm, 0),
            SCARD_E_INVALID_PARAMETER);

  ASSERT_EQ(cd.pfnCardGetAlgorithmProperty(&cd, CARD_3DES_112_ALGORITHM, CKP_BLOCK_LENGTH, buf, 64,
                                           &len, 0),
            0u);
  EXPECT_EQ(wire::get_u32le({buf, 4}, 0), 8u);
  ASSERT_EQ(cd.pfnCardGetAlgorithmProperty(&cd, CARD_AES_ALGORITHM, SOFTCARD_KEY_LENGTHS, buf, 64,
                                           &len, 0),
            0u);
  EXPECT_EQ(len, 12u);
  EXPECT_EQ(wire::get_u32le({buf, 12}, 4), 256u);
  EXPECT_EQ(cd.pfnCardGetAlgorithmProperty(&cd, u"RC2", CKP_BLOCK_LENGTH, buf, 64, &len, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(
      cd.pfnCardGetAlgorithmProperty(&cd, CARD_AES_ALGORITHM, CKP_BLOCK_LENGTH, buf, 64, &len, 1),
      SCARD_E_INVALID_PARAMETER);

  EXPECT_EQ(cd.pfnCardDestroyKey(&cd, h), 0u);
  EXPECT_EQ(cd.pfnCardDestroyKey(&cd, h), SCARD_E_INVALID_HANDLE);
}

TEST_F(NoCard, EncryptDataProducesOneBoundBlob) {
  const Bytes sk(32, 0x42);
  CARD_KEY_HANDLE h = import(sk);
  Bytes plain = authenticate_struct(0, view(std::string_view("123456")));
  PCARD_ENCRYPTED_DATA enc = nullptr;
  DWORD count = 0;
  EXPECT_EQ(
      cd.pfnMDEncryptData(&cd, h, u"Bogus", plain.data(), DWORD(plain.size()), 0, &enc, &count),
      SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnMDEncryptData(&cd, h, CSF_AUTHENTICATE, plain.data(), DWORD(plain.size()), 2,
                                &enc, &count),
            SCARD_E_INVALID_PARAMETER);
  Bytes bad = plain;
  bad[0] = 6;  // wrong structure version
  EXPECT_EQ(
      cd.pfnMDEncryptData(&cd, h, CSF_AUTHENTICATE, bad.data(), DWORD(bad.size()), 0, &enc, &count),
      SCARD_E_INVALID_PARAMETER);
  ASSERT_EQ(cd.pfnMDEncryptData(&cd, h, CSF_AUTHENTICATE, plain.data(), DWORD(plain.size()), 0,
                                &enc, &count),
            0u);
  ASSERT_EQ(count, 1u);
  Bytes blob(enc[0].pbEncryptedData, enc[0].pbEncryptedData + enc[0].cbEncryptedData);
  cd.pfnCspFree(enc);
  // Header per docs/ski.md §5
  EXPECT_EQ(blob[0], 0x53);
  EXPECT_EQ(blob[1], 0x4B);
  EXPECT_EQ(blob[2], 0x01);
  EXPECT_EQ(blob[3], ski::csf::authenticate);
  EXPECT_EQ(blob[4], 0x01);
  EXPECT_EQ(blob[5], std::uint8_t(ski::Alg::aes256));
  EXPECT_EQ(blob[6], std::uint8_t(ski::Mode::cbc));
  EXPECT_EQ(blob[7], 16);
  EXPECT_EQ(Bytes(blob.begin() + 16, blob.begin() + 20), (Bytes{0, 0, 0, 1}));
  // A receiver with the same key opens it; every single-bit flip is rejected.
  ski::SessionKey rx = ski::make_session_key(crypto, ski::Alg::aes256, sk);
  auto ok = ski::open(crypto, rx, ski::csf::authenticate, ski::Direction::to_card, blob);
  ASSERT_TRUE(std::holds_alternative<ski::Opened>(ok));
  EXPECT_EQ(Bytes(std::get<ski::Opened>(ok).plaintext.view().begin(),
                  std::get<ski::Opened>(ok).plaintext.view().end()),
            plain);
  for (std::size_t i = 0; i < blob.size(); ++i) {
    Bytes t = blob;
    t[i] ^= 0x01;
    EXPECT_TRUE(std::holds_alternative<ski::Reject>(
        ski::open(crypto, rx, ski::csf::authenticate, ski::Direction::to_card, t)))
        << "byte " << i;
  }
  EXPECT_EQ(std::get<ski::Reject>(
                ski::open(crypto, rx, ski::csf::import_keypair, ski::Direction::to_card, blob)),
            ski::Reject::wrong_function);
  rx.last_in_seq = 1;
  EXPECT_EQ(std::get<ski::Reject>(
                ski::open(crypto, rx, ski::csf::authenticate, ski::Direction::to_card, blob)),
            ski::Reject::replayed);
  ski::SessionKey other = ski::make_session_key(crypto, ski::Alg::aes256, Bytes(32, 0x43));
  EXPECT_EQ(std::get<ski::Reject>(
                ski::open(crypto, other, ski::csf::authenticate, ski::Direction::to_card, blob)),
            ski::Reject::wrong_handle);
  rx.last_in_seq = 0;
  rx.iv[0] = 1;
  EXPECT_EQ(std::get<ski::Reject>(
                ski::open(crypto, rx, ski::csf::authenticate, ski::Direction::to_card, blob)),
            ski::Reject::wrong_iv);
}

TEST_F(NoCard, ProcessEncryptedDataOnlyForHostBlobs) {
  CARD_KEY_HANDLE h = import(Bytes(16, 1));
  Bytes junk(60, 0);
  CARD_ENCRYPTED_DATA ed{junk.data(), DWORD(junk.size())};
  BYTE out[64];
  DWORD len = 0;
  EXPECT_EQ(cd.pfnCardProcessEncryptedData(&cd, h, CSF_IMPORT_KEYPAIR, &ed, 1, out, 64, &len, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnCardProcessEncryptedData(&cd, h, CSF_AUTHENTICATE, &ed, 2, out, 64, &len, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnCardProcessEncryptedData(&cd, h, CSF_AUTHENTICATE, &ed, 1, out, 64, &len, 1),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(cd.pfnCardProcessEncryptedData(&cd, h, CSF_AUTHENTICATE, &ed, 1, out, 64, &len, 0),
            SCARD_E_INVALID_PARAMETER);
}

TEST_F(NoCard, SharedKeyServerHalfNeedsCardHello) {
  Bytes req = {'S', 'R', 0x01, 0x01, std::uint8_t(ski::Alg::aes128), 32};
  append(req, Bytes(32, 0x11));
  PBYTE out = nullptr;
  DWORD len = 0;
  CARD_KEY_HANDLE h = 0;
  ASSERT_EQ(cd.pfnCardGetSharedKeyHandle(&cd, req.data(), DWORD(req.size()), &out, &len, &h), 0u);
  ASSERT_EQ(len, 21u);
  Bytes hello(out, out + len);
  cd.pfnCspFree(out);
  // pending handle cannot encrypt yet
  Bytes plain = authenticate_struct(0, view(std::string_view("1234")));
  PCARD_ENCRYPTED_DATA enc = nullptr;
  DWORD count = 0;
  EXPECT_EQ(cd.pfnMDEncryptData(&cd, h, CSF_AUTHENTICATE, plain.data(), DWORD(plain.size()), 0,
                                &enc, &count),
            SCARD_E_INVALID_HANDLE);
  // emulate the card (docs/ski.md §7.2)
  Bytes nc(16, 0x5A);
  SecretBytes sk = ski::derive_shared(crypto, Bytes(32, 0x11), 1, ski::Alg::aes128,
                                      ByteView(hello).subspan(5, 16), nc);
  Bytes ch = {'C', 'H', 1, 1, std::uint8_t(ski::Alg::aes128)};
  append(ch, ByteView(hello).subspan(5, 16)), append(ch, nc),
      append(ch, ski::compute_key_id(crypto, ski::Alg::aes128, sk.view()));
  Bytes wrong = ch;
  wrong[44] ^= 1;
  CARD_KEY_HANDLE h2 = 0;
  EXPECT_EQ(
      cd.pfnCardGetSharedKeyHandle(&cd, wrong.data(), DWORD(wrong.size()), nullptr, nullptr, &h2),
      NTE_BAD_DATA);
  ASSERT_EQ(cd.pfnCardGetSharedKeyHandle(&cd, ch.data(), DWORD(ch.size()), nullptr, nullptr, &h2),
            0u);
  EXPECT_EQ(h2, h);
  EXPECT_EQ(cd.pfnMDEncryptData(&cd, h, CSF_AUTHENTICATE, plain.data(), DWORD(plain.size()), 0,
                                &enc, &count),
            0u);
  cd.pfnCspFree(enc);
  EXPECT_EQ(cd.pfnCardGetSharedKeyHandle(&cd, ch.data(), DWORD(ch.size()), nullptr, nullptr, &h2),
            SCARD_E_INVALID_PARAMETER);
}

}  // namespace
