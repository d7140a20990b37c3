// The minidriver's standard (non-SKI) functions against an in-process GIDS card, and a failed
// key generation that must leave the container index reusable.
#include "md_card_fixture.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

TEST_F(WithCard, StandardFunctions) {
  // files
  LPSTR names = nullptr;
  DWORD len = 0;
  ASSERT_EQ(client.pfnCardEnumFiles(&client, nullptr, &names, &len, 0), 0u);
  std::string root(names, len);
  client.pfnCspFree(names);
  EXPECT_NE(root.find("cardid"), std::string::npos);
  EXPECT_NE(root.find("cardcf"), std::string::npos);
  char mscp[] = "mscp", cmap[] = "cmapfile", nodir[] = "nope", cardid[] = "cardid";
  ASSERT_EQ(client.pfnCardEnumFiles(&client, mscp, &names, &len, 0), 0u);
  EXPECT_EQ(std::string(names), "cmapfile");
  client.pfnCspFree(names);
  EXPECT_EQ(client.pfnCardEnumFiles(&client, nodir, &names, &len, 0), SCARD_E_DIR_NOT_FOUND);
  CARD_FILE_INFO fi{};
  ASSERT_EQ(client.pfnCardGetFileInfo(&client, nullptr, cardid, &fi), 0u);
  EXPECT_EQ(fi.cbFileSize, 16u);
  EXPECT_EQ(fi.AccessCondition, EveryoneReadAdminWriteAc);
  PBYTE data = nullptr;
  EXPECT_EQ(client.pfnCardReadFile(&client, mscp, cardid, 0, &data, &len), SCARD_E_FILE_NOT_FOUND);
  EXPECT_EQ(client.pfnCardReadFile(&client, mscp, cmap, 1, &data, &len), SCARD_E_INVALID_PARAMETER);
  BYTE guid[32];
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_CARD_GUID, guid, sizeof guid, &len, 0), 0u);
  EXPECT_EQ(len, 16u);
  // sizes, capabilities, free space
  CARD_KEY_SIZES ks{};
  ks.dwVersion = 1;
  ASSERT_EQ(client.pfnCardQueryKeySizes(&client, AT_KEYEXCHANGE, 0, &ks), 0u);
  EXPECT_EQ(ks.dwDefaultBitlen, 2048u);
  EXPECT_EQ(client.pfnCardQueryKeySizes(&client, 99, 0, &ks), SCARD_E_INVALID_PARAMETER);
  CARD_FREE_SPACE_INFO fs{};
  ASSERT_EQ(client.pfnCardQueryFreeSpace(&client, 0, &fs), 0u);
  EXPECT_EQ(fs.dwKeyContainersAvailable, 126u);
  // plaintext import (PRIVATEKEYBLOB), on-card decryption v2, deletion
  login();
  KeyPair k = crypto.generate_rsa(1024);
  Bytes blob = privatekeyblob(crypto, k, true);
  ASSERT_EQ(client.pfnCardCreateContainerEx(&client, 3, CARD_CREATE_CONTAINER_KEY_IMPORT,
                                            AT_KEYEXCHANGE, 1024, blob.data(), ROLE_USER),
            0u);
  EXPECT_EQ(client.pfnCardCreateContainerEx(&client, 3, CARD_CREATE_CONTAINER_KEY_IMPORT,
                                            AT_KEYEXCHANGE, 1024, blob.data(), ROLE_USER),
            SCARD_E_WRITE_TOO_MANY);
  EXPECT_EQ(client.pfnCardCreateContainerEx(&client, 4, CARD_CREATE_CONTAINER_KEY_GEN,
                                            AT_KEYEXCHANGE, 1024, nullptr, ROLE_ADMIN),
            SCARD_W_SECURITY_VIOLATION);
  ASSERT_EQ(client.pfnCardQueryFreeSpace(&client, 0, &fs), 0u);
  EXPECT_EQ(fs.dwKeyContainersAvailable, 125u);
  for (DWORD pad : {DWORD(CARD_PADDING_PKCS1), DWORD(CARD_PADDING_OAEP)}) {
    const Bytes msg = from_hex("48656c6c6f");
    Bytes ct =
        crypto.rsa_encrypt(crypto.public_key(k), msg,
                           pad == CARD_PADDING_OAEP ? RsaPadding::oaep() : RsaPadding::pkcs1_v15());
    std::reverse(ct.begin(), ct.end());
    CARD_RSA_DECRYPT_INFO di{};
    di.dwVersion = 2, di.bContainerIndex = 3, di.dwKeySpec = AT_KEYEXCHANGE, di.pbData = ct.data(),
    di.cbData = DWORD(ct.size());
    di.dwPaddingType = pad;
    BCRYPT_OAEP_PADDING_INFO sha1{u"SHA1", nullptr, 0};
    if (pad == CARD_PADDING_OAEP) di.pPaddingInfo = &sha1;
    ASSERT_EQ(client.pfnCardRSADecrypt(&client, &di), 0u) << pad;
    Bytes pt(ct.begin(), ct.begin() + di.cbData);
    std::reverse(pt.begin(), pt.end());
    EXPECT_EQ(pt, msg);
  }
  CARD_RSA_DECRYPT_INFO v1{};
  v1.dwVersion = 1, v1.bContainerIndex = 3, v1.dwKeySpec = AT_KEYEXCHANGE, v1.pbData = blob.data(),
  v1.cbData = 128;
  EXPECT_EQ(client.pfnCardRSADecrypt(&client, &v1), ERROR_REVISION_MISMATCH);
  ASSERT_EQ(client.pfnCardDeleteContainer(&client, 3, 0), 0u);
  EXPECT_EQ(client.pfnCardDeleteContainer(&client, 3, 0), SCARD_E_NO_KEY_CONTAINER);
  CONTAINER_INFO ci{};
  EXPECT_EQ(client.pfnCardGetContainerInfo(&client, 3, 0, &ci), SCARD_E_NO_KEY_CONTAINER);
  // PIN change through the ordinary entry point; wrong PIN reports the tries left
  BYTE oldp[] = {'1', '2', '3', '4', '5', '6'}, newp[] = {'1', '1', '1', '1', '1', '1'},
       bad[] = {'9', '9', '9', '9'};
  DWORD left = 0;
  ASSERT_EQ(client.pfnCardChangeAuthenticatorEx(&client, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, oldp,
                                                6, ROLE_USER, newp, 6, 0, &left),
            0u);
  EXPECT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_USER, 0, bad, 4, nullptr, nullptr, &left),
            SCARD_W_WRONG_CHV);
  EXPECT_EQ(left, 2u);
  EXPECT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_USER, CARD_AUTHENTICATE_GENERATE_SESSION_PIN,
                                         newp, 6, nullptr, nullptr, &left),
            SCARD_E_INVALID_PARAMETER);  // parameters are checked before the feature
  EXPECT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_USER, 0, newp, 6, nullptr, nullptr, &left),
            0u);
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_CARD_AUTHENTICATED_STATE, guid, 4, &len, 0), 0u);
  EXPECT_EQ(wire::get_u32le({guid, 4}, 0), DWORD(CREATE_PIN_SET(ROLE_USER)));
  ASSERT_EQ(client.pfnCardDeauthenticateEx(&client, CREATE_PIN_SET(ROLE_USER), 0), 0u);
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_CARD_AUTHENTICATED_STATE, guid, 4, &len, 0), 0u);
  EXPECT_EQ(wire::get_u32le({guid, 4}, 0), 0u);
  PIN_INFO pi{};
  pi.dwVersion = 6;
  ASSERT_EQ(
      client.pfnCardGetProperty(&client, CP_CARD_PIN_INFO, (PBYTE)&pi, sizeof pi, &len, ROLE_USER),
      0u);
  EXPECT_EQ(pi.dwUnblockPermission, DWORD(CREATE_PIN_SET(ROLE_ADMIN)));
  EXPECT_EQ(client.pfnCardGetProperty(&client, u"Unknown", guid, 4, &len, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(client.pfnCardGetProperty(&client, CP_KEY_IMPORT_SUPPORT, guid, 4, &len, 1),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(client.pfnCardGetProperty(&client, CP_KEY_IMPORT_SUPPORT, guid, 2, &len, 0),
            ERROR_INSUFFICIENT_BUFFER);
}

}  // namespace

namespace {

// Answers 6581 (memory failure) to the first command with INS `fail_ins`, passes the rest on.
struct FailingOnce {
  Card* card;
  BYTE fail_ins;
  bool failed = false;
};

DWORD failing_transmit(void* ctx, const BYTE* cmd, DWORD n, BYTE* resp, DWORD* rlen) {
  auto* f = static_cast<FailingOnce*>(ctx);
  if (!f->failed && n >= 2 && cmd[1] == f->fail_ins) {
    f->failed = true;
    resp[0] = 0x65, resp[1] = 0x81;
    *rlen = 2;
    return 0;
  }
  return card_transmit(f->card, cmd, n, resp, rlen);
}

}  // namespace

TEST_F(WithCard, FailedKeyGenerationLeavesTheContainerIndexReusable) {
  FailingOnce failing{card.get(), 0x47};
  CARD_DATA flaky{};
  prepare(flaky);
  flaky.pbAtr = atr.data(), flaky.cbAtr = DWORD(atr.size()), flaky.pwszCardName = name;
  ASSERT_EQ(SoftcardAcquireContextWithTransport(&flaky, 0, failing_transmit, &failing), 0u);
  BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
  char16_t user[] = u"user";
  DWORD left = 0;
  ASSERT_EQ(flaky.pfnCardAuthenticatePin(&flaky, user, pin, 6, &left), 0u);
  EXPECT_NE(flaky.pfnCardCreateContainerEx(&flaky, 3, CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                                           2048, nullptr, ROLE_USER),
            0u);
  EXPECT_TRUE(failing.failed);
  CONTAINER_INFO ci{};
  ci.dwVersion = 1;
  EXPECT_EQ(flaky.pfnCardGetContainerInfo(&flaky, 3, 0, &ci), DWORD(SCARD_E_NO_KEY_CONTAINER));
  // The same index works on the next try.
  EXPECT_EQ(flaky.pfnCardCreateContainerEx(&flaky, 3, CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                                           2048, nullptr, ROLE_USER),
            0u);
  ci = {};
  ci.dwVersion = 1;
  EXPECT_EQ(flaky.pfnCardGetContainerInfo(&flaky, 3, 0, &ci), 0u);
  EXPECT_GT(ci.cbKeyExPublicKey, 0u);
  flaky.pfnCspFree(ci.pbKeyExPublicKey);
  flaky.pfnCardDeleteContext(&flaky);
}
