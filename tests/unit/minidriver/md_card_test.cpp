// The minidriver against an in-process GIDS card with the SKI extension: the CA key-archival
// scenario, shared-key and ECDH establishment, the secure functions, and every rejection with
// the card image unchanged.
#include "md_card_fixture.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

TEST_F(WithEstablishmentKeys, CaKeyArchivalScenario) {
  BYTE buf[256];
  DWORD len = 0;
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_KEY_IMPORT_SUPPORT, buf, 4, &len, 0), 0u);
  EXPECT_EQ(wire::get_u32le({buf, 4}, 0), 0x0Fu);
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_PADDING_SCHEMES, buf, 4, &len,
                                      CARD_ASYMMETRIC_OPERATION),
            0u);
  EXPECT_EQ(wire::get_u32le({buf, 4}, 0), DWORD(CARD_PADDING_PKCS1 | CARD_PADDING_OAEP));
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_ENUM_ALGORITHMS, buf, sizeof buf, &len,
                                      CARD_CIPHER_OPERATION),
            0u);
  EXPECT_EQ(std::u16string((const char16_t*)buf), u"AES");
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_CHAINING_MODES, buf, sizeof buf, &len, 0), 0u);
  EXPECT_EQ(client.pfnCardSetProperty(&client, CP_KEY_IMPORT_SUPPORT, buf, 4, 0),
            SCARD_E_UNSUPPORTED_FEATURE);

  login();
  auto [hs, hc] = rsa_session(0, crypto.digest(HashAlg::sha256, view(std::string_view("S1"))));
  set_props(hs, hc, SOFTCARD_CHAIN_MODE_GCM, from_hex("000102030405060708090a0b"));

  KeyPair k2 = crypto.generate_rsa(2048);
  Bytes blob =
      encrypt(hs, CSF_IMPORT_KEYPAIR,
              import_keypair_struct(1, AT_SIGNATURE, 2048, privatekeyblob(crypto, k2, false)));

  const ObjectMap before = backend->objects();
  for (std::size_t i = 0; i < blob.size(); ++i) {
    Bytes t = blob;
    t[i] ^= 0x80;
    EXPECT_NE(process(hc, CSF_IMPORT_KEYPAIR, t), 0u) << "byte " << i;
    ASSERT_TRUE(backend->objects() == before) << "card image changed after a flip at byte " << i;
  }
  EXPECT_EQ(process(hc, CSF_AUTHENTICATE, blob), SCARD_E_INVALID_PARAMETER);  // wrong function
  Bytes truncated(blob.begin(), blob.begin() + 30);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR, truncated), SCARD_E_INVALID_PARAMETER);
  EXPECT_TRUE(backend->objects() == before);

  ASSERT_EQ(process(hc, CSF_IMPORT_KEYPAIR, blob), 0u);
  const ObjectMap after = backend->objects();
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR, blob), SCARD_W_SECURITY_VIOLATION);  // replay
  EXPECT_TRUE(backend->objects() == after);

  // cmapfile shows an ordinary container 1 with a 2048-bit signature key
  PBYTE cmap = nullptr;
  char dir[] = "mscp", file[] = "cmapfile";
  ASSERT_EQ(client.pfnCardReadFile(&client, dir, file, 0, &cmap, &len), 0u);
  ASSERT_GE(len, 2 * 86u);
  EXPECT_EQ(cmap[86 + 80] & CONTAINER_MAP_VALID_CONTAINER, CONTAINER_MAP_VALID_CONTAINER);
  EXPECT_EQ(cmap[86 + 82] | (cmap[86 + 83] << 8), 2048);
  client.pfnCspFree(cmap);

  // the card signs with K2; the archived public key verifies
  Bytes hash = crypto.digest(HashAlg::sha256, view(std::string_view("challenge")));
  CARD_SIGNING_INFO si{};
  si.dwVersion = 1, si.bContainerIndex = 1, si.dwKeySpec = AT_SIGNATURE,
  si.aiHashAlg = CALG_SHA_256;
  si.pbData = hash.data(), si.cbData = DWORD(hash.size());
  ASSERT_EQ(client.pfnCardSignData(&client, &si), 0u);
  Bytes sig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
  client.pfnCspFree(si.pbSignedData);
  std::reverse(sig.begin(), sig.end());
  EXPECT_TRUE(
      crypto.rsa_verify_pkcs1(crypto.public_key(k2), digest_info(HashAlg::sha256, hash), sig));

  EXPECT_EQ(client.pfnCardDestroyKey(&client, hc), 0u);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR, blob), SCARD_E_INVALID_HANDLE);
}

