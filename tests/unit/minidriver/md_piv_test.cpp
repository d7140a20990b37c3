// The minidriver on PIV cards (docs/minidriver.md "PIV cards"): recognition, the synthesized
// files and containers, PIN, signatures, deciphering and ECDH through GENERAL AUTHENTICATE,
// checked against the host's own crypto (independent of the library's paddings).
#include "md_piv_fixture.h"
#include "softcard/wire/endian.h"
#include "softcard/wire/gids.h"

namespace softcard::mdtest {
namespace {

struct MdPiv : WithPivCard {
  std::optional<PublicKey> rsa9a_, ec9c_, ec9d_;
  Bytes cert9a;
  // A YubiKey 5.7 with RSA-2048 in 9A (with certificate), P-256 in 9C and 9D (no certificates:
  // the F7 metadata shows them).
  void SetUp() override {
    make(yubikey());
    select_and_authenticate();
    rsa9a_ = generate(0x9A, 0x07);
    ec9c_ = generate(0x9C, 0x11);
    ec9d_ = generate(0x9D, 0x11);
    cert9a = certificate_for(*rsa9a_);
    put_certificate(0x5FC105, cert9a);
    ASSERT_EQ(acquire(), 0u);
  }
  const PublicKey& rsa9a() const { return *rsa9a_; }
  const PublicKey& ec9c() const { return *ec9c_; }
  const PublicKey& ec9d() const { return *ec9d_; }
};

TEST_F(MdPiv, RecognisedAsReadOnlyPivCard) {
  CARD_CAPABILITIES caps{};
  caps.dwVersion = CARD_CAPABILITIES_CURRENT_VERSION;
  ASSERT_EQ(cd.pfnCardQueryCapabilities(&cd, &caps), 0u);
  EXPECT_FALSE(caps.fKeyGen);
  BOOL ro = FALSE;
  DWORD len = 0;
  ASSERT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_READ_ONLY, (PBYTE)&ro, sizeof ro, &len, 0), 0u);
  EXPECT_TRUE(ro);
  DWORD mode = 0;
  ASSERT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_CACHE_MODE, (PBYTE)&mode, 4, &len, 0), 0u);
  EXPECT_EQ(mode, DWORD(CP_CACHE_MODE_NO_CACHE));
  DWORD pins = 0;
  ASSERT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_LIST_PINS, (PBYTE)&pins, 4, &len, 0), 0u);
  EXPECT_EQ(pins, DWORD(CREATE_PIN_SET(ROLE_USER)));
  PIN_INFO pi{};
  pi.dwVersion = PIN_INFO_CURRENT_VERSION;
  EXPECT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_PIN_INFO, (PBYTE)&pi, sizeof pi, &len, ROLE_ADMIN),
            DWORD(SCARD_E_INVALID_PARAMETER));
  ASSERT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_PIN_INFO, (PBYTE)&pi, sizeof pi, &len, ROLE_USER),
            0u);
  EXPECT_EQ(pi.dwUnblockPermission, 0u);
  CARD_KEY_SIZES ks{};
  ks.dwVersion = CARD_KEY_SIZES_CURRENT_VERSION;
  ASSERT_EQ(cd.pfnCardQueryKeySizes(&cd, AT_SIGNATURE, 0, &ks), 0u);
  EXPECT_EQ(ks.dwMaximumBitlen, 4096u);  // firmware 5.7 lists RSA-4096
  EXPECT_EQ(cd.pfnCardQueryKeySizes(&cd, AT_ECDSA_P521, 0, &ks), DWORD(SCARD_E_INVALID_PARAMETER));
  CARD_FREE_SPACE_INFO fs{};
  fs.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
  ASSERT_EQ(cd.pfnCardQueryFreeSpace(&cd, 0, &fs), 0u);
  EXPECT_EQ(fs.dwKeyContainersAvailable, 0u);
  EXPECT_EQ(fs.dwMaxKeyContainers, 24u);
}

