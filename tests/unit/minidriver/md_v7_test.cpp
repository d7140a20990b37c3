// The v7 entry points and exact errors the certification suite checks (docs/mdtest.md M1-M20),
// in process: RSA padding info (PKCS#1 hash names, PSS, OAEP SHA-2 with labels), the admin
// challenge-response and what it unlocks, exact file names, structure versions.
#include "md_card_fixture.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

struct V7 : WithCard {
  KeyPair key = crypto.generate_rsa(1024);
  PublicKey pub = crypto.public_key(key);
  const Bytes admin_key = from_hex("0102030405060708090A0B0C0D0E0F101112131415161718");

  void import_container(BYTE idx) {
    login();
    Bytes blob = privatekeyblob(crypto, key, true);
    ASSERT_EQ(client.pfnCardCreateContainerEx(&client, idx, CARD_CREATE_CONTAINER_KEY_IMPORT,
                                              AT_KEYEXCHANGE, 1024, blob.data(), ROLE_USER),
              0u);
  }
  DWORD sign(CARD_SIGNING_INFO& si, Bytes& big_endian) {
    const DWORD rc = client.pfnCardSignData(&client, &si);
    if (rc == 0) {
      big_endian.assign(si.pbSignedData, si.pbSignedData + si.cbSignedData);
      std::reverse(big_endian.begin(), big_endian.end());
      client.pfnCspFree(si.pbSignedData);
    }
    return rc;
  }
  CARD_SIGNING_INFO signing_info(Bytes& hash) {
    CARD_SIGNING_INFO si{};
    si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION, si.bContainerIndex = 1;
    si.dwKeySpec = AT_KEYEXCHANGE, si.pbData = hash.data(), si.cbData = DWORD(hash.size());
    return si;
  }
  DWORD decrypt(Bytes ct_be, DWORD padding, void* info, Bytes& plain) {
    std::reverse(ct_be.begin(), ct_be.end());
    CARD_RSA_DECRYPT_INFO di{};
    di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION, di.bContainerIndex = 1;
    di.dwKeySpec = AT_KEYEXCHANGE, di.pbData = ct_be.data(), di.cbData = DWORD(ct_be.size());
    di.dwPaddingType = padding, di.pPaddingInfo = info;
    const DWORD rc = client.pfnCardRSADecrypt(&client, &di);
    plain.assign(ct_be.begin(), ct_be.begin() + di.cbData);
    std::reverse(plain.begin(), plain.end());
    return rc;
  }
  Bytes challenge() {
    PBYTE c = nullptr;
    DWORD cb = 0;
    EXPECT_EQ(client.pfnCardGetChallengeEx(&client, ROLE_ADMIN, &c, &cb, 0), 0u);
    Bytes out(c, c + cb);
    client.pfnCspFree(c);
    return out;
  }
  Bytes response(const Bytes& chal) {
    return crypto.encrypt({BlockAlg::tdes, BlockMode::ecb, BlockPadding::none}, admin_key, {},
                          chal);
  }
  DWORD auth_state() {
    BYTE b[4];
    DWORD len = 0;
    EXPECT_EQ(client.pfnCardGetProperty(&client, CP_CARD_AUTHENTICATED_STATE, b, 4, &len, 0), 0u);
    return wire::get_u32le({b, 4}, 0);
  }
  void block_user_pin() {
    BYTE bad[] = {'0', '0', '0', '0'};
    DWORD left = 0;
    for (int i = 0; i < 3; ++i)
      client.pfnCardAuthenticateEx(&client, ROLE_USER, 0, bad, 4, nullptr, nullptr, &left);
    BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
    ASSERT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_USER, 0, pin, 6, nullptr, nullptr, &left),
              SCARD_W_CHV_BLOCKED);
  }
};