TEST_F(WithEstablishmentKeys, CbcBlobsAndWrongIv) {
  login();
  auto [hs, hc] = rsa_session(0, Bytes(16, 0x21));
  set_props(hs, hc, CARD_CHAIN_MODE_CBC, Bytes(16, 0x77));
  Bytes blob =
      encrypt(hs, CSF_AUTHENTICATE, authenticate_struct(0, view(std::string_view("123456"))));
  Bytes other_iv(16, 0x78);
  ASSERT_EQ(
      client.pfnCardSetKeyProperty(&client, hc, CKP_INITIALIZATION_VECTOR, other_iv.data(), 16, 0),
      0u);
  EXPECT_EQ(process(hc, CSF_AUTHENTICATE, blob), SCARD_E_INVALID_VALUE);
  Bytes iv(16, 0x77);
  ASSERT_EQ(client.pfnCardSetKeyProperty(&client, hc, CKP_INITIALIZATION_VECTOR, iv.data(), 16, 0),
            0u);
  Bytes out;
  ASSERT_EQ(process(hc, CSF_AUTHENTICATE, blob, &out), 0u);
  ASSERT_EQ(out.size(), 12u);
  EXPECT_EQ(wire::get_u32le(out, 8), 3u);
}

TEST_F(WithCard, SharedKeySessionPinAndChangeAuthenticator) {
  Bytes req = {'S', 'R', 0x01, 0x01, std::uint8_t(ski::Alg::aes256), 32};
  append(req, Bytes(32, 0x5C));
  PBYTE out = nullptr;
  DWORD len = 0;
  CARD_KEY_HANDLE hs = 0, hc = 0;
  ASSERT_EQ(
      server.pfnCardGetSharedKeyHandle(&server, req.data(), DWORD(req.size()), &out, &len, &hs),
      0u);
  Bytes sh(out, out + len);
  server.pfnCspFree(out);
  ASSERT_EQ(client.pfnCardGetSharedKeyHandle(&client, sh.data(), DWORD(sh.size()), &out, &len, &hc),
            0u);
  Bytes ch(out, out + len);
  client.pfnCspFree(out);
  CARD_KEY_HANDLE hs2 = 0;
  ASSERT_EQ(server.pfnCardGetSharedKeyHandle(&server, ch.data(), DWORD(ch.size()), nullptr, nullptr,
                                             &hs2),
            0u);
  ASSERT_EQ(hs2, hs);

  // wrong PIN: attempts remaining come back
  Bytes resp;
  EXPECT_EQ(process(hc, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(0, view(std::string_view("999999")))),
                    &resp),
            SCARD_W_WRONG_CHV);
  ASSERT_EQ(resp.size(), 12u);
  EXPECT_EQ(wire::get_u32le(resp, 8), 2u);

  // generate a session PIN; only the server can read it
  ASSERT_EQ(process(hc, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(CARD_AUTHENTICATE_GENERATE_SESSION_PIN,
                                                view(std::string_view("123456")))),
                    &resp),
            0u);
  const DWORD cb = wire::get_u32le(resp, 4);
  ASSERT_GT(cb, 16u);
  EXPECT_EQ(wire::get_u32le(resp, 8), 3u);
  Bytes pin_blob(resp.begin() + 12, resp.begin() + 12 + cb);
  CARD_ENCRYPTED_DATA ed{pin_blob.data(), cb};
  BYTE token[64];
  DWORD tlen = 0;
  ASSERT_EQ(server.pfnCardProcessEncryptedData(&server, hs, CSF_AUTHENTICATE, &ed, 1, token,
                                               sizeof token, &tlen, 0),
            0u);
  ASSERT_EQ(tlen, 16u);
  EXPECT_EQ(server.pfnCardProcessEncryptedData(&server, hs, CSF_AUTHENTICATE, &ed, 1, token,
                                               sizeof token, &tlen, 0),
            SCARD_W_SECURITY_VIOLATION);  // replay
  ASSERT_EQ(process(hc, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(CARD_AUTHENTICATE_SESSION_PIN, {token, 16}))),
            0u);

  // change the PIN under encryption, then log in with the new one
  ASSERT_EQ(process(hc, CSF_CHANGE_AUTHENTICATOR,
                    encrypt(hs, CSF_CHANGE_AUTHENTICATOR,
                            change_struct(PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER,
                                          view(std::string_view("123456")),
                                          view(std::string_view("654321")))),
                    &resp),
            0u);
  ASSERT_EQ(resp.size(), 8u);
  BYTE pin[] = {'6', '5', '4', '3', '2', '1'};
  char16_t user[] = u"user";
  EXPECT_EQ(client.pfnCardAuthenticatePin(&client, user, pin, 6, nullptr), 0u);
}