TEST_F(MdPiv, WritesAndSecureKeyInjectionAreUnsupported) {
  char mscp[] = "mscp", file[] = "x";
  BYTE b = 0;
  EXPECT_EQ(cd.pfnCardCreateContainer(&cd, 5, CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE, 2048,
                                      nullptr),
            DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  EXPECT_EQ(cd.pfnCardDeleteContainer(&cd, 0, 0), DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  EXPECT_EQ(cd.pfnCardWriteFile(&cd, mscp, file, 0, &b, 1), DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  EXPECT_EQ(cd.pfnCardCreateFile(&cd, mscp, file, 0, EveryoneReadUserWriteAc),
            DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  PBYTE challenge = nullptr;
  DWORD n = 0;
  EXPECT_EQ(cd.pfnCardGetChallenge(&cd, &challenge, &n), DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  DWORD len = 0;
  EXPECT_EQ(cd.pfnCardGetProperty(&cd, CP_ENUM_ALGORITHMS, nullptr, 0, &len, CARD_CIPHER_OPERATION),
            DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  EXPECT_EQ(cd.pfnCardSetContainerProperty(&cd, 1, CCP_ASSOCIATED_ECDH_KEY, &b, 1, 0),
            DWORD(SCARD_E_UNSUPPORTED_FEATURE));
}

TEST_F(MdPiv, FilesAreSynthesizedFromTheSlots) {
  const Bytes id = read_file(nullptr, "cardid");
  ASSERT_EQ(id.size(), 16u);
  EXPECT_EQ(read_file(nullptr, "cardapps"), (Bytes{'m', 's', 'c', 'p', 0, 0, 0, 0}));
  EXPECT_EQ(read_file(nullptr, "cardcf").size(), 6u);
  const Bytes cmap = read_file("mscp", "cmapfile");
  // 9A RSA-2048 key exchange (default), 9C P-256 signature, 9D P-256 ECDH; nothing else.
  ASSERT_EQ(cmap.size(), 3 * wire::gids::container_record_size);
  const auto r0 = *wire::gids::container_record_at(cmap, 0);
  const auto r1 = *wire::gids::container_record_at(cmap, 1);
  const auto r2 = *wire::gids::container_record_at(cmap, 2);
  EXPECT_TRUE(r0.valid() && (r0.flags & wire::gids::ContainerRecord::flag_default));
  EXPECT_EQ(r0.kx_key_bits, 2048u);
  EXPECT_EQ(r1.sig_key_bits, 256u);
  EXPECT_FALSE(r1.flags & wire::gids::ContainerRecord::flag_default);
  EXPECT_EQ(r2.kx_key_bits, 256u);
  EXPECT_NE(r0.guid, r1.guid);
  EXPECT_EQ(read_file("mscp", "cmapfile"), cmap);  // stable names
  EXPECT_EQ(read_file("mscp", "kxc00"), cert9a);
  DWORD rc = 0;
  read_file("mscp", "ksc01", &rc);  // a key without a certificate: no certificate file
  EXPECT_EQ(rc, DWORD(SCARD_E_FILE_NOT_FOUND));
  read_file("mscp", "ksc00", &rc);  // container 0 is a key-exchange one
  EXPECT_EQ(rc, DWORD(SCARD_E_FILE_NOT_FOUND));
  read_file("nodir", "kxc00", &rc);
  EXPECT_EQ(rc, DWORD(SCARD_E_DIR_NOT_FOUND));
  LPSTR names = nullptr;
  DWORD cb = 0;
  char mscp[] = "mscp";
  ASSERT_EQ(cd.pfnCardEnumFiles(&cd, mscp, &names, &cb, 0), 0u);
  EXPECT_EQ(std::string(names, cb), std::string("cmapfile\0kxc00\0\0", 16));
  cd.pfnCspFree(names);
  CARD_FILE_INFO fi{};
  fi.dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
  char kxc[] = "kxc00";
  ASSERT_EQ(cd.pfnCardGetFileInfo(&cd, mscp, kxc, &fi), 0u);
  EXPECT_EQ(fi.cbFileSize, cert9a.size());
  EXPECT_EQ(fi.AccessCondition, EveryoneReadUserWriteAc);
  char root_id[] = "cardid";
  ASSERT_EQ(cd.pfnCardGetFileInfo(&cd, nullptr, root_id, &fi), 0u);
  EXPECT_EQ(fi.AccessCondition, EveryoneReadAdminWriteAc);
}

TEST_F(MdPiv, ContainerInfoGivesTheSlotsPublicKeys) {
  bool kx = false;
  auto k0 = container_public(0, &kx);
  ASSERT_TRUE(k0);
  EXPECT_TRUE(kx);
  EXPECT_EQ(host.rsa_public(*k0), host.rsa_public(rsa9a()));
  auto k1 = container_public(1, &kx);
  ASSERT_TRUE(k1);
  EXPECT_FALSE(kx);
  EXPECT_EQ(host.ec_public(*k1), host.ec_public(ec9c()));
  EXPECT_FALSE(container_public(3));
  CONTAINER_INFO ci{};
  ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
  EXPECT_EQ(cd.pfnCardGetContainerInfo(&cd, 24, 0, &ci), DWORD(SCARD_E_NO_KEY_CONTAINER));
}

TEST_F(MdPiv, PinVerifyWrongPinAndLogout) {
  DWORD left = 0;
  EXPECT_EQ(login("654321", &left), DWORD(SCARD_W_WRONG_CHV));
  EXPECT_EQ(left, 2u);
  EXPECT_EQ(login("123456789", &left), DWORD(SCARD_W_WRONG_CHV));  // longer than 8: no try
  EXPECT_EQ(left, 2u);
  ASSERT_EQ(login(), 0u);
  DWORD state = 0, len = 0;
  ASSERT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_AUTHENTICATED_STATE, (PBYTE)&state, 4, &len, 0), 0u);
  EXPECT_EQ(state, DWORD(CREATE_PIN_SET(ROLE_USER)));
  char16_t user[] = u"user";
  ASSERT_EQ(cd.pfnCardDeauthenticate(&cd, user, 0), 0u);
  ASSERT_EQ(cd.pfnCardGetProperty(&cd, CP_CARD_AUTHENTICATED_STATE, (PBYTE)&state, 4, &len, 0), 0u);
  EXPECT_EQ(state, 0u);
}

TEST_F(MdPiv, PinChange) {
  DWORD left = 0;
  BYTE old_pin[] = "123456", new_pin[] = "87654321";
  ASSERT_EQ(cd.pfnCardChangeAuthenticatorEx(&cd, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, old_pin, 6,
                                            ROLE_USER, new_pin, 8, 0, &left),
            0u);
  EXPECT_EQ(login("87654321"), 0u);
  EXPECT_EQ(cd.pfnCardChangeAuthenticatorEx(&cd, PIN_CHANGE_FLAG_UNBLOCK, ROLE_USER, old_pin, 6,
                                            ROLE_USER, new_pin, 8, 0, &left),
            DWORD(SCARD_E_UNSUPPORTED_FEATURE));
}

TEST_F(MdPiv, RsaSignaturesPkcs1AndPss) {
  const Bytes hash = host.digest(HashAlg::sha256, from_hex("616263"));
  CARD_SIGNING_INFO si{};
  si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
  si.bContainerIndex = 0;
  si.dwKeySpec = AT_KEYEXCHANGE;
  si.aiHashAlg = CALG_SHA_256;
  si.pbData = const_cast<PBYTE>(hash.data()), si.cbData = DWORD(hash.size());
  EXPECT_EQ(cd.pfnCardSignData(&cd, &si), DWORD(SCARD_W_SECURITY_VIOLATION));  // PIN first
  ASSERT_EQ(login(), 0u);
  ASSERT_EQ(cd.pfnCardSignData(&cd, &si), 0u);
  Bytes sig = wire::reversed({si.pbSignedData, si.cbSignedData});
  cd.pfnCspFree(si.pbSignedData);
  EXPECT_TRUE(host.rsa_verify_pkcs1(rsa9a(), digest_info(HashAlg::sha256, hash), sig));

  BCRYPT_PSS_PADDING_INFO pss{u"SHA256", 32};
  si.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
  si.dwPaddingType = CARD_PADDING_PSS;
  si.pPaddingInfo = &pss;
  ASSERT_EQ(cd.pfnCardSignData(&cd, &si), 0u);
  sig = wire::reversed({si.pbSignedData, si.cbSignedData});
  cd.pfnCspFree(si.pbSignedData);
  EXPECT_TRUE(host.rsa_verify_pss(rsa9a(), HashAlg::sha256, hash, sig, 32));
}

TEST_F(MdPiv, EcdsaSignatureIsRawAndNeedsAFreshPinOn9C) {
  const Bytes hash = host.digest(HashAlg::sha256, from_hex("616263"));
  CARD_SIGNING_INFO si{};
  si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
  si.bContainerIndex = 1;
  si.dwKeySpec = AT_ECDSA_P256;
  si.pbData = const_cast<PBYTE>(hash.data()), si.cbData = DWORD(hash.size());
  ASSERT_EQ(login(), 0u);
  ASSERT_EQ(cd.pfnCardSignData(&cd, &si), 0u);
  ASSERT_EQ(si.cbSignedData, 64u);
  EXPECT_TRUE(host.ecdsa_verify(ec9c(), hash, {si.pbSignedData, si.cbSignedData}));
  cd.pfnCspFree(si.pbSignedData);
  // 9C's PIN policy is "always": the next signature needs another CardAuthenticatePin.
  EXPECT_EQ(cd.pfnCardSignData(&cd, &si), DWORD(SCARD_W_SECURITY_VIOLATION));
  si.dwKeySpec = AT_ECDSA_P384;
  EXPECT_EQ(cd.pfnCardSignData(&cd, &si), DWORD(SCARD_E_INVALID_PARAMETER));
  si.dwKeySpec = AT_SIGNATURE;  // an RSA spec for an EC key
  EXPECT_EQ(cd.pfnCardSignData(&cd, &si), DWORD(SCARD_E_INVALID_PARAMETER));
  si.bContainerIndex = 3;
  EXPECT_EQ(cd.pfnCardSignData(&cd, &si), DWORD(SCARD_E_NO_KEY_CONTAINER));
}

TEST_F(MdPiv, RsaDecryptPkcs1OaepAndRaw) {
  ASSERT_EQ(login(), 0u);
  const Bytes msg = from_hex("00112233445566778899");
  struct Case {
    DWORD padding;
    RsaPadding host_padding;
  };
  UCHAR label[] = {0x4C};
  BCRYPT_OAEP_PADDING_INFO oaep{u"SHA256", label, 1};
  for (const Case& c : {Case{CARD_PADDING_PKCS1, RsaPadding::pkcs1_v15()},
                        Case{CARD_PADDING_OAEP, RsaPadding::oaep(HashAlg::sha256, Bytes{0x4C})}}) {
    Bytes ct = wire::reversed(host.rsa_encrypt(rsa9a(), msg, c.host_padding));
    CARD_RSA_DECRYPT_INFO di{};
    di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
    di.bContainerIndex = 0;
    di.dwKeySpec = AT_KEYEXCHANGE;
    di.pbData = ct.data(), di.cbData = DWORD(ct.size());
    di.dwPaddingType = c.padding;
    di.pPaddingInfo = c.padding == CARD_PADDING_OAEP ? &oaep : nullptr;
    ASSERT_EQ(cd.pfnCardRSADecrypt(&cd, &di), 0u) << c.padding;
    EXPECT_EQ(wire::reversed({di.pbData, di.cbData}), msg);
  }
  // A PKCS#1 block that is not one: bad data.
  Bytes block(256, 0x11);
  block[0] = 0x00;
  Bytes ct = wire::reversed(host.rsa_encrypt(rsa9a(), block, RsaPadding::raw()));
  CARD_RSA_DECRYPT_INFO di{};
  di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
  di.dwKeySpec = AT_KEYEXCHANGE;
  di.pbData = ct.data(), di.cbData = DWORD(ct.size());
  di.dwPaddingType = CARD_PADDING_PKCS1;
  EXPECT_EQ(cd.pfnCardRSADecrypt(&cd, &di), DWORD(NTE_BAD_DATA));
  di.dwPaddingType = CARD_PADDING_NONE;
  ASSERT_EQ(cd.pfnCardRSADecrypt(&cd, &di), 0u);
  EXPECT_EQ(wire::reversed({di.pbData, di.cbData}), block);
  di.bContainerIndex = 1;  // the signature container
  EXPECT_EQ(cd.pfnCardRSADecrypt(&cd, &di), DWORD(SCARD_E_NO_KEY_CONTAINER));
}

TEST_F(MdPiv, EcdhAgreementAndDerivedBytes) {
  ASSERT_EQ(login(), 0u);
  const KeyPair peer = host.generate_ec(Curve::p256);
  const EcPublic pp = host.ec_public(peer);
  wire::EccParts parts;
  parts.curve_bits = 256, parts.ecdh = true;
  parts.x.assign(pp.point.begin() + 1, pp.point.begin() + 33);
  parts.y.assign(pp.point.begin() + 33, pp.point.end());
  Bytes blob = wire::encode_bcrypt_ecckey_blob(parts);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
  ai.bContainerIndex = 1;  // ECDSA container: does not agree
  ai.pbPublicKey = blob.data(), ai.dwPublicKey = DWORD(blob.size());
  EXPECT_EQ(cd.pfnCardConstructDHAgreement(&cd, &ai), DWORD(SCARD_E_INVALID_PARAMETER));
  ai.bContainerIndex = 2;
  ASSERT_EQ(cd.pfnCardConstructDHAgreement(&cd, &ai), 0u);
  char16_t hash_kdf[] = u"HASH", hkdf[] = u"HKDF";
  CARD_DERIVE_KEY dk{};
  dk.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
  dk.pwszKDF = hash_kdf;
  dk.bSecretAgreementIndex = ai.bSecretAgreementIndex;
  ASSERT_EQ(cd.pfnCardDeriveKey(&cd, &dk), 0u);
  // Z from the host's side: d_peer * Q_9D; BCrypt's HASH KDF defaults to SHA-1.
  const SecretBytes z = host.ecdh(peer, host.ec_public(ec9d()).point);
  EXPECT_EQ(Bytes(dk.pbDerivedKey, dk.pbDerivedKey + dk.cbDerivedKey),
            host.digest(HashAlg::sha1, z.view()));
  cd.pfnCspFree(dk.pbDerivedKey);
  dk.dwFlags = CARD_RETURN_KEY_HANDLE;
  dk.pwszKDF = hkdf;
  EXPECT_EQ(cd.pfnCardDeriveKey(&cd, &dk), DWORD(SCARD_E_UNSUPPORTED_FEATURE));
  EXPECT_EQ(cd.pfnCardDestroyDHAgreement(&cd, ai.bSecretAgreementIndex, 0), 0u);
  EXPECT_EQ(cd.pfnCardDestroyDHAgreement(&cd, ai.bSecretAgreementIndex, 0),
            DWORD(SCARD_E_INVALID_PARAMETER));
}

TEST_F(MdPiv, AssociatedEcdhKeyIsTheKeyManagementSlot) {
  BYTE v = 0xFF;
  DWORD len = 0;
  ASSERT_EQ(cd.pfnCardGetContainerProperty(&cd, 1, CCP_ASSOCIATED_ECDH_KEY, &v, 1, &len, 0), 0u);
  EXPECT_EQ(v, 2);
  // RSA (9A) and ECDH (9D) containers have none; an empty one is no container.
  EXPECT_EQ(cd.pfnCardGetContainerProperty(&cd, 0, CCP_ASSOCIATED_ECDH_KEY, &v, 1, &len, 0),
            DWORD(SCARD_E_NO_KEY_CONTAINER));
  EXPECT_EQ(cd.pfnCardGetContainerProperty(&cd, 2, CCP_ASSOCIATED_ECDH_KEY, &v, 1, &len, 0),
            DWORD(SCARD_E_NO_KEY_CONTAINER));
  EXPECT_EQ(cd.pfnCardGetContainerProperty(&cd, 5, CCP_ASSOCIATED_ECDH_KEY, &v, 1, &len, 0),
            DWORD(SCARD_E_NO_KEY_CONTAINER));
}

// A plain PIV card has no F7: the containers are the slots with certificates; gzip-compressed
// certificates are inflated; cardid is the CHUID's GUID.
TEST(MdPivPlain, CertificatesMakeTheContainers) {
  struct T : WithPivCard {
    void TestBody() override {}
  } t;
  t.make(WithPivCard::plain_piv());
  t.select_and_authenticate();
  const PublicKey k9e = t.generate(0x9E, 0x14);
  t.generate(0x9A, 0x11);  // no certificate: invisible
  const PublicKey k82 = t.generate(0x82, 0x06);
  const Bytes c9e = t.certificate_for(k9e), c82 = t.certificate_for(k82);
  t.put_certificate(0x5FC101, c9e, true);
  t.put_certificate(0x5FC10D, c82);
  std::uint16_t sw = 0;
  const Bytes chuid = t.tx(from_hex("00CB3FFF055C035FC10200"), &sw);
  ASSERT_EQ(sw, 0x9000);
  ASSERT_EQ(t.acquire(), 0u);
  const Bytes cmap = t.read_file("mscp", "cmapfile");
  ASSERT_EQ(cmap.size(), 5 * wire::gids::container_record_size);
  EXPECT_FALSE(wire::gids::container_record_at(cmap, 0)->valid());
  EXPECT_EQ(wire::gids::container_record_at(cmap, 3)->sig_key_bits, 384u);
  EXPECT_EQ(wire::gids::container_record_at(cmap, 4)->kx_key_bits, 1024u);
  EXPECT_EQ(t.read_file("mscp", "ksc03"), c9e);
  EXPECT_EQ(t.read_file("mscp", "kxc04"), c82);
  EXPECT_EQ(t.host.ec_public(*t.container_public(3)), t.host.ec_public(k9e));
  const auto guid = wire::find_tlv(*wire::find_tlv(chuid, 0x53), 0x34);
  ASSERT_TRUE(guid);
  EXPECT_EQ(t.read_file(nullptr, "cardid"), Bytes(guid->begin(), guid->end()));
  CARD_KEY_SIZES ks{};
  ks.dwVersion = CARD_KEY_SIZES_CURRENT_VERSION;
  ASSERT_EQ(t.cd.pfnCardQueryKeySizes(&t.cd, AT_KEYEXCHANGE, 0, &ks), 0u);
  EXPECT_EQ(ks.dwMaximumBitlen, 2048u);
  t.TearDown();
}

TEST(MdPivPlain, GidsWinsOnAGidsPlusPivCard) {
  struct T : WithPivCard {
    void TestBody() override {}
  } t;
  t.make(R"("applets":["gids","piv"],"gids":{"user_pin":{"value":"123456"}},"piv":{})");
  ASSERT_EQ(t.acquire(), 0u);
  CARD_CAPABILITIES caps{};
  caps.dwVersion = CARD_CAPABILITIES_CURRENT_VERSION;
  ASSERT_EQ(t.cd.pfnCardQueryCapabilities(&t.cd, &caps), 0u);
  EXPECT_TRUE(caps.fKeyGen);
  t.TearDown();
}

TEST(MdPivPlain, NeitherGidsNorPivIsAnUnknownCard) {
  struct T : WithPivCard {
    void TestBody() override {}
  } t;
  t.make(R"("applets":["iso"])");
  EXPECT_EQ(t.acquire(), DWORD(SCARD_E_UNKNOWN_CARD));
}

}  // namespace
}  // namespace softcard::mdtest