TEST_F(V7, SignsWithTheHashNamedInThePaddingInfo) {
  import_container(1);
  Bytes hash = crypto.digest(HashAlg::sha256, from_hex("616263"));
  CARD_SIGNING_INFO si = signing_info(hash);
  BCRYPT_PKCS1_PADDING_INFO p1{u"SHA256"};
  si.dwSigningFlags = CARD_PADDING_INFO_PRESENT, si.dwPaddingType = CARD_PADDING_PKCS1;
  si.pPaddingInfo = &p1;
  Bytes sig;
  ASSERT_EQ(sign(si, sig), 0u);
  EXPECT_TRUE(crypto.rsa_verify_pkcs1(pub, digest_info(HashAlg::sha256, hash), sig));
  for (HashAlg md : {HashAlg::sha1, HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
    const char16_t* names[] = {u"SHA1", u"SHA256", u"SHA384", u"SHA512"};
    Bytes h = crypto.digest(md, from_hex("616263"));
    CARD_SIGNING_INFO ps = signing_info(h);
    BCRYPT_PSS_PADDING_INFO pss{names[int(md)], ULONG(h.size())};
    ps.dwSigningFlags = CARD_PADDING_INFO_PRESENT, ps.dwPaddingType = CARD_PADDING_PSS;
    ps.pPaddingInfo = &pss;
    if (md == HashAlg::sha512) pss.cbSalt = 32;  // 1024-bit modulus: 64 + 64 + 2 > 127
    ASSERT_EQ(sign(ps, sig), 0u) << int(md);
    EXPECT_TRUE(crypto.rsa_verify_pss(pub, md, h, sig, pss.cbSalt)) << int(md);
    Bytes tampered = h;
    tampered[0] ^= 1;
    EXPECT_FALSE(crypto.rsa_verify_pss(pub, md, tampered, sig, pss.cbSalt));
  }
}

TEST_F(V7, SigningRefusesBadHashesAndPaddingInfo) {
  import_container(1);
  Bytes hash(32, 0x11), sig;
  CARD_SIGNING_INFO si = signing_info(hash);
  si.aiHashAlg = 0x1234;
  EXPECT_EQ(sign(si, sig), SCARD_E_INVALID_PARAMETER);
  si.aiHashAlg = CALG_SHA1;  // 32 bytes are no SHA-1 hash
  EXPECT_EQ(sign(si, sig), SCARD_E_INVALID_PARAMETER);
  si = signing_info(hash);
  si.dwSigningFlags = CARD_PADDING_INFO_PRESENT, si.dwPaddingType = CARD_PADDING_PKCS1;
  EXPECT_EQ(sign(si, sig), SCARD_E_INVALID_PARAMETER);  // pPaddingInfo NULL
  BCRYPT_PKCS1_PADDING_INFO p1{u"SHA256"};
  si.pPaddingInfo = &p1, si.dwPaddingType = 0x80;
  EXPECT_EQ(sign(si, sig), SCARD_E_INVALID_PARAMETER);
  BCRYPT_PKCS1_PADDING_INFO lower{u"sha256"};
  si.pPaddingInfo = &lower, si.dwPaddingType = CARD_PADDING_PKCS1;
  EXPECT_EQ(sign(si, sig), SCARD_E_INVALID_PARAMETER);
  BCRYPT_PSS_PADDING_INFO huge_salt{u"SHA256", 100};
  si.pPaddingInfo = &huge_salt, si.dwPaddingType = CARD_PADDING_PSS;
  EXPECT_EQ(sign(si, sig), SCARD_E_INVALID_PARAMETER);
}

TEST_F(V7, DecryptsOaepWithSha2AndLabels) {
  import_container(1);
  const Bytes msg = from_hex("48656c6c6f"), label = from_hex("4341");
  for (HashAlg md : {HashAlg::sha1, HashAlg::sha256, HashAlg::sha384}) {
    const char16_t* names[] = {u"SHA1", u"SHA256", u"SHA384"};
    for (bool with_label : {false, true}) {
      Bytes l = with_label ? label : Bytes{};
      Bytes ct = crypto.rsa_encrypt(pub, msg, RsaPadding::oaep(md, l));
      BCRYPT_OAEP_PADDING_INFO oi{names[int(md)], l.empty() ? nullptr : l.data(), ULONG(l.size())};
      Bytes plain;
      ASSERT_EQ(decrypt(ct, CARD_PADDING_OAEP, &oi, plain), 0u) << int(md) << with_label;
      EXPECT_EQ(plain, msg);
    }
  }
  // The wrong label, or the wrong hash, is a badly padded block.
  Bytes ct = crypto.rsa_encrypt(pub, msg, RsaPadding::oaep(HashAlg::sha256, label));
  Bytes plain;
  BCRYPT_OAEP_PADDING_INFO no_label{u"SHA256", nullptr, 0}, sha384{u"SHA384", nullptr, 0};
  EXPECT_EQ(decrypt(ct, CARD_PADDING_OAEP, &no_label, plain), NTE_BAD_DATA);
  EXPECT_EQ(decrypt(ct, CARD_PADDING_OAEP, &sha384, plain), NTE_BAD_DATA);
  EXPECT_EQ(decrypt(ct, CARD_PADDING_OAEP, nullptr, plain), SCARD_E_INVALID_PARAMETER);
  BCRYPT_OAEP_PADDING_INFO md5{u"MD5", nullptr, 0};
  EXPECT_EQ(decrypt(ct, CARD_PADDING_OAEP, &md5, plain), SCARD_E_INVALID_PARAMETER);
  // A PKCS#1 block that is not PKCS#1 padded.
  Bytes junk(128, 0x42);
  junk[0] = 0;
  EXPECT_EQ(decrypt(junk, CARD_PADDING_PKCS1, nullptr, plain), NTE_BAD_DATA);
  CARD_RSA_DECRYPT_INFO di{};
  di.bContainerIndex = 1, di.dwKeySpec = AT_KEYEXCHANGE, di.pbData = junk.data(), di.cbData = 128;
  for (DWORD v : {0u, 1u, 3u, 5u, 257u, 65538u}) {
    di.dwVersion = v;
    EXPECT_EQ(client.pfnCardRSADecrypt(&client, &di), ERROR_REVISION_MISMATCH) << v;
  }
}

TEST_F(V7, AdminChallengeResponse) {
  const Bytes c1 = challenge(), c2 = challenge();
  EXPECT_EQ(c1.size(), 8u);  // 3DES admin key
  EXPECT_NE(c1, c2);
  PBYTE c = nullptr;
  DWORD cb = 0;
  EXPECT_EQ(client.pfnCardGetChallengeEx(&client, ROLE_USER, &c, &cb, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(client.pfnCardGetChallengeEx(&client, ROLE_ADMIN, &c, &cb, 1),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(client.pfnCardGetChallengeEx(&client, ROLE_ADMIN, nullptr, &cb, 0),
            SCARD_E_INVALID_PARAMETER);
  Bytes wrong = response(challenge());
  wrong[0] ^= 0xFF;
  DWORD left = 7;
  EXPECT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_ADMIN, 0, wrong.data(), DWORD(wrong.size()),
                                         nullptr, nullptr, &left),
            SCARD_W_WRONG_CHV);
  EXPECT_EQ(auth_state() & CREATE_PIN_SET(ROLE_ADMIN), 0u);
  Bytes right = response(challenge());
  ASSERT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_ADMIN, 0, right.data(), DWORD(right.size()),
                                         nullptr, nullptr, &left),
            0u);
  EXPECT_EQ(auth_state(), DWORD(CREATE_PIN_SET(ROLE_ADMIN)));
  ASSERT_EQ(client.pfnCardDeauthenticateEx(&client, CREATE_PIN_SET(ROLE_ADMIN), 0), 0u);
  EXPECT_EQ(auth_state(), 0u);
  // The legacy pair: CardGetChallenge + CardAuthenticateChallenge; one answer per challenge.
  ASSERT_EQ(client.pfnCardGetChallenge(&client, &c, &cb), 0u);
  Bytes r = response(Bytes(c, c + cb));
  client.pfnCspFree(c);
  ASSERT_EQ(client.pfnCardAuthenticateChallenge(&client, r.data(), DWORD(r.size()), &left), 0u);
  EXPECT_EQ(client.pfnCardAuthenticateChallenge(&client, r.data(), DWORD(r.size()), &left),
            SCARD_W_WRONG_CHV);
}