TEST_F(WithEstablishmentKeys, SlotsAreBoundedAndVolatile) {
  login();
  std::vector<CARD_KEY_HANDLE> hs;
  for (int i = 0; i < 8; ++i) hs.push_back(rsa_session(0, Bytes(16, std::uint8_t(i))).second);
  PublicKey k1 = crypto.import_public_der(published_establishment_key(0));
  Bytes blob = ski::key_data_blob(Bytes(16, 1));
  Bytes ct = crypto.rsa_encrypt(k1, blob, RsaPadding::pkcs1_v15());
  CARD_KEY_HANDLE h = 0;
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, ct.data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      SCARD_E_NO_MEMORY);
  EXPECT_EQ(client.pfnCardDestroyKey(&client, hs[0]), 0u);
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, ct.data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      0u);
  ct[5] ^= 1;  // corrupt wrap
  EXPECT_EQ(client.pfnCardDestroyKey(&client, h), 0u);
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, ct.data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      NTE_BAD_DATA);
  card->reset();
  BYTE b[4];
  DWORD len = 0;
  EXPECT_EQ(client.pfnCardSetKeyProperty(&client, hs[1], CKP_INITIALIZATION_VECTOR,
                                         Bytes(16, 0).data(), 16, 0),
            SCARD_E_INVALID_HANDLE);  // the card forgot the slot
  (void)b, (void)len;
}

TEST_F(WithEstablishmentKeys, EcdhDerivedSessionKey) {
  login();
  // The server agrees with the key the provisioning published, never with one the client names.
  PublicKey card_pub = crypto.import_public_der(published_establishment_key(6));
  KeyPair eph = crypto.generate_ec(Curve::p256);
  SecretBytes z = crypto.ecdh(eph, crypto.ec_public(card_pub).point);
  SecretBytes sk = ski::derive_ecdh(crypto, z.view(), ski::Alg::aes128);
  Bytes kblob = ski::key_data_blob(sk.view());
  CARD_KEY_HANDLE hs = 0;
  ASSERT_EQ(server.pfnMDImportSessionKey(&server, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &hs,
                                         kblob.data(), DWORD(kblob.size())),
            0u);
  const Bytes point = crypto.ec_public(eph).point;
  wire::EccParts eph_pub;
  eph_pub.ecdh = true;
  eph_pub.x.assign(point.begin() + 1, point.begin() + 33);
  eph_pub.y.assign(point.begin() + 33, point.end());
  Bytes pub = wire::encode_bcrypt_ecckey_blob(eph_pub);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 6,
  ai.dwPublicKey = DWORD(pub.size()), ai.pbPublicKey = pub.data();
  ASSERT_EQ(client.pfnCardConstructDHAgreement(&client, &ai), 0u);
  EXPECT_LT(ai.bSecretAgreementIndex, 4) << "a card agreement";
  char16_t kdf[] = u"HKDF", aes[] = u"AES";
  CARD_DERIVE_KEY dk{};
  dk.dwVersion = 2, dk.dwFlags = 0, dk.pwszKDF = kdf,
  dk.bSecretAgreementIndex = ai.bSecretAgreementIndex, dk.pwszAlgId = aes, dk.dwKeyLen = 128;
  EXPECT_EQ(client.pfnCardDeriveKey(&client, &dk),
            SCARD_E_UNSUPPORTED_FEATURE);  // HKDF bytes would be the SKI session key (D22)
  dk.dwFlags = CARD_RETURN_KEY_HANDLE;
  ASSERT_EQ(client.pfnCardDeriveKey(&client, &dk), 0u);
  EXPECT_EQ(client.pfnCardDeriveKey(&client, &dk), SCARD_E_INVALID_HANDLE);  // agreement consumed
  Bytes resp;
  ASSERT_EQ(process(dk.hKey, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(0, view(std::string_view("123456")))),
                    &resp),
            0u);
}

}  // namespace