TEST_F(V7, UnblockWithTheAdminResponse) {
  block_user_pin();
  BYTE fresh[] = {'6', '5', '4', '3', '2', '1'};
  char16_t user[] = u"user";
  Bytes wrong = response(challenge());
  wrong.back() ^= 1;
  EXPECT_EQ(client.pfnCardUnblockPin(&client, user, wrong.data(), DWORD(wrong.size()), fresh, 6, 0,
                                     CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE),
            SCARD_W_WRONG_CHV);
  Bytes r = response(challenge());
  EXPECT_EQ(client.pfnCardUnblockPin(&client, user, r.data(), DWORD(r.size()), fresh, 6, 0,
                                     CARD_AUTHENTICATE_PIN_PIN),
            SCARD_E_UNSUPPORTED_FEATURE);
  EXPECT_EQ(client.pfnCardUnblockPin(&client, user, r.data(), DWORD(r.size()), fresh, 6, 3,
                                     CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE),
            SCARD_E_INVALID_PARAMETER);
  ASSERT_EQ(client.pfnCardUnblockPin(&client, user, r.data(), DWORD(r.size()), fresh, 6, 0,
                                     CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE),
            0u);
  DWORD left = 0;
  ASSERT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_USER, 0, fresh, 6, nullptr, nullptr, &left),
            0u);
  // Again through CardChangeAuthenticatorEx(UNBLOCK), back to the original PIN.
  block_user_pin();
  BYTE original[] = {'1', '2', '3', '4', '5', '6'};
  r = response(challenge());
  ASSERT_EQ(
      client.pfnCardChangeAuthenticatorEx(&client, PIN_CHANGE_FLAG_UNBLOCK, ROLE_ADMIN, r.data(),
                                          DWORD(r.size()), ROLE_USER, original, 6, 0, &left),
      0u);
  login();
  // The legacy change: "user", CARD_AUTHENTICATE_PIN_PIN.
  ASSERT_EQ(client.pfnCardChangeAuthenticator(&client, user, original, 6, fresh, 6, 0,
                                              CARD_AUTHENTICATE_PIN_PIN, &left),
            0u);
  EXPECT_EQ(client.pfnCardChangeAuthenticator(&client, user, original, 6, fresh, 6, 0,
                                              CARD_AUTHENTICATE_PIN_PIN, &left),
            SCARD_W_WRONG_CHV);
  EXPECT_EQ(left, 2u);
}

TEST_F(V7, NamesAreExactAndVersionsChecked) {
  char upper[] = "CARDID", mscp_upper[] = "MSCP", cmap[] = "cmapfile", nine[] = "cardid123";
  PBYTE data = nullptr;
  DWORD len = 0;
  EXPECT_EQ(client.pfnCardReadFile(&client, nullptr, upper, 0, &data, &len),
            SCARD_E_FILE_NOT_FOUND);
  EXPECT_EQ(client.pfnCardReadFile(&client, mscp_upper, cmap, 0, &data, &len),
            SCARD_E_DIR_NOT_FOUND);
  EXPECT_EQ(client.pfnCardReadFile(&client, nullptr, nine, 0, &data, &len),
            SCARD_E_INVALID_PARAMETER);
  PIN_INFO pi{};
  for (DWORD v : {0u, 2u, 5u, 7u}) {
    pi.dwVersion = v;
    EXPECT_EQ(client.pfnCardGetProperty(&client, CP_CARD_PIN_INFO, (PBYTE)&pi, sizeof pi, &len,
                                        ROLE_USER),
              ERROR_REVISION_MISMATCH)
        << v;
  }
  BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
  DWORD left = 0;
  EXPECT_EQ(client.pfnCardAuthenticateEx(&client, ROLE_USER, CARD_AUTHENTICATE_GENERATE_SESSION_PIN,
                                         pin, 6, nullptr, nullptr, &left),
            SCARD_E_INVALID_PARAMETER);
  for (DWORD v : {0u, 2u, 4u, 5u}) {
    CARD_DATA cd{};
    prepare(cd);
    cd.dwVersion = v;
    cd.pbAtr = atr.data(), cd.cbAtr = DWORD(atr.size()), cd.pwszCardName = name;
    EXPECT_EQ(SoftcardAcquireContextWithTransport(&cd, 0, card_transmit, card.get()),
              ERROR_REVISION_MISMATCH)
        << v;
  }
  for (DWORD n : {0u, 0x22u, 0xFFFFFFFFu}) {
    CARD_DATA cd{};
    prepare(cd);
    cd.pbAtr = atr.data(), cd.cbAtr = n, cd.pwszCardName = name;
    EXPECT_EQ(SoftcardAcquireContextWithTransport(&cd, 0, card_transmit, card.get()),
              SCARD_E_INVALID_PARAMETER)
        << n;
  }
}