namespace {

// docs/ski.md §10: the documented APDUs, byte for byte, against the card.
TEST_F(WithEstablishmentKeys, WorkedExampleApdus) {
  auto tx = [&](const Bytes& apdu) { return card->transmit(apdu); };
  EXPECT_EQ(to_hex(tx(from_hex("8050000000"))),
            "80010f81011f82010f830103840108850108860107870101"
            "9000");
  login();
  PublicKey k1 = crypto.import_public_der(published_establishment_key(0));
  const Bytes sk = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  Bytes key_data = ski::key_data_blob(sk);
  EXPECT_EQ(to_hex(key_data), "4b44424d0100000020000000" + to_hex(sk));
  Bytes ct = crypto.rsa_encrypt(k1, key_data, RsaPadding::oaep(HashAlg::sha256));
  Bytes body = from_hex(
      "800103810103878201"
      "00");
  append(body, ct);
  // 266 bytes: chained (CLA 90, then 80)
  Bytes first = {0x90, 0x52, 0x00, 0x00, 0xFF};
  first.insert(first.end(), body.begin(), body.begin() + 255);
  EXPECT_EQ(to_hex(tx(first)), "9000");
  Bytes last = {0x80, 0x52, 0x00, 0x00, std::uint8_t(body.size() - 255)};
  last.insert(last.end(), body.begin() + 255, body.end());
  last.push_back(0x00);
  EXPECT_EQ(to_hex(tx(last)),
            "840161"
            "9000");
  EXPECT_EQ(to_hex(tx(from_hex("805C0161"
                               "0102"))),
            "9000");  // mode GCM
  EXPECT_EQ(to_hex(tx(from_hex("805C0261"
                               "0C"
                               "a0a1a2a3a4a5a6a7a8a9aaab"))),
            "9000");
  const Bytes example = from_hex(
      "806203005384016187"
      "4e"
      "534b01030103020ceae69a17a2b2e0eb000000010001020304050607a0a1a2a3a4a5a6a7a8a9aaab"
      "0cc10560e98d012fd5542f7cc652f874a75e03cfdb8bea65cb33068580e246606d2e2242d87400");
  EXPECT_EQ(to_hex(tx(example)),
            "07000000"
            "00000000"
            "03000000"
            "9000");
  EXPECT_EQ(to_hex(tx(example)), "6985");  // replay
}

}  // namespace