TEST_F(V7, FilesAndDirectoriesComeAndGo) {
  char mscp[] = "mscp", t1[] = "t1", T1[] = "T1", nodir[] = "nodir", dir[] = "d1", in[] = "in";
  EXPECT_EQ(client.pfnCardCreateFile(&client, mscp, t1, 0, EveryoneReadUserWriteAc),
            SCARD_W_SECURITY_VIOLATION);  // anonymous
  login();
  ASSERT_EQ(client.pfnCardCreateFile(&client, mscp, t1, 0, EveryoneReadUserWriteAc), 0u);
  EXPECT_EQ(client.pfnCardCreateFile(&client, mscp, t1, 0, EveryoneReadUserWriteAc),
            ERROR_FILE_EXISTS);
  EXPECT_EQ(client.pfnCardCreateFile(&client, mscp, T1, 0, InvalidAc), SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(client.pfnCardCreateFile(&client, nodir, T1, 0, UserReadWriteAc),
            SCARD_E_DIR_NOT_FOUND);
  BYTE data[300];
  for (int i = 0; i < 300; ++i) data[i] = BYTE(i * 7);
  ASSERT_EQ(client.pfnCardWriteFile(&client, mscp, t1, 0, data, 300), 0u);
  PBYTE back = nullptr;
  DWORD len = 0;
  ASSERT_EQ(client.pfnCardReadFile(&client, mscp, t1, 0, &back, &len), 0u);
  EXPECT_EQ(Bytes(back, back + len), Bytes(data, data + 300));
  client.pfnCspFree(back);
  EXPECT_EQ(client.pfnCardReadFile(&client, mscp, T1, 0, &back, &len), SCARD_E_FILE_NOT_FOUND);
  CARD_FILE_INFO fi{CARD_FILE_INFO_CURRENT_VERSION, 0, InvalidAc};
  ASSERT_EQ(client.pfnCardGetFileInfo(&client, mscp, t1, &fi), 0u);
  EXPECT_EQ(fi.cbFileSize, 300u);
  EXPECT_EQ(fi.AccessCondition, EveryoneReadUserWriteAc);
  EXPECT_EQ(client.pfnCardDeleteFile(&client, mscp, t1, 1), SCARD_E_INVALID_PARAMETER);
  ASSERT_EQ(client.pfnCardDeleteFile(&client, mscp, t1, 0), 0u);
  EXPECT_EQ(client.pfnCardReadFile(&client, mscp, t1, 0, &back, &len), SCARD_E_FILE_NOT_FOUND);
  EXPECT_EQ(client.pfnCardDeleteFile(&client, mscp, t1, 0), SCARD_E_FILE_NOT_FOUND);
  // The file's data object is gone with it: a new file of the same name starts empty.
  ASSERT_EQ(client.pfnCardCreateFile(&client, mscp, t1, 0, UserReadWriteAc), 0u);
  ASSERT_EQ(client.pfnCardReadFile(&client, mscp, t1, 0, &back, &len), 0u);
  EXPECT_EQ(len, 0u);
  client.pfnCspFree(back);
  ASSERT_EQ(client.pfnCardDeauthenticateEx(&client, CREATE_PIN_SET(ROLE_USER), 0), 0u);
  EXPECT_EQ(client.pfnCardReadFile(&client, mscp, t1, 0, &back, &len), SCARD_W_SECURITY_VIOLATION);
  login();
  ASSERT_EQ(client.pfnCardDeleteFile(&client, mscp, t1, 0), 0u);
  // Empty files created and deleted leave nothing behind that a later file could trip over.
  ASSERT_EQ(client.pfnCardCreateFile(&client, mscp, t1, 0, EveryoneReadUserWriteAc), 0u);
  ASSERT_EQ(client.pfnCardDeleteFile(&client, mscp, t1, 0), 0u);
  ASSERT_EQ(client.pfnCardCreateFile(&client, mscp, t1, 0, EveryoneReadUserWriteAc), 0u);
  ASSERT_EQ(client.pfnCardReadFile(&client, mscp, t1, 0, &back, &len), 0u);
  EXPECT_EQ(len, 0u);
  client.pfnCspFree(back);
  ASSERT_EQ(client.pfnCardDeleteFile(&client, mscp, t1, 0), 0u);
  // Directories.
  EXPECT_EQ(client.pfnCardCreateDirectory(&client, mscp, UserCreateDeleteDirAc), ERROR_FILE_EXISTS);
  EXPECT_EQ(client.pfnCardCreateDirectory(&client, dir, InvalidDirAc), SCARD_E_INVALID_PARAMETER);
  ASSERT_EQ(client.pfnCardCreateDirectory(&client, dir, UserCreateDeleteDirAc), 0u);
  ASSERT_EQ(client.pfnCardCreateFile(&client, dir, in, 0, EveryoneReadUserWriteAc), 0u);
  LPSTR names = nullptr;
  ASSERT_EQ(client.pfnCardEnumFiles(&client, dir, &names, &len, 0), 0u);
  EXPECT_EQ(std::string(names), "in");
  client.pfnCspFree(names);
  EXPECT_EQ(client.pfnCardDeleteDirectory(&client, dir), ERROR_DIR_NOT_EMPTY);
  EXPECT_EQ(client.pfnCardDeleteDirectory(&client, mscp), ERROR_DIR_NOT_EMPTY);
  ASSERT_EQ(client.pfnCardDeleteFile(&client, dir, in, 0), 0u);
  ASSERT_EQ(client.pfnCardDeleteDirectory(&client, dir), 0u);
  EXPECT_EQ(client.pfnCardDeleteDirectory(&client, dir), SCARD_E_DIR_NOT_FOUND);
  EXPECT_EQ(client.pfnCardReadFile(&client, dir, in, 0, &back, &len), SCARD_E_DIR_NOT_FOUND);
}

TEST_F(V7, AssociatedEcdhKeyIsKeptOnTheCard) {
  login();
  ASSERT_EQ(client.pfnCardCreateContainerEx(&client, 1, CARD_CREATE_CONTAINER_KEY_GEN,
                                            AT_ECDSA_P256, 256, nullptr, ROLE_USER),
            0u);
  ASSERT_EQ(client.pfnCardCreateContainerEx(&client, 2, CARD_CREATE_CONTAINER_KEY_GEN,
                                            AT_ECDHE_P256, 256, nullptr, ROLE_USER),
            0u);
  BYTE v = 0;
  DWORD len = 0;
  EXPECT_EQ(client.pfnCardGetContainerProperty(&client, 1, CCP_ASSOCIATED_ECDH_KEY, &v, 1, &len, 0),
            SCARD_E_NO_KEY_CONTAINER);  // not paired yet
  BYTE two = 2, one = 1, empty = 9;
  EXPECT_EQ(client.pfnCardSetContainerProperty(&client, 2, CCP_ASSOCIATED_ECDH_KEY, &one, 1, 0),
            SCARD_E_INVALID_PARAMETER);  // the ECDH container is not the ECDSA one
  EXPECT_EQ(client.pfnCardSetContainerProperty(&client, 1, CCP_ASSOCIATED_ECDH_KEY, &empty, 1, 0),
            SCARD_E_INVALID_PARAMETER);
  EXPECT_EQ(client.pfnCardSetContainerProperty(&client, 1, CCP_ASSOCIATED_ECDH_KEY, &two, 2, 0),
            SCARD_E_INVALID_PARAMETER);
  ASSERT_EQ(client.pfnCardSetContainerProperty(&client, 1, CCP_ASSOCIATED_ECDH_KEY, &two, 1, 0),
            0u);
  // Another context after a power cycle reads the same pair from the card.
  card->power_off();
  card->power_on();
  CARD_DATA other{};
  prepare(other);
  other.pbAtr = atr.data(), other.cbAtr = DWORD(atr.size()), other.pwszCardName = name;
  ASSERT_EQ(SoftcardAcquireContextWithTransport(&other, 0, card_transmit, card.get()), 0u);
  ASSERT_EQ(other.pfnCardGetContainerProperty(&other, 1, CCP_ASSOCIATED_ECDH_KEY, &v, 1, &len, 0),
            0u);
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(v, 2u);
  other.pfnCardDeleteContext(&other);
}

}  // namespace