namespace {

Bytes ecc_private_blob(CryptoProvider& c, const KeyPair& k, DWORD magic) {
  EcPublic pub = c.ec_public(k);
  SecretBytes p8 = c.export_private(k);
  // ECPrivateKey inside PKCS#8: SEQUENCE { INTEGER 1, OCTET STRING d, ... }
  auto outer = der_sequence(p8.view());
  auto ec = der_sequence(outer[2]);
  const std::size_t f = curve_field_size(k.curve());
  wire::EccParts blob;
  blob.curve_bits = curve_bits(k.curve());
  blob.ecdh = magic == wire::ecc_magic(blob.curve_bits, true, true);
  EXPECT_EQ(magic, wire::ecc_magic(blob.curve_bits, blob.ecdh, true));
  blob.has_private = true;
  blob.x.assign(pub.point.begin() + 1, pub.point.begin() + 1 + std::ptrdiff_t(f));
  blob.y.assign(pub.point.begin() + 1 + std::ptrdiff_t(f), pub.point.end());
  blob.d = ec[1];
  return wire::encode_bcrypt_ecckey_blob(blob);
}

TEST_F(WithEstablishmentKeys, ImportEcKeysThroughSki) {
  login();
  auto [hs, hc] = rsa_session(0, Bytes(32, 0x33));
  struct Case {
    DWORD spec;
    Curve curve;
    DWORD magic;
    DWORD bits;
    BYTE idx;
  };
  for (const Case& c :
       {Case{AT_ECDSA_P384, Curve::p384, BCRYPT_ECDSA_PRIVATE_P384_MAGIC, 384, 3},
        Case{AT_ECDHE_P256, Curve::p256, BCRYPT_ECDH_PRIVATE_P256_MAGIC, 256, 4},
        Case{AT_ECDSA_P521, Curve::p521, BCRYPT_ECDSA_PRIVATE_P521_MAGIC, 521, 5}}) {
    KeyPair k = crypto.generate_ec(c.curve);
    Bytes blob = ecc_private_blob(crypto, k, c.magic);
    Bytes wrong = blob;
    wrong[0] ^=
        0x01;  // magic does not match the key spec: refused after decryption, card unchanged
    const ObjectMap before = backend->objects();
    EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                      encrypt(hs, CSF_IMPORT_KEYPAIR,
                              import_keypair_struct(c.idx, c.spec, c.bits, wrong))),
              SCARD_E_INVALID_PARAMETER);
    EXPECT_TRUE(backend->objects() == before);
    ASSERT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                      encrypt(hs, CSF_IMPORT_KEYPAIR,
                              import_keypair_struct(c.idx, c.spec, c.bits, blob))),
              0u)
        << "curve bits " << c.bits;
    CONTAINER_INFO ci{};
    ASSERT_EQ(client.pfnCardGetContainerInfo(&client, c.idx, 0, &ci), 0u);
    PBYTE p = ci.pbKeyExPublicKey ? ci.pbKeyExPublicKey : ci.pbSigPublicKey;
    DWORD n = ci.pbKeyExPublicKey ? ci.cbKeyExPublicKey : ci.cbSigPublicKey;
    EcPublic pub = crypto.ec_public(k);
    EXPECT_EQ(Bytes(p + 8, p + n), Bytes(pub.point.begin() + 1, pub.point.end()));
    client.pfnCspFree(p);
    if (c.spec <= AT_ECDSA_P521) {
      // The injected key signs through CardSignData; the signature verifies with the server's copy.
      const Bytes hash = crypto.digest(HashAlg::sha256, view(std::string_view("challenge")));
      CARD_SIGNING_INFO si{};
      si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
      si.bContainerIndex = c.idx;
      si.dwKeySpec = c.spec;
      si.aiHashAlg = CALG_SHA_256;
      si.pbData = const_cast<PBYTE>(hash.data());
      si.cbData = DWORD(hash.size());
      ASSERT_EQ(client.pfnCardSignData(&client, &si), 0u);
      const Bytes sig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
      client.pfnCspFree(si.pbSignedData);
      EXPECT_TRUE(crypto.ecdsa_verify(crypto.public_key(k), hash, sig)) << "curve bits " << c.bits;
      si.dwKeySpec = AT_SIGNATURE;  // an RSA key spec for an EC container
      EXPECT_EQ(client.pfnCardSignData(&client, &si), DWORD(SCARD_E_INVALID_PARAMETER));
    }
  }
  // occupied container and an admin PIN binding are refused
  KeyPair k = crypto.generate_ec(Curve::p256);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                    encrypt(hs, CSF_IMPORT_KEYPAIR,
                            import_keypair_struct(
                                3, AT_ECDSA_P256, 256,
                                ecc_private_blob(crypto, k, BCRYPT_ECDSA_PRIVATE_P256_MAGIC)))),
            ERROR_FILE_EXISTS);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                    encrypt(hs, CSF_IMPORT_KEYPAIR,
                            import_keypair_struct(
                                6, AT_ECDSA_P256, 256,
                                ecc_private_blob(crypto, k, BCRYPT_ECDSA_PRIVATE_P256_MAGIC),
                                ROLE_ADMIN))),
            SCARD_E_INVALID_PARAMETER);
  // without the user PIN the import is refused
  char16_t user[] = u"user";
  ASSERT_EQ(client.pfnCardDeauthenticate(&client, user, 0), 0u);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                    encrypt(hs, CSF_IMPORT_KEYPAIR,
                            import_keypair_struct(
                                6, AT_ECDSA_P256, 256,
                                ecc_private_blob(crypto, k, BCRYPT_ECDSA_PRIVATE_P256_MAGIC)))),
            SCARD_W_SECURITY_VIOLATION);
}

}  // namespace

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
